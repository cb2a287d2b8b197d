/**
 * The pages as files and as served: nothing from data ever becomes markup (the scripts build the
 * DOM with textContent only), every field has its label, and every answer carries its security headers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ASSET_NAMES, readAsset } from '../../lib/portal/assets';
import { handleRequest, type PortalDeps } from '../../lib/portal/routes';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };
// Static routes need no store: what they read of the dependencies is the upload origin, how staff sign in, and the logger.
const deps = { uploadOrigin: 'https://caqes-drop.s3.eu-west-3.amazonaws.com', auth: { mode: 'local' }, logger: silent } as unknown as PortalDeps;

const get = (path: string, method = 'GET') => handleRequest({ method, path, query: {}, headers: {}, body: null }, deps);

describe('the pages’ files', () => {
  it('never turn text into markup: no innerHTML, insertAdjacentHTML, document.write, eval', () => {
    for (const name of ASSET_NAMES.filter((n) => n.endsWith('.js'))) {
      const source = readAsset(name).body;
      expect(source, name).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    }
  });

  it('are French, sized for any window, give every field a label and announce progress and results', () => {
    for (const name of ['depot.html', 'omedit.html', 'fichiers.html'] as const) {
      const html = readAsset(name).body;
      expect(html).toContain('<html lang="fr">');
      expect(html).toContain('name="viewport"');
      expect(html).not.toMatch(/<script>|\sstyle="|\son[a-z]+="/);
      const ids = [...html.matchAll(/<(?:input|select)[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
      expect(ids.length, name).toBeGreaterThan(0);
      for (const id of ids) expect(html, `${name}: label for ${id}`).toContain(`<label for="${id}"`);
      expect(html).toContain('role="alert"');
      expect(html).toContain('aria-live="polite"');
    }
    const depot = readAsset('depot.html').body;
    // The drop zone holds a real file input: the keyboard and screen readers use it, dragging is extra.
    expect(depot).toMatch(/<div id="zone"[^>]*>\s*<label for="fichier">[^<]+<\/label>\s*<input id="fichier" name="fichier" type="file"/);
    expect(depot).toMatch(/<progress[^>]*aria-label="[^"]+"/);
  });

  it('keep the stylesheet’s text colours dark enough on white (contrast at least 4.5:1)', () => {
    const css = readFileSync(new URL('../../lib/portal/assets/portal.css', import.meta.url), 'utf8');
    const luminance = (hex: string) => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const colours = [...css.matchAll(/(?<![-\w])color:\s*(#[0-9a-f]{6})/gi)].map((m) => m[1]!).filter((c) => c.toLowerCase() !== '#ffffff' && c.toLowerCase() !== '#fff');
    expect(colours.length).toBeGreaterThan(5);
    for (const colour of colours) expect((1 + 0.05) / (luminance(colour) + 0.05), colour).toBeGreaterThanOrEqual(4.5);
  });
});

describe('the pages as served', () => {
  it('come with a Content-Security-Policy that allows no inline code and connects only to the portal and the bucket', async () => {
    const page = await get('/depot');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = page.headers['content-security-policy']!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(csp).toContain("connect-src 'self' https://caqes-drop.s3.eu-west-3.amazonaws.com");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' });
    expect((await get('/omedit')).headers['content-security-policy']).toBe(csp);
    expect(await get('/')).toMatchObject({ status: 302, headers: { location: '/depot' } });
  });

  it('serve the staff page at /connexion too (Cognito sends the browser back there), which may reach Cognito’s token endpoint on AWS only', async () => {
    const page = await get('/connexion');
    expect(page.status).toBe(200);
    expect(page.body).toBe(readAsset('omedit.html').body);
    expect(page.headers['content-security-policy']).not.toContain('amazoncognito');
    const cognito = {
      ...deps,
      auth: { mode: 'cognito', clientId: 'c', authorizeUrl: 'https://caqes-1.auth.eu-west-3.amazoncognito.com/oauth2/authorize', tokenUrl: 'https://caqes-1.auth.eu-west-3.amazoncognito.com/oauth2/token', logoutUrl: 'x', redirectUri: 'y' },
    } as PortalDeps;
    const onAws = await handleRequest({ method: 'GET', path: '/omedit', query: {}, headers: {}, body: null }, cognito);
    expect(onAws.headers['content-security-policy']).toContain("connect-src 'self' https://caqes-drop.s3.eu-west-3.amazonaws.com https://caqes-1.auth.eu-west-3.amazoncognito.com;");
    // Password managers know which field is the password, and fill nothing else with it.
    expect(readAsset('omedit.html').body).toContain('autocomplete="current-password"');
  });

  it('serve the listed assets only: no path reaches another file', async () => {
    expect(await get('/assets/depot.js')).toMatchObject({ status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8' } });
    for (const path of ['/assets/../routes.ts', '/assets/..%2Froutes.ts', '/assets/secrets.js', '/assets/depot.html', '/lib/portal/assets/depot.js', '/favicon.ico']) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(JSON.parse(response.body)).toEqual({ error: { code: 'not-found', message: 'Adresse inconnue.' } });
    }
    expect((await get('/depot', 'POST')).status).toBe(405);
  });

  it('answer the API without credentials with 401 and a French message, as JSON that is never cached', async () => {
    const response = await get('/api/depot');
    expect(response.status).toBe(401);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    expect(JSON.parse(response.body).error.message).toMatch(/^Identification requise/);
    expect((await get('/api/nowhere')).status).toBe(404);
    expect((await get('/api/depot/uploads')).status).toBe(405);
  });
});

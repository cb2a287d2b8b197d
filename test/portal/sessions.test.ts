/**
 * Local accounts on the embedded default: signing in, the session cookie and its attributes, idle
 * and absolute expiry (on an injected clock), signing out, a disabled account, login throttling per
 * account and per address, and writes refused when they do not come from the portal's own pages.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';
import { localDirectory } from '../../lib/portal/accounts';
import { portalDeps } from '../../lib/portal/deps';
import { handleRequest, type PortalDeps } from '../../lib/portal/routes';
import { digest, SESSION_POLICY } from '../../lib/portal/sessions';
import type { StaffRole } from '../../lib/store/account-store';

const PORTAL = 'https://caqes.omedit-test.fr';
const T0 = Date.parse('2026-03-02T08:00:00Z');
const MINUTE = 60_000;

let embedded: Embedded;
let deps: PortalDeps;
let clock = T0;

beforeAll(async () => {
  embedded = await startEmbedded({ portalUrl: PORTAL });
  deps = { ...portalDeps(embedded.runtime), now: () => new Date(clock) };
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
});

interface Call {
  cookie?: string;
  body?: unknown;
  origin?: string | null;
  ip?: string;
  bearer?: string;
}

async function call(method: string, path: string, options: Call = {}) {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin !== null) headers.origin = options.origin ?? PORTAL;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  const response = await handleRequest(
    { method, path, query: {}, headers, body: options.body === undefined ? null : JSON.stringify(options.body), sourceIp: options.ip ?? '10.1.1.1' },
    deps,
  );
  return { status: response.status, headers: response.headers, body: JSON.parse(response.body || 'null') as Record<string, unknown> & { error?: { code: string; message: string } } };
}

async function account(email: string, role: StaffRole = 'omedit', regions: string[] = ['PACA']): Promise<string> {
  const created = await localDirectory(embedded.runtime.accounts, () => new Date(clock)).create({ email, role, regions }, 'test');
  return created!.temporaryPassword!;
}

/** Signs in; the cookie as the browser sends it back. */
async function signIn(email: string, password: string, ip?: string): Promise<string> {
  const answer = await call('POST', '/api/auth/login', { body: { email, password }, ip });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.headers['set-cookie']!.split(';')[0]!;
}

describe('signing in', () => {
  it('sets an HttpOnly, Secure, SameSite=Strict, host-only session cookie, and stores only the SHA-256 of its id', async () => {
    const password = await account('cookie@omedit.test');
    const answer = await call('POST', '/api/auth/login', { body: { email: 'Cookie@Omedit.test ', password } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ name: 'cookie@omedit.test', role: 'omedit', roleLabel: 'Pharmacien OMéDIT', regions: ['PACA'] });
    const cookie = answer.headers['set-cookie']!;
    expect(cookie).toMatch(/^__Host-caqes-session=[A-Za-z0-9_-]{43}; Path=\/; Max-Age=36000; HttpOnly; Secure; SameSite=Strict$/);
    expect(cookie).not.toMatch(/Domain=/i);
    const id = /=([^;]+);/.exec(cookie)![1]!;

    const rt = embedded.runtime;
    const items = JSON.stringify((await rt.clients.dynamo.send(new ScanCommand({ TableName: rt.config.CAQES_TABLE }))).Items);
    expect(items).not.toContain(id);
    expect(items).not.toContain(password);
    expect(items).toContain(`SESSION#${digest(id)}`);
    expect(await rt.sessions.get(digest(id))).toMatchObject({ email: 'cookie@omedit.test', expiresAt: new Date(T0 + SESSION_POLICY.absoluteMs).toISOString() });
  });

  it('answers the same for an unknown address, a wrong password and a disabled account, in French', async () => {
    const password = await account('refus@omedit.test');
    await localDirectory(embedded.runtime.accounts, () => new Date(clock)).create({ email: 'ancien@omedit.test', role: 'omedit', regions: ['PACA'] }, 'test', 'un-mot-de-passe-connu');
    await embedded.runtime.accounts.update('ancien@omedit.test', { status: 'disabled' }, 'test', new Date(clock).toISOString());
    const expected = { status: 401, body: { error: { code: 'login-failed', message: 'Adresse e-mail ou mot de passe incorrect.' } } };
    expect(await call('POST', '/api/auth/login', { body: { email: 'personne@omedit.test', password }, ip: '10.9.0.1' })).toMatchObject(expected);
    expect(await call('POST', '/api/auth/login', { body: { email: 'refus@omedit.test', password: `${password}x` }, ip: '10.9.0.2' })).toMatchObject(expected);
    expect(await call('POST', '/api/auth/login', { body: { email: 'ancien@omedit.test', password: 'un-mot-de-passe-connu' }, ip: '10.9.0.3' })).toMatchObject(expected);
  });

  it('refuses a sign-in that does not come from the portal’s pages (login CSRF), and local sign-in when Cognito is configured', async () => {
    const password = await account('origine@omedit.test');
    for (const origin of [null, 'https://evil.example', 'http://caqes.omedit-test.fr']) {
      expect(await call('POST', '/api/auth/login', { body: { email: 'origine@omedit.test', password }, origin })).toMatchObject({ status: 403, body: { error: { code: 'cross-origin' } } });
    }
    const cognito = { ...deps, auth: { mode: 'cognito' as const, clientId: 'c', authorizeUrl: 'https://a/oauth2/authorize', tokenUrl: 'https://a/oauth2/token', logoutUrl: 'https://a/logout', redirectUri: `${PORTAL}/connexion` } };
    const response = await handleRequest({ method: 'POST', path: '/api/auth/login', query: {}, headers: { origin: PORTAL }, body: JSON.stringify({ email: 'origine@omedit.test', password }) }, cognito);
    expect(response.status).toBe(404);
  });
});

describe('a session', () => {
  it('ends after 30 minutes without a request, and is deleted', async () => {
    clock = T0;
    const cookie = await signIn('idle@omedit.test', await account('idle@omedit.test'));
    clock = T0 + 29 * MINUTE;
    expect((await call('GET', '/api/auth/me', { cookie })).status).toBe(200);
    // Active again 29 minutes later: counted from the last request, not from signing in.
    clock = T0 + 58 * MINUTE;
    expect((await call('GET', '/api/auth/me', { cookie })).status).toBe(200);
    clock = T0 + 58 * MINUTE + SESSION_POLICY.idleMs;
    expect(await call('GET', '/api/auth/me', { cookie })).toEqual({
      status: 401,
      headers: expect.anything(),
      body: { error: { code: 'session-expired', message: 'Votre session a pris fin : identifiez-vous de nouveau.' } },
    });
    // Gone for good: going back in time does not bring it back.
    clock = T0 + 59 * MINUTE;
    expect((await call('GET', '/api/auth/me', { cookie })).status).toBe(401);
  });

  it('ends 10 hours after signing in, however active', async () => {
    clock = T0;
    const cookie = await signIn('journee@omedit.test', await account('journee@omedit.test'));
    for (let t = 20; t < 600; t += 20) {
      clock = T0 + t * MINUTE;
      expect((await call('GET', '/api/auth/me', { cookie })).status, `${t} min`).toBe(200);
    }
    clock = T0 + SESSION_POLICY.absoluteMs;
    expect(await call('GET', '/api/auth/me', { cookie })).toMatchObject({ status: 401, body: { error: { code: 'session-expired' } } });
  });

  it('ends when its account is disabled, at the next request', async () => {
    clock = T0;
    const cookie = await signIn('partant@omedit.test', await account('partant@omedit.test'));
    expect((await call('GET', '/api/auth/me', { cookie })).status).toBe(200);
    await embedded.runtime.accounts.update('partant@omedit.test', { status: 'disabled' }, 'admin@test', new Date(clock).toISOString());
    expect(await call('GET', '/api/auth/me', { cookie })).toMatchObject({ status: 401, body: { error: { code: 'session-expired' } } });
  });

  it('ends when its account’s password is reset, while a session opened after works', async () => {
    clock = T0;
    const cookie = await signIn('oubli@omedit.test', await account('oubli@omedit.test'));
    clock = T0 + MINUTE;
    const reset = await localDirectory(embedded.runtime.accounts, () => new Date(clock)).resetPassword('oubli@omedit.test', 'admin@test');
    clock = T0 + 2 * MINUTE;
    expect(await call('GET', '/api/auth/me', { cookie })).toMatchObject({ status: 401, body: { error: { code: 'session-expired' } } });
    const fresh = await signIn('oubli@omedit.test', reset!.temporaryPassword!);
    expect((await call('GET', '/api/auth/me', { cookie: fresh })).status).toBe(200);
  });

  it('is deleted by signing out, whose answer clears the cookie; the old cookie then opens nothing', async () => {
    clock = T0;
    const cookie = await signIn('sortie@omedit.test', await account('sortie@omedit.test'));
    const out = await call('POST', '/api/auth/logout', { cookie });
    expect(out.status).toBe(200);
    expect(out.headers['set-cookie']).toBe('__Host-caqes-session=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict');
    expect(await call('GET', '/api/auth/me', { cookie })).toMatchObject({ status: 401, body: { error: { code: 'session-expired' } } });
    expect(await call('GET', '/api/omedit/overview', { cookie })).toMatchObject({ status: 401 });
  });

  it('opens no establishment’s page: a staff session is not a personal link', async () => {
    clock = T0;
    const cookie = await signIn('pasdepot@omedit.test', await account('pasdepot@omedit.test'));
    expect(await call('GET', '/api/depot', { cookie })).toMatchObject({ status: 403, body: { error: { message: 'Cette action se fait avec le lien personnel d’un établissement.' } } });
  });
});

describe('writes on a session cookie', () => {
  it('are refused without the portal’s Origin (another site’s form or script), accepted with it; reads and bearer calls need none', async () => {
    clock = T0;
    const cookie = await signIn('csrf@omedit.test', await account('csrf@omedit.test', 'admin', []));
    const body = { email: 'victime@omedit.test', role: 'ars', regions: ['PACA'] };
    for (const origin of [null, 'https://evil.example', 'null']) {
      expect(await call('POST', '/api/admin/accounts', { cookie, body, origin }), String(origin)).toMatchObject({
        status: 403,
        body: { error: { code: 'cross-origin', message: 'Requête refusée : elle ne vient pas d’une page du portail.' } },
      });
    }
    expect(await embedded.runtime.accounts.get('victime@omedit.test')).toBeNull();
    expect((await call('GET', '/api/admin/accounts', { cookie, origin: null })).status).toBe(200);
    expect((await call('POST', '/api/admin/accounts', { cookie, body })).status).toBe(201);
    // The machine credential of caqes link is sent on purpose, never by a browser on its own.
    expect((await call('GET', '/api/omedit/audit', { bearer: embedded.staffToken, origin: null })).status).toBe(200);
  });
});

describe('login throttling', () => {
  it('after 5 failures for an account, makes it wait 30 s, then twice as long at each failure, even with the right password', async () => {
    clock = T0;
    const password = await account('cible@omedit.test');
    const attempt = (pass: string, ip: string) => call('POST', '/api/auth/login', { body: { email: 'cible@omedit.test', password: pass }, ip });
    for (let i = 1; i <= 5; i++) expect((await attempt('devine', `10.2.0.${i}`)).status).toBe(401);
    const refused = await attempt(password, '10.2.0.9');
    expect(refused).toMatchObject({
      status: 429,
      headers: { 'retry-after': '30' },
      body: { error: { code: 'too-many-attempts', message: 'Trop de tentatives de connexion infructueuses. Réessayez dans 30 seconde(s).' } },
    });
    clock = T0 + 30_000;
    expect((await attempt('devine', '10.2.0.10')).status).toBe(401);
    expect(await attempt(password, '10.2.0.11')).toMatchObject({ status: 429, headers: { 'retry-after': '60' }, body: { error: { message: expect.stringContaining('1 minute(s)') } } });
    clock = T0 + 90_000;
    // The right password after the wait: in, and the account's counter starts again.
    expect((await attempt(password, '10.2.0.12')).status).toBe(200);
    expect((await attempt('devine', '10.2.0.13')).status).toBe(401);
    expect((await attempt(password, '10.2.0.14')).status).toBe(200);
  });

  it('after 20 failures from one address, refuses it for every account, while other addresses still sign in', async () => {
    clock = T0 + 3_600_000 * 2;
    const password = await account('voisin@omedit.test');
    for (let i = 0; i < 20; i++) {
      expect((await call('POST', '/api/auth/login', { body: { email: `inconnu${i}@omedit.test`, password: 'devine' }, ip: '10.3.3.3' })).status).toBe(401);
    }
    expect(await call('POST', '/api/auth/login', { body: { email: 'voisin@omedit.test', password }, ip: '10.3.3.3' })).toMatchObject({ status: 429 });
    expect((await call('POST', '/api/auth/login', { body: { email: 'voisin@omedit.test', password }, ip: '10.4.4.4' })).status).toBe(200);
    // Forgotten an hour after the last failure.
    clock += 3_600_000;
    expect((await call('POST', '/api/auth/login', { body: { email: 'voisin@omedit.test', password }, ip: '10.3.3.3' })).status).toBe(200);
  });

  it('keeps no address and no e-mail in its keys, only digests', async () => {
    const rt = embedded.runtime;
    const items = (await rt.clients.dynamo.send(new ScanCommand({ TableName: rt.config.CAQES_TABLE }))).Items ?? [];
    const counters = items.filter((i) => String(i.pk).startsWith('LOGIN#'));
    expect(counters.length).toBeGreaterThan(0);
    for (const c of counters) {
      expect(c.pk).toMatch(/^LOGIN#(ACCOUNT|IP)#[0-9a-f]{64}$/);
      expect(JSON.stringify(c)).not.toMatch(/10\.3\.3\.3|@omedit/);
    }
  });
});

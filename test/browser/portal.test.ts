/**
 * The portal in a real headless Chromium (Debian's, driven by playwright-core; never a downloaded
 * browser), at a hospital's 1024×768: an establishment opens its link, uploads a good and a bad
 * file and sees both results; an expired link is refused; OMéDIT signs in, sees the new status and
 * downloads a workbook; a PACA pharmacist sees PACA only, issues a link, reads the log, signs out
 * and is refused afterwards; an ARS reader sees no write control and is refused a write made by
 * hand; the administrator manages accounts. Skipped only where /usr/bin/chromium is absent (CI
 * installs it: .ci/run).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDirectory } from '../../lib/portal/accounts';
import { issueLink, linkDeps } from '../../lib/portal/links';
import { A, B, badArgumentaire, CAMPAIGN, GOOD_PDF, startPortal, type Portal } from '../portal/fixture';
import { chromiumAvailable, launchBrowser, openPage, seriousViolations } from './chromium';


/** A file name with markup in it: it must be shown as text, never run. */
const HOSTILE_NAME = 'argumentaire <img src=x onerror="window.__xss=1">.csv';

let portal: Portal;
let context: BrowserContext;
let profile: string;

describe.skipIf(!chromiumAvailable)('the portal in Chromium', () => {
  beforeAll(async () => {
    portal = await startPortal();
    profile = await mkdtemp(join(tmpdir(), 'caqes-chromium-'));
    context = await launchBrowser(profile);
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await portal?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  const open = (url: string) => openPage(context, url);


  it('lets an establishment upload a good and a bad file and shows both results', async () => {
    // Before every deadline, as in test/portal/api.test.ts: what is sent comes in time (on the
    // machine's own clock, past 09/03/2026, the page would rightly say the plan came late).
    portal.serving.embedded.setClock(() => new Date('2026-02-24T10:00:00Z'));
    const page = await open(portal.link(A));
    await expect.poll(() => page.locator('#etablissement').textContent()).toContain('CHU Test – Timone – FINESS 130780018 – campagne 2025-S2');
    const owed = page.locator('#echeances');
    await expect.poll(() => owed.textContent()).toContain('Retour des éléments de preuve du semestre 2 – au plus tard le 09/03/2026');
    expect(await owed.textContent()).toContain("Plan d’actions : Non reçu");

    // The keyboard reaches the drop zone's real file input right after the kind.
    await page.focus('#type');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.id')).toBe('fichier');

    // A good file through the file picker.
    await page.selectOption('#type', 'plan_actions');
    await page.setInputFiles('#fichier', { name: 'plan-actions.pdf', mimeType: 'application/pdf', buffer: Buffer.from(GOOD_PDF) });
    await page.click('#envoyer');
    const accepted = page.locator('.resultat.accepte');
    await accepted.waitFor({ timeout: 20_000 });
    expect(await accepted.textContent()).toContain('Fichier accepté');
    await expect.poll(() => page.locator('#etat-envoi').textContent()).toBe('Fichier « plan-actions.pdf » vérifié.');

    // A bad file dropped on the drop zone, its name full of markup.
    await page.selectOption('#type', 'argumentaire_hors_amm');
    // What a drag from the desktop gives the page (evaluated in the page, which has the DOM).
    const dropped = await page.evaluateHandle(
      `(() => { const t = new DataTransfer(); t.items.add(new File([${JSON.stringify(badArgumentaire(A))}], ${JSON.stringify(HOSTILE_NAME)}, { type: 'text/csv' })); return t; })()`,
    );
    await page.dispatchEvent('#zone', 'drop', { dataTransfer: dropped });
    expect(await page.locator('#choisi').textContent()).toContain(`Fichier choisi : ${HOSTILE_NAME}`);
    await page.click('#envoyer');
    const refused = page.locator('.resultat.refuse');
    await refused.waitFor({ timeout: 20_000 });
    expect(await refused.locator('h3').textContent()).toBe(HOSTILE_NAME);
    expect(await refused.textContent()).toContain('Fichier refusé');
    const issue = refused.locator('tbody tr').first();
    expect(await issue.locator('td').allTextContents()).toEqual(['Erreur', '3', 'nb_ucd', expect.stringContaining('« trois »')]);

    // The name was shown, never interpreted.
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.evaluate('window.__xss')).toBeUndefined();

    // The page follows: what is owed, and the history of what was sent.
    await expect.poll(() => owed.textContent()).toContain("Plan d’actions : Reçu et accepté");
    expect(await owed.textContent()).toContain('Argumentaire hors-AMM : Reçu mais refusé');
    const history = page.locator('#historique-liste tbody tr');
    expect(await history.count()).toBe(2);
    expect(await history.allTextContents()).toEqual([expect.stringContaining('Refusé (1 erreur)'), expect.stringContaining('Accepté')]);

    // No serious accessibility violation with both results shown (axe-core, WCAG 2.1 AA).
    expect(await seriousViolations(page)).toEqual([]);

    // Usable in the old window, and narrower: the page never gets wider than the window.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1024);
    await page.setViewportSize({ width: 800, height: 600 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(800);
    await page.done();
  }, 60_000);

  it('refuses an expired link, saying so in French', async () => {
    // Back to the machine's clock: sessions and links of the next tests are stamped with it.
    portal.serving.embedded.setClock();
    const expired = await issueLink(linkDeps(portal.serving.embedded.runtime), {
      region: 'PACA',
      campaign: CAMPAIGN,
      finess: A,
      issuedBy: 'test',
      expiresAt: new Date('2026-01-31T12:00:00Z'),
    });
    const page = await open(expired.url);
    const alert = page.locator('#alerte');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('Ce lien de dépôt a expiré le 31/01/2026. Demandez un nouveau lien à l’OMéDIT.');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.locator('#depot').isHidden()).toBe(true);
    await page.done();
  });

  /** Signs in on the staff page's form, as a person would. */
  async function signIn(page: Page, email: string, password: string): Promise<void> {
    await page.locator('#connexion-form').waitFor();
    await page.fill('#courriel', email);
    await page.fill('#mot-de-passe', password);
    await page.click('#connexion-form button[type="submit"]');
    await page.locator('#deconnexion').waitFor();
  }

  /** A local account with a known password, as `caqes user add --password-file` makes one. */
  async function account(email: string, role: 'omedit' | 'ars' | 'admin', regions: string[]): Promise<string> {
    const rt = portal.serving.embedded.runtime;
    const password = `mot-de-passe-de-${role}-2026`;
    await localDirectory(rt.accounts, rt.now).create({ email, role, regions }, 'test', password);
    return password;
  }

  /** What the page's own script would send, typed by hand in the console: the server decides. */
  function byHand(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; message: string | null }> {
    return page.evaluate(
      `fetch(${JSON.stringify(path)}, { method: ${JSON.stringify(method)}, headers: { 'Content-Type': 'application/json' }, body: ${body === undefined ? 'undefined' : JSON.stringify(JSON.stringify(body))}, credentials: 'same-origin' })
        .then(async (r) => ({ status: r.status, message: ((await r.json()).error || {}).message || null }))`,
    );
  }

  it('shows OMéDIT the new status and downloads a region’s workbook', async () => {
    const [omedit] = portal.serving.accounts;
    const page = await open(portal.serving.omeditUrl);
    await signIn(page, omedit!.email, omedit!.password);
    const row = page.locator(`tr[data-finess="${A}"]`);
    await row.waitFor();
    const text = await row.textContent();
    expect(text).toContain("✔ Reçu et accepté : Plan d’actions");
    // Marked ✘, or late once the deadline of 21/03/2026 has passed.
    expect(text).toContain('Reçu mais refusé : Argumentaire hors-AMM');
    expect(text).toContain('19,0 %');

    // Why the argumentation was refused: its file's result, line and column.
    await row.getByRole('button', { name: /Voir le résultat de argumentaire/ }).click();
    await expect.poll(() => page.locator('#fichier-resultat').textContent()).toContain('« trois »');

    await page.selectOption('#region', 'CORSE');
    await page.click('#filtres-form button[type="submit"]');
    await expect.poll(() => page.locator('#indicateurs-tableau tbody tr').count()).toBe(1);
    // The downloads follow the year and region chosen: Corse's only.
    const downloads = page.locator('#syntheses-liste button');
    await expect.poll(() => downloads.allTextContents()).toContain('Télécharger la synthèse CORSE 2025 (classeur .xlsx)');
    expect((await downloads.allTextContents()).every((b) => b.includes('CORSE 2025'))).toBe(true);
    await page.selectOption('#region', 'PACA');
    await page.click('#filtres-form button[type="submit"]');

    const button = page.getByRole('button', { name: 'Télécharger la synthèse PACA 2025 (classeur .xlsx)' });
    await button.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe('CAQES-synthese-PACA-2025.xlsx');
    const bytes = await readFile((await download.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    await page.click('#deconnexion');
    await page.locator('#connexion-form').waitFor();
    await page.done();
  }, 60_000);

  it('lets a PACA OMéDIT pharmacist sign in, see PACA only, issue a link, read the log, sign out, and then refuses it', async () => {
    const password = await account('pharmacien@omedit-paca.fr', 'omedit', ['PACA']);
    const page = await open(portal.serving.omeditUrl);
    // Nothing shows before signing in.
    await page.locator('#connexion-form').waitFor();
    expect(await page.locator('#suivi').isHidden()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await signIn(page, 'pharmacien@omedit-paca.fr', password);
    expect(await page.locator('#identite').textContent()).toBe('Connecté : pharmacien@omedit-paca.fr – Pharmacien OMéDIT (PACA)');

    await page.locator(`tr[data-finess="${A}"]`).waitFor();
    const shown = await page.locator('#indicateurs-tableau tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-finess')));
    expect(shown.sort()).toEqual([A, B].sort());
    expect(await page.locator('#region option').allTextContents()).toEqual(['Toutes mes régions', 'PACA']);
    expect(await page.locator('#syntheses-liste').textContent()).not.toContain('CORSE');

    // A link for Toulon, from the page.
    await page.selectOption('#lien-etablissement', B);
    await page.fill('#lien-jours', '10');
    await page.click('#liens-form button[type="submit"]');
    const url = page.locator('#lien-url');
    await url.waitFor();
    expect(await url.inputValue()).toMatch(new RegExp(`^${portal.serving.url}/depot#v1\\.`));

    // The log says who did it.
    await page.click('#journal-form button[type="submit"]');
    const issued = page.locator('#journal-liste tr[data-action="link.issued"]').first();
    await issued.waitFor();
    expect(await issued.locator('td').allTextContents()).toEqual([
      expect.any(String),
      'PACA',
      'pharmacien@omedit-paca.fr',
      // A French sentence, the establishment named, no raw JSON.
      expect.stringMatching(/^pharmacien@omedit-paca\.fr a créé un lien de dépôt pour Hôpital de Toulon-Test \(830100012\), campagne 2025-S2, valable jusqu’au \d\d\/\d\d\/\d{4}, le \d\d\/\d\d\/\d{4} à \d\d:\d\d\.$/),
    ]);
    expect(await page.locator('#journal-liste').textContent()).not.toContain('CORSE');

    // Signing out: the page asks to sign in again, and the session opens nothing any more.
    await page.click('#deconnexion');
    await page.locator('#connexion-form').waitFor();
    expect(await page.locator('#alerte').textContent()).toBe('Vous êtes déconnecté.');
    expect(await page.locator('#suivi').isHidden()).toBe(true);
    expect(await byHand(page, 'GET', '/api/omedit/overview')).toMatchObject({ status: 401 });
    expect(await byHand(page, 'POST', '/api/omedit/links', { finess: A, campaign: CAMPAIGN })).toMatchObject({ status: 401 });
    await page.reload();
    await page.locator('#connexion-form').waitFor();
    expect(await page.locator('#suivi').isHidden()).toBe(true);
    await page.done();
  }, 60_000);

  it('shows an ARS reader no control that writes, and refuses a write typed by hand', async () => {
    const password = await account('lecteur@ars-paca.fr', 'ars', ['PACA']);
    const page = await open(portal.serving.omeditUrl);
    await signIn(page, 'lecteur@ars-paca.fr', password);
    await page.locator(`tr[data-finess="${A}"]`).waitFor();
    expect(await page.locator('#identite').textContent()).toBe('Connecté : lecteur@ars-paca.fr – ARS (lecture seule) (PACA)');
    expect(await seriousViolations(page)).toEqual([]);
    // Indicators and summaries, read only: no links, no file results, no log, no accounts.
    for (const section of ['#liens', '#journal', '#comptes']) expect(await page.locator(section).isHidden(), section).toBe(true);
    // Sorting the late list (`.tri`) changes nothing but the order shown.
    const buttons = await page.locator('button:visible:not(.tri)').allTextContents();
    // Reports are read too (« Consulter »), never opened, evaluated or reopened.
    expect(buttons.filter((b) => !b.startsWith('Télécharger la synthèse PACA 2025') && b !== 'Consulter')).toEqual(['Se déconnecter', 'Actualiser']);

    expect(await byHand(page, 'POST', '/api/omedit/links', { finess: A, campaign: CAMPAIGN })).toEqual({
      status: 403,
      message: 'Accès refusé : votre rôle ne permet que la lecture des indicateurs, des rapports et des synthèses.',
    });
    expect(await byHand(page, 'POST', '/api/omedit/links/revoke', { finess: A, campaign: CAMPAIGN })).toMatchObject({ status: 403 });
    expect(await byHand(page, 'GET', '/api/omedit/summary?region=CORSE&year=2025')).toMatchObject({ status: 403 });
    await page.click('#deconnexion');
    await page.locator('#connexion-form').waitFor();
    await page.done();
  }, 60_000);

  it('gives the administrator the accounts and nothing of the regions', async () => {
    const [, admin] = portal.serving.accounts;
    const page = await open(portal.serving.omeditUrl);
    await signIn(page, admin!.email, admin!.password);
    await page.locator('#comptes-liste tbody tr').first().waitFor();
    for (const section of ['#filtres', '#suivi', '#syntheses', '#liens']) expect(await page.locator(section).isHidden(), section).toBe(true);
    await page.fill('#compte-courriel', 'nouvelle@assurance-maladie.fr');
    await page.selectOption('#compte-role', 'assurance_maladie');
    await page.fill('#compte-regions', 'paca, corse');
    await page.click('#compte-form button[type="submit"]');
    await expect.poll(() => page.locator('#compte-resultat').textContent()).toContain('Mot de passe provisoire de nouvelle@assurance-maladie.fr');
    const created = page.locator('tr[data-email="nouvelle@assurance-maladie.fr"]');
    await created.waitFor();
    expect(await created.textContent()).toContain('CORSE, PACA');
    // Its log is the platform's: the account just created is in it.
    await page.click('#journal-form button[type="submit"]');
    await expect.poll(() => page.locator('#journal-liste tr[data-action="account.created"]').count()).toBeGreaterThan(0);
    await page.click('#deconnexion');
    await page.locator('#connexion-form').waitFor();
    await page.done();
  }, 60_000);
});

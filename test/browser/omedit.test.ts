/**
 * OMéDIT's page in Chromium, at 1280×800 and at a hospital's 1024×768, three days after the
 * 09/03/2026 deadline: its first screen names who is late, for what, since when; the list sorts and
 * filters and leads to each establishment's row; nothing scrolls sideways. Screenshots go to
 * SCREENSHOTS (chromium.ts), to be looked at.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDirectory } from '../../lib/portal/accounts';
import { issueLink, linkDeps } from '../../lib/portal/links';
import { A, B, badArgumentaire, CAMPAIGN, D, GOOD_PDF, startPortal, uploadThroughLink, type Portal } from '../portal/fixture';
import { chromiumAvailable, launchBrowser, openPage, screenshot, seriousViolations } from './chromium';

/** Three days after the action plans' deadline (09/03/2026), nine before the argumentation's (21/03/2026). */
const NOW = new Date('2026-03-12T09:00:00Z');

let portal: Portal;
let context: BrowserContext;
let profile: string;

describe.skipIf(!chromiumAvailable)('OMéDIT’s page in Chromium', () => {
  beforeAll(async () => {
    portal = await startPortal();
    // Timone sends its action plan and a wrong argumentation on 24/02/2026, in time; Toulon and
    // Ajaccio send nothing.
    portal.serving.embedded.setClock(() => new Date('2026-02-24T10:00:00Z'));
    await uploadThroughLink(portal, A, 'plan_actions', 'plan-actions.pdf', GOOD_PDF);
    await uploadThroughLink(portal, A, 'argumentaire_hors_amm', 'argumentaire.csv', badArgumentaire(A));
    portal.serving.embedded.setClock();
    profile = await mkdtemp(join(tmpdir(), 'caqes-chromium-'));
    context = await launchBrowser(profile);
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await portal?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  /** Signs in on the page's form; the portal then judges on 12/03/2026 (the session cookie is the browser's, on the real clock). */
  async function signedIn(width: number, height: number, who: 'omedit' | 'admin' = 'omedit'): Promise<Page & { done(): Promise<void> }> {
    const account = portal.serving.accounts[who === 'omedit' ? 0 : 1]!;
    portal.serving.embedded.setClock();
    const page = await openPage(context, portal.serving.omeditUrl);
    await page.setViewportSize({ width, height });
    await page.locator('#connexion-form').waitFor();
    await page.fill('#courriel', account.email);
    await page.fill('#mot-de-passe', account.password);
    await page.click('#connexion-form button[type="submit"]');
    await page.locator('#deconnexion').waitFor();
    portal.serving.embedded.setClock(() => NOW);
    if (who === 'omedit') {
      await page.locator('#suivi-etat').waitFor();
      await page.click('#filtres-form button[type="submit"]');
      await expect.poll(() => page.locator('#suivi-etat').textContent()).toContain('12/03/2026');
    }
    const closeChecked = page.done.bind(page);
    // Each test signs out at its end: the next one starts from the sign-in form.
    return Object.assign(page, {
      async done() {
        await page.click('#deconnexion');
        await page.locator('#connexion-form').waitFor();
        await closeChecked();
      },
    });
  }

  const lateRows = (page: Page) => page.locator('#retards-tableau tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => (c.textContent ?? '').trim())));

  for (const [width, height] of [
    [1280, 800],
    [1024, 768],
  ] as const) {
    it(`names on its first screen who is late, for what, since when, at ${width}×${height}`, async () => {
      const page = await signedIn(width, height);
      expect(await page.locator('#suivi-etat').textContent()).toBe('Au 12/03/2026, année 2025, toutes mes régions.');
      // Per deadline: Timone has its plan; Toulon and Ajaccio are late. The argumentation is still to come.
      const counts = await page.locator('#suivi-echeances tbody tr').evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => c.textContent)));
      expect(counts).toEqual([
        ['Retour des éléments de preuve du semestre 2 (2025-S2)', '09/03/2026 – passée', '1', '0', '0', '⚠ 2 en retard'],
        ['Argumentaire hors-AMM du S2 2025 (2025-S2)', '21/03/2026', '0', '1', '2', '0'],
      ]);
      expect(await lateRows(page)).toEqual([
        ['Hôpital d’Ajaccio-TestFINESS 2A0000717 – CORSE', 'Retour des éléments de preuve du semestre 2 (09/03/2026)', '⚠ En retard', '3 jours de retard', "Plan d’actions (non reçu)"],
        ['Hôpital de Toulon-TestFINESS 830100012 – PACA', 'Retour des éléments de preuve du semestre 2 (09/03/2026)', '⚠ En retard', '3 jours de retard', "Plan d’actions (non reçu)"],
        ['CHU Test – TimoneFINESS 130780018 – PACA', 'Argumentaire hors-AMM du S2 2025 (21/03/2026)', '✘ Fichier refusé', 'échéance à venir', 'Argumentaire hors-AMM (refusé)'],
      ]);
      // Late is said in the word, and marked in colour.
      expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('#retards-tableau .etat-late')).color`)).toBe('rgb(161, 18, 27)');
      // No serious accessibility violation on the whole page as shown (axe-core, WCAG 2.1 AA).
      expect(await seriousViolations(page)).toEqual([]);
      await screenshot(page, `omedit-premier-ecran-${width}`);
      await screenshot(page, `omedit-page-${width}`, true);
      // All of it on the first screen: the last late row's top is inside the window.
      const lastLate = await page.locator(`#retards-tableau tr[data-etablissement="${B}"]`).boundingBox();
      expect(lastLate!.y).toBeLessThan(height);
      // Each region's key figures beside it.
      expect(await page.locator('.chiffres td[data-region="PACA"]').allTextContents()).toEqual(['2', '1', '1 sur 4', '0 sur 2']);
      expect(await page.locator('.chiffres td[data-region="CORSE"]').allTextContents()).toEqual(['1', '1', '0 sur 2', 'aucun jugé']);
      // No sideways scroll, the big table scrolls inside its box with its first column in view.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(width);
      expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('#indicateurs-tableau tbody th')).position`)).toBe('sticky');
      await page.done();
    }, 60_000);
  }

  it('sorts and filters the late, and leads from each to its row and what it sent', async () => {
    const page = await signedIn(1024, 768);
    await page.click('#retards-tableau button[data-tri="name"]');
    expect((await lateRows(page)).map((r) => r[0]!.split('FINESS')[0])).toEqual(['CHU Test – Timone', 'Hôpital d’Ajaccio-Test', 'Hôpital de Toulon-Test']);
    expect(await page.locator('#retards-tableau th[aria-sort]').textContent()).toBe('Établissement');

    await page.fill('#retards-recherche', 'toulon');
    expect((await lateRows(page)).map((r) => r[0])).toEqual(['Hôpital de Toulon-TestFINESS 830100012 – PACA']);
    expect(await page.locator('#retards-nombre').textContent()).toBe('1 ligne sur 3.');
    await page.fill('#retards-recherche', '');
    await page.selectOption('#retards-etat', 'refused');
    expect((await lateRows(page)).map((r) => r[0])).toEqual(['CHU Test – TimoneFINESS 130780018 – PACA']);
    await page.selectOption('#retards-etat', '');
    await page.selectOption('#retards-echeance', { label: 'Retour des éléments de preuve du semestre 2 (09/03/2026)' });
    expect(await page.locator('#retards-tableau tbody tr').count()).toBe(2);

    // Its detail: the row of the table below, with each document said late.
    await page.getByRole('link', { name: 'Hôpital de Toulon-Test' }).click();
    expect(new URL(page.url()).hash).toBe(`#etablissement-${B}`);
    const row = page.locator(`#etablissement-${B}`);
    expect(await row.textContent()).toContain("⚠ En retard – Non reçu : Plan d’actions");
    // Before its deadline a missing document is not late.
    expect(await row.textContent()).toContain('– Non reçu : Argumentaire hors-AMM');
    expect(await row.textContent()).not.toContain('En retard – Non reçu : Argumentaire');
    expect(await page.locator(`#etablissement-${D}`).count()).toBe(1);

    // The sections are reachable from the top.
    expect(await page.locator('#sommaire li:visible a').allTextContents()).toEqual(['Suivi', 'Indicateurs', 'Synthèses', 'Rapports annuels', 'Liens', 'Journal', 'E-mails']);
    await page.done();
  }, 60_000);

  it('lists the e-mails this machine kept without an SMTP relay, for its regions, each text opened on demand (issue 20)', async () => {
    const page = await signedIn(1024, 768);
    await page.click('a[href="#courriels"]');
    const rows = page.locator('#courriels-liste tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(6);
    // `caqes serve --today 2026-02-23` sent the day's reminders at 06:00 UTC, 07:00 in Paris.
    const timone = page.locator('#courriels-liste tbody tr', { hasText: 'a@chu.example' }).filter({ hasText: 'Retour des éléments de preuve' }).first();
    const cells = timone.locator('td');
    expect([await cells.nth(0).textContent(), await cells.nth(1).textContent(), await cells.nth(2).textContent(), await cells.nth(4).textContent()]).toEqual(['23/02/2026 à 07:00', 'PACA', 'a@chu.example', 'conservé sur cette machine, non envoyé']);
    expect(await timone.locator('summary').textContent()).toBe('CAQES 2025-S2 : Retour des éléments de preuve du semestre 2 au plus tard le 09/03/2026 – CHU Test – Timone');
    const text = timone.locator('pre.courriel');
    expect(await text.isVisible()).toBe(false);
    await timone.locator('summary').click();
    expect(await text.isVisible()).toBe(true);
    expect(await text.textContent()).toContain('09/03/2026');
    expect(new Set(await page.locator('#courriels-liste tbody tr td:nth-child(2)').allTextContents())).toEqual(new Set(['PACA', 'CORSE']));
    await page.locator('#courriels').scrollIntoViewIfNeeded();
    await screenshot(page, 'courriels-1024');
    expect(await seriousViolations(page)).toEqual([]);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1024);
    await page.done();
  }, 60_000);

  /** The confirmation shown, its title and consequence. */
  async function confirmation(page: Page): Promise<string[]> {
    const dialog = page.locator('dialog.confirmation');
    await dialog.waitFor();
    return [(await dialog.locator('h2').textContent())!, (await dialog.locator('p').textContent())!];
  }

  it('revokes one link or all of them only once told what stops working', async () => {
    const deps = linkDeps(portal.serving.embedded.runtime);
    for (const day of ['2026-03-01T08:00:00Z', '2026-03-02T08:00:00Z']) {
      await issueLink({ ...deps, now: () => new Date(day) }, { region: 'PACA', campaign: CAMPAIGN, finess: B, issuedBy: 'omedit@caqes.test', expiresAt: new Date('2026-04-30T12:00:00Z') });
    }
    const page = await signedIn(1024, 768);
    await page.click('a[href="#liens"]');
    await page.selectOption('#lien-etablissement', B);
    await page.click('#voir-liens');
    const rows = page.locator('#lien-resultat tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(2);
    const active = () => page.locator('#lien-resultat tbody tr', { hasText: 'Actif' }).count();
    const before = await active();

    const first = page.locator('#lien-resultat tbody tr', { hasText: '01/03/2026' });
    await first.getByRole('button', { name: /Désactiver le lien/ }).click();
    expect(await confirmation(page)).toEqual([
      'Désactiver ce lien de Hôpital de Toulon-Test (830100012) ?',
      'Le lien créé le 01/03/2026 09:00 par omedit@caqes.test cessera de fonctionner aussitôt ; les autres liens de l’établissement restent valables.',
    ]);
    await screenshot(page, 'confirmation-lien-1024');
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await page.locator('dialog.confirmation').count()).toBe(0);
    expect(await active()).toBe(before);
    await first.getByRole('button', { name: /Désactiver le lien/ }).click();
    await page.locator('dialog.confirmation').getByRole('button', { name: 'Désactiver ce lien' }).click();
    await expect.poll(() => page.locator('#lien-resultat p').first().textContent()).toBe('Lien du 01/03/2026 09:00 désactivé.');
    expect(await page.locator('#lien-resultat tbody tr', { hasText: '01/03/2026' }).locator('td').nth(3).textContent()).toBe('Désactivé');
    expect(await page.locator('#lien-resultat tbody tr', { hasText: '02/03/2026' }).locator('td').nth(3).textContent()).toBe('Actif');

    await page.click('#revoquer');
    expect(await confirmation(page)).toEqual([
      'Désactiver tous les liens de Hôpital de Toulon-Test (830100012) pour 2025-S2 ?',
      `${before - 1} lien(s) actif(s) cesseront de fonctionner aussitôt, y compris ceux envoyés dans les relances : l’établissement ne pourra plus rien déposer tant qu’un nouveau lien ne lui aura pas été envoyé. Pour n’en désactiver qu’un, choisissez « Voir ses liens ».`,
    ]);
    await page.locator('dialog.confirmation').getByRole('button', { name: `Désactiver ${before - 1} lien(s)` }).click();
    await expect.poll(() => page.locator('#lien-resultat').textContent()).toBe(`${before - 1} lien(s) désactivé(s) pour Hôpital de Toulon-Test (830100012) (2025-S2).`);

    // The journal tells it in sentences, the establishment named.
    await page.click('a[href="#journal"]');
    await page.click('#journal-form button[type="submit"]');
    const revoked = page.locator('#journal-liste tr[data-action="link.revoked"] td:last-child');
    const all = before - 1 === 1 ? '1 lien' : `${before - 1} liens`;
    // Both at the same instant (the clock is held): their order is the log's, by id.
    await expect.poll(async () => (await revoked.allTextContents()).sort()).toEqual([
      `omedit@caqes.test a désactivé ${all} de dépôt de Hôpital de Toulon-Test (830100012), campagne 2025-S2, le 12/03/2026 à 10:00.`,
      'omedit@caqes.test a désactivé un lien de dépôt de Hôpital de Toulon-Test (830100012), campagne 2025-S2, le 12/03/2026 à 10:00.',
    ]);
    await page.locator('#journal').scrollIntoViewIfNeeded();
    await screenshot(page, 'journal-1024');
    expect(await seriousViolations(page)).toEqual([]);
    await page.done();
  }, 60_000);

  it('asks the administrator before disabling an account or resetting its password', async () => {
    const rt = portal.serving.embedded.runtime;
    await localDirectory(rt.accounts, rt.now).create({ email: 'lecteur@ars-paca.fr', role: 'ars', regions: ['PACA'] }, 'test', 'mot-de-passe-lecteur-2026');
    const page = await signedIn(1024, 768, 'admin');
    expect(await page.locator('.banner h1').textContent()).toBe('Administration de la plateforme');
    const row = page.locator('tr[data-email="lecteur@ars-paca.fr"]');
    await row.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await row.getByRole('button', { name: 'Désactiver lecteur@ars-paca.fr' }).click();
    expect(await confirmation(page)).toEqual([
      'Désactiver le compte lecteur@ars-paca.fr ?',
      'Ce compte ne pourra plus se connecter et ses sessions ouvertes seront fermées aussitôt. Pour lui rendre l’accès, il faudra créer un nouveau compte.',
    ]);
    await page.locator('dialog.confirmation').getByRole('button', { name: 'Annuler' }).click();
    expect(await row.locator('td').nth(3).textContent()).toBe('Actif');

    await row.getByRole('button', { name: 'Réinitialiser le mot de passe de lecteur@ars-paca.fr' }).click();
    expect((await confirmation(page))[0]).toBe('Réinitialiser le mot de passe de lecteur@ars-paca.fr ?');
    await page.locator('dialog.confirmation').getByRole('button', { name: 'Réinitialiser le mot de passe' }).click();
    await expect.poll(() => page.locator('#compte-resultat').textContent()).toContain('Mot de passe provisoire de lecteur@ars-paca.fr');

    await row.getByRole('button', { name: 'Désactiver lecteur@ars-paca.fr' }).click();
    await page.locator('dialog.confirmation').getByRole('button', { name: 'Désactiver le compte' }).click();
    await expect.poll(() => row.locator('td').nth(3).textContent()).toBe('Désactivé');
    await page.done();
  }, 60_000);
});

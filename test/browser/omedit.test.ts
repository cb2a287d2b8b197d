/**
 * OMéDIT's page in Chromium, at 1280×800 and at a hospital's 1024×768, three days after the
 * 09/03/2026 deadline: its first screen names who is late, for what, since when; the list sorts and
 * filters and leads to each establishment's row; nothing scrolls sideways. Screenshots are written
 * to `CAQES_SCREENSHOTS` (default: the system's temporary folder) to be looked at.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { A, B, badArgumentaire, D, GOOD_PDF, startPortal, uploadThroughLink, type Portal } from '../portal/fixture';
import { chromiumAvailable, launchBrowser, openPage } from './chromium';

const SHOTS = process.env.CAQES_SCREENSHOTS ?? join(tmpdir(), 'caqes-screenshots');
/** Three days after the action plans' deadline (09/03/2026), nine before the argumentation's (21/03/2026). */
const NOW = new Date('2026-03-12T09:00:00Z');

let portal: Portal;
let context: BrowserContext;
let profile: string;

describe.skipIf(!chromiumAvailable)('OMéDIT’s page in Chromium', () => {
  beforeAll(async () => {
    portal = await startPortal();
    // Timone sends its action plan and a wrong argumentation; Toulon and Ajaccio send nothing.
    await uploadThroughLink(portal, A, 'plan_actions', 'plan-actions.pdf', GOOD_PDF);
    await uploadThroughLink(portal, A, 'argumentaire_hors_amm', 'argumentaire.csv', badArgumentaire(A));
    await mkdir(SHOTS, { recursive: true });
    profile = await mkdtemp(join(tmpdir(), 'caqes-chromium-'));
    context = await launchBrowser(profile);
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await portal?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  async function signedIn(width: number, height: number): Promise<Page & { done(): Promise<void> }> {
    const [omedit] = portal.serving.accounts;
    portal.serving.embedded.setClock();
    const page = await openPage(context, portal.serving.omeditUrl);
    await page.setViewportSize({ width, height });
    // One browser profile for the file: the session of an earlier test may still be open.
    await page.locator('#connexion-form:visible, #deconnexion:visible').first().waitFor();
    if (await page.locator('#connexion-form').isVisible()) {
      await page.fill('#courriel', omedit!.email);
      await page.fill('#mot-de-passe', omedit!.password);
      await page.click('#connexion-form button[type="submit"]');
    }
    await page.locator('#suivi-etat').waitFor();
    // The session's cookie is the browser's, on the real clock; the portal then judges on 12/03/2026.
    portal.serving.embedded.setClock(() => NOW);
    await page.click('#filtres-form button[type="submit"]');
    await expect.poll(() => page.locator('#suivi-etat').textContent()).toContain('12/03/2026');
    return page;
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
        ['Hôpital d’Ajaccio-TestFINESS 2A0000717 – CORSE', 'Retour des éléments de preuve du semestre 2 (09/03/2026)', '⚠ En retard', '3 jour(s) de retard', "Plan d'actions (non reçu)"],
        ['Hôpital de Toulon-TestFINESS 830100012 – PACA', 'Retour des éléments de preuve du semestre 2 (09/03/2026)', '⚠ En retard', '3 jour(s) de retard', "Plan d'actions (non reçu)"],
        ['CHU Test – TimoneFINESS 130780018 – PACA', 'Argumentaire hors-AMM du S2 2025 (21/03/2026)', '✘ Fichier refusé', 'échéance à venir', 'Argumentaire hors-AMM (refusé)'],
      ]);
      // Late is said in the word, and marked in colour.
      expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('#retards-tableau .etat-late')).color`)).toBe('rgb(161, 18, 27)');
      await page.screenshot({ path: join(SHOTS, `omedit-premier-ecran-${width}.png`) });
      await page.screenshot({ path: join(SHOTS, `omedit-page-${width}.png`), fullPage: true });
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
    expect(await row.textContent()).toContain("⚠ En retard – Non reçu : Plan d'actions");
    // Before its deadline a missing document is not late.
    expect(await row.textContent()).toContain('– Non reçu : Argumentaire hors-AMM');
    expect(await row.textContent()).not.toContain('En retard – Non reçu : Argumentaire');
    expect(await page.locator(`#etablissement-${D}`).count()).toBe(1);

    // The sections are reachable from the top.
    expect(await page.locator('#sommaire li:visible a').allTextContents()).toEqual(['Suivi', 'Indicateurs', 'Synthèses', 'Rapports annuels', 'Liens', 'Journal']);
    await page.done();
  }, 60_000);
});

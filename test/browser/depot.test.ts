/**
 * The establishment's page in Chromium at 1024×768 and 1280×800: its annual report is among what is
 * expected, with its date and state, and what is owed follows each upload without a reload.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { B, GOOD_PDF, PORTAL_FILES, startPortal, type Portal } from '../portal/fixture';

/** The fixture's calendar with the annual report due 31/03/2026: `caqes serve` opens the reports. */
const CALENDAR = 'referential/calendrier-2025.csv';
const WITH_REPORT = { [CALENDAR]: `${PORTAL_FILES[CALENDAR]}2025;auto_evaluation;31/03/2026;;;Rapport annuel d’auto-évaluation 2025\n` };
import { chromiumAvailable, launchBrowser, openPage, screenshot, seriousViolations } from './chromium';

let portal: Portal;
let context: BrowserContext;
let profile: string;

describe.skipIf(!chromiumAvailable)('the establishment’s page in Chromium', () => {
  beforeAll(async () => {
    portal = await startPortal(WITH_REPORT);
    // The day the fixture's region was processed: the report is not locked yet.
    portal.serving.embedded.setClock(() => new Date('2026-02-23T09:00:00Z'));
    profile = await mkdtemp(join(tmpdir(), 'caqes-chromium-'));
    context = await launchBrowser(profile);
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await portal?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('lists the annual report among what is expected and follows each upload', async () => {
    const page = await openPage(context, portal.link(B));
    const expected = page.locator('#echeances');
    const report = page.locator('#attendu-rapport');
    await report.waitFor();
    // In date order, after the two deadlines of documents. The deadline's day counts (issue 17's strict deadlines):
    // « au plus tard le », never « avant le », the report's own deadline included (it is editable on 31/03).
    expect(await expected.locator('h3').allTextContents()).toEqual([
      'Retour des éléments de preuve du semestre 2 – au plus tard le 09/03/2026 (dans 14 jours)',
      'Argumentaire hors-AMM du S2 2025 – au plus tard le 21/03/2026 (dans 26 jours)',
      'Rapport annuel d’auto-évaluation CAQES 2025 – au plus tard le 31/03/2026 (dans 36 jours)',
    ]);
    expect(await report.innerText()).toBe('Rapport du contrat C2 : Non commencé – 7 points à compléter avant de le soumettre Remplir le rapport');
    const blockers = page.locator('#rapport-blocages li');
    expect(await blockers.allTextContents()).toContainEqual(expect.stringContaining("Plan d’actions (2025-S2) : non reçu"));
    await screenshot(page, 'depot-attendus-1024');
    expect(await seriousViolations(page)).toEqual([]);
    // Who changed the report last: OMéDIT's opening by `caqes serve`, said as an automatic processing, not a command's name.
    expect(await page.locator('#rapport-etat').textContent()).toMatch(/dernière modification le \d\d\/\d\d\/\d{4} à \d\d:\d\d : Ouvert par l’OMéDIT \(traitement automatique\)$/);

    // Text typed in the report and not saved yet stays as typed through an upload.
    await page.fill('#rapport-MO-actions', 'Revue des prescriptions hors-AMM en COMEDIMS');
    await page.selectOption('#type', 'plan_actions');
    await page.setInputFiles('#fichier', { name: 'plan-actions.pdf', mimeType: 'application/pdf', buffer: Buffer.from(GOOD_PDF) });
    await page.click('#envoyer');
    await page.locator('.resultat.accepte').waitFor({ timeout: 20_000 });

    // What the report lacks and what is expected follow at once, without a reload.
    await expect.poll(() => blockers.allTextContents()).not.toContainEqual(expect.stringContaining("Plan d’actions (2025-S2)"));
    expect(await blockers.count()).toBe(6);
    expect(await report.innerText()).toContain('6 points à compléter');
    expect(await expected.innerText()).toContain("Plan d’actions : Reçu et accepté");
    expect(await page.inputValue('#rapport-MO-actions')).toBe('Revue des prescriptions hors-AMM en COMEDIMS');

    await page.setViewportSize({ width: 1280, height: 800 });
    await screenshot(page, 'depot-apres-depot-1280');
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
    expect(await seriousViolations(page)).toEqual([]);
    await page.done();
  }, 60_000);
});

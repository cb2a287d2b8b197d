/**
 * The portal in a real headless Chromium (Debian's, driven by playwright-core; never a downloaded
 * browser), at a hospital's 1024×768: an establishment opens its link, uploads a good and a bad
 * file and sees both results; an expired link is refused; OMéDIT sees the new status and downloads
 * a workbook. Skipped only where /usr/bin/chromium is absent (CI installs it: .ci/run).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueLink, linkDeps } from '../../lib/portal/links';
import { A, badArgumentaire, CAMPAIGN, GOOD_PDF, startPortal, type Portal } from '../portal/fixture';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`Browser tests skipped: ${CHROMIUM} is absent (install it with: apt-get install -y chromium).`);

/** A file name with markup in it: it must be shown as text, never run. */
const HOSTILE_NAME = 'argumentaire <img src=x onerror="window.__xss=1">.csv';

let portal: Portal;
let context: BrowserContext;
let profile: string;

describe.skipIf(!available)('the portal in Chromium', () => {
  beforeAll(async () => {
    portal = await startPortal();
    profile = await mkdtemp(join(tmpdir(), 'caqes-chromium-'));
    // A fresh profile each run (Playwright passes it as --user-data-dir).
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1024, height: 768 },
      locale: 'fr-FR',
      acceptDownloads: true,
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await portal?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  /** Opens a page; `done` closes it and checks its scripts threw nothing. */
  async function open(url: string): Promise<Page & { done(): Promise<void> }> {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    return Object.assign(page, {
      async done() {
        await page.close();
        expect(errors).toEqual([]);
      },
    });
  }

  it('lets an establishment upload a good and a bad file and shows both results', async () => {
    const page = await open(portal.link(A));
    await expect.poll(() => page.locator('#etablissement').textContent()).toContain('CHU Test – Timone – FINESS 130780018 – campagne 2025-S2');
    const owed = page.locator('#echeances');
    await expect.poll(() => owed.textContent()).toContain('Retour des éléments de preuve du semestre 2 – avant le 09/03/2026');
    expect(await owed.textContent()).toContain("Plan d'actions : Non reçu");

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
    await expect.poll(() => owed.textContent()).toContain("Plan d'actions : Reçu et accepté");
    expect(await owed.textContent()).toContain('Argumentaire hors-AMM : Reçu mais refusé');
    const history = page.locator('#historique-liste tbody tr');
    expect(await history.count()).toBe(2);
    expect(await history.allTextContents()).toEqual([expect.stringContaining('Refusé (1 erreur)'), expect.stringContaining('Accepté')]);

    // Usable in the old window, and narrower: the page never gets wider than the window.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1024);
    await page.setViewportSize({ width: 800, height: 600 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(800);
    await page.done();
  }, 60_000);

  it('refuses an expired link, saying so in French', async () => {
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
    expect(await page.locator('#depot').isHidden()).toBe(true);
    await page.done();
  });

  it('shows OMéDIT the new status and downloads a region’s workbook', async () => {
    const page = await open(portal.serving.omeditUrl);
    const row = page.locator(`tr[data-finess="${A}"]`);
    await row.waitFor();
    // The credential left the address bar for the tab's storage.
    expect(page.url()).toBe(`${portal.serving.url}/omedit`);
    const text = await row.textContent();
    expect(text).toContain("✔ Reçu et accepté : Plan d'actions");
    expect(text).toContain('✘ Reçu mais refusé : Argumentaire hors-AMM');
    expect(text).toContain('19,0 %');

    await page.selectOption('#region', 'CORSE');
    await page.click('#filtres-form button[type="submit"]');
    await expect.poll(() => page.locator('#suivi-tableau tbody tr').count()).toBe(1);

    const button = page.getByRole('button', { name: 'Télécharger la synthèse PACA 2025 (.xlsx)' });
    await button.waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toBe('CAQES-synthese-PACA-2025.xlsx');
    const bytes = await readFile((await download.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    await page.done();
  }, 60_000);
});

/**
 * OMéDIT's inputs page in Debian's Chromium (issue 25): a Corse OMéDIT pharmacist downloads a
 * template, sends a calendar and an ATIH extract from the page, sees each report, and Corse's
 * indicators follow, PACA's untouched; a file with a PACA row is refused with its line; a file over
 * the multipart threshold (lowered by configuration to 1 MiB) goes in parts with its progress, and
 * resumes after the line drops. Skipped only where /usr/bin/chromium is absent.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDirectory } from '../../lib/portal/accounts';
import { A, D, startPortal, type Portal } from '../portal/fixture';
import { chromiumAvailable, launchBrowser, openPage, screenshot, seriousViolations } from './chromium';

const EMAIL = 'pharmacien@omedit-corse.fr';
const PASSWORD = 'mot-de-passe-omedit-corse-2026';

let portal: Portal;
let context: BrowserContext;
let profile: string;

/** D's and A's MO value for 2025, as the pipeline computed it. */
async function moValue(region: string, finess: string): Promise<number | null> {
  const results = await portal.serving.embedded.runtime.results.list(region, 2025);
  return results.find((r) => r.indicator === 'MO' && r.scope === 'site' && r.finess === finess)?.value ?? null;
}

async function send(page: Page, kind: string, fileName: string, content: string): Promise<void> {
  await page.selectOption('#type', kind);
  await page.fill('#annee', '2025');
  await page.setInputFiles('#fichier', { name: fileName, mimeType: 'text/csv', buffer: Buffer.from(content) });
  await page.click('#envoyer');
}

describe.skipIf(!chromiumAvailable)('OMéDIT’s inputs page in Chromium', () => {
  beforeAll(async () => {
    // The page sends in parts beyond this size: 1 MiB, so that a 12 MB file takes three parts.
    process.env.CAQES_MULTIPART_FROM_BYTES = String(1024 ** 2);
    portal = await startPortal();
    const rt = portal.serving.embedded.runtime;
    await localDirectory(rt.accounts, rt.now).create({ email: EMAIL, role: 'omedit', regions: ['CORSE'] }, 'test', PASSWORD);
    profile = await mkdtemp(join(tmpdir(), 'caqes-chromium-inputs-'));
    context = await launchBrowser(profile);
  }, 60_000);

  afterAll(async () => {
    delete process.env.CAQES_MULTIPART_FROM_BYTES;
    await context?.close();
    await portal?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
  });

  it('downloads a template, sends a calendar and an extract, shows each report, and Corse’s indicators follow', async () => {
    expect(await moValue('CORSE', D)).toBe(9);
    expect(await moValue('PACA', A)).toBe(19);
    const page = await openPage(context, `${portal.serving.url}/omedit/fichiers`);
    await page.locator('#connexion-form').waitFor();
    await page.fill('#courriel', EMAIL);
    await page.fill('#mot-de-passe', PASSWORD);
    await page.click('#connexion-form button[type="submit"]');
    await page.locator('#formulaire').waitFor();
    expect(await page.locator('#region').inputValue()).toBe('CORSE');

    // The calendar's template, as CSV: its header and an example row.
    const [template] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Modèle CSV – Calendrier des échéances' }).click()]);
    expect(template.suggestedFilename()).toBe('modele-calendrier.csv');
    const csv = await readFile((await template.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('\ufeffcampagne;echeance;date;region;indicateur;documents;libelle;rigueur');

    // Corse's own calendar, from the template's layout.
    await send(page, 'calendrier', 'calendrier corse.csv', [csv.split('\r\n')[0], '2025-S2;retour_preuves;16/03/2026;CORSE;MO;plan_actions;Retour des preuves (Corse);', ''].join('\r\n'));
    const accepted = page.locator('.resultat.accepte');
    await expect.poll(() => accepted.first().textContent(), { timeout: 20_000 }).toContain('Fichier accepté – Calendrier des échéances');

    // An ATIH extract: D now 5 I999 UCD of 100.
    await send(page, 'atih-mo', 'extrait ATIH corse.csv', ['finess;annee;ucd;code_indication;nb_ucd;montant', `${D};2025;9385412;I999;5;500`, `${D};2025;9385412;I000487;95;9 500`, ''].join('\n'));
    await expect.poll(() => accepted.first().textContent(), { timeout: 20_000 }).toContain('Fichier accepté – Extrait ATIH molécules onéreuses');
    await expect.poll(() => moValue('CORSE', D), { timeout: 20_000 }).toBe(5);
    expect(await moValue('PACA', A)).toBe(19);

    // A referential with a PACA row: refused, with the line and column to fix.
    await page.selectOption('#type', 'etablissements');
    expect(await page.locator('#annee-champ').isHidden()).toBe(true);
    await page.setInputFiles('#fichier', {
      name: 'etablissements.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(['finess;finess_juridique;raison_sociale;region;categorie;contrat;emails', `${A};130780000;CHU Test – Timone;PACA;ex-DG;C1;a@chu.example`, ''].join('\n')),
    });
    await page.click('#envoyer');
    const refused = page.locator('.resultat.refuse');
    await refused.waitFor({ timeout: 20_000 });
    const report = await refused.textContent();
    expect(report).toContain('Fichier refusé');
    expect(report).toContain('Ligne d’une autre région que celle de ce dépôt : « PACA » (ce dépôt est pour CORSE).');
    expect(await refused.locator('tbody tr td').nth(1).textContent()).toBe('2');

    // The files in force, who sent them; the refused referential is in its history, not in force: the
    // one in force is the referential `caqes serve` dropped into the drop zone (PACA and Corse).
    const calendar = page.locator('article.entree[data-kind="calendrier"]');
    await expect.poll(() => calendar.textContent()).toContain(`calendrier corse.csv (2025) – envoyé par ${EMAIL}`);
    const referential = page.locator('article.entree[data-kind="etablissements"]');
    await expect.poll(() => referential.locator('details summary').textContent()).toBe('Tous les envois (2)');
    const inForce = referential.locator('> ul > li');
    await referential.scrollIntoViewIfNeeded();
    await screenshot(page, 'fichiers-liste-1024');
    expect(await inForce.count()).toBe(1);
    expect(await inForce.textContent()).toContain('etablissements.csv – déposé dans la zone de dépôt le ');
    expect(await inForce.textContent()).toContain('Contient aussi des lignes d’autres régions');
    expect(await inForce.getByRole('button', { name: 'Télécharger' }).count()).toBe(0);

    // The page as shown, with its reports and every list open: no serious accessibility violation, no sideways scroll.
    await page.locator('details').evaluateAll((all) => all.forEach((d) => d.setAttribute('open', '')));
    for (const [width, height] of [
      [1024, 768],
      [1280, 800],
    ] as const) {
      await page.setViewportSize({ width, height });
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), `${width}`).toBeLessThanOrEqual(width);
      await screenshot(page, `fichiers-${width}`);
    }
    expect(await seriousViolations(page)).toEqual([]);
    await page.done();
  }, 90_000);

  it('sends a file over the threshold in parts with its progress, and resumes it where the line dropped', async () => {
    // 12 MB: D's whole year, 2 I999 UCD among 400 002.
    const lines = ['finess;annee;ucd;code_indication;nb_ucd;montant', `${D};2025;9385412;I999;2;20`];
    for (let i = 0; i < 400_000; i++) lines.push(`${D};2025;9385412;I000487;1;10,00`);
    const path = join(profile, 'MO corse 2025 complet.csv');
    await writeFile(path, lines.join('\n') + '\n');

    const page = await openPage(context, `${portal.serving.url}/omedit/fichiers`);
    await page.locator('#formulaire').waitFor();
    const parts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PUT') parts.push(new URL(r.url()).searchParams.get('partNumber') ?? '?');
    });
    // The bar's values as the page moves it.
    await page.evaluate(`window.seen = []; setInterval(() => { const bar = document.getElementById('progression'); if (!bar.hidden && window.seen[window.seen.length - 1] !== bar.value) window.seen.push(bar.value); }, 10)`);

    // The line drops on the second part.
    const second = (url: URL) => url.searchParams.get('partNumber') === '2';
    await context.route(second, (route) => route.abort());
    await page.selectOption('#type', 'atih-mo');
    await page.fill('#annee', '2025');
    await page.setInputFiles('#fichier', path);
    await page.click('#envoyer');
    await expect.poll(() => page.locator('#etat-envoi').textContent(), { timeout: 20_000 }).toBe('L’envoi a été interrompu : choisissez de nouveau le même fichier, l’envoi reprendra où il s’est arrêté.');
    expect(parts).toEqual(['1', '2']);
    await context.unroute(second);

    // The same file chosen again: only the parts still missing go.
    await page.setInputFiles('#fichier', path);
    await page.click('#envoyer');
    const accepted = page.locator('.resultat.accepte', { hasText: 'MO corse 2025 complet.csv' });
    await expect.poll(() => accepted.textContent(), { timeout: 60_000 }).toContain('400\u202f001 lignes acceptées sur 400\u202f001');
    expect(parts).toEqual(['1', '2', '2', '3']);
    const seen = await page.evaluate<number[]>('window.seen');
    expect(seen.some((v) => v > 0 && v < 100), seen.join(' ')).toBe(true);
    expect(seen.slice(1).every((v, i) => v >= seen[i]! || v === 0), seen.join(' ')).toBe(true);
    expect(await page.evaluate('Object.keys(localStorage).filter((k) => k.startsWith("caqes-envoi:")).length')).toBe(0);
    await expect.poll(() => moValue('CORSE', D), { timeout: 20_000 }).toBeCloseTo((2 / 400_002) * 100, 9);
    await page.done();
  }, 120_000);
});

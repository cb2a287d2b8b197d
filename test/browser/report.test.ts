/**
 * The self-evaluation report in a real headless Chromium at 1024×768: an establishment of a
 * multi-site contract reads the computed results (its site, the other, the contract as a whole),
 * sees what blocks the submission, fills in, saves, reloads, submits and downloads the printable
 * page; OMéDIT signs in, finds the report submitted, reads its history, evaluates it and records the
 * final result. A report of a year whose deadline has passed is shown locked, its upload form closed.
 * The portal's clock is the real one: the 2025 deadline is set two months from today, the 2024 one
 * in the past.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Serving } from '../../lib/cli/serve';
import { formatFrenchDate } from '../../lib/io/french';
import { localDirectory } from '../../lib/portal/accounts';
import { issueLink, linkDeps } from '../../lib/portal/links';
import { chromiumAvailable, launchBrowser, openPage, screenshot, seriousViolations } from './chromium';
import { writeDataDir } from '../helpers/data-dir';


const A = '130780018'; // CHU Seul, C-SEUL
const NORD = '130786049'; // C-MULTI
const EST = '130001647'; // C-MULTI
const DEADLINE = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);

const files: Record<string, string> = {
  'referential/etablissements.csv': [
    'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails',
    `${A};130780000;CHU Seul;PACA;ex-DG;C-SEUL;pui@seul.example`,
    `${NORD};${NORD};Hôpital Nord;PACA;ex-DG;C-MULTI;pui@nord.example`,
    `${EST};${EST};Hôpital Est;PACA;ex-DG;C-MULTI;pui@est.example`,
    '',
  ].join('\n'),
  'referential/ciblage-2025.csv': ['finess;indicateur', `${A};MO`, `${NORD};MO`, `${EST};MO`, ''].join('\n'),
  'referential/ciblage-2024.csv': ['finess;indicateur', `${A};MO`, ''].join('\n'),
  'referential/calendrier-2025.csv': ['campagne;echeance;date;indicateur;documents;libelle', `2025;auto_evaluation;${formatFrenchDate(DEADLINE)};;;Rapport annuel d’auto-évaluation 2025`, ''].join('\n'),
  'referential/calendrier-2024.csv': ['campagne;echeance;date;indicateur;documents;libelle', '2024;auto_evaluation;31/03/2025;;;Rapport annuel d’auto-évaluation 2024', ''].join('\n'),
  // Nord 30 I999 UCD of 100, Est 10 of 300: the contract 40 of 400, 10,0 %.
  'atih/2025/mo-2025.csv': [
    'finess;annee;mois;ucd;libelle;code_indication;nb_ucd;montant',
    `${NORD};2025;2;9412631;IG;I999;30;3 000,00`,
    `${NORD};2025;2;9412631;IG;I000125;70;7 000,00`,
    `${EST};2025;3;3400893826631;RITUXIMAB;I999;10;1 000,00`,
    `${EST};2025;3;3400893826631;RITUXIMAB;I000313;290;29 000,00`,
    `${A};2025;1;9412631;IG;I999;5;500,00`,
    `${A};2025;1;9412631;IG;I000125;95;9 500,00`,
    '',
  ].join('\n'),
  // Every hors-AMM line argued ("100% prescriptions hors AMM argumentées"), so that MO is met as computed.
  [`evidence/2025/${NORD}/argumentaire_hors_amm/argumentaire.csv`]: ['finess;ucd;libelle;code_indication;nb_ucd;argumentaire;amm_miroir;exclusion', `${NORD};9412631;IG;I999;30;Décision de RCP;;non`, ''].join('\n'),
  [`evidence/2025/${EST}/argumentaire_hors_amm/argumentaire.csv`]: ['finess;ucd;libelle;code_indication;nb_ucd;argumentaire;amm_miroir;exclusion', `${EST};3400893826631;RITUXIMAB;I999;10;PNDS;;non`, ''].join('\n'),
};

let serving: Serving;
let dataDir: string;
let context: BrowserContext;
let profile: string;

async function link(finess: string, campaign: string): Promise<string> {
  return (await issueLink(linkDeps(serving.embedded.runtime), { region: 'PACA', campaign, finess, issuedBy: 'test' })).url;
}

describe.skipIf(!chromiumAvailable)('the self-evaluation report in Chromium', () => {
  beforeAll(async () => {
    dataDir = await writeDataDir('caqes-report-browser-', files);
    process.env.CAQES_SERVE_STATE = join(dataDir, 'serve.json');
    serving = await startServe({ port: 0, dataDir, today: new Date().toISOString().slice(0, 10) });
    profile = await mkdtemp(join(tmpdir(), 'caqes-chromium-'));
    context = await launchBrowser(profile);
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await serving?.stop();
    if (profile) await rm(profile, { recursive: true, force: true });
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const open = (url: string) => openPage(context, url);


  it('lets a site fill in, save, submit and download its contract’s report', async () => {
    const page = await open(await link(NORD, '2025'));
    const section = page.locator('#rapport');
    await section.waitFor();
    expect(await page.locator('#rapport-titre').textContent()).toContain('contrat C-MULTI');
    expect(await page.locator('#rapport-etat').textContent()).toContain(`échéance le ${formatFrenchDate(DEADLINE)}`);
    const results = await page.locator('#rapport-contenu').textContent();
    expect(results).toContain('Hôpital Est');
    expect(results).toContain('Hôpital Nord');
    expect(results).toContain('Ensemble du contrat (somme des sites)');
    expect(results).toContain('10,0 %');
    // What blocks the submission, said before anything is typed.
    await expect.poll(() => page.locator('#rapport-blocages li').count()).toBe(4);

    await page.check('#rapport-MO-auto-met');
    await page.fill('#rapport-MO-actions', 'Revue trimestrielle des prescriptions hors-AMM en COMEDIMS');
    await page.fill('#rapport-MO-item-lignes_argumentees', '97,5');
    await page.selectOption('#rapport-MO-item-anomalies_corrigees', 'oui');
    // Leaving now would lose what was typed: the page asks the browser to warn (its own words), and no longer once saved.
    const leaving = `(() => { const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented; })()`;
    expect(await page.evaluate<boolean>(leaving)).toBe(true);
    await page.click('#rapport-enregistrer');
    await expect.poll(() => page.locator('#rapport-message').textContent()).toBe('Brouillon enregistré (version 2).');
    expect(await page.evaluate<boolean>(leaving)).toBe(false);
    expect(await page.locator('#rapport-blocages li').count()).toBe(0);

    // What was saved is there after a reload, from the other site's link too.
    const other = await open(await link(EST, '2025'));
    await other.locator('#rapport').waitFor();
    await expect.poll(() => other.inputValue('#rapport-MO-actions')).toBe('Revue trimestrielle des prescriptions hors-AMM en COMEDIMS');
    expect(await other.inputValue('#rapport-MO-item-lignes_argumentees')).toBe('97,5');
    await other.done();

    // Submitting locks the report: the page says so first, and "Annuler" changes nothing.
    await page.click('#rapport-soumettre');
    const dialog = page.locator('dialog.confirmation');
    await dialog.waitFor();
    expect(await dialog.locator('h2').textContent()).toBe('Soumettre le rapport à l’OMéDIT ?');
    expect(await dialog.locator('p').textContent()).toBe('Une fois soumis, le rapport est verrouillé : vous ne pourrez plus le modifier, sauf si l’OMéDIT le rouvre.');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Annuler');
    await screenshot(page, 'confirmation-soumettre-1024');
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    expect(await dialog.count()).toBe(0);
    expect(await page.locator('#rapport-message').textContent()).toBe('Brouillon enregistré (version 2).');
    expect(await page.locator('#rapport-etat').textContent()).not.toContain('Soumis');
    await page.click('#rapport-soumettre');
    await dialog.getByRole('button', { name: 'Soumettre le rapport' }).click();
    await expect.poll(() => page.locator('#rapport-message').textContent()).toBe('Rapport soumis à l’OMéDIT.');
    expect(await page.locator('#rapport-etat').textContent()).toContain('Statut : Soumis');
    expect(await page.locator('#rapport-enregistrer').isHidden()).toBe(true);
    expect(await page.locator('#rapport-MO-actions').count()).toBe(0);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#rapport-exporter')]);
    expect(download.suggestedFilename()).toBe('CAQES-auto-evaluation-2025-C-MULTI.html');
    const printable = await readFile((await download.path())!, 'utf8');
    expect(printable).toContain('C-MULTI');
    expect(printable).toContain('Revue trimestrielle des prescriptions hors-AMM en COMEDIMS');
    expect(printable).toContain('Soumis');
    // The printable page is read in a browser too: no serious accessibility violation (issue 22).
    const printed = await context.newPage();
    await printed.setContent(printable, { waitUntil: 'load' });
    expect(await seriousViolations(printed)).toEqual([]);
    await printed.close();
    await page.done();
  }, 60_000);

  it('lets OMéDIT find it submitted, read its history, evaluate it and record the final result', async () => {
    const rt = serving.embedded.runtime;
    const password = 'mot-de-passe-omedit-rapport-2026';
    await localDirectory(rt.accounts, rt.now).create({ email: 'omedit@rapport.test', role: 'omedit', regions: ['PACA'] }, 'test', password);
    const page = await open(serving.omeditUrl);
    await page.locator('#connexion-form').waitFor();
    await page.fill('#courriel', 'omedit@rapport.test');
    await page.fill('#mot-de-passe', password);
    await page.click('#connexion-form button[type="submit"]');
    await page.locator('#deconnexion').waitFor();

    const row = page.locator('#rapports-liste tr', { hasText: 'C-MULTI' });
    await row.waitFor();
    expect(await row.textContent()).toContain('Soumis');
    await row.getByRole('button', { name: 'Consulter le rapport du contrat C-MULTI' }).click();
    await expect.poll(() => page.locator('#rapport-detail-titre').textContent()).toContain('contrat C-MULTI (PACA)');

    await page.click('#rapport-detail-historique');
    await expect.poll(() => page.locator('#rapport-detail-historique-liste').textContent()).toContain('Rapport soumis');
    expect(await page.locator('#rapport-detail-historique-liste').textContent()).toContain('Établissement 130786049 (lien personnel)');
    expect(await page.locator('#rapport-detail-historique-liste tr').count()).toBeGreaterThanOrEqual(4);

    await page.getByRole('button', { name: 'Accepter le résultat calculé' }).click();
    await expect.poll(() => page.locator('#rapport-detail-message').textContent()).toBe('Évaluation de l’indicateur MO enregistrée.');
    const leaving = `(() => { const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented; })()`;
    expect(await page.evaluate<boolean>(leaving)).toBe(false);
    await page.selectOption('#rapport-final-resultat', 'met');
    await page.fill('#rapport-final-commentaire', 'Objectifs du contrat atteints');
    // A final result and its comment chosen and not recorded: leaving makes the browser warn, as on the establishment's page (issue 22).
    expect(await page.evaluate<boolean>(leaving)).toBe(true);
    await page.click('#rapport-final button[type="submit"]');
    await expect.poll(() => page.locator('#rapport-detail-etat').textContent()).toContain('Évalué');
    expect(await page.evaluate<boolean>(leaving)).toBe(false);
    await expect.poll(() => row.textContent()).toContain('Évalué');
    await page.done();
  }, 60_000);

  it('shows a report locked past its deadline, and closes the upload form', async () => {
    const page = await open(await link(A, '2024'));
    await page.locator('#rapport').waitFor();
    await expect.poll(() => page.locator('#rapport-avis').textContent()).toBe(
      'Le rapport d’auto-évaluation 2024 est verrouillé depuis l’échéance du 31/03/2025 : plus aucune modification ni aucune pièce de l’année ne peut être prise en compte. Seule l’OMéDIT peut le rouvrir.',
    );
    expect(await page.locator('#rapport-etat').textContent()).toContain('Statut : Verrouillé');
    expect(await page.locator('#rapport-enregistrer').isHidden()).toBe(true);
    expect(await page.locator('#rapport-soumettre').isHidden()).toBe(true);
    await expect.poll(() => page.locator('#depot-ferme').textContent()).toContain('verrouillé');
    expect(await page.locator('#depot-ferme').isVisible()).toBe(true);
    await page.done();
  }, 60_000);
});

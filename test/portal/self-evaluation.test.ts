/**
 * The self-evaluation report through the portal's API on the embedded default, as `caqes serve`
 * runs it: a multi-site contract (Nord and Est, one contract) and a single-site one in PACA, a Corse
 * site; the 2025 calendar's auto_evaluation deadline on 31/03/2026. The clock is moved by hand:
 * before the deadline the establishment fills in, saves, submits; after it the report and the
 * year's evidence are locked until OMéDIT reopens it; OMéDIT reviews it and reads its history.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Serving } from '../../lib/cli/serve';
import ExcelJS from 'exceljs';
import { remindDeps, runReminders } from '../../lib/pipeline/remind';
import { buildSummary } from '../../lib/pipeline/summarize';
import { SUMMARY_SHEETS } from '../../lib/report/summary-workbook';
import { localDirectory } from '../../lib/portal/accounts';
import { portalDeps } from '../../lib/portal/deps';
import type { ApiRequest } from '../../lib/portal/http';
import { issueLink, linkDeps } from '../../lib/portal/links';
import { handleRequest, type PortalDeps } from '../../lib/portal/routes';
import type { Runtime } from '../../lib/runtime';
import { s3Keys } from '../../lib/store/keys';
import { openedReport, saveDeclarations } from '../../lib/domain/self-evaluation';
import { writeDataDir } from '../helpers/data-dir';

const A = '130780018'; // CHU Seul, contract C-SEUL
const NORD = '130786049'; // contract C-MULTI
const EST = '130001647'; // contract C-MULTI
const D = '2A0000717'; // Corse, contract C-CORSE

const files: Record<string, string> = {
  'referential/etablissements.csv': [
    'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails',
    `${A};130780000;CHU Seul;PACA;ex-DG;C-SEUL;pui@seul.example`,
    `${NORD};${NORD};Hôpital Nord;PACA;ex-DG;C-MULTI;pui@nord.example`,
    `${EST};${EST};Hôpital Est;PACA;ex-DG;C-MULTI;pui@est.example`,
    `${D};2A0000709;Hôpital d’Ajaccio;Corse;ex-DG;C-CORSE;pui@ajaccio.example`,
    '',
  ].join('\n'),
  'referential/ciblage-2025.csv': ['finess;indicateur', `${A};MO`, `${NORD};MO`, `${EST};MO`, `${NORD};DMI`, `${D};MO`, ''].join('\n'),
  'referential/calendrier-2025.csv': ['campagne;echeance;date;indicateur;documents;libelle', '2025;auto_evaluation;31/03/2026;;;Rapport annuel d’auto-évaluation 2025', ''].join('\n'),
  'referential/parametres-2025.csv': ['parametre;region;valeur', 'emails_omedit;PACA;omedit-paca@omedit.example', ''].join('\n'),
  // Nord: 30 I999 UCD of 100 (30 %); Est: 10 of 300 (3,3 %). The contract: 40 of 400, 10 % (not the 16,7 % average of the rates).
  'atih/2025/mo-2025.csv': [
    'finess;annee;mois;ucd;libelle;code_indication;nb_ucd;montant',
    `${A};2025;1;9412631;IG;I999;5;500,00`,
    `${A};2025;1;9412631;IG;I000125;95;9 500,00`,
    `${NORD};2025;2;9412631;IG;I999;30;3 000,00`,
    `${NORD};2025;2;9412631;IG;I000125;70;7 000,00`,
    `${EST};2025;3;3400893826631;RITUXIMAB;I999;10;1 000,00`,
    `${EST};2025;3;3400893826631;RITUXIMAB;I000313;290;29 000,00`,
    `${D};2025;4;9385412;TRASTUZUMAB;I999;9;900,00`,
    `${D};2025;4;9385412;TRASTUZUMAB;I000487;91;9 100,00`,
    '',
  ].join('\n'),
  // Every I999 UCD argued for the year ("100% prescriptions hors AMM argumentées"), so that MO is met where its share is.
  ...Object.fromEntries(
    ([[A, '9412631', 5], [NORD, '9412631', 30], [EST, '3400893826631', 10], [D, '9385412', 9]] as const).map(([finess, ucd, units]) => [
      `evidence/2025/${finess}/argumentaire_hors_amm/u0-argumentaire.csv`,
      ['finess;ucd;libelle;code_indication;nb_ucd;argumentaire;amm_miroir;exclusion', `${finess};${ucd};X;I999;${units};Décision de RCP;;non`, ''].join('\n'),
    ]),
  ),
};

const PDF = '%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n';

let serving: Serving;
let dataDir: string;
let rt: Runtime;
let deps: PortalDeps;
let origin: string;
let omedit: Record<string, string>;
let omeditPassword: string;
const bearer = new Map<string, Record<string, string>>();

/**
 * Moves the portal's clock (and the stamps of the S3 events it receives) to an instant, and signs
 * OMéDIT in again: its session would not outlive the days jumped.
 */
async function at(iso: string): Promise<void> {
  serving.embedded.setClock(() => new Date(iso));
  omedit = await signIn('omedit@report.test', omeditPassword);
}

async function signIn(email: string, password: string): Promise<Record<string, string>> {
  const login = await handleRequest({ method: 'POST', path: '/api/auth/login', query: {}, headers: { origin }, body: JSON.stringify({ email, password }), sourceIp: '127.0.0.1' }, deps);
  expect(login.status).toBe(200);
  return { cookie: login.headers['set-cookie']!.split(';')[0]! };
}

async function ask(request: Omit<ApiRequest, 'headers' | 'sourceIp'>, who: Record<string, string>) {
  const response = await handleRequest({ ...request, headers: { ...who, origin }, sourceIp: '127.0.0.1' }, deps);
  const json = response.headers['content-type']?.startsWith('application/json');
  return { status: response.status, headers: response.headers, text: response.body, body: json ? JSON.parse(response.body) : {} };
}
const get = (path: string, query: Record<string, string> = {}) => ({ method: 'GET', path, query, body: null });
const post = (path: string, body: unknown) => ({ method: 'POST', path, query: {}, body: JSON.stringify(body) });
const staffReport = (contrat: string) => ({ region: 'PACA', year: '2025', contrat });

/** An evidence file as the establishment's browser posts it to S3, then ingested. */
async function drop(finess: string, kind: string, fileName: string, body = PDF): Promise<string> {
  const key = s3Keys.evidence('2025', finess, kind, `u${Math.random().toString(36).slice(2, 10)}`, fileName);
  await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: body }));
  await serving.embedded.drain();
  return key;
}

const MO_DONE = {
  selfAssessment: 'met',
  actions: 'Revue trimestrielle des prescriptions hors-AMM en COMEDIMS',
  comments: '',
  missedReason: '',
  items: { valeur_declaree: 10, lignes_argumentees: 100, anomalies_corrigees: true },
};
const DMI_DONE = {
  selfAssessment: 'met',
  actions: 'Cartographie ANAP, plan d’actions validé en CME, audit de traçabilité',
  comments: '',
  missedReason: '',
  items: { cartographie_plan: true, audit_tracabilite: true },
};

beforeAll(async () => {
  dataDir = await writeDataDir('caqes-report-data-', files);
  process.env.CAQES_SERVE_STATE = join(dataDir, 'serve.json');
  serving = await startServe({ port: 0, dataDir, today: '2026-02-23' });
  rt = serving.embedded.runtime;
  deps = portalDeps(rt);
  origin = serving.url;
  // The account is made on the scenario's first day: a temporary password is dated when it is given.
  serving.embedded.setClock(() => new Date('2026-02-23T10:00:00+01:00'));
  omeditPassword = (await localDirectory(rt.accounts, rt.now).create({ email: 'omedit@report.test', role: 'omedit', regions: ['PACA'] }, 'test'))!.temporaryPassword!;
  await at('2026-02-23T10:00:00+01:00');
  for (const finess of [A, NORD, EST]) {
    // Valid over the whole scenario, so that what refuses the report after its deadline is its lock, not the link.
    const link = await issueLink(linkDeps(rt), { region: 'PACA', campaign: '2025', finess, issuedBy: 'test', expiresAt: new Date('2026-06-30T00:00:00Z') });
    bearer.set(finess, { authorization: `Bearer ${link.token}` });
  }
}, 90_000);

afterAll(async () => {
  await serving?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('opened by OMéDIT', () => {
  it('one report per contract with a targeted site, each not started, in OMéDIT’s own regions only', async () => {
    expect(serving.reports).toEqual([{ year: 2025, contracts: 3 }]);
    const list = await ask(get('/api/omedit/reports', { year: '2025' }), omedit);
    expect(list.status).toBe(200);
    expect(list.body.reports.map((r: { contrat: string; status: string; deadline: string }) => [r.contrat, r.status, r.deadline])).toEqual([
      ['C-MULTI', 'not_started', '2026-03-31'],
      ['C-SEUL', 'not_started', '2026-03-31'],
    ]);
    expect(list.body.reports[0].sites).toEqual([
      { finess: EST, name: 'Hôpital Est' },
      { finess: NORD, name: 'Hôpital Nord' },
    ]);
  });
});

describe('a multi-site contract', () => {
  it('shows each site and the contract as a whole: sums of numerators and denominators, not an average of rates', async () => {
    const report = await ask(get('/api/omedit/report', staffReport('C-MULTI')), omedit);
    expect(report.status).toBe(200);
    const mo = report.body.sections.find((s: { indicator: string }) => s.indicator === 'MO');
    const rows = mo.rows.map((r: { scope: string; name: string; numerator: string; denominator: string; value: string }) => [r.scope, r.name, r.numerator, r.denominator, r.value]);
    expect(rows).toEqual([
      ['site', 'Hôpital Est', '10', '300', '3,3 %'],
      ['site', 'Hôpital Nord', '30', '100', '30,0 %'],
      ['contract', 'Ensemble du contrat (somme des sites)', '40', '400', '10,0 %'],
    ]);
    expect(mo.headline.scope).toBe('contract');
    // Each computed value names the file it came from and the day it was received.
    // The argumentations its share argued was read from are listed beside the extract.
    expect(mo.headline.files).toEqual([
      { name: 'mo-2025.csv', received: '23/02/2026' },
      { name: 'argumentaire.csv', received: '23/02/2026' },
    ]);
  });

  it('is the same report from either site’s link, and each site is asked only for what it is targeted on', async () => {
    const fromNord = await ask(get('/api/depot/report'), bearer.get(NORD)!);
    const fromEst = await ask(get('/api/depot/report'), bearer.get(EST)!);
    expect(fromNord.body.contrat).toBe('C-MULTI');
    expect(fromEst.body.contrat).toBe('C-MULTI');
    const dmi = fromNord.body.sections.find((s: { indicator: string }) => s.indicator === 'DMI');
    expect(new Set(dmi.evidence.map((e: { finess: string }) => e.finess))).toEqual(new Set([NORD]));
  });
});

describe('filled in through the establishment’s link', () => {
  it('says what blocks the submission, saves drafts as new versions, and refuses a stale one', async () => {
    const empty = await ask(get('/api/depot/report'), bearer.get(NORD)!);
    expect(empty.body).toMatchObject({ status: 'not_started', editable: true, canSubmit: false, version: 1 });
    // Each blocker named by the indicator's French label, never its bare code (issue 22: « MO : » reads as jargon).
    expect(empty.body.blockers).toEqual([
      'Pertinence des prescriptions des médicaments de la liste en sus (MO) : indiquez si l’objectif est atteint selon vous',
      'Pertinence des prescriptions des médicaments de la liste en sus (MO) : décrivez les actions menées',
      'Pertinence des prescriptions des médicaments de la liste en sus (MO) : renseignez « Part des prescriptions hors-AMM argumentées (%) »',
      'Pertinence des prescriptions des médicaments de la liste en sus (MO) : renseignez « Anomalies de codage PMSI corrigées »',
      'Qualité, sécurité et bon usage des dispositifs médicaux implantables (DMI) : indiquez si l’objectif est atteint selon vous',
      'Qualité, sécurité et bon usage des dispositifs médicaux implantables (DMI) : décrivez les actions menées',
      'Qualité, sécurité et bon usage des dispositifs médicaux implantables (DMI) : renseignez « Cartographie (ANAP ou RESOMEDIT) réalisée et plan d’actions établi (2 points) »',
      'Qualité, sécurité et bon usage des dispositifs médicaux implantables (DMI) : renseignez « Audit de traçabilité et d’information du patient réalisé (1 point) »',
      'Qualité, sécurité et bon usage des dispositifs médicaux implantables (DMI) : Hôpital Nord – Cartographie DMI (2025) : non reçu, attendu pour le 31/03/2026',
      // DMI's plan is its own kind, plan_actions_dmi, labelled « Plan d’actions DMI » (issue 18).
      'Qualité, sécurité et bon usage des dispositifs médicaux implantables (DMI) : Hôpital Nord – Plan d’actions DMI (2025) : non reçu, attendu pour le 31/03/2026',
      'Qualité, sécurité et bon usage des dispositifs médicaux implantables (DMI) : Hôpital Nord – Audit DMI (2025) : non reçu, attendu pour le 31/03/2026',
    ]);

    const draft = await ask(post('/api/depot/report', { version: 1, declarations: { MO: MO_DONE } }), bearer.get(NORD)!);
    expect(draft.status).toBe(200);
    expect(draft.body).toMatchObject({ status: 'draft', version: 2 });
    // Another tab still on version 1 cannot overwrite it.
    const stale = await ask(post('/api/depot/report', { version: 1, declarations: {} }), bearer.get(EST)!);
    expect(stale).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect(stale.body.error.message).toMatch(/^Le rapport a été modifié entre-temps \(version 2, enregistrée le 23\/02\/2026\)/);
    const reread = await ask(get('/api/depot/report'), bearer.get(EST)!);
    expect(reread.body.sections.find((s: { indicator: string }) => s.indicator === 'MO').declaration).toEqual(MO_DONE);
  });

  it('refuses a declaration the report does not ask for', async () => {
    const wrong = await ask(post('/api/depot/report', { version: 2, declarations: { IPP: { ...MO_DONE, items: {} } } }), bearer.get(NORD)!);
    expect(wrong).toMatchObject({ status: 400 });
    expect(wrong.body.error.message).toContain('le contrat n’est pas ciblé sur l’indicateur IPP cette année');
  });

  it('refuses an incomplete submission with what is still missing, then takes it once complete and evidence received', async () => {
    const incomplete = await ask(post('/api/depot/report/submit', { version: 2, declarations: { MO: MO_DONE, DMI: DMI_DONE } }), bearer.get(NORD)!);
    expect(incomplete).toMatchObject({ status: 422, body: { error: { code: 'report-incomplete' } } });
    // Only DMI's three documents are still owed, by Nord.
    expect(incomplete.body.error.details).toHaveLength(3);
    for (const detail of incomplete.body.error.details as string[]) expect(detail).toContain('Hôpital Nord');

    await drop(NORD, 'cartographie_dmi', 'cartographie.pdf');
    // DMI's plan is owed as its own kind, plan_actions_dmi (issue 18), not the generic plan_actions.
    await drop(NORD, 'plan_actions_dmi', 'plan.pdf');
    await drop(NORD, 'audit_dmi', 'audit.pdf');
    const submitted = await ask(post('/api/depot/report/submit', { version: 2, declarations: { MO: MO_DONE, DMI: DMI_DONE } }), bearer.get(NORD)!);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', version: 3, editable: false });
    const again = await ask(post('/api/depot/report', { version: 3, declarations: {} }), bearer.get(EST)!);
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'conflict' } } });
    expect(again.body.error.message).toContain('Le rapport a déjà été soumis');
  });

  it('cannot be read or written from another contract’s link', async () => {
    const own = await ask(get('/api/depot/report'), bearer.get(A)!);
    expect(own.body.contrat).toBe('C-SEUL');
    expect(JSON.stringify(own.body)).not.toContain('Hôpital Nord');
    // A's save names no contract: it can only reach its own, which C-MULTI's version never sees.
    expect((await ask(post('/api/depot/report', { version: 1, declarations: { MO: { ...MO_DONE, actions: 'Saisi par A' } } }), bearer.get(A)!)).status).toBe(200);
    const multi = await rt.reports.get('PACA', 2025, 'C-MULTI');
    expect(multi).toMatchObject({ version: 3, state: 'submitted' });
    expect(JSON.stringify(multi)).not.toContain('Saisi par A');
    // Nor through OMéDIT's routes.
    expect((await ask(get('/api/omedit/report', staffReport('C-MULTI')), bearer.get(A)!)).status).toBe(403);
  });
});

describe('the reminders before the deadline', () => {
  it('list what each report still lacks, part by part, and nothing once it is submitted', async () => {
    const run = await runReminders('2026-03-24', remindDeps(rt), { dryRun: true });
    const auto = run.reminders.filter((r) => r.deadline === 'auto_evaluation');
    // C-MULTI is submitted: neither Nord nor Est is reminded. C-SEUL is complete, not submitted. C-CORSE is empty.
    expect(auto.map((r) => [r.finess, r.step, r.owed.map((o) => `${o.state}: ${o.detail}`)])).toEqual([
      [
        D,
        'J-7',
        [
          'empty: Pertinence des prescriptions des médicaments de la liste en sus (MO) : indiquez si l’objectif est atteint selon vous',
          'empty: Pertinence des prescriptions des médicaments de la liste en sus (MO) : décrivez les actions menées',
          'empty: Pertinence des prescriptions des médicaments de la liste en sus (MO) : renseignez « Part des prescriptions hors-AMM argumentées (%) »',
          'empty: Pertinence des prescriptions des médicaments de la liste en sus (MO) : renseignez « Anomalies de codage PMSI corrigées »',
        ],
      ],
      [A, 'J-7', ['not_submitted: complet mais pas encore soumis : soumettez-le depuis votre lien personnel']],
    ]);
    const corse = auto[0]!.email;
    expect(corse.text).toContain('  - Rapport annuel d’auto-évaluation (Pertinence des prescriptions des médicaments de la liste en sus (MO) : décrivez les actions menées)\n');
    expect(corse.html).toContain('Rapport annuel d’auto-évaluation');
  });
});

describe('locked at the auto_evaluation deadline', () => {
  it('takes edits and evidence on the deadline day itself', async () => {
    await at('2026-03-31T23:30:00+02:00');
    const page = await ask(get('/api/depot/report'), bearer.get(A)!);
    expect(page.body).toMatchObject({ locked: false, editable: true });
    const key = await drop(A, 'plan_actions', 'plan-du-31.pdf');
    expect((await ask(get('/api/depot/result', { key }), bearer.get(A)!)).body).toMatchObject({ status: 'accepted' });
  });

  it('refuses every edit and every evidence of the year from the next day, and says so', async () => {
    await at('2026-04-01T08:00:00+02:00');
    const page = await ask(get('/api/depot/report'), bearer.get(A)!);
    expect(page.body).toMatchObject({ status: 'locked', locked: true, editable: false, canSubmit: false });
    const locked = 'Le rapport d’auto-évaluation 2025 est verrouillé depuis l’échéance du 31/03/2026 : plus aucune modification ni aucune pièce de l’année ne peut être prise en compte. Seule l’OMéDIT peut le rouvrir.';
    expect(page.body.notice).toContain('verrouillé');
    expect(await ask(post('/api/depot/report', { version: 2, declarations: {} }), bearer.get(A)!)).toMatchObject({ status: 409, body: { error: { code: 'report-locked', message: locked } } });
    expect(await ask(post('/api/depot/report/submit', { version: 2, declarations: {} }), bearer.get(A)!)).toMatchObject({ status: 409, body: { error: { code: 'report-locked' } } });

    // The upload page closes its form, and the form is refused anyway.
    expect((await ask(get('/api/depot'), bearer.get(A)!)).body.uploadsClosed).toBe(locked);
    expect(await ask(post('/api/depot/uploads', { kind: 'plan_actions', fileName: 'plan.pdf', size: 100 }), bearer.get(A)!)).toMatchObject({ status: 409, body: { error: { code: 'report-locked' } } });

    // A file that reaches the bucket anyway is kept and refused by ingest, with the reason.
    const key = await drop(A, 'plan_actions', 'plan-tardif.pdf');
    const result = await ask(get('/api/depot/result', { key }), bearer.get(A)!);
    expect(result.body).toMatchObject({ status: 'rejected' });
    expect(JSON.stringify(result.body)).toContain('Pièce refusée : le rapport d’auto-évaluation 2025 est verrouillé depuis l’échéance du 31/03/2026');
    const evidence = (await rt.evidence.list('PACA', '2025')).filter((e) => e.finess === A && e.kind === 'plan_actions');
    expect(evidence.map((e) => [e.fileName, e.status]).sort()).toEqual([
      ['plan-du-31.pdf', 'accepted'],
      ['plan-tardif.pdf', 'rejected'],
    ]);
  });

  it('is reopened by OMéDIT with a reason, recorded on the report and in the log, then locks again', async () => {
    const before = await ask(get('/api/omedit/report', staffReport('C-SEUL')), omedit);
    const noReason = await ask(post('/api/omedit/report/reopen', { ...staffReport('C-SEUL'), year: 2025, version: before.body.version, reason: '', until: '2026-04-15' }), omedit);
    expect(noReason.status).toBe(400);
    const reopened = await ask(
      post('/api/omedit/report/reopen', { ...staffReport('C-SEUL'), year: 2025, version: before.body.version, reason: 'Panne du système d’information de l’établissement', until: '2026-04-15' }),
      omedit,
    );
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    expect(reopened.body.reopened).toMatchObject({ reason: 'Panne du système d’information de l’établissement', until: '15/04/2026', by: expect.stringContaining('omedit@report.test') });

    const page = await ask(get('/api/depot/report'), bearer.get(A)!);
    expect(page.body).toMatchObject({ locked: false, editable: true });
    expect((await ask(get('/api/depot'), bearer.get(A)!)).body.uploadsClosed).toBeNull();
    expect((await ask(post('/api/depot/report', { version: page.body.version, declarations: { MO: MO_DONE } }), bearer.get(A)!)).status).toBe(200);

    const log = await ask(get('/api/omedit/audit', { region: 'PACA' }), omedit);
    const entry = log.body.entries.find((e: { action: string }) => e.action === 'report.reopened');
    expect(entry).toMatchObject({ target: 'C-SEUL', after: { reason: 'Panne du système d’information de l’établissement', until: '2026-04-15' } });

    await at('2026-04-16T08:00:00+02:00');
    expect((await ask(get('/api/depot/report'), bearer.get(A)!)).body).toMatchObject({ locked: true, editable: false });
  });
});

describe('reviewed by OMéDIT', () => {
  it('evaluates each indicator, records the final result, and the report reads reviewed', async () => {
    await at('2026-04-20T09:00:00+02:00');
    let report = await ask(get('/api/omedit/report', staffReport('C-MULTI')), omedit);
    expect(report.body).toMatchObject({ status: 'submitted', reviewable: true });
    const tooSoon = await ask(post('/api/omedit/report/final', { ...staffReport('C-MULTI'), year: 2025, version: report.body.version, result: 'met' }), omedit);
    expect(tooSoon).toMatchObject({ status: 422, body: { error: { message: 'Évaluez d’abord chaque indicateur : MO, DMI.' } } });

    report = await ask(post('/api/omedit/report/review', { ...staffReport('C-MULTI'), year: 2025, version: report.body.version, indicator: 'MO', decision: 'computed' }), omedit);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    report = await ask(
      post('/api/omedit/report/review', {
        ...staffReport('C-MULTI'),
        year: 2025,
        version: report.body.version,
        indicator: 'DMI',
        decision: 'set',
        dmi: { cartographie: true, audit: false, plan: 'partly' },
        comment: 'Audit reçu incomplet',
      }),
      omedit,
    );
    const dmi = report.body.sections.find((s: { indicator: string }) => s.indicator === 'DMI');
    expect(dmi.review).toMatchObject({ decision: 'set', status: 'not_met', comment: 'Audit reçu incomplet', dmi: { cartographie: true, audit: false, plan: 'partly' } });
    expect(report.body.sections.find((s: { indicator: string }) => s.indicator === 'MO').review).toMatchObject({ decision: 'computed', status: 'met' });

    report = await ask(post('/api/omedit/report/final', { ...staffReport('C-MULTI'), year: 2025, version: report.body.version, result: 'partly_met', comment: 'DMI à compléter' }), omedit);
    expect(report.body).toMatchObject({ status: 'reviewed', final: { result: 'partly_met', comment: 'DMI à compléter' } });
    const list = await ask(get('/api/omedit/reports', { year: '2025', region: 'PACA' }), omedit);
    expect(list.body.reports.map((r: { contrat: string; status: string }) => [r.contrat, r.status])).toEqual([
      ['C-MULTI', 'reviewed'],
      ['C-SEUL', 'locked'],
    ]);
    const log = await ask(get('/api/omedit/audit', { region: 'PACA' }), omedit);
    expect(log.body.entries.filter((e: { action: string; target: string }) => e.action === 'review.recorded' && e.target === 'C-MULTI')).toHaveLength(3);
  });

  it('reads every version of the report: who, when, what it did', async () => {
    const history = await ask(get('/api/omedit/report/history', staffReport('C-MULTI')), omedit);
    expect(history.status).toBe(200);
    expect(history.body.versions.map((v: { version: number; change: string }) => [v.version, v.change])).toEqual([
      [6, 'review'],
      [5, 'review'],
      [4, 'review'],
      [3, 'submitted'],
      [2, 'draft'],
      [1, 'opened'],
    ]);
    const submitted = history.body.versions.find((v: { change: string }) => v.change === 'submitted');
    expect(submitted.atLabel).toBe('23/02/2026 à 10:00');
    expect(submitted.declarations.DMI).toEqual(DMI_DONE);
    // A reader of the region reads reports, not their history.
    const ars = (await localDirectory(rt.accounts, rt.now).create({ email: 'ars@report.test', role: 'ars', regions: ['PACA'] }, 'test'))!.temporaryPassword!;
    const reader = await signIn('ars@report.test', ars);
    expect((await ask(get('/api/omedit/report', staffReport('C-MULTI')), reader)).status).toBe(200);
    expect((await ask(get('/api/omedit/report/history', staffReport('C-MULTI')), reader)).status).toBe(403);
  });

  it('is listed in the region’s summary workbook: declared, computed, evaluated', async () => {
    const files = await buildSummary(rt, 'PACA', 2025, rt.now().toISOString());
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(files.xlsx as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet(SUMMARY_SHEETS.reports)!;
    const rows = [4, 5, 6].map((n) => [1, 3, 4, 5, 6, 7, 10, 12].map((c) => sheet.getRow(n).getCell(c).value));
    expect(rows).toEqual([
      ['C-MULTI', 'MO', 'Évalué', 'Objectif atteint', 0.1, 0.1, 'Atteint', 'Objectifs partiellement atteints'],
      ['C-MULTI', 'DMI', 'Évalué', 'Objectif atteint', 3, 3, 'Non atteint', 'Objectifs partiellement atteints'],
      ['C-SEUL', 'MO', 'Verrouillé', 'Objectif atteint', 0.1, 0.05, null, null],
    ]);
  });

  it('exports the report as a printable French page', async () => {
    const page = await ask(get('/api/omedit/report/export', staffReport('C-MULTI')), omedit);
    expect(page.status).toBe(200);
    expect(page.headers['content-disposition']).toBe('attachment; filename="CAQES-auto-evaluation-2025-C-MULTI.html"');
    expect(page.text).toContain('Hôpital Nord');
    expect(page.text).toContain('Revue trimestrielle des prescriptions hors-AMM en COMEDIMS');
    expect(page.text).toContain('DMI à compléter');
  });
});

describe('the reminders after the deadline', () => {
  it('send no reminder once the year is locked (no e-mail invites an upload the lock refuses), and OMéDIT’s digest says where each report stands', async () => {
    // The reopening of C-SEUL ended on 15/04; C-CORSE was never filled in; C-MULTI is reviewed.
    const run = await runReminders('2026-04-20', remindDeps(rt), { dryRun: true });
    expect(run.reminders.filter((r) => r.deadline === 'auto_evaluation')).toEqual([]);
    const digest = run.digests.find((d) => d.region === 'PACA');
    expect(digest?.email.text).toContain(
      [
        'Rapports d’auto-évaluation 2025 (échéance du 31/03/2026) : 1 évalué, 1 verrouillé :',
        '  - C-MULTI (Hôpital Est, Hôpital Nord) : Évalué',
        '  - C-SEUL (CHU Seul) : Verrouillé',
      ].join('\n'),
    );
  });
});

describe('the store of reports', () => {
  it('lets one of two saves made from the same version win, tells the other, and keeps each version once', async () => {
    const key = { region: 'PACA', year: 2024, contrat: 'C-DEUX-ONGLETS' };
    const by = { kind: 'link' as const, id: 'onglet', finess: A };
    expect(await rt.reports.open(openedReport(key, by, '2026-02-23T10:00:00.000Z'))).toBe(true);
    expect(await rt.reports.open(openedReport(key, by, '2026-02-24T10:00:00.000Z'))).toBe(false);
    const first = (await rt.reports.get('PACA', 2024, 'C-DEUX-ONGLETS'))!;
    const unlocked = { deadline: null, locked: false, reopenedUntil: null };
    const tab = (actions: string) =>
      saveDeclarations(first, { declarations: { MO: { ...MO_DONE, selfAssessment: 'met', actions } }, expectedVersion: 1, submit: false, blockers: [] }, unlocked, by, '2026-02-23T11:00:00.000Z');
    const outcomes = await Promise.allSettled([rt.reports.save(tab('onglet 1')), rt.reports.save(tab('onglet 2'))]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
    expect(refused.reason).toMatchObject({ code: 'conflict' });
    const versions = await rt.reports.versions('PACA', 2024, 'C-DEUX-ONGLETS');
    expect(versions.map((v) => v.version)).toEqual([1, 2]);
    const kept = (await rt.reports.get('PACA', 2024, 'C-DEUX-ONGLETS'))!;
    expect(versions[1]).toEqual(kept);
  });
});

/**
 * Who may do what, on the embedded default with two regions (PACA: A and B; Corse: D): every API
 * route × every kind of caller (a PACA establishment's link, a PACA OMéDIT pharmacist, PACA ARS and
 * Assurance Maladie readers, the platform's administrator) × its own region or another, generated
 * from the routes list and the permissions table; then the cases the issue names, by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderServing } from '../../lib/cli/serve';
import { localDirectory } from '../../lib/portal/accounts';
import { portalDeps } from '../../lib/portal/deps';
import { ACTIONS, allows, PERMISSIONS, type Role } from '../../lib/portal/permissions';
import { handleRequest, ROUTES, type PortalDeps, type Route } from '../../lib/portal/routes';
import type { ApiRequest } from '../../lib/portal/http';
import { s3Keys } from '../../lib/store/keys';
import { openedReport as newReport, reviewIndicator, saveDeclarations, type ReportActor, type ReportLock, type SelfEvaluationReport } from '../../lib/domain/self-evaluation';
import { A, B, CAMPAIGN, D, startPortal, tokenOf, type Portal } from './fixture';

let portal: Portal;
let deps: PortalDeps;
let origin: string;
/** How each kind of caller presents itself: a link's bearer, or a session cookie. */
const credentials = new Map<Role, Record<string, string>>();
let victims = 0;

async function newAccount(email: string, role: 'omedit' | 'ars' | 'assurance_maladie' | 'admin', regions: string[]): Promise<string> {
  const rt = portal.serving.embedded.runtime;
  return (await localDirectory(rt.accounts, rt.now).create({ email, role, regions }, 'test'))!.temporaryPassword!;
}

async function signIn(email: string, password: string): Promise<Record<string, string>> {
  const response = await handleRequest(
    { method: 'POST', path: '/api/auth/login', query: {}, headers: { origin }, body: JSON.stringify({ email, password }), sourceIp: '127.0.0.1' },
    deps,
  );
  expect(response.status).toBe(200);
  return { cookie: response.headers['set-cookie']!.split(';')[0]! };
}

async function ask(request: Omit<ApiRequest, 'headers'>, role: Role): Promise<{ status: number; body: { error?: { code: string; message: string } } & Record<string, unknown> }> {
  const response = await handleRequest({ ...request, headers: { ...credentials.get(role), origin } }, deps);
  // Exports answer with a page to save, every other route with JSON.
  return { status: response.status, body: response.headers['content-type']?.startsWith('application/json') ? JSON.parse(response.body) : {} };
}

beforeAll(async () => {
  portal = await startPortal();
  deps = portalDeps(portal.serving.embedded.runtime);
  origin = portal.serving.url;
  credentials.set('establishment', { authorization: `Bearer ${tokenOf(portal.link(A))}` });
  for (const role of ['omedit', 'ars', 'assurance_maladie'] as const) {
    const email = `${role}-paca@roles.test`;
    credentials.set(role, await signIn(email, await newAccount(email, role, ['PACA'])));
  }
  credentials.set('admin', await signIn('admin@roles.test', await newAccount('admin@roles.test', 'admin', [])));
  // The summaries of both regions are written by the time `caqes serve` prints its links; wait for the page's too.
  const keys = await deps.listKeys(s3Keys.summaryPrefix());
  expect(keys).toEqual(expect.arrayContaining([s3Keys.summary(2025, 'PACA'), s3Keys.summary(2025, 'CORSE'), s3Keys.summaryPage(2025, 'CORSE')]));
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

type Target = 'own' | 'other';

const get = (path: string, query: Record<string, string> = {}) => ({ method: 'GET', path, query, body: null });
const post = (path: string, body: unknown) => ({ method: 'POST', path, query: {}, body: JSON.stringify(body) });

/**
 * A request for each route, about the caller's own region (PACA: A, B) or another (Corse: D).
 * Routes that name no region ask the same both ways (`regional: false`).
 */
const SAMPLES: Record<string, { regional: boolean; allowed?: { status: number; code: string }; request(target: Target): Promise<Omit<ApiRequest, 'headers'>> | Omit<ApiRequest, 'headers'> }> = {
  'GET /api/depot': { regional: false, request: () => get('/api/depot') },
  'POST /api/depot/uploads': { regional: false, request: () => post('/api/depot/uploads', { kind: 'plan_actions', fileName: 'plan.pdf', size: 10 }) },
  'GET /api/depot/result': {
    regional: true,
    request: (t) => get('/api/depot/result', { key: s3Keys.evidence(CAMPAIGN, t === 'own' ? A : D, 'plan_actions', 'u1', 'plan.pdf') }),
  },
  'GET /api/auth/me': { regional: false, request: () => get('/api/auth/me') },
  'GET /api/omedit/overview': { regional: true, request: (t) => get('/api/omedit/overview', { region: t === 'own' ? 'PACA' : 'CORSE' }) },
  'GET /api/omedit/summary': { regional: true, request: (t) => get('/api/omedit/summary', { region: t === 'own' ? 'PACA' : 'CORSE', year: '2025' }) },
  'GET /api/omedit/file': {
    regional: true,
    request: (t) => get('/api/omedit/file', { key: s3Keys.evidence(CAMPAIGN, t === 'own' ? A : D, 'plan_actions', 'u1', 'plan.pdf') }),
  },
  'GET /api/omedit/links': { regional: true, request: (t) => get('/api/omedit/links', { finess: t === 'own' ? A : D, campaign: CAMPAIGN }) },
  'POST /api/omedit/links': { regional: true, request: (t) => post('/api/omedit/links', { finess: t === 'own' ? A : D, campaign: CAMPAIGN, days: 1 }) },
  // An id no link has: nothing is revoked, so the matrix leaves every link working.
  'POST /api/omedit/links/revoke': { regional: true, request: (t) => post('/api/omedit/links/revoke', { finess: t === 'own' ? B : D, campaign: CAMPAIGN, id: 'aucun-lien-0000' }) },
  'GET /api/omedit/audit': { regional: true, request: (t) => get('/api/omedit/audit', { region: t === 'own' ? 'PACA' : 'CORSE' }) },
  // OMéDIT's own files (issue 25): a region's inputs, an upload form, a file's report, its download, a template.
  'GET /api/omedit/inputs': { regional: true, request: (t) => get('/api/omedit/inputs', { region: t === 'own' ? 'PACA' : 'CORSE' }) },
  'POST /api/omedit/inputs/uploads': {
    regional: true,
    request: (t) => post('/api/omedit/inputs/uploads', { region: t === 'own' ? 'PACA' : 'CORSE', kind: 'calendrier', year: 2025, fileName: 'calendrier.csv', size: 120 }),
  },
  'GET /api/omedit/inputs/result': {
    regional: true,
    request: (t) => get('/api/omedit/inputs/result', { key: s3Keys.regionalInput('referential', null, t === 'own' ? 'PACA' : 'CORSE', 'u1', 'calendrier-2025.csv') }),
  },
  'GET /api/omedit/inputs/download': {
    regional: true,
    request: async (t) => {
      const region = t === 'own' ? 'PACA' : 'CORSE';
      const uploadId = `dl${++victims}`;
      const key = s3Keys.regionalInput('referential', null, region, uploadId, 'ciblage-2025.csv');
      await deps.inputs.put({ region, uploadId, kind: 'ciblage', year: 2025, key, fileName: 'Ciblage 2025.csv', size: 20, by: 'setup@roles.test', at: new Date().toISOString() });
      return get('/api/omedit/inputs/download', { key });
    },
  },
  'POST /api/omedit/inputs/multipart': {
    regional: true,
    request: (t) => post('/api/omedit/inputs/multipart', { region: t === 'own' ? 'PACA' : 'CORSE', kind: 'open-phmev', year: 2025, fileName: 'OPEN_PHMEV_2025.CSV', size: 1_200_000_000 }),
  },
  'POST /api/omedit/inputs/multipart/parts': {
    regional: true,
    request: async (t) => post('/api/omedit/inputs/multipart/parts', { key: await recordedInput(t), uploadId: 'u', partNumbers: [1, 2] }),
  },
  'POST /api/omedit/inputs/multipart/complete': {
    regional: true,
    request: async (t) => {
      const key = await recordedInput(t);
      if (t === 'other') return post('/api/omedit/inputs/multipart/complete', { key, uploadId: 'u', parts: [{ partNumber: 1, etag: 'e' }] });
      // A real upload of one part, so that the allowed caller's completion succeeds.
      const uploadId = await deps.multipart.start(key, 'text/csv');
      const [part] = await deps.multipart.parts(key, uploadId, [1], 60);
      const etag = (await fetch(part!.url, { method: 'PUT', body: 'finess;indicateur\n' })).headers.get('etag')!;
      return post('/api/omedit/inputs/multipart/complete', { key, uploadId, parts: [{ partNumber: 1, etag }] });
    },
  },
  'GET /api/omedit/emails': { regional: true, request: (t) => get('/api/omedit/emails', { region: t === 'own' ? 'PACA' : 'CORSE' }) },
  'GET /api/omedit/template': { regional: false, request: () => get('/api/omedit/template', { kind: 'calendrier', format: 'xlsx' }) },
  'GET /api/admin/accounts': { regional: false, request: () => get('/api/admin/accounts') },
  'POST /api/admin/accounts': { regional: false, request: () => post('/api/admin/accounts', { email: `nouveau${++victims}@roles.test`, role: 'ars', regions: ['PACA'] }) },
  'POST /api/admin/accounts/disable': {
    regional: false,
    request: async () => {
      const email = `victime${++victims}@roles.test`;
      await newAccount(email, 'ars', ['CORSE']);
      return post('/api/admin/accounts/disable', { email });
    },
  },
  'POST /api/admin/accounts/reset': {
    regional: false,
    request: async () => {
      const email = `oubli${++victims}@roles.test`;
      await newAccount(email, 'ars', ['CORSE']);
      return post('/api/admin/accounts/reset', { email });
    },
  },
  'GET /api/admin/audit': { regional: false, request: () => get('/api/admin/audit') },
  // The self-evaluation reports: A's contract is C1, B's C2 (PACA), D's C3 (Corse).
  'GET /api/depot/report': { regional: false, request: () => get('/api/depot/report') },
  'POST /api/depot/report': { regional: false, request: async () => post('/api/depot/report', { version: (await openedReport('C1')).version, declarations: {} }) },
  // Nothing declared yet: a submission the role may make is answered with what is still empty.
  'POST /api/depot/report/submit': {
    regional: false,
    allowed: { status: 422, code: 'report-incomplete' },
    request: async () => post('/api/depot/report/submit', { version: (await openedReport('C1')).version, declarations: {} }),
  },
  'GET /api/depot/report/export': { regional: false, request: () => get('/api/depot/report/export') },
  'GET /api/omedit/reports': { regional: true, request: (t) => get('/api/omedit/reports', { region: t === 'own' ? 'PACA' : 'CORSE', year: '2025' }) },
  'POST /api/omedit/reports/open': { regional: true, request: (t) => post('/api/omedit/reports/open', { region: t === 'own' ? 'PACA' : 'CORSE', year: 2025 }) },
  'GET /api/omedit/report': { regional: true, request: (t) => get('/api/omedit/report', reportOf(t)) },
  'GET /api/omedit/report/export': { regional: true, request: (t) => get('/api/omedit/report/export', reportOf(t)) },
  'GET /api/omedit/report/history': { regional: true, request: (t) => get('/api/omedit/report/history', reportOf(t)) },
  'POST /api/omedit/report/review': {
    regional: true,
    request: async (t) =>
      post('/api/omedit/report/review', { ...reportOf(t), year: 2025, version: t === 'own' ? (await submittedReport()).version : 1, indicator: 'MO', decision: 'computed' }),
  },
  'POST /api/omedit/report/final': {
    regional: true,
    request: async (t) => post('/api/omedit/report/final', { ...reportOf(t), year: 2025, version: t === 'own' ? (await reviewedReport()).version : 1, result: 'met' }),
  },
  'POST /api/omedit/report/reopen': {
    regional: true,
    request: async (t) =>
      post('/api/omedit/report/reopen', { ...reportOf(t), year: 2025, version: t === 'own' ? (await openedReport('C2')).version : 1, reason: 'Pièce transmise en retard', until: IN_A_MONTH }),
  },
};

/** A ciblage upload the page planned, of PACA (own) or Corse (other). */
async function recordedInput(t: Target): Promise<string> {
  const region = t === 'own' ? 'PACA' : 'CORSE';
  const uploadId = `mp${++victims}`;
  const key = s3Keys.regionalInput('referential', null, region, uploadId, 'ciblage-2025.csv');
  await deps.inputs.put({ region, uploadId, kind: 'ciblage', year: 2025, key, fileName: 'ciblage.csv', size: 20, by: 'setup@roles.test', at: new Date().toISOString() });
  return key;
}

const reportOf = (t: Target) => (t === 'own' ? { region: 'PACA', year: '2025', contrat: 'C2' } : { region: 'CORSE', year: '2025', contrat: 'C3' });
const SETUP: ReportActor = { kind: 'machine', id: 'roles.test', finess: null };
// The portal's clock is the real one once `caqes serve` has processed its folder.
const IN_A_MONTH = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
const UNLOCKED: ReportLock = { deadline: null, locked: false, reopenedUntil: null };

/** A PACA contract's 2025 report, opened if it was not. */
async function openedReport(contrat: string): Promise<SelfEvaluationReport> {
  const reports = portal.serving.embedded.runtime.reports;
  await reports.open(newReport({ region: 'PACA', year: 2025, contrat }, SETUP, new Date().toISOString()));
  return (await reports.get('PACA', 2025, contrat))!;
}

/** C2's report as its establishment submits it, so that OMéDIT may evaluate it. */
async function submittedReport(): Promise<SelfEvaluationReport> {
  const report = await openedReport('C2');
  if (report.state === 'submitted') return report;
  const next = saveDeclarations(report, { declarations: report.declarations, expectedVersion: report.version, submit: true, blockers: [] }, UNLOCKED, SETUP, new Date().toISOString());
  await portal.serving.embedded.runtime.reports.save(next);
  return next;
}

/** C2's report submitted and its MO evaluated: ready for its final result. */
async function reviewedReport(): Promise<SelfEvaluationReport> {
  const report = await submittedReport();
  if (report.review?.indicators.MO) return report;
  const next = reviewIndicator(report, { indicator: 'MO', decision: 'computed', comment: '', expectedVersion: report.version }, { status: 'met', value: 5, target: null }, UNLOCKED, SETUP, new Date().toISOString());
  await portal.serving.embedded.runtime.reports.save(next);
  return next;
}

const keyOf = (route: Route) => `${route.method} ${route.path}`;
const CALLERS: Role[] = ['establishment', 'omedit', 'ars', 'assurance_maladie', 'admin'];
const guarded = ROUTES.filter((r) => r.access !== 'public');

/** What the tables say should happen: allowed in its own region, refused elsewhere; refused outright without the action. */
function expected(route: Route, role: Role, target: Target): 'allowed' | 'refused' {
  const mayAct = route.access === 'signed-in' ? role !== 'establishment' : allows(role, route.access as (typeof ACTIONS)[number]);
  if (!mayAct) return 'refused';
  return target === 'other' && SAMPLES[keyOf(route)]!.regional ? 'refused' : 'allowed';
}

describe('caqes serve', () => {
  it('prints the staff page and an OMéDIT account over the regions loaded and an administrator to sign in with, passwords once', () => {
    const printed = renderServing(portal.serving);
    const [omedit, admin] = portal.serving.accounts;
    expect(printed).toContain(`Espace OMéDIT, ARS, Assurance Maladie et administration : ${portal.serving.url}/omedit\n`);
    expect(printed).toContain(`Fichiers de la campagne (référentiel, calendrier, extraits, modèles) : ${portal.serving.url}/omedit/fichiers\n`);
    expect(printed).toContain(`  Pharmacien OMéDIT (CORSE, PACA) : omedit@caqes.test / ${omedit!.password}\n`);
    expect(printed).toContain(`  Administrateur de la plateforme : admin@caqes.test / ${admin!.password}\n`);
    expect(printed).toContain('caqes user add --role omedit|ars|assurance_maladie|admin --region R --email E');
    // The machine credential of caqes link stays in the state file.
    expect(printed).not.toContain(portal.serving.staffToken);
  });
});

describe('the permissions table and the routes', () => {
  it('has a sample request for every guarded route, and every action is some route’s', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(guarded.map(keyOf).sort());
    expect(new Set(guarded.map((r) => r.access).filter((a) => a !== 'signed-in'))).toEqual(new Set(ACTIONS));
    expect(ROUTES.filter((r) => r.access === 'public').map(keyOf).sort()).toEqual(['GET /api/auth/config', 'POST /api/auth/login', 'POST /api/auth/logout']);
  });

  it('says by hand what each role may do', () => {
    expect(PERMISSIONS).toEqual({
      establishment: ['depot.read', 'depot.upload', 'depot.result', 'depot.report.read', 'depot.report.write'],
      omedit: [
        'overview.read',
        'summary.read',
        'file.read',
        'links.read',
        'links.issue',
        'links.revoke',
        'audit.read',
        'reports.read',
        'reports.open',
        'reports.review',
        'reports.reopen',
        'reports.history',
        'inputs.read',
        'inputs.upload',
        'inputs.download',
        // The e-mails a single machine kept carry personal links: OMéDIT's only (issue 20).
        'emails.read',
      ],
      ars: ['overview.read', 'summary.read', 'reports.read', 'inputs.read'],
      assurance_maladie: ['overview.read', 'summary.read', 'reports.read', 'inputs.read'],
      admin: ['accounts.read', 'accounts.write', 'platform-audit.read'],
    });
  });
});

describe('roles × routes × regions', () => {
  for (const route of guarded) {
    for (const role of CALLERS) {
      for (const target of ['own', 'other'] as const) {
        const outcome = expected(route, role, target);
        it(`${keyOf(route)} — ${role}, ${target === 'own' ? 'own region' : 'another region'}: ${outcome}`, async () => {
          const sample = SAMPLES[keyOf(route)]!;
          const answer = await ask(await sample.request(target), role);
          if (outcome === 'allowed' && sample.allowed) expect(answer, JSON.stringify(answer.body)).toMatchObject({ status: sample.allowed.status, body: { error: { code: sample.allowed.code } } });
          else if (outcome === 'allowed') expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
          else expect(answer, JSON.stringify(answer.body)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
        });
      }
    }
  }
});

describe('by hand: the issue’s cases', () => {
  const refusedCorse = { status: 403, body: { error: { code: 'forbidden', message: 'Accès refusé : la région CORSE ne fait pas partie de vos régions.' } } };

  it('a PACA OMéDIT account cannot read a Corse file, report, summary or link', async () => {
    const [upload] = (await portal.serving.embedded.runtime.evidence.list('CORSE', CAMPAIGN)).concat([]);
    const corseKey = upload?.source.key ?? s3Keys.evidence(CAMPAIGN, D, 'plan_actions', 'u1', 'plan.pdf');
    expect(await ask(get('/api/omedit/file', { key: corseKey }), 'omedit')).toMatchObject(refusedCorse);
    expect(await ask(get('/api/omedit/summary', { region: 'CORSE', year: '2025', format: 'html' }), 'omedit')).toMatchObject(refusedCorse);
    expect(await ask(get('/api/omedit/summary', { region: 'CORSE', year: '2025' }), 'omedit')).toMatchObject(refusedCorse);
    expect(await ask(get('/api/omedit/summary', { region: 'CORSE', year: '2025', format: 'csv' }), 'omedit')).toMatchObject(refusedCorse);
    expect(await ask(get('/api/omedit/links', { finess: D, campaign: CAMPAIGN }), 'omedit')).toMatchObject(refusedCorse);
    expect(await ask(get('/api/omedit/audit', { region: 'CORSE' }), 'omedit')).toMatchObject(refusedCorse);
    // Nor anything outside the establishments' uploads: extracts hold rows of every region.
    expect(await ask(get('/api/omedit/file', { key: 'atih/2025/mo-2025.csv' }), 'omedit')).toMatchObject({ status: 403 });
    expect(await ask(get('/api/omedit/file', { key: `evidence/${CAMPAIGN}/${A}/../../${D}/x.pdf` }), 'omedit')).toMatchObject({ status: 403 });

    // What it sees of the whole deployment is PACA only.
    const overview = await ask(get('/api/omedit/overview'), 'omedit');
    expect(overview.body.filters).toMatchObject({ regions: ['PACA'] });
    expect(new Set((overview.body.establishments as { region: string }[]).map((e) => e.region))).toEqual(new Set(['PACA']));
    expect((overview.body.summaries as { region: string }[]).map((s) => s.region)).toEqual(['PACA']);
    const audit = await ask(get('/api/omedit/audit'), 'omedit');
    expect(audit.body.regions).toEqual(['PACA']);
    expect((audit.body.entries as { region: string }[]).every((e) => e.region === 'PACA')).toBe(true);
  });

  it('its own region’s file, report and summary it reads, through 5-minute addresses', async () => {
    const page = await ask(get('/api/omedit/summary', { region: 'PACA', year: '2025', format: 'html' }), 'omedit');
    expect(page.status).toBe(200);
    const report = await fetch(page.body.url as string);
    expect(report.headers.get('content-disposition')).toBe('attachment; filename="CAQES-synthese-PACA-2025.html"');
    expect(await report.text()).toContain('PACA');
  });

  it('a reader (ARS, Assurance Maladie) reads indicators and summaries of its region, and cannot write', async () => {
    for (const role of ['ars', 'assurance_maladie'] as const) {
      expect((await ask(get('/api/omedit/overview'), role)).status).toBe(200);
      expect((await ask(get('/api/omedit/summary', { region: 'PACA', year: '2025' }), role)).status).toBe(200);
      const message = 'Accès refusé : votre rôle ne permet que la lecture des indicateurs, des rapports et des synthèses.';
      for (const request of [
        post('/api/omedit/links', { finess: A, campaign: CAMPAIGN }),
        post('/api/omedit/links/revoke', { finess: A, campaign: CAMPAIGN }),
        get('/api/omedit/links', { finess: A, campaign: CAMPAIGN }),
        get('/api/omedit/file', { key: s3Keys.evidence(CAMPAIGN, A, 'plan_actions', 'u1', 'plan.pdf') }),
        get('/api/omedit/audit', { region: 'PACA' }),
      ]) {
        expect(await ask(request, role), `${role} ${request.method} ${request.path}`).toMatchObject({ status: 403, body: { error: { message } } });
      }
      expect(await ask(post('/api/admin/accounts', { email: 'x@roles.test', role: 'admin', regions: [] }), role)).toMatchObject({
        status: 403,
        body: { error: { message: 'Cette action est réservée à l’administrateur de la plateforme.' } },
      });
    }
    // Nothing was written: A's links are the ones serve and the reminders issued.
    expect((await portal.serving.embedded.runtime.links.list('PACA', CAMPAIGN, A)).every((l) => l.issuedBy !== 'ars-paca@roles.test')).toBe(true);
  });

  it('the administrator manages accounts and sees no regional data', async () => {
    const message = 'Accès refusé : l’administrateur gère les comptes et ne voit aucune donnée régionale.';
    for (const request of [get('/api/omedit/overview'), get('/api/omedit/summary', { region: 'PACA', year: '2025' }), get('/api/omedit/audit')]) {
      expect(await ask(request, 'admin')).toMatchObject({ status: 403, body: { error: { message } } });
    }
    const list = await ask(get('/api/admin/accounts'), 'admin');
    expect(list.body.directory).toBe('local');
    expect(JSON.stringify(list.body)).not.toMatch(/scrypt|passwordHash/);
    expect(list.body.accounts).toContainEqual({ email: 'ars-paca@roles.test', role: 'ars', regions: ['PACA'], status: 'active', createdAt: expect.any(String) });
    // Accounts follow their rules: an administrator has no region, the others at least one, one address one account.
    expect(await ask(post('/api/admin/accounts', { email: 'r@roles.test', role: 'omedit', regions: [] }), 'admin')).toMatchObject({ status: 400 });
    expect(await ask(post('/api/admin/accounts', { email: 'r@roles.test', role: 'admin', regions: ['PACA'] }), 'admin')).toMatchObject({ status: 400 });
    expect(await ask(post('/api/admin/accounts', { email: 'ars-paca@roles.test', role: 'ars', regions: ['PACA'] }), 'admin')).toMatchObject({
      status: 409,
      body: { error: { message: 'Un compte existe déjà pour ars-paca@roles.test.' } },
    });
    expect(await ask(post('/api/admin/accounts/disable', { email: 'admin@roles.test' }), 'admin')).toMatchObject({ status: 409 });
    expect(await ask(post('/api/admin/accounts/disable', { email: 'personne@roles.test' }), 'admin')).toMatchObject({ status: 404 });
  });

  it('an establishment’s link reaches its own pages only', async () => {
    expect(await ask(get('/api/omedit/overview'), 'establishment')).toMatchObject({ status: 403, body: { error: { message: 'Cette action est réservée à l’OMéDIT.' } } });
    expect(await ask(get('/api/auth/me'), 'establishment')).toMatchObject({ status: 403 });
  });
});

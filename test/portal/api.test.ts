/**
 * The portal's API on the embedded default, over HTTP as a browser reaches it (`caqes serve`): links,
 * pre-signed POSTs to the local S3, ingest, results, OMéDIT's overview and downloads, and every
 * refusal, with its French message.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main';
import { linkDeps, issueLink } from '../../lib/portal/links';
import { portalDeps } from '../../lib/portal/deps';
import { handleRequest } from '../../lib/portal/routes';
import { verifyLinkToken } from '../../lib/portal/token';
import { s3Keys } from '../../lib/store/keys';
import { A, B, badArgumentaire, CAMPAIGN, D, GOOD_PDF, startPortal, tokenOf, type Portal } from './fixture';

let portal: Portal;

beforeAll(async () => {
  portal = await startPortal();
  // The day after the folder was processed, before every deadline: what is sent now comes in time
  // (on the machine's own clock, past 09/03/2026, the plan would be late, and the page says so).
  portal.serving.embedded.setClock(() => new Date('2026-02-24T10:00:00Z'));
}, 60_000);

afterAll(async () => {
  await portal?.stop();
});

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

async function call(path: string, bearer: string, init: { method?: string; body?: unknown } = {}): Promise<Answer> {
  const response = await fetch(`${portal.serving.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${bearer}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

interface SignedForm {
  key: string;
  url: string;
  fields: Record<string, string>;
}

/** What the page does: ask for a form, post the file to S3 with it, then ask for the result until there is one. */
async function upload(token: string, kind: string, fileName: string, content: string, contentType: string) {
  const form = await call('/api/depot/uploads', token, { method: 'POST', body: { kind, fileName, size: Buffer.byteLength(content) } });
  expect(form.status).toBe(201);
  const { key, url, fields } = form.body as unknown as SignedForm;
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  data.append('file', new Blob([content], { type: contentType }), fileName);
  const posted = await fetch(url, { method: 'POST', body: data });
  expect(posted.status).toBe(204);
  return { key, url, result: await resultOf(token, key) };
}

async function resultOf(token: string, key: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const answer = await call(`/api/depot/result?key=${encodeURIComponent(key)}`, token);
    expect(answer.status).toBe(200);
    if (answer.body.state === 'done') return answer.body;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`no result for ${key}`);
}

describe('an establishment, through its personal link', () => {
  it('sees what it owes for which deadline, and what it may upload', async () => {
    const { status, body } = await call('/api/depot', tokenOf(portal.link(A)));
    expect(status).toBe(200);
    expect(body.establishment).toEqual({ finess: A, name: 'CHU Test – Timone', region: 'PACA' });
    expect(body.campaign).toBe(CAMPAIGN);
    expect(body.deadlines).toEqual([
      expect.objectContaining({ id: 'retour_preuves', dateLabel: '09/03/2026', documents: [expect.objectContaining({ kind: 'plan_actions', state: 'missing', label: "Plan d’actions" })] }),
      expect.objectContaining({ id: 'argumentaire_hors_amm', dateLabel: '21/03/2026', documents: [expect.objectContaining({ kind: 'argumentaire_hors_amm', state: 'missing' })] }),
    ]);
    expect(body.kinds).toContainEqual({ kind: 'argumentaire_hors_amm', label: 'Argumentaire hors-AMM', extensions: ['csv', 'txt', 'tsv', 'xlsx', 'ods'], maxBytes: 100 * 1024 ** 2 });
    expect(body.history).toEqual([]);
  });

  it('uploads straight to the local S3 with its pre-signed POST; ingest runs and the result comes back accepted', async () => {
    const token = tokenOf(portal.link(A));
    const { key, url, result } = await upload(token, 'plan_actions', 'Plan d’actions S2.pdf', GOOD_PDF, 'application/pdf');
    expect(url).toBe(`${portal.serving.embedded.endpoints.s3}/caqes-local`);
    expect(key).toMatch(new RegExp(`^evidence/${CAMPAIGN}/${A}/plan_actions/u[0-9a-z]+-Plan_d_actions_S2\\.pdf$`));
    expect(result).toMatchObject({ state: 'done', status: 'accepted', errorCount: 0, issues: [] });
    const page = await call('/api/depot', token);
    expect((page.body.deadlines as { documents: { state: string; fileName: string }[] }[])[0]!.documents[0]).toMatchObject({ state: 'accepted', fileName: 'Plan_d_actions_S2.pdf' });
    expect(page.body.history).toEqual([expect.objectContaining({ key, status: 'accepted', kindLabel: "Plan d’actions" })]);
  });

  it('gets a refused table back with each error’s line, column and French message', async () => {
    const { result } = await upload(tokenOf(portal.link(A)), 'argumentaire_hors_amm', 'argumentaire.csv', badArgumentaire(A), 'text/csv');
    expect(result).toMatchObject({ state: 'done', status: 'rejected', errorCount: 1, rowsRead: 2 });
    expect(result.issues).toEqual([{ severity: 'error', row: 3, column: 'nb_ucd', message: expect.stringContaining('« trois »') }]);
  });

  it('is refused an unknown document kind, a file type its kind does not take, and an oversized file', async () => {
    const token = tokenOf(portal.link(A));
    const ask = (kind: string, fileName: string, size: number) => call('/api/depot/uploads', token, { method: 'POST', body: { kind, fileName, size } });
    expect(await ask('releve_bancaire', 'x.pdf', 10)).toMatchObject({ status: 400, body: { error: { code: 'unknown-kind', message: expect.stringContaining('Type de document inconnu') } } });
    expect(await ask('plan_actions', 'plan.exe', 10)).toMatchObject({ status: 400, body: { error: { code: 'file-type-refused' } } });
    expect(await ask('plan_actions', 'plan.pdf', 60 * 1024 ** 2)).toMatchObject({
      status: 413,
      body: { error: { code: 'file-too-large', message: 'Le fichier « plan.pdf » dépasse la taille maximale de 50 Mo pour ce type de document.' } },
    });
    expect(await call('/api/depot/uploads', token, { method: 'POST', body: { kind: 'plan_actions' } })).toMatchObject({
      status: 400,
      body: { error: { code: 'bad-request', message: 'Requête invalide : champ « fileName » manquant ou incorrect.' } },
    });
    // A name over 255 characters is said as such, in the page's words.
    expect(await ask('plan_actions', `${'p'.repeat(252)}.pdf`, 10)).toMatchObject({ status: 400, body: { error: { code: 'too-long', message: 'Le nom du fichier dépasse 255 caractères : raccourcissez-le puis recommencez.' } } });
  });
});

describe('a token for one establishment', () => {
  it('cannot get a form for another establishment’s prefix: the key comes from the token alone', async () => {
    const token = tokenOf(portal.link(A));
    // A FINESS or a campaign in the body is not part of the request's shape: refused, never used.
    expect(await call('/api/depot/uploads', token, { method: 'POST', body: { kind: 'plan_actions', fileName: 'x.pdf', size: 10, finess: B } })).toEqual({
      status: 400,
      body: { error: { code: 'bad-request', message: 'Requête invalide : champ non attendu : « finess ».' } },
    });
    const form = await call('/api/depot/uploads', token, { method: 'POST', body: { kind: 'plan_actions', fileName: `../../${B}/plan_actions/x.pdf`, size: 10 } });
    expect(form.status).toBe(201);
    const { key, fields } = form.body as unknown as SignedForm;
    expect(key.startsWith(`evidence/${CAMPAIGN}/${A}/plan_actions/`)).toBe(true);
    const policy = JSON.parse(Buffer.from(fields.Policy!, 'base64').toString('utf8')) as { conditions: unknown[] };
    expect(policy.conditions).toContainEqual({ key });
  });

  it('cannot read another establishment’s results, nor anything outside its own uploads', async () => {
    const token = tokenOf(portal.link(A));
    for (const key of [s3Keys.evidence(CAMPAIGN, B, 'plan_actions', 'u1', 'plan.pdf'), 'atih/2025/mo-2025.csv', 'referential/etablissements.csv']) {
      expect(await call(`/api/depot/result?key=${encodeURIComponent(key)}`, token)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    }
  });

  it('cannot reach OMéDIT’s routes, and OMéDIT’s credential does not open an establishment’s page', async () => {
    expect(await call('/api/omedit/overview', tokenOf(portal.link(A)))).toMatchObject({ status: 403, body: { error: { message: 'Cette action est réservée à l’OMéDIT.' } } });
    expect(await call('/api/omedit/links', tokenOf(portal.link(A)), { method: 'POST', body: { finess: B, campaign: CAMPAIGN } })).toMatchObject({ status: 403 });
    expect(await call('/api/depot', portal.serving.staffToken)).toMatchObject({ status: 403 });
  });
});

describe('links that no longer work', () => {
  it('refuses an expired link with the day it expired', async () => {
    const rt = portal.serving.embedded.runtime;
    const expired = await issueLink(linkDeps(rt), { region: 'PACA', campaign: CAMPAIGN, finess: B, issuedBy: 'test', expiresAt: new Date('2026-01-31T12:00:00Z') });
    expect(await call('/api/depot', expired.token)).toEqual({
      status: 401,
      body: { error: { code: 'link-expired', message: 'Ce lien de dépôt a expiré le 31/01/2026. Demandez un nouveau lien à l’OMéDIT.' } },
    });
  });

  it('refuses an altered link, and a revoked one once OMéDIT has revoked it', async () => {
    const token = tokenOf(portal.link(B));
    const altered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    expect(await call('/api/depot', altered)).toMatchObject({ status: 401, body: { error: { code: 'link-invalid' } } });
    expect((await call('/api/depot', token)).status).toBe(200);
    expect(await call('/api/omedit/links/revoke', portal.serving.staffToken, { method: 'POST', body: { finess: B, campaign: CAMPAIGN } })).toEqual({
      status: 200,
      // The link printed by serve, the two reminders' (J-14 for the action plan, J-30 for the
      // argumentation) and the expired one above.
      body: { revoked: 4 },
    });
    expect(await call('/api/depot', token)).toMatchObject({ status: 401, body: { error: { code: 'link-revoked', message: expect.stringContaining('désactivé par l’OMéDIT') } } });
  });
});

describe('OMéDIT, with its credential', () => {
  it('sees each establishment’s status per deadline and indicator, filtered by region and indicator', async () => {
    const all = await call('/api/omedit/overview', portal.serving.staffToken);
    expect(all.status).toBe(200);
    expect(all.body.filters).toEqual({ years: [2025], regions: ['CORSE', 'PACA'], indicators: [{ code: 'MO', label: expect.stringContaining('(MO)') }] });
    const rows = all.body.establishments as { finess: string; deadlines: { id: string; documents: { state: string }[] }[]; indicators: { indicator: string; valueLabel: string; targetLabel: string }[] }[];
    expect(rows.map((r) => r.finess).sort()).toEqual([A, B, D].sort());
    const timone = rows.find((r) => r.finess === A)!;
    expect(timone.deadlines.find((d) => d.id === 'retour_preuves')!.documents[0]!.state).toBe('accepted');
    expect(timone.deadlines.find((d) => d.id === 'argumentaire_hors_amm')!.documents[0]!.state).toBe('refused');
    // 38 I999 UCD of 200 = 19 %, against PACA's built-in < 15 %.
    expect(timone.indicators).toEqual([expect.objectContaining({ indicator: 'MO', valueLabel: '19,0 %', targetLabel: '< 15 %' })]);

    const corse = await call('/api/omedit/overview?region=CORSE&indicator=MO', portal.serving.staffToken);
    expect((corse.body.establishments as { finess: string }[]).map((r) => r.finess)).toEqual([D]);
    // The summaries offered are those of the year and region shown.
    expect((corse.body.summaries as { region: string; year: number }[]).every((s) => s.region === 'CORSE' && s.year === 2025)).toBe(true);
    expect((corse.body.board as { id: string; counts: Record<string, number> }[]).map((d) => d.id)).toEqual(['retour_preuves', 'argumentaire_hors_amm']);
    expect(await call('/api/omedit/overview?region=corse', portal.serving.staffToken)).toMatchObject({ status: 400 });
  });

  it('downloads a region’s workbook through a pre-signed GET, once the summary job has written it', async () => {
    let answer: Answer | undefined;
    for (let attempt = 0; attempt < 60; attempt++) {
      answer = await call('/api/omedit/summary?region=PACA&year=2025', portal.serving.staffToken);
      if (answer.status === 200) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(answer!.status).toBe(200);
    const workbook = await fetch(answer!.body.url as string);
    expect(workbook.status).toBe(200);
    expect(workbook.headers.get('content-disposition')).toBe('attachment; filename="CAQES-synthese-PACA-2025.xlsx"');
    expect(Buffer.from(await workbook.arrayBuffer()).subarray(0, 2).toString('latin1')).toBe('PK');
    expect(await call('/api/omedit/summary?region=PACA&year=2019', portal.serving.staffToken)).toMatchObject({
      status: 404,
      body: { error: { message: 'Aucune synthèse 2019 n’a encore été produite pour la région PACA.' } },
    });
  });

  it('with a credential for PACA only, sees nothing of Corse and can act on nothing there', async () => {
    const rt = portal.serving.embedded.runtime;
    const PACA = 'credential-of-omedit-paca-only-0123456789';
    const deps = { ...portalDeps(rt), secrets: { ...rt.secrets, staffCredentials: async () => [{ name: 'omedit-paca', token: PACA, regions: ['PACA'] }] } };
    const ask = (method: string, path: string, query: Record<string, string> = {}, body?: unknown) =>
      handleRequest({ method, path, query, headers: { authorization: `Bearer ${PACA}` }, body: body === undefined ? null : JSON.stringify(body) }, deps);
    const overview = JSON.parse((await ask('GET', '/api/omedit/overview')).body) as { establishments: { region: string }[]; filters: { regions: string[] }; summaries: { region: string }[] };
    expect(new Set(overview.establishments.map((e) => e.region))).toEqual(new Set(['PACA']));
    expect(overview.filters.regions).toEqual(['PACA']);
    expect(overview.summaries.every((s) => s.region === 'PACA')).toBe(true);
    for (const response of [
      await ask('GET', '/api/omedit/overview', { region: 'CORSE' }),
      await ask('GET', '/api/omedit/summary', { region: 'CORSE', year: '2025' }),
      await ask('POST', '/api/omedit/links', {}, { finess: D, campaign: CAMPAIGN }),
      await ask('POST', '/api/omedit/links/revoke', {}, { finess: D, campaign: CAMPAIGN }),
    ]) {
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body).error.message).toBe('Accès refusé : la région CORSE ne fait pas partie de vos régions.');
    }
  });
});

describe('reminders and the command line', () => {
  it('e-mails each establishment a personal link to its own page, recorded as issued by the reminder', async () => {
    const { embedded } = portal.serving;
    const mails = await embedded.sentEmails();
    // On 23/02/2026: J-14 of the action plan (09/03), J-30 of the argumentation (21/03), to each site.
    expect(mails.map((m) => m.destination.to[0]).sort()).toEqual(['a@chu.example', 'a@chu.example', 'b@ch.example', 'b@ch.example', 'd@ch.example', 'd@ch.example']);
    const mail = mails.find((m) => m.destination.to[0] === 'd@ch.example' && m.subject.includes('Retour des éléments de preuve'))!;
    const url = /Déposez vos documents sur votre lien personnel : (\S+)/.exec(mail.body.text ?? '')![1]!;
    expect(url.startsWith(`${portal.serving.url}/depot#v1.`)).toBe(true);
    expect(mail.body.text).toContain('Ce lien est réservé à votre établissement et valable jusqu’au 25/03/2026.');
    expect(mail.body.html).toContain(`<a href="${url}">Déposer mes documents</a>`);
    const check = verifyLinkToken(tokenOf(url), await embedded.runtime.secrets.linkKey(), new Date('2026-02-24T00:00:00Z'));
    expect(check).toMatchObject({ ok: true, claims: { finess: D, campaign: CAMPAIGN, region: 'CORSE' } });
    const records = await embedded.runtime.links.list('CORSE', CAMPAIGN, D);
    expect(records.find((r) => check.ok && r.id === check.claims.id)).toMatchObject({ issuedBy: 'rappel J-14', revokedAt: null });
  });

  it('caqes link prints a working link for the running portal, and --revoke disables it', async () => {
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['link', '--finess', D, '--campaign', CAMPAIGN, '--days', '10'])).toBe(0);
      const printed = out.mock.calls.map((c) => String(c[0])).join('');
      expect(printed).toMatch(/^Lien de dépôt de Hôpital d’Ajaccio-Test \(2A0000717\), campagne 2025-S2, valable jusqu’au \d{2}\/\d{2}\/\d{4} :\n/);
      const url = printed.trim().split('\n').pop()!;
      expect((await call('/api/depot', tokenOf(url))).status).toBe(200);

      expect(await main(['link', '--finess', D, '--campaign', CAMPAIGN, '--revoke'])).toBe(0);
      expect(out.mock.calls.map((c) => String(c[0])).join('')).toMatch(/\d+ lien\(s\) désactivé\(s\) pour 2A0000717, campagne 2025-S2\./);
      expect((await call('/api/depot', tokenOf(url))).status).toBe(401);

      expect(await main(['link', '--finess', '130000007', '--campaign', CAMPAIGN])).toBe(1);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toContain('Refusé : L’établissement 130000007 n’est pas dans le référentiel.');
      expect(await main(['link', '--finess', D])).toBe(2);
    } finally {
      out.mockRestore();
      err.mockRestore();
    }
  });
});

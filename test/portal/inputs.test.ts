/**
 * OMéDIT's inputs page's API (issue 25), on the embedded default as `caqes serve` runs it: a Corse
 * OMéDIT pharmacist asks for a form, posts its file to the local S3, reads the report once ingest has
 * run, and finds the file, who sent it and its earlier versions on its page; its uploads are in the
 * audit log and change Corse only.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDirectory } from '../../lib/portal/accounts';
import { portalDeps } from '../../lib/portal/deps';
import type { ApiRequest } from '../../lib/portal/http';
import { handleRequest, type PortalDeps } from '../../lib/portal/routes';
import { A, B, D, startPortal, type Portal } from './fixture';

let portal: Portal;
let deps: PortalDeps;
let origin: string;
const cookies = new Map<string, string>();

async function signIn(email: string, role: 'omedit' | 'ars', regions: string[]): Promise<void> {
  const rt = portal.serving.embedded.runtime;
  const password = (await localDirectory(rt.accounts, rt.now).create({ email, role, regions }, 'test'))!.temporaryPassword!;
  const response = await handleRequest({ method: 'POST', path: '/api/auth/login', query: {}, headers: { origin }, body: JSON.stringify({ email, password }), sourceIp: '127.0.0.1' }, deps);
  expect(response.status).toBe(200);
  cookies.set(email, response.headers['set-cookie']!.split(';')[0]!);
}

const CORSE = 'omedit-corse@inputs.test';
const ARS = 'ars-corse@inputs.test';
const PACA = 'omedit-paca@inputs.test';

async function ask(as: string, method: 'GET' | 'POST', path: string, query: Record<string, string> = {}, body?: unknown) {
  const request: ApiRequest = { method, path, query, headers: { cookie: cookies.get(as)!, origin }, body: body === undefined ? null : JSON.stringify(body) };
  const response = await handleRequest(request, deps);
  return { status: response.status, body: JSON.parse(response.body) as Record<string, any> };
}

/** What the page does: a form, the file posted to S3 with it, then the report once ingest has run. */
async function send(kind: string, year: number | null, fileName: string, content: string) {
  const form = await ask(CORSE, 'POST', '/api/omedit/inputs/uploads', {}, { region: 'CORSE', kind, year, fileName, size: Buffer.byteLength(content) });
  expect(form.status, JSON.stringify(form.body)).toBe(201);
  const data = new FormData();
  for (const [name, value] of Object.entries(form.body.fields as Record<string, string>)) data.append(name, value);
  data.append('file', new Blob([content], { type: 'text/csv' }), fileName);
  expect((await fetch(form.body.url, { method: 'POST', body: data })).status).toBe(204);
  for (let attempt = 0; attempt < 100; attempt++) {
    const result = await ask(CORSE, 'GET', '/api/omedit/inputs/result', { key: form.body.key });
    if (result.body.state === 'done') return { form: form.body, result: result.body };
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`no report for ${form.body.key}`);
}

const CALENDAR = (date: string) => ['campagne;echeance;date;indicateur;documents;libelle', `2025-S2;retour_preuves;${date};MO;plan_actions;Retour des preuves (Corse)`, ''].join('\n');

beforeAll(async () => {
  portal = await startPortal();
  deps = portalDeps(portal.serving.embedded.runtime);
  origin = portal.serving.url;
  await signIn(CORSE, 'omedit', ['CORSE']);
  await signIn(ARS, 'ars', ['CORSE']);
  await signIn(PACA, 'omedit', ['PACA']);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

describe('OMéDIT sends a file for its region', () => {
  let first: Awaited<ReturnType<typeof send>>;

  it('gets a form pinned to one key under its region, with the kind’s name, and the report once ingest has run', async () => {
    first = await send('calendrier', 2025, 'Calendrier Corse v1.csv', CALENDAR('16/03/2026'));
    expect(first.form.key).toMatch(/^referential\/CORSE\/u[a-z0-9]+\/calendrier-2025\.csv$/);
    const policy = JSON.parse(Buffer.from(first.form.fields.Policy, 'base64').toString('utf8')) as { conditions: unknown[] };
    expect(policy.conditions).toContainEqual({ key: first.form.key });
    expect(policy.conditions).toContainEqual({ 'Content-Type': 'text/csv' });
    expect(policy.conditions).toContainEqual(['content-length-range', 1, 4 * 1024 ** 3]);
    expect(first.result).toMatchObject({ state: 'done', status: 'accepted', rowsAccepted: 1, errorCount: 0 });
    // Corse's own calendar; PACA keeps the shared one (09/03/2026).
    const rt = portal.serving.embedded.runtime;
    expect((await rt.referential.listDeadlines('CORSE')).map((d) => d.date)).toEqual(['2026-03-16']);
    expect((await rt.referential.listDeadlines('PACA')).map((d) => d.date)).toEqual(['2026-03-09', '2026-03-21']);
  });

  it('lists the file as current, with who sent it, its own name, and its history newest first', async () => {
    const second = await send('calendrier', 2025, 'Calendrier Corse v2.csv', CALENDAR('17/03/2026'));
    const page = await ask(CORSE, 'GET', '/api/omedit/inputs', { region: 'CORSE' });
    expect(page.status).toBe(200);
    const calendar = (page.body.kinds as any[]).find((k) => k.kind === 'calendrier');
    expect(calendar.current).toEqual([expect.objectContaining({ key: second.form.key, fileName: 'Calendrier Corse v2.csv', year: 2025, by: CORSE })]);
    // The calendar every region shares, dropped by `caqes serve`, is the oldest version, no longer in force for Corse.
    expect(calendar.history.map((v: any) => v.fileName)).toEqual(['Calendrier Corse v2.csv', 'Calendrier Corse v1.csv', 'calendrier-2025.csv']);
    expect(calendar.history[1].result).toMatchObject({ state: 'done', status: 'accepted' });
    // The earlier version is kept, and downloads under its own name.
    const download = await ask(CORSE, 'GET', '/api/omedit/inputs/download', { key: first.form.key });
    const file = await fetch(download.body.url);
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="Calendrier_Corse_v1.csv"');
    expect(await file.text()).toBe(CALENDAR('16/03/2026'));
  });

  it('records every upload in the region’s audit log, by the account that sent it', async () => {
    const audit = await ask(CORSE, 'GET', '/api/omedit/audit', { region: 'CORSE' });
    const uploads = (audit.body.entries as any[]).filter((e) => e.action === 'input.uploaded');
    expect(uploads).toHaveLength(2);
    expect(uploads[1]).toMatchObject({ actor: { kind: 'account', id: CORSE }, label: 'Fichier envoyé par l’OMéDIT', target: first.form.key, after: { kind: 'calendrier', year: 2025, fileName: 'Calendrier Corse v1.csv' } });
  });

  it('refuses a referential row of another region, with its line and column, and PACA is untouched', async () => {
    const { result } = await send('etablissements', null, 'etablissements.csv', [
      'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails',
      `${D};2A0000709;Hôpital d’Ajaccio-Test;Corse;ex-DG;C3;d@ch.example`,
      `${A};130780000;CHU Test – Timone;PACA;ex-DG;C1;a@chu.example`,
      '',
    ].join('\n'));
    expect(result).toMatchObject({ status: 'rejected', errorCount: 1 });
    expect(result.issues).toEqual([
      { severity: 'error', row: 3, column: 'region', message: 'Ligne d’une autre région que celle de ce dépôt : « PACA » (ce dépôt est pour CORSE). Un fichier envoyé pour une région ne peut changer que les données de cette région.' },
    ]);
    expect((await portal.serving.embedded.runtime.referential.listEstablishments('PACA')).map((e) => e.finess).sort()).toEqual([A, B]);
  });

  it('refuses what cannot be sent: another region, a kind that is not an input, no year, a document', async () => {
    const form = (body: Record<string, unknown>) => ask(CORSE, 'POST', '/api/omedit/inputs/uploads', {}, { region: 'CORSE', kind: 'ciblage', year: 2025, fileName: 'c.csv', size: 10, ...body });
    expect(await form({ region: 'PACA' })).toMatchObject({ status: 403, body: { error: { message: 'Accès refusé : la région PACA ne fait pas partie de vos régions.' } } });
    expect(await form({ kind: 'plan_actions' })).toMatchObject({ status: 400, body: { error: { code: 'unknown-kind' } } });
    expect(await form({ year: null })).toMatchObject({ status: 400, body: { error: { message: 'Requête invalide : l’année est à préciser pour « Ciblage des établissements ».' } } });
    expect(await form({ fileName: 'ciblage.pdf' })).toMatchObject({ status: 400, body: { error: { code: 'file-type-refused' } } });
    expect(await form({ fileName: 'ciblage.xlsx', size: 200 * 1024 ** 2 })).toMatchObject({ status: 413 });
  });

  it('gives each layout’s template as a workbook whose first sheet is the header and an example', async () => {
    const answer = await ask(CORSE, 'GET', '/api/omedit/template', { kind: 'calendrier', format: 'xlsx' });
    expect(answer.body).toMatchObject({ fileName: 'modele-calendrier.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(answer.body.base64, 'base64') as never);
    expect(workbook.worksheets[0]!.getRow(1).values).toEqual([undefined, 'campagne', 'echeance', 'date', 'region', 'indicateur', 'documents', 'libelle', 'rigueur']);
  });
});

describe('a large file, in parts', () => {
  it('resumes an interrupted upload with the parts still missing, then reads the whole file', async () => {
    // An ATIH extract of 12 MB for D: 400 000 lines of one UCD each, 2 of them I999.
    const lines = ['finess;annee;ucd;code_indication;nb_ucd;montant', `${D};2025;9385412;I999;2;20`];
    for (let i = 0; i < 400_000; i++) lines.push(`${D};2025;9385412;I000487;1;10,00`);
    const content = Buffer.from(lines.join('\n') + '\n');
    const start = await ask(CORSE, 'POST', '/api/omedit/inputs/multipart', {}, { region: 'CORSE', kind: 'atih-mo', year: 2025, fileName: 'MO corse 2025.csv', size: content.length });
    expect(start.status, JSON.stringify(start.body)).toBe(201);
    const { key, uploadId, partSize } = start.body as { key: string; uploadId: string; partSize: number };
    expect(key).toMatch(/^atih\/2025\/CORSE\/u[a-z0-9]+\/mo-2025\.csv$/);
    expect(partSize).toBe(5 * 1024 ** 2);
    const count = Math.ceil(content.length / partSize);
    expect(count).toBe(3);

    const sendParts = async (numbers: number[]) => {
      const signed = await ask(CORSE, 'POST', '/api/omedit/inputs/multipart/parts', {}, { key, uploadId, partNumbers: numbers });
      return Promise.all(
        (signed.body.parts as { partNumber: number; url: string }[]).map(async ({ partNumber, url }) => {
          const response = await fetch(url, { method: 'PUT', body: content.subarray((partNumber - 1) * partSize, partNumber * partSize) });
          expect(response.status).toBe(200);
          return { partNumber, etag: response.headers.get('etag')! };
        }),
      );
    };
    // The line drops after two parts; the page kept their ETags and sends the third only.
    const sent = await sendParts([1, 2]);
    sent.push(...(await sendParts([3])));
    expect(await ask(CORSE, 'POST', '/api/omedit/inputs/multipart/complete', {}, { key, uploadId, parts: sent })).toMatchObject({ status: 200 });

    for (let attempt = 0; attempt < 200; attempt++) {
      const result = await ask(CORSE, 'GET', '/api/omedit/inputs/result', { key });
      if (result.body.state === 'done') {
        expect(result.body).toMatchObject({ status: 'accepted', rowsRead: 400_001, rowsAccepted: 400_001 });
        return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('no report for the multipart upload');
  }, 90_000);

  it('signs parts only for an upload the page planned in the caller’s region', async () => {
    const other = 'atih/2025/CORSE/u-inconnu/mo-2025.csv';
    expect(await ask(CORSE, 'POST', '/api/omedit/inputs/multipart/parts', {}, { key: other, uploadId: 'x', partNumbers: [1] })).toMatchObject({ status: 404 });
    expect(await ask(CORSE, 'POST', '/api/omedit/inputs/multipart/parts', {}, { key: 'atih/2025/PACA/u1/mo-2025.csv', uploadId: 'x', partNumbers: [1] })).toMatchObject({ status: 403 });
  });
});

describe('readers of the region', () => {
  it('ARS reads Corse’s inputs and reports, and neither sends nor downloads a file', async () => {
    const page = await ask(ARS, 'GET', '/api/omedit/inputs', { region: 'CORSE' });
    expect(page.status).toBe(200);
    const key = (page.body.kinds as any[]).find((k) => k.kind === 'calendrier').current[0].key as string;
    expect((await ask(ARS, 'GET', '/api/omedit/inputs/result', { key })).body).toMatchObject({ state: 'done', status: 'accepted' });
    const refused = { status: 403, body: { error: { code: 'forbidden' } } };
    expect(await ask(ARS, 'GET', '/api/omedit/inputs/download', { key })).toMatchObject(refused);
    expect(await ask(ARS, 'POST', '/api/omedit/inputs/uploads', {}, { region: 'CORSE', kind: 'ciblage', year: 2025, fileName: 'c.csv', size: 10 })).toMatchObject(refused);
  });

  it('nobody reads a drop-zone or evidence file through the inputs routes', async () => {
    expect(await ask(CORSE, 'GET', '/api/omedit/inputs/result', { key: 'referential/etablissements.csv' })).toMatchObject({ status: 403 });
    expect(await ask(CORSE, 'GET', '/api/omedit/inputs/result', { key: 'evidence/2025-S2/2A0000717/plan_actions/u1-p.pdf' })).toMatchObject({ status: 403 });
  });
});

/** What a script does: puts the file straight into the bucket; then waits until ingest has read this version. */
async function drop(key: string, content: string): Promise<void> {
  const rt = portal.serving.embedded.runtime;
  const before = (await rt.fileEvents.list(key)).length;
  await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: content }));
  for (let attempt = 0; attempt < 100; attempt++) {
    const events = await rt.fileEvents.list(key);
    if (events.length > before && events.every((e) => e.status !== 'processing')) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${key} never read`);
}

const kindOf = (page: { body: Record<string, any> }, kind: string) => (page.body.kinds as any[]).find((k) => k.kind === kind);
const PHEV = (perfadom: string) => ['finess;indicateur;periode;numerateur;denominateur;valeur;valeur_reference', `${D};PERFADOM;2025;${perfadom};;;100000,00`, ''].join('\n');

describe('files a script drops into the drop zone (issue 25)', () => {
  const key = 'cpam/2025/phev-corse-2025.csv';

  it('lists a CPAM export dropped for Corse as its file in force, « déposé dans la zone de dépôt », with its report and a download', async () => {
    await drop(key, PHEV('110000,00'));
    const page = await ask(CORSE, 'GET', '/api/omedit/inputs', { region: 'CORSE' });
    const phev = kindOf(page, 'cpam-phev');
    expect(phev.current).toEqual([expect.objectContaining({ fileName: 'phev-corse-2025.csv', year: 2025, origin: 'drop-zone', by: 'déposé dans la zone de dépôt', note: null, downloadable: true })]);
    expect(phev.current[0].result).toMatchObject({ state: 'done', status: 'accepted', rowsAccepted: 1 });
    expect(await ask(CORSE, 'GET', '/api/omedit/inputs/result', { key: phev.current[0].key })).toMatchObject({ status: 200, body: { status: 'accepted', rowsRead: 1 } });
    const download = await ask(CORSE, 'GET', '/api/omedit/inputs/download', { key: phev.current[0].key });
    expect(await (await fetch(download.body.url)).text()).toBe(PHEV('110000,00'));
  });

  it('keeps each earlier version of the same key in the history, downloadable as it was, and a refused one does not replace the one in force', async () => {
    await drop(key, PHEV('120000,00'));
    await drop(key, PHEV('cent mille'));
    const phev = kindOf(await ask(CORSE, 'GET', '/api/omedit/inputs', { region: 'CORSE' }), 'cpam-phev');
    expect(phev.history.map((v: any) => v.result.status)).toEqual(['rejected', 'accepted', 'accepted']);
    expect(phev.history[0].result.issues[0]).toMatchObject({ severity: 'error', row: 2, column: 'numerateur' });
    // In force: the second version (PERFADOM 120 000 €), the newest accepted.
    expect(phev.current.map((v: any) => v.key)).toEqual([phev.history[1].key]);
    const first = await ask(CORSE, 'GET', '/api/omedit/inputs/download', { key: phev.history[2].key });
    expect(await (await fetch(first.body.url)).text()).toBe(PHEV('110000,00'));
  });

  it('shows PACA nothing of a file naming Corse only: neither in its list nor by its key', async () => {
    const phev = kindOf(await ask(CORSE, 'GET', '/api/omedit/inputs', { region: 'CORSE' }), 'cpam-phev');
    expect(kindOf(await ask(PACA, 'GET', '/api/omedit/inputs', { region: 'PACA' }), 'cpam-phev').history).toEqual([]);
    expect(await ask(PACA, 'GET', '/api/omedit/inputs/result', { key: phev.current[0].key })).toMatchObject({ status: 403 });
    expect(await ask(PACA, 'GET', '/api/omedit/inputs/download', { key: phev.current[0].key })).toMatchObject({ status: 403 });
  });

  it('lists the referential and the national extract for each region they name; a region reads their report but downloads no other region’s rows', async () => {
    for (const [as, region] of [[CORSE, 'CORSE'], [PACA, 'PACA']] as const) {
      const page = await ask(as, 'GET', '/api/omedit/inputs', { region });
      for (const kind of ['etablissements', 'atih-mo']) {
        // Corse's own ATIH extract, sent from its page above, is newer: the national one is then in its history.
        const current = kindOf(page, kind).history.find((v: any) => v.origin === 'drop-zone');
        expect(current, `${region} ${kind}`).toMatchObject({ fileName: kind === 'atih-mo' ? 'mo-2025.csv' : 'etablissements.csv', downloadable: false, note: 'Contient aussi des lignes d’autres régions (téléchargement réservé à qui les suit toutes).' });
        expect(current.result).toMatchObject({ state: 'done', status: 'accepted' });
        expect(await ask(as, 'GET', '/api/omedit/inputs/download', { key: current.key })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      }
    }
    expect(kindOf(await ask(PACA, 'GET', '/api/omedit/inputs', { region: 'PACA' }), 'atih-mo').current).toEqual([expect.objectContaining({ origin: 'drop-zone', fileName: 'mo-2025.csv' })]);
    // The calendar every region shares is in force for PACA, which sent none of its own.
    expect(kindOf(await ask(PACA, 'GET', '/api/omedit/inputs', { region: 'PACA' }), 'calendrier').current).toEqual([
      expect.objectContaining({ fileName: 'calendrier-2025.csv', note: 'Contient aussi des lignes communes à toutes les régions.', downloadable: true }),
    ]);
  });

  it('ARS of Corse sees the dropped file and its report, and downloads nothing', async () => {
    const [current] = kindOf(await ask(ARS, 'GET', '/api/omedit/inputs', { region: 'CORSE' }), 'cpam-phev').current;
    expect(current).toMatchObject({ origin: 'drop-zone', downloadable: false });
    expect(await ask(ARS, 'GET', '/api/omedit/inputs/result', { key: current.key })).toMatchObject({ status: 200 });
    expect(await ask(ARS, 'GET', '/api/omedit/inputs/download', { key: current.key })).toMatchObject({ status: 403 });
  });
});

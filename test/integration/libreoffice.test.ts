/**
 * Issue 24, the differential test: "the whole sample as LibreOffice .xlsx and as .ods gives the same
 * results as its CSVs (a differential test over every indicator and e-mail)".
 *
 * The workbooks are LibreOffice Calc's own, written by test/fixtures/libreoffice/generate.sh from
 * the sample's CSVs: FINESS, UCD and amounts typed as numbers, French decimals, the calendar's dates
 * as dates and the initiations' as text, the 2025 targets typed as percentages (`15 %`, stored 0.15
 * in a percent format), the hors-AMM argumentation under a merged title row. Each run replaces every
 * table of events/sample by its workbook and keeps the documents (PDFs, the refused `.exe`).
 */
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type RunResult } from '../../lib/cli/run';

const SAMPLE = 'events/sample';
const FIXTURES = 'test/fixtures/libreoffice';
const TODAY = '2026-02-23';
const TABLE = /\.(csv|xlsx|ods)$/i;

/** The sample as a drop-zone folder, its tables replaced by the workbooks of `format` (none for csv). */
async function sampleAs(format: 'csv' | 'xlsx' | 'ods', root: string): Promise<string> {
  const dir = join(root, format, 'data');
  await cp(SAMPLE, dir, { recursive: true, filter: (source) => format === 'csv' || !TABLE.test(source) });
  if (format !== 'csv') await cp(join(FIXTURES, format), dir, { recursive: true });
  return dir;
}

/** A personal upload link with its random id and signature taken out: who, which campaign, until when. */
function linkClaims(token: string): string {
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  delete claims.id;
  return JSON.stringify(claims).replace(/"/g, "'");
}

/**
 * What a run gives, with what must differ between runs taken out: the extension of each key
 * (`objectifs-2025.csv` and `objectifs-2025.ods` are the same table), the object versions and
 * message ids of the emulators, and the random id (hence the signature) of each personal link.
 */
function comparable(value: unknown): unknown {
  const text = JSON.stringify(value)
    .replace(/\.(?:csv|xlsx|ods)(?=["\s)»,;])/gi, '.<table>')
    .replace(/"(version|messageId)":"[^"]*"/g, '"$1":"*"')
    .replace(/depot#(v1\.[\w-]+\.[\w-]+)/g, (_, token: string) => `depot#${linkClaims(token)}`);
  return JSON.parse(text);
}

const byId = (r: RunResult['indicators'][number]): string => `${r.year}#${r.indicator}#${r.scope}#${r.finess ?? r.contrat}`;

/** Each file's outcome: accepted or refused, rows accepted, and every error with its line and column. */
function outcomes(run: RunResult): Record<string, unknown> {
  return Object.fromEntries(
    run.files.map((f) => [
      String(comparable(f.key)),
      {
        status: f.report?.status,
        rowsAccepted: f.report?.rowsAccepted,
        errors: f.report?.issues.filter((i) => i.severity === 'error').map((i) => `${i.code}@${i.row}:${i.column} ${i.message}`),
      },
    ]),
  );
}

let root: string;
const runs: Partial<Record<'csv' | 'xlsx' | 'ods', RunResult>> = {};

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'caqes-libreoffice-'));
  for (const format of ['csv', 'xlsx', 'ods'] as const) {
    runs[format] = await runPipeline({ dataDir: await sampleAs(format, root), today: TODAY, outDir: join(root, format, 'out') });
  }
}, 600_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the sample typed in LibreOffice gives what its CSVs give', () => {
  it('the fixtures hold every table of the sample, as .xlsx and as .ods', async () => {
    const tables = async (dir: string) =>
      (await readdir(dir, { recursive: true })).filter((f) => TABLE.test(f)).map((f) => f.replace(TABLE, '')).sort();
    const csv = await tables(SAMPLE);
    expect(csv.length).toBeGreaterThan(15);
    expect(await tables(join(FIXTURES, 'xlsx'))).toEqual(csv);
    expect(await tables(join(FIXTURES, 'ods'))).toEqual(csv);
  });

  it.each(['xlsx', 'ods'] as const)('%s: every file read as a workbook, accepted or refused as its CSV, with the same errors at the same lines', (format) => {
    const run = runs[format] as RunResult;
    const tables = run.files.filter((f) => TABLE.test(f.key));
    expect(tables.every((f) => f.report?.format === format)).toBe(true);
    expect(outcomes(run)).toEqual(outcomes(runs.csv as RunResult));
    // The two refused evidence files stay refused: an .exe, and an argumentation with a count « trois » and another site's FINESS.
    expect(Object.values(outcomes(run)).filter((o) => (o as { status: string }).status === 'rejected')).toHaveLength(2);
  });

  it.each(['xlsx', 'ods'] as const)('%s: every indicator result is the CSV run’s', (format) => {
    const csv = (runs.csv as RunResult).indicators;
    const other = (runs[format] as RunResult).indicators;
    expect(csv.length).toBeGreaterThan(300);
    expect(comparable([...other].sort((a, b) => byId(a).localeCompare(byId(b))))).toEqual(comparable([...csv].sort((a, b) => byId(a).localeCompare(byId(b)))));
  });

  it.each(['xlsx', 'ods'] as const)('%s: every e-mail is the CSV run’s', (format) => {
    const csv = (runs.csv as RunResult).emails;
    expect(csv.length).toBeGreaterThan(10);
    expect(comparable((runs[format] as RunResult).emails)).toEqual(comparable(csv));
  });

  it.each(['xlsx', 'ods'] as const)('%s: the 2025 targets typed as percentages are the percentages shown (MO < 15 %, < 20 % for three sites)', (format) => {
    const mo = (runs[format] as RunResult).indicators.filter((r) => r.year === 2025 && r.indicator === 'MO' && r.scope === 'site');
    expect(mo.find((r) => r.finess === '130783012')?.target).toEqual({ comparator: '<', value: 20, source: 'establishment' });
    expect(new Set(mo.filter((r) => r.target?.source === 'region').map((r) => `${r.region} ${r.target?.comparator} ${r.target?.value}`))).toEqual(new Set(['PACA < 15', 'CORSE < 10']));
    const objectives = (runs[format] as RunResult).files.find((f) => f.key.startsWith('referential/objectifs-2025'))?.report;
    expect(objectives).toMatchObject({ status: 'accepted', warningCount: 0 });
  });
});

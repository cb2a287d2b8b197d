/**
 * `caqes run` ingests a large extract from the local S3's own file, in two halves at once (as `caqes
 * validate` reads it): the report, the indicators and the summaries' figures are those of the same
 * extract read in one part. Two runs of the same folder, on two fresh embedded defaults: one with the
 * halves, one without.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runOnEmbedded, type RunResult } from '../../lib/cli/run';
import { HALVES_FROM_BYTES, readTabularInHalves } from '../../lib/formats/halves';
import { startEmbedded } from '../../lib/local/embedded';

// Every call passes through; `halvesAllowed` turns the halves off for the run in one part.
let halvesAllowed = true;
vi.mock('../../lib/formats/halves', async (original) => {
  const actual = await original<typeof import('../../lib/formats/halves')>();
  return {
    ...actual,
    readsInHalves: vi.fn((...args: Parameters<typeof actual.readsInHalves>) => halvesAllowed && actual.readsInHalves(...args)),
    readTabularInHalves: vi.fn(actual.readTabularInHalves),
  };
});

const A = '130780018';
const B = '130780026';
/** A valid FINESS the referential does not know, all along the file: said once. */
const OTHER = '440053643';

let dir: string;
let inHalves: RunResult;
let inOnePart: RunResult;
let extractBytes = 0;
let halvesCalls = 0;

function extract(): Buffer {
  const lines = ['finess;annee;mois;ucd;libelle;code_indication;nb_ucd;montant'];
  for (let i = 0; lines.length < 300_000; i++) {
    const finess = i % 97 === 5 ? OTHER : i % 3 === 0 ? B : A;
    const code = i % 11 === 0 ? '' : i % 5 === 0 ? 'I999' : i % 23 === 0 ? 'I997004' : `I${String(100 + (i % 40)).padStart(6, '0')}`;
    lines.push(`${finess};2025;${1 + (i % 12)};${9391234 + (i % 9)};Immunoglobuline humaine – flacon n° ${i % 4};${code};${1 + (i % 17)};${(1 + (i % 17)) * 125},${String(i % 100).padStart(2, '0')}`);
  }
  return iconv.encode(`${lines.join('\r\n')}\r\n`, 'windows-1252');
}

async function runFolder(data: string, name: string): Promise<RunResult> {
  const embedded = await startEmbedded();
  try {
    return await runOnEmbedded(embedded, { dataDir: data, today: '2026-02-23', outDir: join(dir, name) });
  } finally {
    await embedded.stop();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caqes-halves-run-'));
  const data = join(dir, 'data');
  const bytes = extract();
  extractBytes = bytes.length;
  const files: Record<string, string | Buffer> = {
    'referential/etablissements.csv': iconv.encode(
      ['finess;finess_juridique;raison_sociale;region;categorie;contrat;emails', `${A};130780000;CHU Test – Timone;PACA;ex-DG;C1;a@chu.example`, `${B};130780000;CHU Test – Nord;PACA;ex-DG;C1;b@chu.example`, ''].join('\r\n'),
      'win1252',
    ),
    'referential/ciblage-2025.csv': ['finess;indicateur', `${A};MO`, `${B};MO`, ''].join('\n'),
    'atih/2025/mo-2025.csv': bytes,
  };
  for (const [key, content] of Object.entries(files)) {
    await mkdir(dirname(join(data, key)), { recursive: true });
    await writeFile(join(data, key), content);
  }
  inHalves = await runFolder(data, 'halves');
  halvesCalls = vi.mocked(readTabularInHalves).mock.calls.length;
  halvesAllowed = false;
  inOnePart = await runFolder(data, 'one-part');
}, 240_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a user reads of an extract's report, apart from when it was checked. */
function reportOf(run: RunResult) {
  const report = run.files.find((f) => f.key === 'atih/2025/mo-2025.csv')?.report;
  if (!report) throw new Error('no report for the extract');
  const { checkedAt: _checkedAt, ...rest } = report;
  return rest;
}

/** Rates and sums rounded to the micro-unit: the halves add them in another order. */
function rounded(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v));
}

describe('caqes run on an extract larger than the halves threshold', () => {
  it('reads it in two halves from the local S3 file, and only in the run that allows them', () => {
    expect(extractBytes).toBeGreaterThan(HALVES_FROM_BYTES);
    expect(halvesCalls).toBe(1);
    expect(vi.mocked(readTabularInHalves).mock.calls.length).toBe(1);
  });

  it('gives the report of one reading: rows, encoding, the unknown FINESS once, the anomalies on their lines', () => {
    const report = reportOf(inHalves);
    expect(report).toMatchObject({ status: 'accepted', rowsRead: 300_000 - 1, encoding: 'windows-1252' });
    expect(report.issueCounts['unknown-finess']).toBe(1);
    expect(report.issueCounts['coding-anomaly']).toBeGreaterThan(1000);
    expect(report).toEqual(reportOf(inOnePart));
  });

  it('gives the indicators of one reading, establishment by establishment', () => {
    const byTarget = (run: RunResult) => rounded([...run.indicators].sort((x, y) => `${x.finess}${x.indicator}`.localeCompare(`${y.finess}${y.indicator}`)));
    expect(inHalves.indicators.some((r) => r.finess === A && r.value !== null)).toBe(true);
    expect(byTarget(inHalves)).toEqual(byTarget(inOnePart));
  });
});

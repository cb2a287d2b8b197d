import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCsv } from '../../lib/io/csv-reader';
import { firstHalf, readTabularInHalves } from '../../lib/formats/halves';
import { tableKind, type TableKind } from '../../lib/formats/registry';
import { IssueList } from '../../lib/formats/report';
import { readTabular, type FormatContext } from '../../lib/formats/tabular';
import { INGEST_LIMITS } from '../../lib/formats/limits';
import { HALVES_FROM_BYTES } from '../../lib/formats/halves';
import { validateFile } from '../../lib/formats/validate';
import { context, cp1252, referential } from './helpers';

// Every call passes through; the spy says whether validateFile took the halves.
vi.mock('../../lib/formats/halves', async (original) => {
  const actual = await original<typeof import('../../lib/formats/halves')>();
  return { ...actual, readTabularInHalves: vi.fn(actual.readTabularInHalves) };
});

const APHM = '130786049';
const IPC = '130001647';
/** Valid FINESS the referential does not know: said once in the whole file, whichever half holds it. */
const OTHER = '440053643';
const dir = mkdtempSync(join(tmpdir(), 'halves-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Numbers rounded to the micro-unit: the halves' sums are added in another order. */
function rounded(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v));
}

async function whole(kind: TableKind, path: string, ctx: FormatContext) {
  const csv = await openCsv(createReadStream(path), INGEST_LIMITS);
  const outcome = await readTabular(kind.format, csv, ctx);
  return { outcome, encoding: csv.encoding };
}

async function inHalves(kind: TableKind, path: string, middle: number, ctx: FormatContext) {
  const first = await openCsv(firstHalf(path, middle), INGEST_LIMITS);
  return readTabularInHalves(kind, first, ctx, new IssueList(), { path, middle, limits: INGEST_LIMITS, reopen: () => openCsv(createReadStream(path), INGEST_LIMITS) });
}

/** What a user sees of a reading: rows, the report's issues and counts, the facts. */
function seen(outcome: Awaited<ReturnType<typeof whole>>['outcome']) {
  const { rowsRead, rowsAccepted, issues, output } = outcome;
  return rounded({ rowsRead, rowsAccepted, listed: issues.listed, counts: issues.counts, errors: issues.errors, warnings: issues.warnings, truncated: issues.truncated, output });
}

/** An ATIH MO extract with a label in Windows-1252, coding anomalies and an unknown FINESS all along. */
function atihLines(n: number): string[] {
  const lines = ['FINESS;Année;Mois;UCD;Libellé;Code_Indication;Nb_UCD;Montant'];
  for (let i = 0; i < n; i++) {
    const finess = i % 7 === 3 ? OTHER : i % 2 === 0 ? APHM : IPC;
    const code = i % 11 === 0 ? '' : i % 13 === 0 ? 'X12' : i % 5 === 0 ? 'I999' : `I${String(100 + (i % 40)).padStart(3, '0')}`;
    lines.push(`${finess};2025;${1 + (i % 12)};${9391234 + (i % 9)};Médicament d’essai ${i % 4};${code};${i % 17},5;${i * 3},${String(i % 100).padStart(2, '0')}`);
  }
  return lines;
}

describe('a large extract read in two halves at once', () => {
  const atih = tableKind('atih-mo') as TableKind;
  const ctx = context({ year: 2025, establishments: referential(APHM, IPC) });

  it('gives what one reading gives, wherever the file is cut: rows, issues on their lines, facts, encoding', async () => {
    const bytes = cp1252(atihLines(400));
    const path = write('mo-2025.csv', bytes);
    const expected = await whole(atih, path, ctx);
    expect(expected.outcome.issues.counts['unknown-finess']).toBe(1);
    expect(expected.outcome.issues.counts['coding-anomaly']).toBeGreaterThan(20);
    expect(expected.outcome.output?.type).toBe('mo-facts');
    for (const middle of [2, 70, Math.floor(bytes.length / 3), Math.floor(bytes.length / 2), bytes.length - 30]) {
      const read = await inHalves(atih, path, middle, ctx);
      expect(read.readWhole, `cut at ${middle}`).toBeNull();
      expect(read.encoding).toBe('windows-1252');
      expect(seen(read.outcome), `cut at ${middle}`).toEqual(seen(expected.outcome));
    }
  });

  it('a refused cell of the second half is reported on its line of the whole file', async () => {
    const lines = atihLines(300);
    lines[250] = lines[250]!.replace(';2025;', ';20x5;');
    const path = write('mo-bad-2025.csv', cp1252(lines));
    const read = await inHalves(atih, path, 100, ctx);
    expect(read.readWhole).toBeNull();
    expect(read.outcome.output).toBeNull();
    expect(read.outcome.issues.listed.filter((i) => i.severity === 'error').map((i) => `${i.code}@${i.row}:${i.column}`)).toEqual(['type-error@251:annee']);
    expect(seen(read.outcome)).toEqual(seen((await whole(atih, path, ctx)).outcome));
  });

  it('a quoted field, where a line break may be text, makes it read the file again whole', async () => {
    const lines = atihLines(200);
    lines[150] = `${APHM};2025;3;9391234;"Libellé ; avec ""guillemets""";I001;1,5;10`;
    const path = write('mo-quoted-2025.csv', cp1252(lines));
    const read = await inHalves(atih, path, 4000, ctx);
    expect(read.readWhole).toBe('quoted fields');
    expect(seen(read.outcome)).toEqual(seen((await whole(atih, path, ctx)).outcome));
  });

  it('blank lines at the cut are said as one reading says them', async () => {
    const lines = atihLines(200);
    lines.splice(120, 0, '', ';;;', '');
    const bytes = cp1252(lines);
    const path = write('mo-blank-2025.csv', bytes);
    const cut = bytes.indexOf('\r\n\r\n;;;') + 3;
    const read = await inHalves(atih, path, cut, ctx);
    expect(read.readWhole).toBe('blank lines at the cut');
    const expected = await whole(atih, path, ctx);
    expect(expected.outcome.issues.counts['blank-row']).toBe(1);
    expect(seen(read.outcome)).toEqual(seen(expected.outcome));
  });

  it('FICHCOMP and Open PHMEV: the halves joined give the same facts and notes', async () => {
    const fichcomp = tableKind('fichcomp-med') as TableKind;
    const stays = ['ETA_NUM;RSA_NUM;ANN;MOI;UCD_UCD_COD;COD_LES;ADM_NBR;ADM_NBR_PRI'];
    for (let i = 0; i < 300; i++) stays.push(`${i % 5 === 0 ? OTHER : i % 2 ? APHM : IPC};${i};2025;${1 + (i % 12)};${i % 23 === 0 ? 'ABC' : 3400890000000 + (i % 6)};${i % 9 === 0 ? 'I999' : 'I001'};1,5;${i},25`);
    const stayPath = write('fichcomp-med-2025.csv', cp1252(stays));
    const stayRead = await inHalves(fichcomp, stayPath, 5000, ctx);
    expect(stayRead.readWhole).toBeNull();
    expect(seen(stayRead.outcome)).toEqual(seen((await whole(fichcomp, stayPath, ctx)).outcome));

    const phmev = tableKind('open-phmev') as TableKind;
    const base = ['ATC4;ATC5;CIP13;l_cip13;TOP_GEN;GEN_NUM;etb_rgt;BOITES;REM;BSE'];
    for (let i = 0; i < 300; i++) base.push(`${i % 3 ? 'A02BC' : 'N02BE'};A02BC01;${i % 10 === 0 ? '0' : '3400930000001'};${i % 10 === 0 ? 'HONORAIRES DE DISPENSATION' : 'Oméprazole'};${'0149BC'[i % 6]};${i % 4 ? '12' : ''};${i % 5 === 0 ? OTHER : i % 2 ? APHM : IPC};${i % 7};${i},5;${i},75`);
    const basePath = write('open-phmev-2025.csv', cp1252(base));
    const baseRead = await inHalves(phmev, basePath, 6000, ctx);
    expect(baseRead.readWhole).toBeNull();
    expect(seen(baseRead.outcome)).toEqual(seen((await whole(phmev, basePath, ctx)).outcome));
  });

  it('validateFile reads a local extract over the threshold in halves, with the report of one reading', async () => {
    const lines = atihLines(260_000);
    lines[200_000] = lines[200_000]!.replace(';2025;', ';20x5;');
    const bytes = cp1252(lines);
    expect(bytes.length).toBeGreaterThan(HALVES_FROM_BYTES);
    const path = write('mo-large-2025.csv', bytes);
    const file = { fileName: 'mo-large-2025.csv', size: bytes.length, open: async () => createReadStream(path) };
    const recognition = { tag: 'table', kinds: [atih], year: 2025 } as const;
    vi.mocked(readTabularInHalves).mockClear();
    const halves = await validateFile({ ...file, path }, recognition, ctx);
    expect(vi.mocked(readTabularInHalves)).toHaveBeenCalledTimes(1);
    expect((await vi.mocked(readTabularInHalves).mock.results[0]!.value).readWhole).toBeNull();
    const one = await validateFile(file, recognition, ctx);
    expect(one.issues.errors).toBe(1);
    expect(one.issues.counts['type-error']).toBe(1);
    expect(one.issues.truncated).toBe(true);
    expect(rounded({ ...halves, issues: halves.issues.snapshot() })).toEqual(rounded({ ...one, issues: one.issues.snapshot() }));
  }, 60_000);
});

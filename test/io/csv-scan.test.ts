/**
 * The quote-free scan of the CSV reader (lib/io/csv-scan.ts) against papaparse, its reference:
 * `openCsv(…, { parser: 'auto' })` and `openCsv(…, { parser: 'papaparse' })` must give the same
 * file (encoding, delimiter, header), the same rows (line, cells, blankBefore) and the same
 * errors, on generated files of every shape the reader accepts, cut in chunks of any size.
 * Also: the Windows-1252 decoding that the scan relies on, against iconv-lite.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openCsv } from '../../lib/io/csv-reader';
import { scanRecords, Windows1252Marks } from '../../lib/io/csv-scan';
import { TableReadError, type TableLimits, type TableRow } from '../../lib/io/table';
import { firstNonAscii, windows1252FromLatin1, windows1252Positions } from '../../lib/io/encoding';

const SAMPLE = fileURLToPath(new URL('../fixtures/open_phmev_2024_extrait.csv', import.meta.url));

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** Everything a reader gives for a file: what it says at opening, every row, and how it ends. */
async function readWhole(bytes: Uint8Array, chunk: number, parser: 'auto' | 'papaparse', limits: TableLimits = {}, view: 'rows' | 'batches' = 'rows') {
  let file;
  try {
    file = await openCsv(chunked(bytes, chunk), limits, { parser });
  } catch (e) {
    if (!(e instanceof TableReadError)) throw e;
    return { opened: null, rows: [], error: { code: e.code, line: e.line, message: e.message } };
  }
  const opened = { delimiter: file.delimiter, header: file.header, headerLine: file.headerLine };
  const rows = [];
  let error = null;
  try {
    if (view === 'rows') for await (const row of file.rows) rows.push(row);
    else for await (const batch of file.batches) rows.push(...batch);
  } catch (e) {
    if (!(e instanceof TableReadError)) throw e;
    error = { code: e.code, line: e.line, message: e.message };
  }
  return { opened: { ...opened, encoding: file.encoding }, rows, error };
}

/** Characters a cell may hold; those needing quotes get them, or the file is written without. */
const TEXT = ['a', 'Z', '7', ',', '.', ' ', 'é', 'É', '’', '€', 'œ', '…', 'ç', '"', '-'];
const SPECIAL = [';', ',', '\t', '\n', '\r\n', '\r'];

interface Spec {
  encoding: 'utf-8' | 'utf-8-bom' | 'windows-1252';
  delimiter: ';' | ',' | '\t';
  newline: '\n' | '\r\n';
  rows: { chars: string[]; quote: boolean }[][];
  finalNewline: boolean;
  /** Lines of ASCII filler before the rows, so that the file's first 64 KiB can be pure ASCII. */
  asciiFiller: number;
}

const specArb: fc.Arbitrary<Spec> = fc.record({
  encoding: fc.constantFrom('utf-8', 'utf-8-bom', 'windows-1252'),
  delimiter: fc.constantFrom(';', ',', '\t'),
  newline: fc.constantFrom('\n', '\r\n'),
  rows: fc.array(
    fc.array(
      fc.record({
        chars: fc.array(fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...TEXT) }, { weight: 1, arbitrary: fc.constantFrom(...SPECIAL) }), { maxLength: 7 }),
        // Mostly unquoted, so that most files stay on the scan for long stretches.
        quote: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    { maxLength: 30 },
  ),
  finalNewline: fc.boolean(),
  asciiFiller: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(7000) }),
});

/**
 * The bytes of a file: a cell that holds its delimiter or a line break, or starts with a quote,
 * is quoted (as is a cell drawn to be); other cells are written as they are, stray quotes, a lone
 * `\n` in a CRLF file and a lone `\r` included, which is text for both readers.
 */
function bytesOf(spec: Spec): Uint8Array {
  const writeCell = ({ chars, quote }: { chars: string[]; quote: boolean }): string => {
    const text = chars.join('');
    const needs = text.startsWith('"') || text.includes(spec.delimiter) || (spec.newline === '\n' ? text.includes('\n') : text.includes('\r\n') || text.endsWith('\r'));
    return needs || quote ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const filler = Array.from({ length: spec.asciiFiller }, (_, i) => [`f${i}`, 'abcdefgh'].join(spec.delimiter));
  const lines = [['h1', 'h2', 'h3'].join(spec.delimiter), ...filler, ...spec.rows.map((row) => row.map(writeCell).join(spec.delimiter))];
  const text = lines.join(spec.newline) + (spec.finalNewline ? spec.newline : '');
  if (spec.encoding === 'windows-1252') return new Uint8Array(iconv.encode(text, 'windows-1252'));
  const utf8 = new TextEncoder().encode(text);
  return spec.encoding === 'utf-8-bom' ? new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]) : utf8;
}

const limitsArb: fc.Arbitrary<TableLimits> = fc.oneof(
  { weight: 4, arbitrary: fc.constant({}) },
  { weight: 1, arbitrary: fc.record({ maxRows: fc.integer({ min: 0, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ maxCellsPerRow: fc.integer({ min: 1, max: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ maxRecordChars: fc.integer({ min: 5, max: 200 }) }) },
  { weight: 1, arbitrary: fc.record({ maxBytes: fc.integer({ min: 10, max: 400 }) }) },
);

describe('the quote-free scan against papaparse', () => {
  it('gives the same file, rows and errors on generated files, whatever the chunks and limits', async () => {
    await fc.assert(
      fc.asyncProperty(specArb, fc.integer({ min: 1, max: 400 }), limitsArb, fc.constantFrom('rows', 'batches'), async (spec, chunk, limits, view) => {
        const bytes = bytesOf(spec);
        const size = spec.asciiFiller > 0 ? chunk * 64 : chunk;
        const reference = await readWhole(bytes, size, 'papaparse', limits);
        expect(await readWhole(bytes, size, 'auto', limits, view)).toEqual(reference);
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same rows on files ending in invalid UTF-8, a record too long, or a lone CR as newline', async () => {
    const utf8 = new TextEncoder().encode(`a;b\n${'x;é\n'.repeat(20000)}`);
    const broken = new Uint8Array([...utf8, ...iconv.encode('y;Né\n', 'windows-1252')]);
    const long = new TextEncoder().encode(`a;b\r\n1;2\r\n${'x'.repeat(100_000)};3\r\n4;5\r\n`);
    const oldMac = new TextEncoder().encode('a;b\r1;2\r\r3;"x\ry"\r');
    for (const [bytes, limits] of [[broken, {}], [long, { maxRecordChars: 1000 }], [oldMac, {}]] as const) {
      for (const chunk of [1, 7, 4096, 100000]) {
        const reference = await readWhole(bytes, chunk, 'papaparse', limits);
        expect(await readWhole(bytes, chunk, 'auto', limits)).toEqual(reference);
      }
    }
    expect((await readWhole(broken, 4096, 'auto')).error?.code).toBe('encoding-error');
    expect((await readWhole(long, 4096, 'auto', { maxRecordChars: 1000 })).error?.code).toBe('record-too-long');
  });

  it('reads stray quotes as text and quoted fields as papaparse does, in the middle of a scanned file', async () => {
    const text = 'nom;ville\r\nETABLISSEMENT "LES LILAS";NICE\r\n"CH ""A""; annexe";"PARIS\r\nNORD"\r\nA "B" C;x\r\n';
    const { rows } = await readWhole(new TextEncoder().encode(text), 5, 'auto');
    expect(rows).toEqual([
      { line: 2, cells: ['ETABLISSEMENT "LES LILAS"', 'NICE'] },
      { line: 3, cells: ['CH "A"; annexe', 'PARIS\r\nNORD'] },
      { line: 5, cells: ['A "B" C', 'x'] },
    ]);
  });

  it('keeps U+0080-U+009F of a UTF-8 file, and reads the bytes 0x80-0x9F of a Windows-1252 file as Windows-1252', async () => {
    const utf8 = await readWhole(new TextEncoder().encode('a;b\n\u0092x;\u0080\n'), 3, 'auto');
    expect(utf8.rows).toEqual([{ line: 2, cells: ['\u0092x', '\u0080'] }]);
    const cp1252 = await readWhole(new Uint8Array([...new TextEncoder().encode('a;b\n'), 0x6c, 0x92, 0x61, 0x3b, 0x80, 0x9c, 0x0a]), 3, 'auto');
    expect(cp1252.rows).toEqual([{ line: 2, cells: ['l’a', '€œ'] }]);
  });

  it('gives the same rows as papaparse on the real Open PHMEV extract', async () => {
    const read = async (parser: 'auto' | 'papaparse') => {
      const file = await openCsv(createReadStream(SAMPLE, { highWaterMark: 1000 }), {}, { parser });
      const rows = [];
      for await (const row of file.rows) rows.push(row);
      return { encoding: file.encoding, header: file.header, rows };
    };
    const reference = await read('papaparse');
    expect(reference.rows).toHaveLength(302);
    expect(await read('auto')).toEqual(reference);
  });
});

describe('scanRecords: records of any width, cells cut or not', () => {
  it('gives each record its own cells, those outside the mask empty and those past it cut', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', '7', ' ', 'é', ','), maxLength: 4 });
    // The first cell is never empty nor left out: no record is blank, whatever the mask.
    const record = fc.tuple(fc.string({ unit: fc.constantFrom('x', '1'), minLength: 1, maxLength: 3 }), fc.array(cell, { maxLength: 6 })).map(([first, rest]) => [first, ...rest]);
    const mask = fc.option(fc.array(fc.boolean(), { maxLength: 5 }).map((m) => Uint8Array.from([1, ...m.map((b) => (b ? 1 : 0))])));
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), mask, (records, cut) => {
        const out: TableRow[] = [];
        const text = records.map((r) => `${r.join(';')}\r\n`).join('');
        const result = scanRecords(text, ';', '\r\n', false, { breaks: 0, blanks: 0 }, out, new Windows1252Marks(), 0, cut);
        expect(result).toEqual({ end: text.length, quoted: false });
        const kept = (r: string[]) => r.map((c, i) => (cut === null || i >= cut.length || cut[i] === 1 ? c : ''));
        expect(out).toEqual(records.map((r, i) => ({ line: i + 1, cells: kept(r) })));
      }),
      { numRuns: 500 },
    );
  });
});

describe('Windows-1252 decoding', () => {
  it('Latin-1 plus windows1252FromLatin1 at the positions found is iconv-lite, at any alignment', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 10_000 }), (raw, shift, offset) => {
        // A view that starts at any address, as chunks of a stream do.
        const bytes = new Uint8Array(raw.length + shift);
        bytes.set(raw, shift);
        const view = bytes.subarray(shift);
        const positions: number[] = [];
        windows1252Positions(view, offset, positions);
        const latin1 = Buffer.from(view).toString('latin1');
        expect(positions).toEqual([...raw.keys()].filter((i) => (raw[i] as number) >= 0x80 && (raw[i] as number) < 0xa0).map((i) => i + offset));
        expect(windows1252FromLatin1(latin1)).toBe(iconv.decode(Buffer.from(raw), 'windows-1252'));
        expect(firstNonAscii(view)).toBe(raw.findIndex((b) => b >= 0x80));
      }),
      { numRuns: 500 },
    );
  });

  it('finds the rare 0x80-0x9F bytes of a mostly-ASCII text, at any alignment', () => {
    // Mostly letters and accented Latin-1 letters, as an extract is: most 16-byte blocks hold no such byte.
    const byte = fc.oneof({ weight: 60, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) }, { weight: 5, arbitrary: fc.integer({ min: 0xa0, max: 0xff }) }, { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0x9f }) });
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 400 }), fc.integer({ min: 0, max: 7 }), (values, shift) => {
        const bytes = new Uint8Array(values.length + shift);
        bytes.set(values, shift);
        const positions: number[] = [];
        windows1252Positions(bytes.subarray(shift), 7, positions);
        expect(positions).toEqual([...values.keys()].filter((i) => (values[i] as number) >= 0x80 && (values[i] as number) < 0xa0).map((i) => i + 7));
      }),
      { numRuns: 500 },
    );
  });

  it('maps all 32 bytes 0x80-0x9F as iconv-lite does', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(windows1252FromLatin1(bytes.toString('latin1'))).toBe(iconv.decode(bytes, 'windows-1252'));
  });
});

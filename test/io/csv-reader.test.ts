import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Papa from 'papaparse';
import iconv from 'iconv-lite';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { openCsv } from '../../lib/io/csv-reader';
import { TableReadError, UnsupportedFormatError, type TableFile, type TableRow } from '../../lib/io/table';

const SAMPLE = fileURLToPath(new URL('../fixtures/open_phmev_2024_extrait.csv', import.meta.url));

/** Yields `bytes` in chunks of `size` bytes (cutting multi-byte characters and CRLF anywhere). */
async function* chunked(bytes: Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const cp1252 = (s: string): Uint8Array => new Uint8Array(iconv.encode(s, 'windows-1252'));
/**
 * Some Windows-1252 byte runs are also valid UTF-8 (`é€œ` is E9 80 9C, the UTF-8 of U+901C): no
 * reader can tell those apart, so the identity properties only hold for the others.
 */
const alsoValidUtf8 = (bytes: Uint8Array): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return /[\x80-\xff]/.test(Buffer.from(bytes).toString('latin1'));
  } catch {
    return false;
  }
};

async function readAll(file: TableFile): Promise<TableRow[]> {
  const out: TableRow[] = [];
  for await (const row of file.rows) out.push(row);
  return out;
}

async function open(text: string | Uint8Array, size = 7, limits?: Parameters<typeof openCsv>[1]) {
  const bytes = typeof text === 'string' ? utf8(text) : text;
  const file = await openCsv(chunked(bytes, size), limits);
  return { file, rows: await readAll(file) };
}

async function readError(promise: Promise<unknown>): Promise<TableReadError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(TableReadError);
    return e as TableReadError;
  }
  throw new Error('expected a TableReadError');
}

describe('openCsv on the real Open PHMEV sample', () => {
  it('reads Windows-1252, ;, 31 columns and 302 rows', async () => {
    const file = await openCsv(createReadStream(SAMPLE, { highWaterMark: 4096 }));
    expect(file.encoding).toBe('windows-1252');
    expect(file.delimiter).toBe(';');
    expect(file.header).toHaveLength(31);
    expect(file.header[0]).toBe('atc1');
    expect(file.header.at(-1)).toBe('BSE');
    const rows = await readAll(file);
    expect(rows).toHaveLength(302);
    for (const row of rows) expect(row.cells).toHaveLength(31);
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: 302 }, (_, i) => i + 2));
    expect(rows.some((r) => r.cells.some((c) => c.includes('’')))).toBe(true);
    expect(rows.some((r) => r.cells.includes('Non restitué'))).toBe(true);
    // Stray double quotes inside unquoted fields keep their text.
    expect(rows.some((r) => r.cells.includes('DIURETIQUES "LOW-CEILING", THIAZIDIQUES'))).toBe(true);
    expect(rows[0]?.cells.at(-2)).toBe('29654,42');
  });
});

describe('openCsv', () => {
  it('reads LF and CRLF files the same way', async () => {
    for (const nl of ['\n', '\r\n']) {
      const { file, rows } = await open(`a;b;c${nl}1;2;3${nl}4;5;6${nl}`);
      expect(file.header).toEqual(['a', 'b', 'c']);
      expect(rows).toEqual([
        { line: 2, cells: ['1', '2', '3'] },
        { line: 3, cells: ['4', '5', '6'] },
      ]);
    }
  });

  it('reads the last row without a final newline', async () => {
    const { rows } = await open('a;b\r\n1;2');
    expect(rows).toEqual([{ line: 2, cells: ['1', '2'] }]);
  });

  it('trims header cells but not data cells', async () => {
    const { file, rows } = await open(' finess ; Code_Indication \n 1 ; 2 \n');
    expect(file.header).toEqual(['finess', 'Code_Indication']);
    expect(rows[0]?.cells).toEqual([' 1 ', ' 2 ']);
  });

  it('handles quoted delimiters, doubled quotes and stray quotes', async () => {
    const { rows } = await open(
      'nom;ville\n"CH ""Les Lilas""; annexe";"PARIS"\nETABLISSEMENT "LES LILAS";NICE\nA "B" C;"x;y"\n',
    );
    expect(rows.map((r) => r.cells)).toEqual([
      ['CH "Les Lilas"; annexe', 'PARIS'],
      ['ETABLISSEMENT "LES LILAS"', 'NICE'],
      ['A "B" C', 'x;y'],
    ]);
  });

  it('gives the first physical line of rows with quoted multi-line fields', async () => {
    const text = 'a;b\r\n"x\r\ny\r\nz";1\r\n2;"p\nq"\r\n3;4\r\n';
    for (const size of [1, 2, 3, 5, 64, 100000]) {
      const { rows } = await open(text, size);
      expect(rows).toEqual([
        { line: 2, cells: ['x\r\ny\r\nz', '1'] },
        { line: 5, cells: ['2', 'p\nq'] },
        { line: 7, cells: ['3', '4'] },
      ]);
    }
  });

  it('skips blank lines, counts them in line numbers and says how many came before each row', async () => {
    const { file, rows } = await open('\n\na;b\n\n1;2\n;\n  ; \t\n\r\n3;4\n\n\n');
    expect(file.headerLine).toBe(3);
    expect(rows).toEqual([
      { line: 5, cells: ['1', '2'], blankBefore: 1 },
      { line: 9, cells: ['3', '4'], blankBefore: 3 },
    ]);
  });

  it('detects the delimiter from the header', async () => {
    expect((await open('a,b,c\n1,2,3\n')).rows[0]?.cells).toEqual(['1', '2', '3']);
    expect((await open('a\tb\n1;x\t2\n')).rows[0]?.cells).toEqual(['1;x', '2']);
    const { file } = await open('"a;b",c,d\n1,2,3\n');
    expect(file.delimiter).toBe(',');
    expect(file.header).toEqual(['a;b', 'c', 'd']);
  });

  it('strips a UTF-8 BOM', async () => {
    const { file, rows } = await open(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('finess;libellé\n1;é’\n')]), 1);
    expect(file.encoding).toBe('utf-8-bom');
    expect(file.header).toEqual(['finess', 'libellé']);
    expect(rows[0]?.cells).toEqual(['1', 'é’']);
  });

  it('decodes Windows-1252 (0x92 is ’, 0x80 is €)', async () => {
    const { file, rows } = await open(new Uint8Array([...utf8('a;b\n'), 0x6c, 0x92, 0x61, 0x3b, 0x80, 0x0a]), 2);
    expect(file.encoding).toBe('windows-1252');
    expect(rows[0]?.cells).toEqual(['l’a', '€']);
  });

  it('switches to Windows-1252 when the first 64 KiB are ASCII', async () => {
    const asciiRows = Array.from({ length: 5000 }, (_, i) => `${i};abcdefghij`).join('\r\n');
    const text = `n;libelle\r\n${asciiRows}\r\n5000;Non restitué ’\r\n`;
    const bytes = cp1252(text);
    expect(bytes.length).toBeGreaterThan(64 * 1024);
    const file = await openCsv(chunked(bytes, 1000));
    expect(file.encoding).toBe('utf-8');
    const rows = await readAll(file);
    expect(file.encoding).toBe('windows-1252');
    expect(rows.at(-1)).toEqual({ line: 5002, cells: ['5000', 'Non restitué ’'] });
  });

  it('fails with encoding-error when UTF-8 turns invalid after the sample', async () => {
    const text = `n;libellé\n${Array.from({ length: 15000 }, (_, i) => `${i};é`).join('\n')}\n`;
    const bytes = new Uint8Array([...utf8(text), ...cp1252('x;Né\n')]);
    const file = await openCsv(chunked(bytes, 4096));
    const err = await readError(readAll(file));
    expect(err.code).toBe('encoding-error');
    expect(err.line).toBeGreaterThan(14000);
  });

  it('rejects empty files and files without a header', async () => {
    expect((await readError(open(''))).code).toBe('empty-file');
    expect((await readError(open('\r\n\n  \n;;\n'))).code).toBe('empty-file');
    expect((await readError(open(new Uint8Array([0xef, 0xbb, 0xbf])))).code).toBe('empty-file');
  });

  it('rejects binary files', async () => {
    const err = await readError(open(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x3b])));
    expect(err.code).toBe('binary-file');
    // A NUL after the first 8 KiB is not looked for.
    const late = new Uint8Array([...utf8(`a;b\n${'x;y\n'.repeat(3000)}`), 0x00]);
    await expect(open(late)).resolves.toBeDefined();
  });

  it('refuses a CSV saved in UTF-16 (Excel’s "Texte Unicode"), naming it, rather than calling it binary', async () => {
    for (const bytes of [Buffer.from('\ufefffiness\tcible\r\n130780018\t15\r\n', 'utf16le'), Buffer.from('finess;cible\r\n130780018;15\r\n', 'utf16le')]) {
      const err = await readError(open(bytes));
      expect(err).toBeInstanceOf(UnsupportedFormatError);
      expect(err).toMatchObject({ code: 'unreadable-file', format: 'utf-16' });
    }
  });

  it('enforces maxRows with the line of the first extra row', async () => {
    const err = await readError(open('a;b\n1;2\n\n3;4\n5;6\n', 7, { maxRows: 2 }));
    expect(err.code).toBe('too-many-rows');
    expect(err.line).toBe(5);
    await expect(open('a;b\n1;2\n3;4\n', 7, { maxRows: 2 })).resolves.toBeDefined();
  });

  it('enforces maxCellsPerRow on the header and the rows', async () => {
    expect((await readError(open('a;b;c\n1\n', 7, { maxCellsPerRow: 2 }))).code).toBe('too-many-cells');
    const err = await readError(open('a;b\n1;2\n1;2;3\n', 7, { maxCellsPerRow: 2 }));
    expect(err.code).toBe('too-many-cells');
    expect(err.line).toBe(3);
  });

  it('enforces maxBytes, during the peek and while streaming', async () => {
    expect((await readError(open('a;b\n1;2\n', 3, { maxBytes: 5 }))).code).toBe('too-large');
    const big = `a;b\n${'1;2\n'.repeat(30000)}`;
    const file = await openCsv(chunked(utf8(big), 8192), { maxBytes: 100000 });
    const err = await readError(readAll(file));
    expect(err.code).toBe('too-large');
    expect(err.line).toBeGreaterThan(20000);
    await expect(open(big, 8192, { maxBytes: big.length })).resolves.toBeDefined();
  });

  it('bounds the memory taken by an unclosed quote', async () => {
    const text = `a;b\n1;"never closed\n${'x;y\n'.repeat(10000)}`;
    const err = await readError(open(text, 4096, { maxRecordChars: 10000 }));
    expect(err.code).toBe('record-too-long');
    expect(err.line).toBe(2);
  });

  it('refuses a quote opened and never closed, on its line, whichever parser reads it', async () => {
    const text = 'a;b\n1;2\n3;"4\n5;6\n7;8\n';
    for (const parser of ['auto', 'papaparse'] as const) {
      const file = await openCsv(chunked(utf8(text), 3), {}, { parser });
      const err = await readError(readAll(file));
      expect(err).toMatchObject({ code: 'unclosed-quote', line: 3 });
    }
    // A quote closed on a later line is a cell spanning lines, not an error.
    expect((await open('a;b\n1;"deux\nlignes"\n3;4\n')).rows).toEqual([
      { line: 2, cells: ['1', 'deux\nlignes'] },
      { line: 4, cells: ['3', '4'] },
    ]);
  });

  it('accepts Node readable streams, Buffers and strings as chunks', async () => {
    const file = await openCsv(Readable.from([Buffer.from('a;b\n1;'), Buffer.from('2\n')]));
    expect(await readAll(file)).toEqual([{ line: 2, cells: ['1', '2'] }]);
  });

  it('is lazy and closes the source when iteration stops early', async () => {
    let pulled = 0;
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield utf8('a;b\n');
        for (let i = 0; i < 1_000_000; i++) {
          pulled++;
          yield utf8(`${i};${'x'.repeat(1000)}\n`);
        }
      } finally {
        closed = true;
      }
    }
    const file = await openCsv(source());
    let seen = 0;
    for await (const row of file.rows) {
      seen++;
      if (row.line === 1000) break;
    }
    expect(seen).toBe(999);
    expect(pulled).toBeLessThan(1200);
    expect(closed).toBe(true);
  });
});

// ---------- property tests ----------

const CELL_CHARS = ['a', 'Z', '1', ' ', 'é', 'È', '’', '€', 'œ', 'ç', '"', ';', ',', '\t', '\n', '\r\n'];

/** A cell, and how to write it: quoted when needed (or at random), else raw with stray quotes. */
const cellArb = fc.tuple(fc.array(fc.constantFrom(...CELL_CHARS), { maxLength: 8 }), fc.boolean()).map(
  ([chars, forceQuote]) => ({ text: chars.join(''), forceQuote }),
);

const fileArb = fc.record({
  delimiter: fc.constantFrom(';', ',', '\t'),
  newline: fc.constantFrom('\n', '\r\n'),
  rows: fc.array(fc.array(cellArb, { minLength: 1, maxLength: 5 }), { maxLength: 25 }),
  finalNewline: fc.boolean(),
  chunk: fc.integer({ min: 1, max: 300 }),
});

type GeneratedFile = { text: string; expected: TableRow[] };

interface FileSpec {
  delimiter: string;
  newline: string;
  rows: { text: string; forceQuote: boolean }[][];
  finalNewline: boolean;
}

function serialise(f: FileSpec): GeneratedFile {
  const writeCell = ({ text, forceQuote }: { text: string; forceQuote: boolean }): string => {
    const needs = text.startsWith('"') || text.includes(f.delimiter) || text.includes('\n') || text.includes('\r');
    return needs || forceQuote ? `"${text.replaceAll('"', '""')}"` : text;
  };
  let text = ['h1', 'h2', 'h3'].join(f.delimiter);
  const expected: TableRow[] = [];
  let blanks = 0;
  for (const row of f.rows) {
    text += f.newline;
    const line = 1 + (text.match(/\n/g)?.length ?? 0);
    const cells = row.map((c) => c.text);
    if (cells.every((c) => c.trim() === '')) blanks++;
    else {
      expected.push(blanks > 0 ? { line, cells, blankBefore: blanks } : { line, cells });
      blanks = 0;
    }
    text += row.map(writeCell).join(f.delimiter);
  }
  if (f.finalNewline) text += f.newline;
  return { text, expected };
}

describe('openCsv properties', () => {
  it('never throws anything but TableReadError on arbitrary bytes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }),
          fc.array(fc.constantFrom(0x22, 0x3b, 0x2c, 0x09, 0x0a, 0x0d, 0x61, 0x92, 0xc3, 0xa9, 0xef, 0xbb, 0xbf, 0x20), { maxLength: 500 })
            .map((a) => new Uint8Array(a)),
        ),
        fc.integer({ min: 1, max: 512 }),
        async (bytes, size) => {
          try {
            const file = await openCsv(chunked(bytes, size), { maxRows: 200, maxCellsPerRow: 50, maxBytes: 2500 });
            for await (const row of file.rows) {
              expect(row.line).toBeGreaterThanOrEqual(2);
              expect(row.cells.length).toBeGreaterThan(0);
            }
          } catch (e) {
            if (!(e instanceof TableReadError)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads generated files exactly, identically in UTF-8, UTF-8 with BOM and Windows-1252', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, async (f) => {
        const { text, expected } = serialise(f);
        const encodings: [string, Uint8Array][] = [
          ['utf-8', utf8(text)],
          ['utf-8-bom', new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)])],
          ['windows-1252', cp1252(text)],
        ];
        fc.pre(!alsoValidUtf8(cp1252(text)));
        for (const [, bytes] of encodings) {
          const file = await openCsv(chunked(bytes, f.chunk));
          expect(file.delimiter).toBe(f.delimiter);
          expect(file.header).toEqual(['h1', 'h2', 'h3']);
          expect(await readAll(file)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same rows as Papa.parse on the whole decoded text', async () => {
    await fc.assert(
      fc.asyncProperty(fileArb, fc.boolean(), async (f, win) => {
        const { text } = serialise(f);
        const bytes = win ? cp1252(text) : utf8(text);
        fc.pre(!win || !alsoValidUtf8(bytes));
        const file = await openCsv(chunked(bytes, f.chunk));
        const decoded = win ? iconv.decode(Buffer.from(bytes), 'windows-1252') : text;
        const whole = Papa.parse<string[]>(decoded, { delimiter: file.delimiter ?? undefined }).data;
        const reference = whole.slice(1).filter((cells) => !cells.every((c) => c.trim() === ''));
        expect((await readAll(file)).map((r) => r.cells)).toEqual(reference);
      }),
      { numRuns: 300 },
    );
  });
});

describe('readOnly: cells not read are not cut', () => {
  it('gives the cells asked for, empty ones elsewhere, rows as wide as before, extra cells kept', async () => {
    // The first rows come with the header; a wide first line pushes the rest into later slices.
    const rows = ['a;b;c;d', ...Array.from({ length: 3000 }, (_, i) => `x${i};libellé ’${i};${i},5;z${i}`), 'q;r;s;t;extra'];
    const file = await openCsv(chunked(cp1252(rows.join('\r\n')), 4096));
    file.readOnly?.([0, 2]);
    const read = await readAll(file);
    const last = read.at(-1)!;
    expect(last.cells).toEqual(['q', '', 's', '', 'extra']);
    expect(read.at(-2)!.cells).toEqual(['x2999', '', '2999,5', '']);
    // Rows read before the call, the header's batch, keep every cell.
    expect(read[0]!.cells).toEqual(['x0', 'libellé ’0', '0,5', 'z0']);
    expect(read.every((r) => r.cells.length >= 4)).toBe(true);
  });

  it('keeps a line whose only text is in a cell not read, as the papaparse path does: it is not blank', async () => {
    const text = ['a;b;c', ...Array.from({ length: 8000 }, (_, i) => `x${i};l${i};${i}`), ' ;seulement ici;', ';;', 'q;r;s'].join('\r\n');
    const fast = await openCsv(chunked(utf8(text), 4096));
    fast.readOnly?.([0, 2]);
    const slow = await openCsv(chunked(utf8(text), 4096), {}, { parser: 'papaparse' });
    const lines = (rows: { line: number; blankBefore?: number }[]) => rows.map((r) => [r.line, r.blankBefore ?? 0]);
    const read = await readAll(fast);
    expect(lines(read)).toEqual(lines(await readAll(slow)));
    expect(read.at(-2)).toMatchObject({ line: 8002, cells: [' ', '', ''] });
    expect(read.at(-1)).toMatchObject({ line: 8004, blankBefore: 1 });
  });

  it('changes nothing on the papaparse path (quoted fields), which reads every cell', async () => {
    const file = await openCsv(chunked(utf8('a;b\r\n"1";"2"\r\n3;4\r\n'), 5), {}, { parser: 'papaparse' });
    file.readOnly?.([0]);
    expect((await readAll(file)).map((r) => r.cells)).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
  });
});

describe('NUL bytes in the first bytes of a CSV: what they mean', () => {
  const header = 'finess;annee;ucd;code_indication;nb_ucd;montant\n';
  const row = '130780018;2025;9412631;I999;19;190\n';

  it('a UTF-16 file, with or without its BOM, is named as UTF-16', async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(header + row, 'utf16le')]);
    expect(await readError(openCsv(chunked(le, 4096)))).toMatchObject({ code: 'unreadable-file', format: 'utf-16' });
    const be = Buffer.from(header + row, 'utf16le').swap16();
    expect(await readError(openCsv(chunked(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 4096)))).toMatchObject({ code: 'unreadable-file', format: 'utf-16' });
    expect(await readError(openCsv(chunked(Buffer.from((header + row).repeat(4), 'utf16le'), 4096)))).toMatchObject({ code: 'unreadable-file', format: 'utf-16' });
  });

  it('a NUL inside a cell of a text file is given with its line and column', async () => {
    const text = Buffer.from(`${header}${row}130780018;2025;9412631;I9\u000099;19;190\n`, 'latin1');
    const err = await readError(openCsv(chunked(text, 4096)));
    expect([err.code, err.line, err.column]).toEqual(['nul-byte', 3, 'code_indication']);
  });

  it('random bytes stay a binary file', async () => {
    const bytes = Buffer.alloc(8192);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
    expect((await readError(openCsv(chunked(bytes, 4096)))).code).toBe('binary-file');
  });
});

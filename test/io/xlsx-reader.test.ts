import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { deflateRawSync } from 'node:zlib';
import { TableReadError, UnsupportedFormatError, type TableFile, type TableLimits, type TableRow } from '../../lib/io/table';
import { openXlsx } from '../../lib/io/xlsx-reader';
import { deflatedZeros, workbook, zip, type ZipEntry } from '../helpers/archives';

// ---------- helpers ----------

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** An `open` factory over `bytes`, counting how often the file is opened. */
function source(bytes: Uint8Array, size = 4096) {
  const s = {
    opened: 0,
    open: async (): Promise<AsyncIterable<Uint8Array>> => {
      s.opened++;
      return chunked(bytes, size);
    },
  };
  return s;
}

async function readAll(file: TableFile): Promise<TableRow[]> {
  const out: TableRow[] = [];
  for await (const row of file.rows) out.push(row);
  return out;
}

async function read(bytes: Uint8Array, limits?: TableLimits, options?: { sheet?: string }) {
  const file = await openXlsx(source(bytes).open, limits, options);
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

const MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/**
 * A workbook laid out as Excel and Java writers lay them out, which exceljs's streaming reader
 * handles worst: the sheets before the styles and the shared strings, sizes in data descriptors,
 * an absolute relationship target, a hidden first sheet in the files but second in tab order,
 * the 1904 date system written `true`, an upper-case date format and an inline string.
 */
const EXCEL_LIKE: ZipEntry[] = [
  { name: '[Content_Types].xml', data: `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>` },
  {
    name: 'xl/workbook.xml',
    data:
      `<workbook ${MAIN} xmlns:r="${REL}"><workbookPr date1904="true"/><sheets>` +
      `<sheet name="Saisie &amp; suivi" sheetId="3" r:id="rId3"/><sheet name="Listes" sheetId="1" state="hidden" r:id="rId1"/>` +
      `</sheets></workbook>`,
  },
  {
    name: 'xl/_rels/workbook.xml.rels',
    data:
      `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
      `<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
      `<Relationship Id="rId3" Type="${REL}/worksheet" Target="/xl/worksheets/sheet2.xml"/>` +
      `<Relationship Id="rId4" Type="${REL}/styles" Target="styles.xml"/>` +
      `<Relationship Id="rId5" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>` +
      `</Relationships>`,
  },
  {
    name: 'xl/worksheets/sheet1.xml',
    data: `<worksheet ${MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>liste</t></is></c></row></sheetData></worksheet>`,
  },
  {
    name: 'xl/worksheets/sheet2.xml',
    data:
      `<worksheet ${MAIN}><sheetData>` +
      `<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c><c r="C2" t="inlineStr"><is><t>heure</t></is></c><c r="D2" t="s"><v>2</v></c><c r="E2" t="inlineStr"><is><t>calcul</t></is></c></row>` +
      `<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3" s="1"><v>44025</v></c><c r="C3" s="2"><v>0.5416666666666666</v></c><c r="D3" s="3"><v>44025.75</v></c>` +
      `<c r="E3"><f t="shared" ref="E3:E4" si="0">B3-B3</f><v>0</v></c></row>` +
      `<row r="4"><c r="E4"><f t="shared" si="0"/><v>7</v></c><c r="F4" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>` +
      `</sheetData></worksheet>`,
  },
  {
    name: 'xl/styles.xml',
    data:
      `<styleSheet ${MAIN}><numFmts count="2"><numFmt numFmtId="164" formatCode="DD/MM/YYYY"/><numFmt numFmtId="165" formatCode="hh:mm"/></numFmts>` +
      `<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>` +
      `<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
      `<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
      `<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
      `<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
      `<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`,
  },
  {
    name: 'xl/sharedStrings.xml',
    data: `<sst ${MAIN}><si><t>finess</t></si><si><t>date</t></si><si><t>date et heure</t></si><si><t>060002011</t></si></sst>`,
  },
].map((e) => ({ ...e, descriptor: true }));

// ---------- reading ----------

describe('openXlsx', () => {
  it('reads strings, numbers, dates, formulas, rich text, booleans, links and errors as CSV text', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('Données');
      ws.addRow(['finess', 'montant', 'date', 'formule', 'riche', 'actif', 'lien', 'erreur', ' taux ']);
      ws.addRow([
        '060002011',
        24455.2,
        new Date(Date.UTC(2025, 6, 14)),
        { formula: 'B2*2', result: 48910.4 },
        { richText: [{ text: 'Centre ' }, { font: { bold: true }, text: 'hospitalier' }] },
        true,
        { text: 'site', hyperlink: 'https://example.org' },
        { error: '#N/A' },
        0.000001,
      ]);
      ws.getCell('C2').numFmt = 'dd/mm/yyyy';
      // Row 3 is absent, row 4 only has blank cells: both count as blank.
      ws.getCell('A4').value = '   ';
      ws.getCell('B5').value = -1234.5;
      ws.getCell('C5').value = 2025;
      ws.getCell('D5').value = { formula: 'C2+1', result: 45853 };
      ws.getCell('D5').numFmt = 'dd/mm/yyyy';
      ws.getCell('E5').value = false;
      ws.getCell('F5').value = 1e-7;
      ws.getCell('G5').value = 1e21;
      ws.getCell('H5').value = { formula: 'NA()', result: { error: '#N/A' } };
      ws.getCell('A6').value = 'x';
      ws.getCell('I6').value = 0.1 + 0.2;
      ws.getCell('C6').value = { formula: 'B5-B5', result: 0 };
    });
    const s = source(bytes);
    const file = await openXlsx(s.open);
    expect(file).toMatchObject({ format: 'xlsx', encoding: null, delimiter: null, sheet: 'Données', headerLine: 1 });
    expect(file.header).toEqual(['finess', 'montant', 'date', 'formule', 'riche', 'actif', 'lien', 'erreur', 'taux']);
    expect(await readAll(file)).toEqual([
      {
        line: 2,
        cells: ['060002011', '24455.2', '2025-07-14', '48910.4', 'Centre hospitalier', 'oui', 'site', '#N/A', '0.000001'],
      },
      { line: 5, cells: ['', '-1234.5', '2025', '2025-07-15', 'non', '0.0000001', '1000000000000000000000', '#N/A'], blankBefore: 2 },
      { line: 6, cells: ['x', '', '0', '', '', '', '', '', '0.3'] },
    ]);
    // The check, the shared strings and styles, then the sheet, which exceljs writes before them.
    expect(s.opened).toBe(3);
  });

  it('keeps a merged title as the header row, only its top-left cell holding the text', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('Suivi');
      ws.mergeCells('A1:H1');
      ws.getCell('A1').value = 'Suivi CAQES 2025';
      ws.getRow(3).values = ['finess', 'indicateur'];
      ws.getRow(4).values = ['060002011', 'IPP'];
      ws.mergeCells('A5:B5');
      ws.getCell('A5').value = 'total';
    });
    const { file, rows } = await read(bytes);
    expect(file.header).toEqual(['Suivi CAQES 2025']);
    expect(file.headerLine).toBe(1);
    expect(rows).toEqual([
      { line: 3, cells: ['finess', 'indicateur'], blankBefore: 1 },
      { line: 4, cells: ['060002011', 'IPP'] },
      { line: 5, cells: ['total'] },
    ]);
  });

  it('resolves shared strings and keeps a FINESS typed as text', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('F');
      ws.addRow(['finess', 'finess']);
      ws.addRow(['060002011', '060002011']);
      ws.getCell('B2').numFmt = '@';
    });
    const file = await openXlsx(async () => Readable.from([bytes]));
    expect(await readAll(file)).toEqual([{ line: 2, cells: ['060002011', '060002011'] }]);
  });

  it('reads the first sheet by default and another one by name, case-insensitively', async () => {
    const bytes = await workbook((wb) => {
      wb.addWorksheet('Notice').addRow(['Lisez-moi']);
      const data = wb.addWorksheet('Données 2025');
      data.addRow(['finess']);
      data.addRow(['060002011']);
    });
    expect((await read(bytes)).file.sheet).toBe('Notice');
    const { file, rows } = await read(bytes, {}, { sheet: 'DONNÉES 2025' });
    expect(file.sheet).toBe('Données 2025');
    expect(file.header).toEqual(['finess']);
    expect(rows).toEqual([{ line: 2, cells: ['060002011'] }]);
    const err = await readError(openXlsx(source(bytes).open, {}, { sheet: 'Cibles' }));
    expect(err.code).toBe('unreadable-file');
    expect(err.message).toContain('Notice, Données 2025');
  });

  it('reads a number in a percent format as the percentage shown, with its sign', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('Objectifs');
      ws.addRow(['indicateur', 'cible', 'formule', 'littéral', 'nombre']);
      ws.addRow(['MO', 0.15, { formula: 'B2/2', result: 0.075 }, 15, 0.15]);
      ws.addRow(['GENERIQUES', 0.455, { formula: 'B3', result: 0.07 }, 4, 1.5]);
      for (const at of ['B2', 'C3']) ws.getCell(at).numFmt = '0%';
      for (const at of ['B3', 'C2']) ws.getCell(at).numFmt = '0.0 %';
      // A quoted % is a literal: the value is shown as stored.
      ws.getCell('D2').numFmt = '0" %"';
    });
    expect((await read(bytes)).rows).toEqual([
      { line: 2, cells: ['MO', '15%', '7.5%', '15', '0.15'] },
      { line: 3, cells: ['GENERIQUES', '45.5%', '7%', '4', '1.5'] },
    ]);
  });

  it('reads the built-in percent formats (ids 9 and 10) that LibreOffice and Excel write without a code', async () => {
    const styles =
      `<styleSheet ${MAIN}><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>` +
      `<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" xfId="0"/>` +
      `<xf numFmtId="9" xfId="0" applyNumberFormat="1"/><xf numFmtId="10" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>`;
    const bytes = zip([
      { name: '[Content_Types].xml', data: '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
      { name: 'xl/workbook.xml', data: `<workbook ${MAIN} xmlns:r="${REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>` },
      {
        name: 'xl/_rels/workbook.xml.rels',
        data:
          `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>` +
          `<Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
      },
      { name: 'xl/styles.xml', data: styles },
      {
        name: 'xl/worksheets/sheet1.xml',
        data: `<worksheet ${MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>cible</t></is></c></row>` +
          `<row r="2"><c r="A2" s="1"><v>0.1</v></c><c r="B2" s="2"><v>0.1534</v></c><c r="C2"><v>0.1</v></c></row></sheetData></worksheet>`,
      },
    ]);
    expect((await read(bytes)).rows).toEqual([{ line: 2, cells: ['10%', '15.34%', '0.1'] }]);
  });

  it('reads the 1904 date system', async () => {
    const bytes = await workbook((wb) => {
      wb.properties.date1904 = true;
      const ws = wb.addWorksheet('D');
      ws.addRow(['date']);
      ws.addRow([new Date(Date.UTC(2025, 6, 14))]);
      ws.getCell('A2').numFmt = 'dd/mm/yyyy';
    });
    expect((await read(bytes)).rows).toEqual([{ line: 2, cells: ['2025-07-14'] }]);
  });

  it('reads a workbook laid out as Excel writes it, putting the sheet after the shared strings', async () => {
    const bytes = zip(EXCEL_LIKE);
    const s = source(bytes, 100);
    const file = await openXlsx(s.open);
    expect(file.sheet).toBe('Saisie & suivi');
    expect(file.headerLine).toBe(2);
    expect(file.header).toEqual(['finess', 'date', 'heure', 'date et heure', 'calcul']);
    expect(await readAll(file)).toEqual([
      { line: 3, cells: ['060002011', '2024-07-14', '13:00', '2024-07-14 18:00', '0'] },
      // exceljs keeps the result of a formula in error, not its code.
      { line: 4, cells: ['', '', '', '', '7', '#N/A'] },
    ]);
    // The check, the styles and shared strings, then the sheet, which came before them.
    expect(s.opened).toBe(3);
    expect((await read(bytes, {}, { sheet: 'listes' })).file.header).toEqual(['liste']);
  });

  it('closes every stream it opened when iteration stops early, or on close()', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('Big');
      ws.addRow(['n', 'texte']);
      for (let i = 0; i < 20000; i++) ws.addRow([i, `ligne ${i}`]);
    });
    /** Each stream opened: read to its end, closed early (`return`), or still open. */
    const streams: ('open' | 'ended' | 'returned')[] = [];
    const open = async (): Promise<AsyncIterable<Uint8Array>> => {
      const i = streams.push('open') - 1;
      const chunks = chunked(bytes, 1024);
      return {
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            const r = await chunks.next();
            if (r.done) streams[i] = 'ended';
            return r;
          },
          return: async () => {
            streams[i] = 'returned';
            return chunks.return(undefined);
          },
        }),
      };
    };
    const file = await openXlsx(open);
    let seen = 0;
    for await (const row of file.rows) {
      seen++;
      if (row.line === 100) break;
    }
    expect(seen).toBe(99);
    // The check reads the whole file; the shared strings and the sheet are left before the end.
    expect(streams).toEqual(['ended', 'returned', 'returned']);

    const unread = await openXlsx(open);
    expect(unread.header).toEqual(['n', 'texte']);
    await unread.close();
    await unread.close();
    expect(streams.slice(3)).toEqual(['ended', 'returned', 'returned']);
    expect(await readAll(unread)).toEqual([]);

    // Closed while a row is awaited: that row may still come, then the rows end.
    const busy = await openXlsx(open);
    const rows = busy.rows[Symbol.asyncIterator]();
    const awaited = rows.next();
    await busy.close();
    await awaited;
    expect((await rows.next()).done).toBe(true);
    expect(streams.slice(6)).toEqual(['ended', 'returned', 'returned']);
  });

  it('passes errors of the byte stream through unchanged', async () => {
    const bytes = await workbook((wb) => {
      const ws = wb.addWorksheet('S');
      for (let i = 0; i < 5000; i++) ws.addRow([`ligne ${i}`]);
    });
    // The third read is the sheet's: it fails some way into it.
    const cut = bytes.indexOf('xl/worksheets/sheet1.xml') + 3000;
    let opened = 0;
    const failure = new Error('S3 connection reset');
    const open = async (): Promise<AsyncIterable<Uint8Array>> => {
      opened++;
      if (opened < 3) return chunked(bytes, 4096);
      return (async function* () {
        yield* chunked(bytes.subarray(0, cut), 1000);
        throw failure;
      })();
    };
    const file = await openXlsx(open);
    const rows: TableRow[] = [];
    await expect(
      (async () => {
        for await (const row of file.rows) rows.push(row);
      })(),
    ).rejects.toBe(failure);
    expect(rows.length).toBeGreaterThan(10);
  });

  it('refuses a file that changed between its reads', async () => {
    const a = await workbook((wb) => wb.addWorksheet('S').addRow(['a']));
    const b = await workbook((wb) => wb.addWorksheet('S').addRow(['b']));
    let opened = 0;
    const open = async () => chunked(opened++ === 0 ? a : b, 4096);
    const err = await readError(openXlsx(open));
    expect(err.code).toBe('unreadable-file');
  });

  it('refuses a file that changed between its reads while keeping every size', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `<row r="${i + 2}"><c r="A${i + 2}"><v>1</v></c></row>`).join('');
    const version = (n: number) =>
      zip(
        EXCEL_LIKE.map((e) => ({
          ...(e.name === 'xl/worksheets/sheet1.xml'
            ? { ...e, data: `<worksheet ${MAIN}><sheetData><row r="1"><c r="A1"><v>${n}</v></c></row>${rows}</sheetData></worksheet>` }
            : e),
          stored: true,
          descriptor: false,
        })),
      );
    let opened = 0;
    const open = async () => chunked(opened++ === 0 ? version(1) : version(2), 1024);
    const file = await openXlsx(open, {}, { sheet: 'Listes' });
    expect(file.header).toEqual(['2']);
    const err = await readError(readAll(file));
    expect(err).toMatchObject({ code: 'unreadable-file', message: 'The file changed while it was being read' });
  });
});

// ---------- bad files ----------

describe('openXlsx on bad files', () => {
  let valid: Buffer;
  let bomb: { compressed: Buffer; size: number; crc: number };
  beforeAll(async () => {
    valid = await workbook((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['finess', 'libelle']);
      for (let i = 0; i < 50; i++) ws.addRow([`06000${i}`, 'Centre hospitalier '.repeat(i % 5)]);
    });
    bomb = await deflatedZeros(300);
  });

  const refused = async (bytes: Uint8Array, limits?: TableLimits) => readError(read(bytes, limits));

  it('refuses what is not an .xlsx workbook', async () => {
    expect((await refused(new Uint8Array(0))).code).toBe('empty-file');
    const random = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919 + 13) % 256));
    expect((await refused(random)).code).toBe('unreadable-file');
    expect((await refused(Buffer.from('PK'))).code).toBe('unreadable-file');
    const csv = await refused(Buffer.from('finess;libelle\n060002011;CH\n'));
    expect(csv).toMatchObject({ code: 'unreadable-file', message: 'Not an .xlsx workbook: not a zip file' });
    const noWorkbook = await refused(zip([{ name: 'word/document.xml', data: '<document/>' }]));
    expect(noWorkbook).toMatchObject({ code: 'unreadable-file', message: 'Not an .xlsx workbook: no xl/workbook.xml' });
  });

  it('tells old .xls and password-protected workbooks (OLE files) apart', async () => {
    const header = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    /** An OLE directory entry: its name in UTF-16 LE on 64 bytes, then the rest of its 128 bytes. */
    const entry = (name: string) => Buffer.concat([Buffer.from(name.padEnd(32, '\0'), 'utf16le'), Buffer.alloc(64)]);
    const xls = await refused(Buffer.concat([header, Buffer.alloc(5000), entry('Root Entry'), entry('Workbook'), entry('SummaryInformation')]));
    expect(xls).toBeInstanceOf(UnsupportedFormatError);
    expect(xls).toMatchObject({ code: 'unreadable-file', format: 'xls' });
    // Encrypted OOXML: the directory lies after the package, anywhere in the file (here across two chunks of the source).
    const encrypted = Buffer.concat([header, Buffer.alloc(4090), entry('Root Entry'), entry('EncryptionInfo'), entry('EncryptedPackage')]);
    for (const size of [4096, 7, 100_000]) {
      const err = await readError(openXlsx(source(encrypted, size).open));
      expect(err).toMatchObject({ code: 'unreadable-file', format: 'encrypted-workbook' });
    }
  });

  it('names an Apple Numbers document, a zip of .iwa parts', async () => {
    const numbers = zip([{ name: 'Index/Document.iwa', data: 'x' }, { name: 'Metadata/Properties.plist', data: '<plist/>' }]);
    expect(await refused(numbers)).toMatchObject({ code: 'unreadable-file', format: 'numbers' });
  });

  it('refuses truncated and corrupt archives', async () => {
    expect((await refused(valid.subarray(0, valid.length / 2))).code).toBe('unreadable-file');
    // Every entry, but no central directory.
    expect((await refused(valid.subarray(0, valid.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))))).code).toBe('unreadable-file');
    const flipped = Buffer.from(valid);
    const at = Math.floor(flipped.length / 3);
    flipped[at] = (flipped[at] ?? 0) ^ 0xff;
    expect((await refused(flipped)).code).toBe('unreadable-file');
    const lyingCrc = zip([{ name: 'xl/workbook.xml', raw: { compressed: deflateRawSync('<workbook/>'), size: 11, crc: 1 } }]);
    expect((await refused(lyingCrc)).message).toMatch(/CRC/);
  });

  it('refuses workbooks without any non-blank row', async () => {
    const noSheet = await workbook(() => undefined);
    expect((await refused(noSheet)).code).toBe('empty-file');
    expect((await refused(await workbook((wb) => wb.addWorksheet('Vide')))).code).toBe('empty-file');
    const blank = await workbook((wb) => {
      const ws = wb.addWorksheet('Blanc');
      ws.getCell('A1').value = ' ';
      ws.getCell('C7').value = '';
      ws.mergeCells('B3:D3');
    });
    expect((await refused(blank)).code).toBe('empty-file');
  });

  it('stops a zip bomb while inflating it, whatever sizes it declares', async () => {
    const parts = (raw: ZipEntry['raw']) => zip([{ name: 'xl/workbook.xml', data: '<workbook/>' }, { name: 'xl/media/image1.png', raw }]);
    expect(bomb.compressed.length).toBeLessThan(2 * 1024 ** 2);
    expect((await refused(parts(bomb))).code).toBe('too-large');
    expect((await refused(parts(bomb), { maxInflatedBytes: 1024 ** 2 })).code).toBe('too-large');
    expect((await refused(parts({ ...bomb, size: 1000 }), { maxInflatedBytes: 1024 ** 2 })).code).toBe('too-large');
    const described = zip([{ name: 'xl/media/image1.png', raw: { ...bomb, size: 0 }, descriptor: true }]);
    expect((await refused(described, { maxInflatedBytes: 1024 ** 2 })).code).toBe('too-large');
  });

  it('enforces maxBytes on the compressed file', async () => {
    expect((await refused(valid, { maxBytes: valid.length - 1 })).code).toBe('too-large');
    await expect(read(valid, { maxBytes: valid.length })).resolves.toBeDefined();
  });

  it('enforces maxRows, maxCellsPerRow and maxRecordChars with the sheet row', async () => {
    const err = await refused(valid, { maxRows: 10 });
    expect(err).toMatchObject({ code: 'too-many-rows', line: 12 });
    await expect(read(valid, { maxRows: 50 })).resolves.toBeDefined();

    const wide = await workbook((wb) => {
      const ws = wb.addWorksheet('W');
      ws.addRow(['a', 'b', 'c']);
      ws.addRow(['1']);
      ws.getCell('Z3').value = 'loin';
    });
    expect(await refused(wide, { maxCellsPerRow: 5 })).toMatchObject({ code: 'too-many-cells', line: 3 });
    expect(await refused(wide, { maxCellsPerRow: 2 })).toMatchObject({ code: 'too-many-cells', line: 1 });
    await expect(read(wide, { maxCellsPerRow: 26 })).resolves.toBeDefined();

    const long = await workbook((wb) => {
      const ws = wb.addWorksheet('L');
      ws.addRow(['a']);
      ws.addRow(['x'.repeat(5000)]);
    });
    expect(await refused(long, { maxRecordChars: 4999 })).toMatchObject({ code: 'too-large', line: 2 });
    await expect(read(long, { maxRecordChars: 5000 })).resolves.toBeDefined();
  });

  it('turns what exceljs cannot parse into unreadable-file', async () => {
    const broken = EXCEL_LIKE.map((e) =>
      e.name === 'xl/worksheets/sheet2.xml' ? { ...e, data: `<worksheet ${MAIN}><sheetData><row r="2"><c r="A2"><v>1</v></c></rows>` } : e,
    );
    const err = await refused(zip(broken));
    expect(err.code).toBe('unreadable-file');
    expect(err.message).toMatch(/^Unreadable workbook: /);
    // exceljs gives a null row for this one.
    const stray = EXCEL_LIKE.map((e) => (e.name === 'xl/worksheets/sheet2.xml' ? { ...e, data: `<worksheet ${MAIN}><row r="1"></row></worksheet>` } : e));
    expect(await refused(zip(stray))).toMatchObject({ code: 'unreadable-file', message: 'Unreadable workbook: a row outside <sheetData>' });
    const missing = zip(EXCEL_LIKE.filter((e) => e.name !== 'xl/sharedStrings.xml'));
    expect(await refused(missing)).toMatchObject({ code: 'unreadable-file', message: 'Missing part xl/sharedstrings.xml of the workbook' });
  });
});

// ---------- properties ----------

/** Opens and reads everything, accepting only TableReadError as a failure. */
async function readAnything(bytes: Uint8Array, size: number): Promise<void> {
  try {
    const file = await openXlsx(source(bytes, size).open, { maxInflatedBytes: 4 * 1024 ** 2, maxRows: 1000, maxCellsPerRow: 100 });
    for await (const row of file.rows) expect(row.line).toBeGreaterThan(file.headerLine);
  } catch (e) {
    if (!(e instanceof TableReadError)) throw e;
  }
}

/** What gets inserted into the XML parts: stray syntax, and markup exceljs reads without checking. */
const XML_DAMAGE = [
  ...['<', '>', '"', '/', '&', 'x', '', 'r="', 'A0', '99999999', '&#0;', '&#x110000;', '<![CDATA[x]]>', '<!DOCTYPE x>'],
  ...['<row>', '</row>', '<row r="-3">', '<row r="99999999999999999999">', '<c>', '<c r="ZZZZ9">', '<c r="a1">'],
  ...['t="s"', 't="e"', 't="b"', 't="d"', 's="7"', '<f>', '</f>', '<v>1e400</v>', '<si>', '</si>', 'numFmtId="999"'],
];

describe('openXlsx properties', () => {
  let valid: Buffer;
  beforeAll(async () => {
    valid = await workbook((wb) => {
      const ws = wb.addWorksheet('S');
      ws.addRow(['finess', 'date', 'montant']);
      ws.addRow(['060002011', new Date(Date.UTC(2025, 0, 31)), 12.5]);
    });
  });

  it('never throws anything but TableReadError on arbitrary bytes', async () => {
    const zipLike = fc.uint8Array({ maxLength: 300 }).map((tail) => new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...tail]));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 2000 }), zipLike), fc.integer({ min: 1, max: 512 }), readAnything),
      { numRuns: 150 },
    );
  });

  it('never throws anything but TableReadError on a damaged workbook', async () => {
    const damage = fc.oneof(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }).map((edits) => (b: Buffer) => {
        const copy = Buffer.from(b);
        for (const [at, value] of edits) copy[at % copy.length] = value;
        return copy;
      }),
      fc.nat().map((at) => (b: Buffer) => b.subarray(0, at % b.length)),
      fc.tuple(fc.nat(), fc.nat({ max: 200 })).map(([at, n]) => (b: Buffer) => Buffer.concat([b.subarray(0, at % b.length), b.subarray((at % b.length) + n)])),
    );
    await fc.assert(
      fc.asyncProperty(damage, fc.integer({ min: 16, max: 4096 }), (mutate, size) => readAnything(mutate(valid), size)),
      { numRuns: 150 },
    );
  });

  it('never throws anything but TableReadError on damaged XML in a sound archive', async () => {
    const xmlDamage = fc.record({
      entry: fc.integer({ min: 1, max: EXCEL_LIKE.length - 1 }),
      edits: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...XML_DAMAGE)), { minLength: 1, maxLength: 8 }),
      cut: fc.option(fc.nat()),
    });
    await fc.assert(
      fc.asyncProperty(xmlDamage, async ({ entry, edits, cut }) => {
        const entries = EXCEL_LIKE.map((e, i) => {
          if (i !== entry) return e;
          let text = String(e.data);
          for (const [at, insert] of edits) {
            const p = at % (text.length + 1);
            text = text.slice(0, p) + insert + text.slice(p + 1);
          }
          return { ...e, data: cut === null ? text : text.slice(0, cut % (text.length + 1)) };
        });
        await readAnything(zip(entries), 512);
      }),
      { numRuns: 150 },
    );
  });
});

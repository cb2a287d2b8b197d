import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isOdsHead, openOds } from '../../lib/io/ods-reader';
import { TableReadError, UnsupportedFormatError, type TableFile, type TableLimits, type TableRow } from '../../lib/io/table';
import { deflatedZeros, odsPackage, zip } from '../helpers/archives';

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** An `open` factory over `bytes` in chunks of `size`, counting the streams opened and those closed. */
function source(bytes: Uint8Array, size = 4096) {
  const s = {
    opened: 0,
    closed: 0,
    open: async (): Promise<AsyncIterable<Uint8Array>> => {
      s.opened++;
      const inner = chunked(bytes, size);
      // A stream is closed once read to its end or given back.
      let open = true;
      const closing = (): void => {
        if (open) s.closed++;
        open = false;
      };
      return {
        [Symbol.asyncIterator]: () => ({
          next: async () => {
            const next = await inner.next();
            if (next.done) closing();
            return next;
          },
          return: async () => {
            closing();
            return inner.return(undefined);
          },
        }),
      };
    },
  };
  return s;
}

async function readAll(file: TableFile): Promise<TableRow[]> {
  const out: TableRow[] = [];
  for await (const row of file.rows) out.push(row);
  return out;
}

async function read(bytes: Uint8Array, limits?: TableLimits, options?: { sheet?: string }, size?: number) {
  const file = await openOds(source(bytes, size).open, limits, options);
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

const p = (text: string): string => `<text:p>${text}</text:p>`;
const cell = (attributes: string, text = ''): string => `<table:table-cell ${attributes}>${text === '' ? '' : p(text)}</table:table-cell>`;
const str = (text: string): string => cell('office:value-type="string" calcext:value-type="string"', text);
const row = (...cells: string[]): string => `<table:table-row>${cells.join('')}</table:table-row>`;
const table = (name: string, ...rows: string[]): string => `<table:table table:name="${name}"><table:table-column table:number-columns-repeated="1024"/>${rows.join('')}</table:table>`;
/** The empty cells LibreOffice writes to the end of every row, and the empty rows to the end of the sheet. */
const TRAILING_CELLS = '<table:table-cell table:number-columns-repeated="1016"/>';
const TRAILING_ROWS = `<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>`;

describe('openOds', () => {
  it('reads typed cells as the CSV text the French parsers read: numbers, percentages, currencies, dates, times, booleans, errors', async () => {
    const bytes = odsPackage(
      table(
        'Objectifs 2025',
        row(str('finess'), str('cible'), str('montant'), str('date'), str('heure'), str('actif'), str('calcul'), str('texte'), TRAILING_CELLS),
        row(
          cell('office:value-type="float" office:value="60002011" calcext:value-type="float"', '60002011'),
          cell('office:value-type="percentage" office:value="0.15" calcext:value-type="percentage"', '15 %'),
          cell('office:value-type="currency" office:currency="EUR" office:value="24455.2"', '24 455,20 €'),
          cell('office:value-type="date" office:date-value="2025-07-14"', '14/07/2025'),
          cell('office:value-type="time" office:time-value="PT13H05M00S"', '13:05'),
          cell('office:value-type="boolean" office:boolean-value="true"', 'VRAI'),
          cell('table:formula="of:=NA()" office:value-type="float" office:value="0" calcext:value-type="error"', '#N/A'),
          cell('office:value-type="string" office:string-value="060002011"', 'ignoré'),
          TRAILING_CELLS,
        ),
        row(
          cell('office:value-type="float" office:value="1E-7"', '0'),
          cell('office:value-type="percentage" office:value="0.07"', '7 %'),
          cell('office:value-type="float" office:value="-1234.5"', '-1 234,5'),
          cell('office:value-type="date" office:date-value="2025-07-14T08:30:00"', '14/07/2025 08:30'),
          cell('office:value-type="time" office:time-value="PT08H00M30S"', '08:00:30'),
          cell('office:value-type="boolean" office:boolean-value="false"', 'FAUX'),
          cell('table:formula="of:=[.A2]*2" office:value-type="float" office:value="120004022"', '120004022'),
          str('31/03/2025'),
        ),
        TRAILING_ROWS,
      ),
    );
    const s = source(bytes);
    const file = await openOds(s.open);
    expect(file).toMatchObject({ format: 'ods', encoding: null, delimiter: null, sheet: 'Objectifs 2025', headerLine: 1 });
    expect(file.header).toEqual(['finess', 'cible', 'montant', 'date', 'heure', 'actif', 'calcul', 'texte']);
    expect(await readAll(file)).toEqual([
      { line: 2, cells: ['60002011', '15%', '24455.2', '2025-07-14', '13:05', 'oui', '#N/A', '060002011'] },
      { line: 3, cells: ['0.0000001', '7%', '-1234.5', '2025-07-14 08:30', '08:00:30', 'non', '120004022', '31/03/2025'] },
    ]);
    // The check, then content.xml: two reads, both closed.
    expect(s.opened).toBe(2);
    expect(s.closed).toBe(2);
  });

  it('reads text as shown: paragraphs, repeated spaces, tabs, spans and links, without comments or drawings', async () => {
    const bytes = odsPackage(
      table(
        'T',
        row(str('libellé')),
        row(
          `<table:table-cell office:value-type="string"><office:annotation><dc:creator>OMéDIT</dc:creator>${p('à vérifier')}</office:annotation>` +
            `<text:p>Centre<text:s text:c="2"/>hospitalier<text:tab/>de <text:span>Bastia</text:span></text:p><text:p><text:a>2B</text:a> &amp; Corse</text:p>` +
            `<draw:frame><draw:text-box>${p('image')}</draw:text-box></draw:frame></table:table-cell>`,
        ),
      ),
    );
    const { rows } = await read(bytes);
    expect(rows).toEqual([{ line: 2, cells: ['Centre  hospitalier\tde Bastia\n2B & Corse'] }]);
  });

  it('expands repeated cells and rows, places cells by column, counts blank rows, and shows a merged range in its first cell', async () => {
    const bytes = odsPackage(
      table(
        'Suivi',
        `<table:table-row><table:table-cell table:number-columns-spanned="3" table:number-rows-spanned="1" office:value-type="string">${p('Suivi CAQES 2025')}</table:table-cell>` +
          `<table:covered-table-cell table:number-columns-repeated="2" office:value-type="string">${p('caché')}</table:covered-table-cell>${TRAILING_CELLS}</table:table-row>`,
        '<table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>',
        row(str('finess'), '<table:table-cell/>', str('indicateur')),
        `<table:table-row table:number-rows-repeated="3">${str('060002011')}<table:table-cell/>${cell('office:value-type="string"', 'IPP')}</table:table-row>`,
        row('<table:table-cell table:number-columns-repeated="2"/>', cell('office:value-type="float" office:value="1"', '1'), '<table:table-cell table:number-columns-repeated="2" office:value-type="string"><text:p>x</text:p></table:table-cell>'),
        row('<table:table-cell>   </table:table-cell>', cell('office:value-type="string"', ' ')),
        row(str('fin')),
        TRAILING_ROWS,
      ),
    );
    const { file, rows } = await read(bytes);
    expect(file.header).toEqual(['Suivi CAQES 2025']);
    expect(rows).toEqual([
      { line: 4, cells: ['finess', '', 'indicateur'], blankBefore: 2 },
      { line: 5, cells: ['060002011', '', 'IPP'] },
      { line: 6, cells: ['060002011', '', 'IPP'] },
      { line: 7, cells: ['060002011', '', 'IPP'] },
      { line: 8, cells: ['', '', '1', 'x', 'x'] },
      { line: 10, cells: ['fin'], blankBefore: 1 },
    ]);
  });

  it('reads the first sheet by default, another by name (case-insensitively), and stops at the end of the sheet read', async () => {
    const second = table('Données 2025', row(str('finess')), row(str('060002011')));
    // The third sheet is malformed XML: what follows the sheet read does not matter.
    const bytes = odsPackage(`${table('Notice', row(str('Lisez-moi')))}${second}<table:table table:name="Cassée"><table:table-row>`);
    expect((await read(bytes)).file.sheet).toBe('Notice');
    const { file, rows } = await read(bytes, {}, { sheet: 'DONNÉES 2025' });
    expect(file).toMatchObject({ sheet: 'Données 2025', header: ['finess'] });
    expect(rows).toEqual([{ line: 2, cells: ['060002011'] }]);
    const missing = await readError(openOds(source(odsPackage(second)).open, {}, { sheet: 'Cibles' }));
    expect(missing).toMatchObject({ code: 'unreadable-file', message: 'No sheet named "Cibles"' });
  });

  it('streams content.xml: a sheet of 20 000 rows is read from small slices, rows handed over as they come', async () => {
    const body = Array.from({ length: 20_000 }, (_, i) => row(str(`r${i}`), cell('office:value-type="float" office:value="2.5"', '2,5'))).join('');
    const bytes = odsPackage(table('Grand', row(str('code'), str('n')), body));
    const s = source(bytes, 512);
    const file = await openOds(s.open);
    let count = 0;
    for await (const r of file.rows) {
      count++;
      if (count === 1) expect(r).toEqual({ line: 2, cells: ['r0', '2.5'] });
    }
    expect(count).toBe(20_000);
  });

  it('closes the file when iteration stops early, or on close()', async () => {
    const body = Array.from({ length: 5_000 }, (_, i) => row(str(`r${i}`))).join('');
    const bytes = odsPackage(table('S', row(str('code')), body));
    const s = source(bytes, 256);
    const file = await openOds(s.open);
    for await (const r of file.rows) if (r.line === 10) break;
    expect(s.closed).toBe(s.opened);
    const t = source(bytes, 256);
    const other = await openOds(t.open);
    await other.close();
    await other.close();
    expect(await readAll(other)).toEqual([]);
    expect(t.closed).toBe(t.opened);
  });

  it('recognises an OpenDocument spreadsheet from its first bytes, and nothing else', () => {
    expect(isOdsHead(odsPackage(table('S', row(str('a')))).subarray(0, 128))).toBe(true);
    expect(isOdsHead(odsPackage('', { mimetype: 'application/vnd.oasis.opendocument.text' }).subarray(0, 128))).toBe(false);
    expect(isOdsHead(zip([{ name: 'xl/workbook.xml', data: '<workbook/>' }]).subarray(0, 128))).toBe(false);
    expect(isOdsHead(Buffer.from('finess;cible\n'))).toBe(false);
    expect(isOdsHead(new Uint8Array(0))).toBe(false);
  });
});

describe('openOds on bad files', () => {
  it('refuses a password-protected spreadsheet, naming it', async () => {
    const err = await readError(openOds(source(odsPackage('', { encrypted: true, content: Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 7919) % 256)) })).open));
    expect(err).toBeInstanceOf(UnsupportedFormatError);
    expect(err).toMatchObject({ code: 'unreadable-file', format: 'encrypted-ods' });
  });

  it('refuses what is not a spreadsheet package: another OpenDocument, an .xlsx, text, no content', async () => {
    expect(await readError(openOds(source(odsPackage(table('S', row(str('a'))), { mimetype: 'application/vnd.oasis.opendocument.text' })).open))).toMatchObject({
      code: 'unreadable-file',
      message: 'Not an OpenDocument spreadsheet (mimetype application/vnd.oasis.opendocument.text)',
    });
    expect((await readError(openOds(source(zip([{ name: 'xl/workbook.xml', data: '<workbook/>' }])).open))).code).toBe('unreadable-file');
    expect((await readError(openOds(source(Buffer.from('finess;cible\n')).open))).code).toBe('unreadable-file');
    const noContent = zip([{ name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', stored: true }]);
    expect(await readError(openOds(source(noContent).open))).toMatchObject({ code: 'unreadable-file', message: 'Not an OpenDocument spreadsheet: no content.xml' });
  });

  it('refuses a spreadsheet without any sheet or any non-blank row as empty', async () => {
    expect((await readError(openOds(source(new Uint8Array(0)).open))).code).toBe('empty-file');
    expect((await readError(openOds(source(odsPackage('')).open))).code).toBe('empty-file');
    expect((await readError(openOds(source(odsPackage(table('S', TRAILING_ROWS))).open))).code).toBe('empty-file');
  });

  it('refuses malformed XML, entities it does not know and a truncated archive as unreadable', async () => {
    const bad = odsPackage(table('S', row(str('a')), '<table:table-row><table:table-cell>'));
    await expect(read(bad)).rejects.toMatchObject({ code: 'unreadable-file' });
    const entity = odsPackage(table('S', row(str('&bomb;'))));
    await expect(read(entity)).rejects.toMatchObject({ code: 'unreadable-file' });
    const whole = odsPackage(table('S', row(str('a'))));
    expect((await readError(openOds(source(whole.subarray(0, whole.length - 30)).open))).code).toBe('unreadable-file');
  });

  it('stops a zip bomb while inflating it, before any XML is parsed', async () => {
    const bomb = zip([
      { name: 'mimetype', data: 'application/vnd.oasis.opendocument.spreadsheet', stored: true },
      { name: 'content.xml', raw: await deflatedZeros(64) },
    ]);
    const err = await readError(openOds(source(bomb, 65536).open, { maxInflatedBytes: 16 * 1024 ** 2 }));
    expect(err.code).toBe('too-large');
  });

  it('enforces maxRows, maxCellsPerRow and maxRecordChars with the sheet row, repeated cells and rows included', async () => {
    const rows = (n: number): string => `<table:table-row table:number-rows-repeated="${n}">${str('x')}</table:table-row>`;
    const tooMany = await readError(read(odsPackage(table('S', row(str('h')), rows(5))), { maxRows: 3 }));
    expect(tooMany).toMatchObject({ code: 'too-many-rows', line: 5 });
    const wide = `<table:table-cell table:number-columns-repeated="1000000000" office:value-type="string">${p('x')}</table:table-cell>`;
    expect(await readError(read(odsPackage(table('S', row(str('h')), row(wide))), { maxCellsPerRow: 500 }))).toMatchObject({ code: 'too-many-cells', line: 2 });
    // Without a limit, a cell repeated a billion times is still never built.
    expect(await readError(read(odsPackage(table('S', row(str('h')), row(wide)))))).toMatchObject({ code: 'too-many-cells', line: 2 });
    expect(await readError(read(odsPackage(table('S', row(str('h')), row(wide)))))).toMatchObject({ code: 'too-many-cells' });
    const spaces = `<table:table-cell office:value-type="string"><text:p><text:s text:c="999999999"/></text:p></table:table-cell>`;
    expect(await readError(read(odsPackage(table('S', row(str('h')), row(spaces))), { maxRecordChars: 1000 }))).toMatchObject({ code: 'too-large', line: 2 });
    const header = row(...Array.from({ length: 12 }, (_, i) => str(`c${i}`)));
    expect(await readError(openOds(source(odsPackage(table('S', header))).open, { maxCellsPerRow: 10 }))).toMatchObject({ code: 'too-many-cells', line: 1 });
    expect(await readError(openOds(source(odsPackage(table('S', row(str('h')))), 64).open, { maxBytes: 100 }))).toMatchObject({ code: 'too-large' });
  });
});

describe('openOds properties', () => {
  const sound = odsPackage(
    table('S', row(str('finess'), str('cible')), row(cell('office:value-type="float" office:value="60002011"', '60002011'), cell('office:value-type="percentage" office:value="0.15"', '15 %'))),
  );

  async function settle(bytes: Uint8Array): Promise<void> {
    try {
      await read(bytes, { maxRows: 100, maxCellsPerRow: 50, maxRecordChars: 1000, maxInflatedBytes: 1024 ** 2 }, undefined, 97);
    } catch (e) {
      if (!(e instanceof TableReadError)) throw e;
    }
  }

  it('never throws anything but TableReadError on arbitrary bytes or a damaged spreadsheet', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), settle), { numRuns: 100 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), async (edits) => {
        const copy = Buffer.from(sound);
        for (const [at, value] of edits) copy[at % copy.length] = value;
        await settle(copy);
      }),
      { numRuns: 100 },
    );
  });

  it('never throws anything but TableReadError on damaged XML in a sound archive', async () => {
    const xml = `<table:table table:name="S">${row(str('finess'), str('cible'))}${row(cell('office:value-type="percentage" office:value="0.15"', '15 %'), '<table:covered-table-cell table:number-columns-repeated="3"/>')}</table:table>`;
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat({ max: 40 }), fc.constantFrom('', '<', '>', '&', '"', 'table:number-rows-repeated="99" ', '<text:s text:c="50"/>', '</table:table-row>'), async (at, cut, insert) => {
        const i = at % xml.length;
        await settle(odsPackage(xml.slice(0, i) + insert + xml.slice(i + cut)));
      }),
      { numRuns: 150 },
    );
  });
});

/**
 * Streaming XLSX reader: gives one worksheet of a workbook as the same `TableFile` as the CSV
 * reader, cells turned into the text a CSV export would hold, rows read lazily by exceljs's
 * streaming reader so that a big sheet is never held in memory.
 *
 * Design: the file is read two or three times through the `open` factory.
 * 1. `checkZip` reads the whole archive and inflates every entry, counting, before anything is
 *    parsed: zip bombs, truncated or corrupt archives, .xls and encrypted workbooks are refused
 *    there, and `xl/workbook.xml` with its relationships is kept to find the sheet.
 * 2. exceljs's `WorkbookReader` is not given the file but a zip rebuilt on the fly from it, with
 *    only the parts it needs, stored (not compressed) at the sizes measured in step 1, in the order
 *    it needs them: workbook, relationships, styles, shared strings, then the one sheet. We inflate
 *    the parts again and check them against step 1, so exceljs's own unzipper never inflates
 *    anything (no bomb can reach it) and never sees a malformed archive (on which it can hang).
 *    The order matters: exceljs spools to a temporary file every sheet met before the shared
 *    strings, which Excel (and exceljs) write after the sheets, and a spooled file would outlive an
 *    abandoned iteration in a warm Lambda's /tmp. When the sheet comes first in the file, putting
 *    it last takes a third read.
 * 3. Every step of exceljs is raced against the failure of the rebuilt stream, since exceljs waits
 *    forever for bytes that a failed stream will not send, and its errors become TableReadError.
 */
import type * as ExcelJS from 'exceljs';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { decimalText, NOT_AVAILABLE, percentText } from './cell-text';
import { sheetTable, TableReadError, UnsupportedFormatError, type TableFile, type TableLimits, type TableRow } from './table';
import { checkZip, PartReader, StoredZipWriter, type ByteSource, type ZipPart } from './zip';

/** Which worksheet to read. */
export interface XlsxOptions {
  /** Its name (compared case-insensitively, as Excel does). Default: the first worksheet, in tab order. */
  sheet?: string;
}

const DEFAULT_MAX_INFLATED_BYTES = 256 * 1024 ** 2;
const DEFAULT_MAX_RECORD_CHARS = 1024 * 1024;
/** The rebuilt zip has no zip64 records, so each part stays under 4 GiB. */
const MAX_PART_BYTES = 0xffffffff;
/** Cap on `xl/workbook.xml` and its relationships, which are held in memory. */
const MAX_WORKBOOK_PART_BYTES = 16 * 1024 ** 2;
/** The shared strings' XML, inflated: 48 MiB is about a million distinct texts, some 100 MB of memory. */
export const MAX_SHARED_STRINGS_BYTES = 48 * 1024 ** 2;
const WORKBOOK = 'xl/workbook.xml';
const WORKBOOK_RELS = 'xl/_rels/workbook.xml.rels';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const RELATIONSHIPS_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_RELATIONSHIPS_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const DAY_MS = 86_400_000;
/** Excel's day 0 is 1899-12-30 for exceljs (so that the 1900 leap-year bug holds from March 1900 on). */
const SERIAL_1970 = 25569;
const SHIFT_1904 = 1462;
const CLOSED = Symbol('closed');

interface Workbook {
  /** Worksheets in tab order, with the lower-cased path of their part. */
  sheets: { name: string; path: string }[];
  styles: string | null;
  sharedStrings: string | null;
  date1904: boolean;
}

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  const entity = /&(?:#x([0-9a-f]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/gi;
  return text.replace(entity, (raw: string, hex?: string, dec?: string, named?: string) => {
    if (named) return NAMED_ENTITIES[named.toLowerCase()] ?? raw;
    const code = Number.parseInt(hex ?? dec ?? '', hex ? 16 : 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : raw;
  });
}

function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The attributes of every `<name …>` element (any namespace prefix), keyed by qualified name. These
 * two small parts have a flat, fixed shape; an XML parser of our own would be one more dependency.
 */
function elements(xml: string, name: string): Map<string, string>[] {
  const tag = new RegExp(`<(?:[\\w.-]+:)?${name}((?:\\s+[^\\s=/>]+\\s*=\\s*(?:"[^"]*"|'[^']*'))*)\\s*/?>`, 'g');
  const found: Map<string, string>[] = [];
  for (const m of xml.replace(/<!--[^]*?-->/g, '').matchAll(tag)) {
    const attributes = new Map<string, string>();
    for (const a of (m[1] ?? '').matchAll(/([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attributes.set(a[1] as string, decodeXml(a[2] ?? a[3] ?? ''));
    }
    found.push(attributes);
  }
  return found;
}

/** The lower-cased zip path of a relationship target, which is relative to `xl/workbook.xml`. */
function partPath(target: string): string {
  const path = new URL(target, 'http://package/xl/workbook.xml').pathname.slice(1);
  try {
    return decodeURIComponent(path).toLowerCase();
  } catch {
    return path.toLowerCase();
  }
}

function readWorkbook(kept: Map<string, Buffer>): Workbook {
  const book = kept.get(WORKBOOK);
  if (book === undefined) throw new TableReadError('unreadable-file', `Not an .xlsx workbook: no ${WORKBOOK}`);
  const xml = book.toString('utf8');
  const rels = new Map<string, { type: string; path: string }>();
  for (const r of elements(kept.get(WORKBOOK_RELS)?.toString('utf8') ?? '', 'Relationship')) {
    if (r.get('TargetMode')?.toLowerCase() === 'external') continue;
    rels.set(r.get('Id') ?? '', { type: r.get('Type') ?? '', path: partPath(r.get('Target') ?? '') });
  }
  // Transitional and Strict OOXML differ in the namespace, not in the last segment of the type.
  const ofType = (suffix: string): string | null => [...rels.values()].find((r) => r.type.endsWith(suffix))?.path ?? null;
  const sheets: Workbook['sheets'] = [];
  for (const s of elements(xml, 'sheet')) {
    const name = s.get('name') ?? '';
    const id = [...s].find(([key]) => /^[^:]+:id$/.test(key))?.[1];
    const rel = id === undefined ? undefined : rels.get(id);
    if (rel === undefined) throw new TableReadError('unreadable-file', `Corrupt workbook: sheet "${name}" has no part`);
    // Chart sheets and the like have no cells.
    if (rel.type.endsWith('/worksheet')) sheets.push({ name, path: rel.path });
  }
  const date1904 = elements(xml, 'workbookPr')[0]?.get('date1904')?.toLowerCase();
  return {
    sheets,
    styles: ofType('/styles'),
    sharedStrings: ofType('/sharedStrings'),
    date1904: date1904 === '1' || date1904 === 'true',
  };
}

type RebuiltEntry = { name: string; bytes: Buffer } | { name: string; part: ZipPart };

/**
 * The rebuilt zip, entries in the order given, reopening the file when a part lies behind the one
 * read last; `checked` is called once every part has been read and found as `checkZip` measured it.
 */
async function* rebuild(
  open: () => Promise<ByteSource>,
  entries: RebuiltEntry[],
  checked: () => void,
): AsyncGenerator<Buffer> {
  const zip = new StoredZipWriter();
  let reader: PartReader | null = null;
  try {
    for (const entry of entries) {
      if ('bytes' in entry) {
        yield zip.entry(entry.name, entry.bytes.length, crc32(entry.bytes));
        yield entry.bytes;
        continue;
      }
      if (reader === null || reader.position > entry.part.dataOffset) {
        await reader?.close();
        reader = new PartReader(await open());
      }
      yield zip.entry(entry.name, entry.part.size, entry.part.crc);
      yield* reader.read(entry.part);
    }
    checked();
    yield zip.end();
  } finally {
    await reader?.close();
  }
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/**
 * A serial date as `yyyy-mm-dd`, with ` hh:mm` (or `hh:mm:ss`) when it has a time of day, or the
 * time alone for a value under one day (a time format). Serials are local wall-clock times, so the
 * UTC parts of the date they map to are the ones Excel shows.
 */
function serialText(serial: number, date1904: boolean): string {
  const ms = (serial - SERIAL_1970 + (date1904 ? SHIFT_1904 : 0)) * DAY_MS;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return NOT_AVAILABLE;
  // Rounded to the second: binary fractions of a day put 13:00 at 12:59:59.9999.
  const d = new Date(Math.round(ms / 1000) * 1000);
  const seconds = d.getUTCSeconds();
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${seconds ? `:${pad(seconds)}` : ''}`;
  if (serial < 1) return time;
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return d.getTime() % DAY_MS === 0 ? date : `${date} ${time}`;
}

/** A format's codes without colours, conditions and locales in brackets, literals, padding and fill characters. */
function formatCodes(format: string): string {
  return format.replace(/\[[^\]]*\]|"[^"]*"|\\.|_.|\*./g, '');
}

/** Whether a number format shows the value as a percentage (`0%`, `0,0 %`): a `%` that is not a literal. */
function isPercentFormat(format: string | undefined): boolean {
  return format !== undefined && formatCodes(format).includes('%');
}

/**
 * Whether a number format shows a date or a time. exceljs turns such cells into dates but misses
 * upper-case codes (`DD/MM/YYYY`, as LibreOffice writes them) and formula results.
 */
function isDateFormat(format: string | undefined): boolean {
  if (!format) return false;
  return /[ymdhs]/i.test(formatCodes(format));
}

function valueText(value: ExcelJS.CellValue, format: string | undefined, date1904: boolean): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (isDateFormat(format)) return serialText(value, date1904);
    return isPercentFormat(format) ? percentText(value) : decimalText(value);
  }
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  if (value instanceof Date) return serialText(value.getTime() / DAY_MS + SERIAL_1970 - (date1904 ? SHIFT_1904 : 0), date1904);
  if ('richText' in value) return value.richText.map((run) => run.text ?? '').join('');
  if ('error' in value) return value.error;
  // A formula's cached result; without one (never calculated) the cell is empty, as in Excel's CSV.
  if ('formula' in value || 'sharedFormula' in value) return valueText(value.result, format, date1904);
  return value.text;
}

/** A cell as the text a CSV export holds, so that the French parsers read both alike. */
function cellText(cell: ExcelJS.Cell, date1904: boolean, formula: ExcelJS.ValueType): string {
  // The `value` exceljs gives for a formula leaves out a falsy result: 0, '', or NaN for an error.
  const value = cell.type === formula ? cell.result : cell.value;
  return valueText(value, cell.numFmt, date1904);
}

/**
 * exceljs, loaded on the first workbook read rather than with this module: it weighs about 27 MB of
 * RSS once loaded, which the CSV path (every large extract) would otherwise pay for nothing.
 */
let excel: Promise<typeof ExcelJS> | null = null;

function loadExcel(): Promise<typeof ExcelJS> {
  excel ??= import('exceljs').then((m) => m.default);
  return excel;
}

/** An error met while exceljs parses the workbook, as TableReadError. */
function unreadable(error: unknown, line?: number): TableReadError {
  if (error instanceof TableReadError) return error;
  return new TableReadError('unreadable-file', `Unreadable workbook: ${error instanceof Error ? error.message : String(error)}`, line);
}

/**
 * Opens one worksheet of an XLSX workbook, given as a factory of byte streams of the whole file
 * (called two or three times: once to check the archive, then to read the parts needed), reads its
 * header and returns its rows as a lazy, single-use async iterable, like `openCsv`.
 *
 * The header is the first non-blank row, its cells trimmed; rows are numbered by the sheet, and
 * rows absent from the file or blank (every cell empty or white space) count in the next row's
 * `blankBefore`. A row's cells are placed by column, '' where a cell is missing, trailing empty
 * cells left out. Cells read as a CSV export would show them: strings as they are (a FINESS typed
 * as text keeps its leading zero), numbers in plain decimal with a point (`24455.2`, `0.0000001`),
 * numbers in a percent format as the percentage shown, with its sign (0.153 shown `15,3 %` gives `15.3%`),
 * dates `yyyy-mm-dd` (plus ` hh:mm` when they carry a time of day), times `hh:mm`, booleans
 * `oui`/`non`, formulas their last calculated result, rich text its plain text, error values their
 * code (`#N/A`, also given for a formula result in error, whose code exceljs does not keep). In a
 * merged range only the top-left cell has a value, as in the file.
 *
 * The file being read is closed when iteration ends or is abandoned (`break`), or by `close()`,
 * after which `rows` ends.
 *
 * @returns the opened sheet.
 * @throws TableReadError `empty-file` (no bytes, no worksheet, or no non-blank row), `too-large`
 * (more than `maxBytes` bytes, parts inflating to more than `maxInflatedBytes`, 256 MiB by default,
 * together, a header cell longer than `maxRecordChars`), `too-many-cells` (header wider than the
 * limit), `unreadable-file` (not a zip, a truncated or corrupt archive, no `xl/workbook.xml`, no worksheet of the requested name, or
 * anything exceljs cannot parse); UnsupportedFormatError `xls`, `encrypted-workbook` (an OLE
 * compound file) or `numbers` (an Apple Numbers document). Iterating `rows` throws TableReadError `too-many-rows`,
 * `too-many-cells`, `too-large` (a cell longer than `maxRecordChars`) with `line` set to the sheet
 * row, and `unreadable-file`. Errors of the byte streams themselves are passed through unchanged.
 */
export async function openXlsx(
  open: () => Promise<ByteSource>,
  limits: TableLimits = {},
  options: XlsxOptions = {},
): Promise<TableFile> {
  const { parts, book, sheet } = await checkWorkbook(open, limits, options);
  const entries = rebuiltEntries(parts, book, sheet);
  // Loaded only now: a workbook refused by the checks above never loads exceljs either.
  const Excel = await loadExcel();
  const guard = new GuardedInput(open, entries);
  const reader = new Excel.stream.xlsx.WorkbookReader(guard.input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  const cells = (row: ExcelJS.Row) =>
    rowCells(row, book.date1904, Excel.ValueType.Formula, limits.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS);
  return sheetTable(sheetRecords(reader, guard, cells), {
    format: 'xlsx',
    name: () => sheet.name,
    emptySheet: 'The worksheet has no non-blank row',
    maxRows: limits.maxRows ?? Number.POSITIVE_INFINITY,
    maxCells: limits.maxCellsPerRow ?? Number.POSITIVE_INFINITY,
    close: () => guard.close(),
  });
}

/** Step 1: the archive checked whole, the workbook's parts listed and the sheet asked for found. */
async function checkWorkbook(
  open: () => Promise<ByteSource>,
  limits: TableLimits,
  options: XlsxOptions,
): Promise<{ parts: ZipPart[]; book: Workbook; sheet: Workbook['sheets'][number] }> {
  const { parts, kept } = await checkZip(
    await open(),
    {
      maxBytes: limits.maxBytes ?? Number.POSITIVE_INFINITY,
      maxInflatedBytes: Math.min(limits.maxInflatedBytes ?? DEFAULT_MAX_INFLATED_BYTES, MAX_PART_BYTES),
      maxKeptBytes: MAX_WORKBOOK_PART_BYTES,
    },
    new Set([WORKBOOK, WORKBOOK_RELS]),
  );
  // Apple Numbers saves a zip too, of its own .iwa parts.
  if (!kept.has(WORKBOOK) && parts.some((p) => p.name.toLowerCase().endsWith('.iwa'))) {
    throw new UnsupportedFormatError('numbers', 'An Apple Numbers document, not an .xlsx workbook');
  }
  const book = readWorkbook(kept);
  if (book.sheets.length === 0) throw new TableReadError('empty-file', 'The workbook has no worksheet');
  const wanted = options.sheet?.toLowerCase();
  const sheet = wanted === undefined ? book.sheets[0] : book.sheets.find((s) => s.name.toLowerCase() === wanted);
  if (sheet === undefined) {
    const names = book.sheets.map((s) => s.name).join(', ');
    throw new TableReadError('unreadable-file', `No worksheet named "${options.sheet}" (worksheets: ${names})`);
  }
  return { parts, book, sheet };
}

/**
 * Step 2's entries: a workbook of the one sheet, its relationships, then styles and shared strings
 * in file order (an empty table when there are none), the sheet last.
 */
function rebuiltEntries(parts: ZipPart[], book: Workbook, sheet: Workbook['sheets'][number]): RebuiltEntry[] {
  const byPath = new Map(parts.map((p) => [p.name.toLowerCase(), p]));
  const partAt = (path: string): ZipPart => {
    const part = byPath.get(path);
    if (part === undefined) throw new TableReadError('unreadable-file', `Missing part ${path} of the workbook`);
    return part;
  };
  const utf8 = (xml: string): Buffer => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n${xml}`, 'utf8');
  const entries: RebuiltEntry[] = [
    {
      name: 'xl/workbook.xml',
      bytes: utf8(
        `<workbook xmlns="${MAIN_NS}" xmlns:r="${RELATIONSHIPS_NS}">${book.date1904 ? '<workbookPr date1904="1"/>' : ''}` +
          `<sheets><sheet name="${escapeXml(sheet.name)}" sheetId="1" r:id="rId1"/></sheets></workbook>`,
      ),
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      bytes: utf8(
        `<Relationships xmlns="${PACKAGE_RELATIONSHIPS_NS}">` +
          `<Relationship Id="rId1" Type="${RELATIONSHIPS_NS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
      ),
    },
  ];
  const shared: RebuiltEntry[] = [];
  if (book.styles !== null) shared.push({ name: 'xl/styles.xml', part: partAt(book.styles) });
  // exceljs reads a sheet at once only when shared strings came before it, so a workbook without any gets an empty table.
  if (book.sharedStrings !== null) {
    // exceljs holds every shared string in memory, about twice their XML: bounded before it reads them.
    const strings = partAt(book.sharedStrings);
    if (strings.size > MAX_SHARED_STRINGS_BYTES) throw new TableReadError('shared-strings', `Shared strings of ${strings.size} bytes (at most ${MAX_SHARED_STRINGS_BYTES})`);
    shared.push({ name: 'xl/sharedStrings.xml', part: strings });
  } else entries.push({ name: 'xl/sharedStrings.xml', bytes: utf8(`<sst xmlns="${MAIN_NS}"/>`) });
  const offset = (e: RebuiltEntry): number => ('part' in e ? e.part.dataOffset : 0);
  entries.push(...shared.sort((a, b) => offset(a) - offset(b)), { name: 'xl/worksheets/sheet1.xml', part: partAt(sheet.path) });
  return entries;
}

/** Step 3: the rebuilt stream exceljs reads, and every step of exceljs raced against its failure or its closing. */
class GuardedInput {
  readonly input: Readable;
  /** Resolves once every part has been read and found as `checkZip` measured it. */
  readonly allChecked: Promise<void>;
  private failure: { error: unknown } | null = null;
  private interruption: { reason: unknown } | null = null;
  private readonly waits = new Set<(reason: unknown) => void>();

  constructor(open: () => Promise<ByteSource>, entries: RebuiltEntry[]) {
    let checked: () => void = () => undefined;
    this.allChecked = new Promise<void>((resolve) => {
      checked = resolve;
    });
    this.input = Readable.from(rebuild(open, entries, checked), { objectMode: false });
    this.input.on('error', (error) => {
      this.failure ??= { error };
      this.interrupt(error);
    });
  }

  /** Ends every wait on exceljs, now and to come: the rebuilt stream failed, or the caller closed the file. */
  private interrupt(reason: unknown): void {
    if (this.interruption !== null) return;
    this.interruption = { reason };
    for (const stop of this.waits) stop(reason);
  }

  async close(): Promise<void> {
    this.interrupt(CLOSED);
    if (this.input.closed) return;
    const closed = new Promise((resolve) => this.input.once('close', resolve));
    this.input.destroy();
    await closed;
  }

  /** One step of exceljs, or CLOSED; the rebuilt stream's own error wins over what exceljs makes of it. */
  async step<T>(promise: Promise<T>): Promise<T | typeof CLOSED> {
    // One promise per step: racing every step against the same pending promise would keep each
    // step's result, every row read, reachable from it.
    let stop: (reason: unknown) => void = () => undefined;
    const stopped = new Promise<never>((_, reject) => {
      stop = reject;
    });
    if (this.interruption !== null) stop(this.interruption.reason);
    else this.waits.add(stop);
    try {
      return await Promise.race([promise, stopped]);
    } catch (error) {
      if (this.failure !== null) throw this.failure.error;
      if (error === CLOSED) return CLOSED;
      throw unreadable(error);
    } finally {
      this.waits.delete(stop);
    }
  }
}

/** The sheet's non-blank rows in order, the blank or absent rows before each counted; closes the input at the end. */
async function* sheetRecords(
  reader: ExcelJS.stream.xlsx.WorkbookReader,
  guard: GuardedInput,
  cellsOf: (row: ExcelJS.Row) => string[],
): AsyncGenerator<TableRow, void, undefined> {
  try {
    const first = await guard.step(reader[Symbol.asyncIterator]().next());
    if (first === CLOSED) return;
    if (first.done) throw new TableReadError('unreadable-file', 'Unreadable workbook: exceljs found no sheet');
    const sheetRows = first.value[Symbol.asyncIterator]();
    let previous = 0;
    let lastNonBlank = 0;
    for (;;) {
      const next = await guard.step(sheetRows.next());
      if (next === CLOSED) return;
      if (next.done) {
        // The sheet's CRC is known only after its last byte, which exceljs may have parsed first.
        await guard.step(guard.allChecked);
        return;
      }
      // exceljs gives null for a </row> outside <sheetData>.
      const row: ExcelJS.Row | null = next.value;
      if (row === null) throw new TableReadError('unreadable-file', 'Unreadable workbook: a row outside <sheetData>');
      const line = row.number;
      if (!Number.isSafeInteger(line) || line <= previous) {
        throw new TableReadError('unreadable-file', `Unreadable workbook: row ${line} after row ${previous}`);
      }
      previous = line;
      const cells = cellsOf(row);
      if (cells.every((c) => c.trim() === '')) continue;
      const blanks = line - lastNonBlank - 1;
      lastNonBlank = line;
      if (blanks > 0) yield { line, cells, blankBefore: blanks };
      else yield { line, cells };
    }
  } finally {
    // exceljs's generators are left as they are: one may be waiting for bytes that will not come.
    await guard.close();
  }
}

/** A row's cells placed by column, '' where a cell is missing, trailing empty cells left out. */
function rowCells(row: ExcelJS.Row, date1904: boolean, formula: ExcelJS.ValueType, maxRecordChars: number): string[] {
  const line = row.number;
  const cells: string[] = [];
  try {
    row.eachCell((cell, column) => {
      const text = cellText(cell, date1904, formula);
      if (text.length > maxRecordChars) {
        throw new TableReadError('too-large', `Cell longer than ${maxRecordChars} characters`, line);
      }
      if (text === '') return;
      while (cells.length < column - 1) cells.push('');
      cells.push(text);
    });
  } catch (error) {
    // The cells exceljs built from a damaged sheet can throw too.
    throw unreadable(error, line);
  }
  return cells;
}

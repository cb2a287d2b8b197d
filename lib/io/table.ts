/**
 * What every reader of a table-shaped file gives (CSV through papaparse, XLSX through exceljs, ODS
 * through saxes), so that formats validate rows without knowing where they came from.
 */
import type { CsvDelimiter, CsvEncoding } from './encoding';

/** One data row: `line` is the 1-based line of the file or sheet row where it starts (header = its own line). */
export interface TableRow {
  line: number;
  cells: string[];
  /** Blank lines (or sheet rows) skipped just before this row; absent when there were none. */
  blankBefore?: number;
}

/**
 * An opened table. Its rows can be iterated once, lazily (the file is read as rows are consumed),
 * either one by one (`rows`) or a few hundred at a time (`batches`): two views of the same rows,
 * of which a reader iterates one.
 */
export interface TableFile {
  format: 'csv' | 'xlsx' | 'ods';
  /**
   * CSV only (null for workbooks): the encoding used to decode the file. When the first 64 KiB are pure
   * ASCII this says `'utf-8'` until the first non-ASCII byte is read, and may then become `'windows-1252'`.
   */
  encoding: CsvEncoding | null;
  /** CSV only (null for workbooks). */
  delimiter: CsvDelimiter | null;
  /** Workbooks only (null for CSV): the name of the sheet read. */
  sheet: string | null;
  /** The first non-blank row's cells, trimmed. */
  header: string[];
  /** Line of the header row. */
  headerLine: number;
  /** The rows after the header; blank ones are skipped and counted in `blankBefore`. */
  rows: AsyncIterable<TableRow>;
  /**
   * The same rows in arrays (never empty), so that a reader of millions of rows awaits once per
   * array rather than once per row. An error of the reader comes after the rows before it.
   */
  batches: AsyncIterable<readonly TableRow[]>;
  /** Closes the source: for a caller that stops before the end. Safe to call at any time, and again. */
  close(): Promise<void>;
  /**
   * From the rows not read yet on, cut only the cells at these positions: the others read as empty
   * and the rows keep their width. A reader may ignore it. For files of many columns of which few are
   * read (Open PHMEV: 11 of 31), where cutting every cell is most of the reading.
   */
  readOnly?(positions: readonly number[]): void;
  /**
   * CSV only: how the text read so far ends, once every row has been read. What lib/formats/halves.ts
   * checks before joining the rows of a file read in two parts.
   */
  ending?(): CsvEnding;
}

export type CsvNewline = '\n' | '\r' | '\r\n';

/** Where a CSV reader stands at the end of its text. */
export interface CsvEnding {
  /** The line the text read ends on: 1 + its line breaks. */
  line: number;
  /** Blank records at the end, not given as rows (the next row's `blankBefore`). */
  blanks: number;
  /** Whether papaparse split any record (a quoted field, where a newline may be text). */
  quoted: boolean;
  newline: CsvNewline;
  /** False when every byte was ASCII: UTF-8 and Windows-1252 read it alike, and neither was chosen. */
  encodingDecided: boolean;
}

export type TableReadErrorCode =
  | 'empty-file'
  | 'encoding-error'
  | 'too-large'
  | 'too-many-rows'
  | 'too-many-cells'
  | 'binary-file'
  | 'unclosed-quote'
  | 'unreadable-file'
  /** One record (a line, or a quoted field never closed) longer than `maxRecordChars`. */
  | 'record-too-long'
  /** A NUL byte inside a cell of a text file. */
  | 'nul-byte'
  /** A workbook whose shared strings are beyond what can be held in memory. */
  | 'shared-strings';

/** A file that cannot be read as a table; `line` (and `column`, a header name) say where, when known. */
export class TableReadError extends Error {
  readonly code: TableReadErrorCode;
  readonly line?: number;
  readonly column?: string;

  constructor(code: TableReadErrorCode, message: string, line?: number, column?: string) {
    super(line === undefined ? message : `${message} (line ${line})`);
    this.name = 'TableReadError';
    this.code = code;
    if (line !== undefined) this.line = line;
    if (column !== undefined) this.column = column;
  }
}

/** Formats recognised but not read: each is refused naming itself, and lib/formats says in French what to do. */
export type UnreadableFormat = 'xls' | 'encrypted-workbook' | 'encrypted-ods' | 'numbers' | 'utf-16';

/** A file whose format is known and not read (`unreadable-file`), with which one it is. */
export class UnsupportedFormatError extends TableReadError {
  readonly format: UnreadableFormat;

  constructor(format: UnreadableFormat, message: string) {
    super('unreadable-file', message);
    this.name = 'UnsupportedFormatError';
    this.format = format;
  }
}

/** Protective limits shared by every reader; each is refused with its own error code. */
export interface TableLimits {
  /** Maximum size of the file in bytes. Default: unlimited. */
  maxBytes?: number;
  /** Maximum number of data rows (blank rows and the header not counted). Default: unlimited. */
  maxRows?: number;
  /** Maximum number of cells in a row (header included). Default: unlimited. */
  maxCellsPerRow?: number;
  /**
   * Maximum length in characters of one record or cell still being read. For CSV it bounds memory
   * when a field opens a quote that is never closed. Exceeding it gives `too-large`. Default: 1 Mi.
   */
  maxRecordChars?: number;
  /**
   * Workbooks only: the most bytes the workbook may inflate to, all parts together (a zip bomb is
   * refused with `too-large` before any part is parsed). Default: 256 MiB.
   */
  maxInflatedBytes?: number;
}

/**
 * The rows of `batches` one by one: the `rows` of a reader that reads in batches. Stopping early
 * closes `batches`.
 *
 * @returns a single-use async iterable of the rows. Errors of `batches` are passed through.
 * @example for await (const row of oneByOne(file.batches)) console.log(row.line);
 */
export async function* oneByOne(batches: AsyncIterable<readonly TableRow[]>): AsyncGenerator<TableRow, void, undefined> {
  for await (const batch of batches) for (const row of batch) yield row;
}

/**
 * The data rows of a workbook's sheet after its header, with the limits every reader enforces: more
 * than `maxRows` rows, or a row wider than `maxCells`, is refused with the row's line.
 *
 * @returns a single-use async iterable of the rows of `records`, whose errors are passed through.
 * @example const rows = limitedRows(records, 50_000_000, 500);
 */
export async function* limitedRows(records: AsyncIterable<TableRow>, maxRows: number, maxCells: number): AsyncGenerator<TableRow, void, undefined> {
  let count = 0;
  for await (const row of records) {
    count++;
    if (count > maxRows) throw new TableReadError('too-many-rows', `More than ${maxRows} data rows`, row.line);
    if (row.cells.length > maxCells) throw new TableReadError('too-many-cells', `More than ${maxCells} cells in a row`, row.line);
    yield row;
  }
}

/**
 * A workbook's sheet as a `TableFile`, whichever reader gave its records: the first record is the
 * header (refused when wider than `maxCells`), the others the rows, within the limits. `name` is asked
 * once the header is read: a streaming reader knows which sheet it read only then.
 *
 * @returns the table, its rows and batches single-use over the same records.
 * @example return sheetTable(records(), { format: 'ods', name: () => parser.sheet, emptySheet: 'The sheet has no non-blank row', maxRows, maxCells, close });
 */
export async function sheetTable(
  records: AsyncGenerator<TableRow, void, undefined>,
  sheet: { format: 'xlsx' | 'ods'; name(): string | null; emptySheet: string; maxRows: number; maxCells: number; close(): Promise<void> },
): Promise<TableFile> {
  const first = await records.next();
  if (first.done) throw new TableReadError('empty-file', sheet.emptySheet);
  const header = first.value;
  if (header.cells.length > sheet.maxCells) {
    await records.return();
    throw new TableReadError('too-many-cells', `More than ${sheet.maxCells} columns`, header.line);
  }
  // Workbook readers give one row per step: `batches` gathers them, over the same single-use rows.
  const rows = limitedRows(records, sheet.maxRows, sheet.maxCells);
  return {
    format: sheet.format,
    encoding: null,
    delimiter: null,
    sheet: sheet.name(),
    header: header.cells.map((c) => c.trim()),
    headerLine: header.line,
    rows,
    batches: inBatches(rows),
    close: sheet.close,
  };
}

/** How many rows `inBatches` gathers at most before giving them. */
const BATCH_ROWS = 512;

/**
 * The rows of `rows` in arrays of up to 512, for a reader that reads one row at a time.
 *
 * @returns a single-use async iterable of non-empty arrays. Errors of `rows` come after the rows
 * read before them.
 * @example const batches = inBatches(records());
 */
export async function* inBatches(rows: AsyncIterable<TableRow>): AsyncGenerator<TableRow[], void, undefined> {
  let batch: TableRow[] = [];
  try {
    for await (const row of rows) {
      batch.push(row);
      if (batch.length >= BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    if (batch.length > 0) yield batch;
    throw error;
  }
  if (batch.length > 0) yield batch;
}

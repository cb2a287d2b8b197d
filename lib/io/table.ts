/**
 * What every reader of a table-shaped file gives (CSV through papaparse, XLSX through exceljs), so
 * that formats validate rows without knowing where they came from.
 */
import type { CsvDelimiter, CsvEncoding } from './encoding';

/** One data row: `line` is the 1-based line of the file or sheet row where it starts (header = its own line). */
export interface TableRow {
  line: number;
  cells: string[];
  /** Blank lines (or sheet rows) skipped just before this row; absent when there were none. */
  blankBefore?: number;
}

/** An opened table. `rows` can be iterated once, lazily: the file is read as rows are consumed. */
export interface TableFile {
  format: 'csv' | 'xlsx';
  /**
   * CSV only (null for XLSX): the encoding used to decode the file. When the first 64 KiB are pure
   * ASCII this says `'utf-8'` until the first non-ASCII byte is read, and may then become `'windows-1252'`.
   */
  encoding: CsvEncoding | null;
  /** CSV only (null for XLSX). */
  delimiter: CsvDelimiter | null;
  /** XLSX only (null for CSV): the name of the sheet read. */
  sheet: string | null;
  /** The first non-blank row's cells, trimmed. */
  header: string[];
  /** Line of the header row. */
  headerLine: number;
  /** The rows after the header; blank ones are skipped and counted in `blankBefore`. */
  rows: AsyncIterable<TableRow>;
  /** Closes the source: for a caller that stops before the end. Safe to call at any time, and again. */
  close(): Promise<void>;
}

export type TableReadErrorCode =
  | 'empty-file'
  | 'encoding-error'
  | 'too-large'
  | 'too-many-rows'
  | 'too-many-cells'
  | 'binary-file'
  | 'unreadable-file';

/** A file that cannot be read as a table; `line` is the line concerned, when known. */
export class TableReadError extends Error {
  readonly code: TableReadErrorCode;
  readonly line?: number;

  constructor(code: TableReadErrorCode, message: string, line?: number) {
    super(line === undefined ? message : `${message} (line ${line})`);
    this.name = 'TableReadError';
    this.code = code;
    if (line !== undefined) this.line = line;
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
   * XLSX only: the most bytes the workbook may inflate to, all parts together (a zip bomb is
   * refused with `too-large` before any part is parsed). Default: 256 MiB.
   */
  maxInflatedBytes?: number;
}

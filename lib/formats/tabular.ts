import { z } from 'zod';
import { normalizeHeader, type TableFile, type TableRow } from '../io';
import type { Establishment, SourceRef } from '../domain/schemas';
import { issueMessage, type MessageParams } from './messages';
import type { FileOutput } from './output';
import { ISSUE_CODES, IssueList, type Issue, type IssueCode } from './report';

/** What a format may know about the object it reads, beyond its rows. */
export interface FormatContext {
  /** The object read and the identity of its version: facts carry it as their source. */
  source: SourceRef;
  fileName: string;
  /** Year from the drop-zone path (`atih/<year>/`, `cpam/<year>/`) or the referential file name. */
  year: number | null;
  /** For evidence: the campaign and establishment the upload was made for. */
  campaign: string | null;
  finess: string | null;
  /** The establishments known to the referential, by FINESS géographique; null while none is loaded. */
  establishments: ReadonlyMap<string, Establishment> | null;
}

export type ReportIssue = (code: IssueCode, severity: Issue['severity'], column: string | null, value: string | null, params?: MessageParams) => void;

export interface Aggregator<Row> {
  /** Domain checks and accumulation of one valid row; returns false when the row is not kept. */
  add(row: Row, report: ReportIssue): boolean;
  /** What the file gives once every row is read; a file-level problem is reported, not thrown. */
  finish(report: ReportIssue): FileOutput;
}

export interface ColumnAliases {
  [column: string]: readonly string[];
}

/** How a table-shaped kind is written: its row schema (the source of truth for its columns) and its aggregation. */
export interface TabularDefinition<Shape extends z.ZodRawShape> {
  label: string;
  schema: z.ZodObject<Shape>;
  /** Columns that may be absent (their cells then read as empty). */
  optionalColumns: readonly (keyof Shape & string)[];
  aliases?: ColumnAliases;
  /** Columns of a published layout that are known but not read: no `extra-column` warning for them. */
  ignoredColumns?: readonly string[];
  start(ctx: FormatContext): Aggregator<z.infer<z.ZodObject<Shape>>>;
}

/** One file being read: each raw record is parsed against the schema, then aggregated when valid. */
export interface RowSink {
  /** The schema's issues for an invalid record, or whether the aggregation kept a valid one. */
  add(record: Readonly<Record<string, string>>, report: ReportIssue): { issues: readonly z.core.$ZodIssue[] } | { kept: boolean };
  finish(report: ReportIssue): FileOutput;
}

/** A table-shaped kind as the rest of the code sees it, whatever the type of its rows. */
export interface TabularFormat {
  label: string;
  columns: readonly string[];
  optionalColumns: readonly string[];
  aliases?: ColumnAliases;
  ignoredColumns?: readonly string[];
  start(ctx: FormatContext): RowSink;
}

/** A kind's format from its definition: the row type stays between its schema and its aggregator. */
export function defineTabular<Shape extends z.ZodRawShape>(definition: TabularDefinition<Shape>): TabularFormat {
  return {
    label: definition.label,
    columns: Object.keys(definition.schema.shape),
    optionalColumns: definition.optionalColumns,
    aliases: definition.aliases,
    ignoredColumns: definition.ignoredColumns,
    start(ctx) {
      const aggregator = definition.start(ctx);
      return {
        add(record, report) {
          const parsed = definition.schema.safeParse(record);
          return parsed.success ? { kept: aggregator.add(parsed.data, report) } : { issues: parsed.error.issues };
        },
        finish: (report) => aggregator.finish(report),
      };
    },
  };
}

export interface TabularOutcome {
  rowsRead: number;
  rowsAccepted: number;
  issues: IssueList;
  /** Present only when the file has no error: a refused file changes nothing. */
  output: FileOutput | null;
}

/** How many rows below the first one may still hold the header (a title, a date, a blank line above it). */
const HEADER_SEARCH_ROWS = 10;

function issueFromZod(message: string): { code: IssueCode; expected: string } {
  const colon = message.indexOf(':');
  const prefix = colon > 0 ? message.slice(0, colon) : '';
  if ((ISSUE_CODES as readonly string[]).includes(prefix)) {
    return { code: prefix as IssueCode, expected: message.slice(colon + 1) };
  }
  return { code: 'type-error', expected: message };
}

/** Header names (normalised) of a format, mapped to its columns. */
export function headerNames(format: Pick<TabularFormat, 'columns' | 'aliases'>): Map<string, string> {
  const wanted = new Map<string, string>();
  for (const column of format.columns) {
    wanted.set(normalizeHeader(column), column);
    for (const alias of format.aliases?.[column] ?? []) wanted.set(normalizeHeader(alias), column);
  }
  return wanted;
}

/** The columns of a format a header row names, and whether every required one is there. */
export function headerMatch(format: Pick<TabularFormat, 'columns' | 'aliases' | 'optionalColumns'>, cells: readonly string[]): { matched: number; complete: boolean } {
  const wanted = headerNames(format);
  const found = new Set(cells.map((c) => wanted.get(normalizeHeader(c))).filter((c): c is string => c !== undefined));
  const required = format.columns.filter((c) => !format.optionalColumns.includes(c));
  return { matched: found.size, complete: required.every((c) => found.has(c)) };
}

interface HeaderChoice {
  cells: string[];
  line: number;
  /** Rows read while looking for the header that are data rows after it. */
  rest: TableRow[];
  rows: AsyncIterator<TableRow>;
}

/**
 * Finds the header row: the file's first non-blank row, unless one of the next rows names the
 * format's columns better (exports with a title or a date line above the table). A two-level header
 * whose upper cells are merged over the lower row (the value sits in the upper cell only) is read
 * by taking, for an empty cell of the header, the upper row's cell when it names a column.
 */
async function chooseHeader(format: TabularFormat, file: TableFile): Promise<HeaderChoice> {
  const rows = file.rows[Symbol.asyncIterator]();
  const candidates: TableRow[] = [{ line: file.headerLine, cells: file.header }];
  let best = 0;
  let bestScore = headerMatch(format, file.header);
  while (!bestScore.complete && candidates.length < HEADER_SEARCH_ROWS) {
    const next = await rows.next();
    if (next.done) break;
    candidates.push(next.value);
    const score = headerMatch(format, next.value.cells);
    if (score.complete || score.matched > bestScore.matched) {
      best = candidates.length - 1;
      bestScore = score;
    }
  }
  const chosen = candidates[best] as TableRow;
  const cells = chosen.cells.map((c) => c.trim());
  const above = best > 0 ? (candidates[best - 1] as TableRow).cells : [];
  const wanted = headerNames(format);
  cells.forEach((cell, i) => {
    const upper = above[i]?.trim() ?? '';
    if (cell === '' && upper !== '' && wanted.has(normalizeHeader(upper))) cells[i] = upper;
  });
  for (let i = cells.length; i < above.length; i++) {
    const upper = above[i]?.trim() ?? '';
    cells[i] = wanted.has(normalizeHeader(upper)) ? upper : '';
  }
  return { cells, line: chosen.line, rest: candidates.slice(best + 1), rows };
}

async function* chain(first: readonly TableRow[], rest: AsyncIterator<TableRow>): AsyncGenerator<TableRow> {
  yield* first;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/**
 * Reads every row of a table against a tabular format: header found and matched (case, accents,
 * spaces and underscores ignored, aliases), one issue per bad cell with its line and column, blank
 * rows between data rows said once per run, and aggregation of the valid rows. Never throws for bad
 * content; read errors of the reader (TableReadError) propagate.
 */
export async function readTabular(format: TabularFormat, file: TableFile, ctx: FormatContext, issues: IssueList = new IssueList()): Promise<TabularOutcome> {
  const { columns } = format;
  const wanted = headerNames(format);
  const header = await chooseHeader(format, file);
  if (header.line !== file.headerLine) {
    issues.add({ code: 'header-row', severity: 'warning', row: header.line, column: null, value: null, message: issueMessage('header-row', { detail: String(header.line) }) });
  }
  const position = new Map<string, number>();
  const ignored = new Set((format.ignoredColumns ?? []).map(normalizeHeader));
  header.cells.forEach((raw, index) => {
    const column = wanted.get(normalizeHeader(raw));
    if (column && !position.has(column)) position.set(column, index);
    else if (raw.trim() !== '' && !ignored.has(normalizeHeader(raw)))
      issues.add({ code: 'extra-column', severity: 'warning', row: header.line, column: raw, value: null, message: issueMessage('extra-column', { column: raw }) });
  });
  for (const column of columns) {
    if (!position.has(column) && !format.optionalColumns.includes(column)) {
      issues.add({ code: 'missing-column', severity: 'error', row: header.line, column, value: null, message: issueMessage('missing-column', { column }) });
    }
  }
  if (issues.errors > 0) {
    await file.close();
    return { rowsRead: 0, rowsAccepted: 0, issues, output: null };
  }

  const sink = format.start(ctx);
  let rowsRead = 0;
  let rowsAccepted = 0;
  const record: Record<string, string> = {};
  for await (const row of chain(header.rest, header.rows)) {
    rowsRead++;
    if (row.blankBefore && rowsRead > 1) {
      issues.add({ code: 'blank-row', severity: 'warning', row: row.line - row.blankBefore, column: null, value: null, message: issueMessage('blank-row', { detail: String(row.blankBefore) }) });
    }
    for (const column of columns) {
      const index = position.get(column);
      record[column] = index === undefined ? '' : (row.cells[index] ?? '');
    }
    const report: ReportIssue = (code, severity, column, value, params) =>
      issues.add({ code, severity, row: row.line, column, value, message: issueMessage(code, { column, value, ...params }) });
    const added = sink.add(record, report);
    if ('kept' in added) {
      if (added.kept) rowsAccepted++;
      continue;
    }
    for (const zi of added.issues) {
      const column = String(zi.path[0] ?? '');
      const value = record[column] ?? '';
      const { code, expected } = value.trim() === '' ? { code: 'missing-value' as const, expected: '' } : issueFromZod(zi.message);
      issues.add({ code, severity: 'error', row: row.line, column, value, message: issueMessage(code, { column, value, expected, detail: expected }) });
    }
  }
  if (rowsRead === 0) {
    issues.add({ code: 'empty-file', severity: 'error', row: null, column: null, value: null, message: issueMessage('empty-file') });
  }
  const fileReport: ReportIssue = (code, severity, column, value, params) =>
    issues.add({ code, severity, row: null, column, value, message: issueMessage(code, { column, value, ...params }) });
  const output = issues.errors > 0 ? null : sink.finish(fileReport);
  return { rowsRead, rowsAccepted, issues, output: issues.errors > 0 ? null : output };
}

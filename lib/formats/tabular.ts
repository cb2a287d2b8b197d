import { z } from 'zod';
import { normalizeHeader, type TableFile } from '../io';
import type { Establishment } from '../domain/schemas';
import { issueMessage, type MessageParams } from './messages';
import { ISSUE_CODES, IssueList, type Issue, type IssueCode } from './report';

/** What a format may know about the object it reads, beyond its rows. */
export interface FormatContext {
  key: string;
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

export interface Aggregator<Row, Out> {
  /** Domain checks and accumulation of one valid row; returns false when the row is not kept. */
  add(row: Row, report: ReportIssue): boolean;
  finish(): Out;
}

export interface ColumnAliases {
  [column: string]: readonly string[];
}

/** A table-shaped file kind: its row schema (the source of truth for its columns) and its aggregation. */
export interface TabularFormat<Shape extends z.ZodRawShape, Out> {
  kind: string;
  label: string;
  schema: z.ZodObject<Shape>;
  /** Columns that may be absent (their cells then read as empty). */
  optionalColumns: readonly (keyof Shape & string)[];
  aliases?: ColumnAliases;
  start(ctx: FormatContext): Aggregator<z.infer<z.ZodObject<Shape>>, Out>;
}

export interface TabularOutcome<Out> {
  rowsRead: number;
  rowsAccepted: number;
  issues: IssueList;
  /** Present only when the file has no error: a refused file changes nothing. */
  output: Out | null;
}

function issueFromZod(message: string): { code: IssueCode; expected: string } {
  const colon = message.indexOf(':');
  const prefix = colon > 0 ? message.slice(0, colon) : '';
  if ((ISSUE_CODES as readonly string[]).includes(prefix)) {
    return { code: prefix as IssueCode, expected: message.slice(colon + 1) };
  }
  return { code: 'type-error', expected: message };
}

/**
 * Reads every row of a CSV against a tabular format: header matching (case, accents, spaces and
 * underscores ignored, aliases), one issue per bad cell with its line and column, and aggregation
 * of the valid rows. Never throws for bad content; I/O errors from the reader propagate.
 */
export async function readTabular<Shape extends z.ZodRawShape, Out>(
  format: TabularFormat<Shape, Out>,
  csv: TableFile,
  ctx: FormatContext,
  issues: IssueList = new IssueList(),
): Promise<TabularOutcome<Out>> {
  const columns = Object.keys(format.schema.shape);
  const wanted = new Map<string, string>();
  for (const column of columns) {
    wanted.set(normalizeHeader(column), column);
    for (const alias of format.aliases?.[column] ?? []) wanted.set(normalizeHeader(alias), column);
  }
  const position = new Map<string, number>();
  csv.header.forEach((raw, index) => {
    const column = wanted.get(normalizeHeader(raw));
    if (column && !position.has(column)) position.set(column, index);
    else if (raw.trim() !== '')
      issues.add({ code: 'extra-column', severity: 'warning', row: 1, column: raw, value: null, message: issueMessage('extra-column', { column: raw }) });
  });
  for (const column of columns) {
    if (!position.has(column) && !(format.optionalColumns as readonly string[]).includes(column)) {
      issues.add({ code: 'missing-column', severity: 'error', row: 1, column, value: null, message: issueMessage('missing-column', { column }) });
    }
  }
  if (issues.errors > 0) return { rowsRead: 0, rowsAccepted: 0, issues, output: null };

  const aggregator = format.start(ctx);
  let rowsRead = 0;
  let rowsAccepted = 0;
  const record: Record<string, string> = {};
  for await (const row of csv.rows) {
    rowsRead++;
    for (const column of columns) {
      const index = position.get(column);
      record[column] = index === undefined ? '' : (row.cells[index] ?? '');
    }
    const parsed = format.schema.safeParse(record);
    if (!parsed.success) {
      for (const zi of parsed.error.issues) {
        const column = String(zi.path[0] ?? '');
        const value = record[column] ?? '';
        const { code, expected } = value.trim() === '' ? { code: 'missing-value' as const, expected: '' } : issueFromZod(zi.message);
        issues.add({ code, severity: 'error', row: row.line, column, value, message: issueMessage(code, { column, value, expected, detail: expected }) });
      }
      continue;
    }
    const report: ReportIssue = (code, severity, column, value, params) =>
      issues.add({ code, severity, row: row.line, column, value, message: issueMessage(code, { column, value, ...params }) });
    if (aggregator.add(parsed.data, report)) rowsAccepted++;
  }
  if (rowsRead === 0) {
    issues.add({ code: 'empty-file', severity: 'error', row: null, column: null, value: null, message: issueMessage('empty-file') });
  }
  return { rowsRead, rowsAccepted, issues, output: issues.errors > 0 ? null : aggregator.finish() };
}

import { z } from 'zod';
import { normalizeHeader } from '../io/french';
import { type TableFile, type TableRow } from '../io/table';
import type { Establishment, SourceRef } from '../domain/schemas';
import { CellIssue, isCellSchema } from './fields';
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
  /** For a file sent from an OMéDIT's inputs page: the one region it may change (rows of others are errors). */
  region?: string;
}

export type RaiseIssue = (code: IssueCode, severity: Issue['severity'], column: string | null, value: string | null, params?: MessageParams) => void;

export interface Aggregator<Row> {
  /** Domain checks and accumulation of one valid row; returns false when the row is not kept. */
  add(row: Row, raise: RaiseIssue): boolean;
  /** What the file gives once every row is read; a file-level problem is reported, not thrown. */
  finish(raise: RaiseIssue): FileOutput;
  /**
   * For a file read in two parts at once (lib/formats/halves.ts): what the rows added so far gave,
   * as plain data a worker thread can send, and the adding of another part's `state()`, read from
   * the rows that follow in the file, so that `finish` then gives what one reading of every row
   * would have (sums added in another order apart). A kind without them is read in one part.
   */
  state?(): unknown;
  absorb?(state: unknown): void;
}

export interface ColumnAliases {
  [column: string]: readonly string[];
}

/**
 * How a table-shaped kind is written: its row schema (the source of truth for its columns) and its
 * aggregation. The schema is a plain `z.object` of cells; its columns built from lib/formats/fields
 * are read by their `parseCell`, any other column by zod, one cell at a time.
 */
export interface TabularDefinition<Shape extends z.ZodRawShape> {
  label: string;
  schema: z.ZodObject<Shape>;
  /** Columns that may be absent (their cells then read as empty). */
  optionalColumns: readonly (keyof Shape & string)[];
  aliases?: ColumnAliases;
  /** Columns of a published layout that are known but not read: no `extra-column` warning for them. */
  ignoredColumns?: readonly string[];
  /** Its aggregator has `state` and `absorb`: a large file may be read in two parts at once (lib/formats/halves.ts). */
  readInParts?: boolean;
  start(ctx: FormatContext): Aggregator<z.infer<z.ZodObject<Shape>>>;
}

/** A cell a row schema refused: its column and why. */
export interface CellRefusal {
  column: string;
  issue: CellIssue;
}

/** One file being read: each raw record is parsed against the schema, then aggregated when valid. */
export interface RowSink {
  /**
   * Parses one record, the cells of a row of the file, and aggregates it when valid: whether the
   * aggregation kept it, or the cells the schema refused.
   */
  add(cells: readonly string[], raise: RaiseIssue): boolean | readonly CellRefusal[];
  finish(raise: RaiseIssue): FileOutput;
  /** Present when the kind's aggregator can be read in parts (Aggregator.state). */
  parts?: { state(): unknown; absorb(state: unknown): void };
}

/** A table-shaped kind as the rest of the code sees it, whatever the type of its rows. */
export interface TabularFormat {
  label: string;
  /** Its row schema: the columns are its keys. */
  schema: z.ZodObject<z.ZodRawShape>;
  columns: readonly string[];
  optionalColumns: readonly string[];
  aliases?: ColumnAliases;
  ignoredColumns?: readonly string[];
  readInParts: boolean;
  /** Starts reading a file whose rows hold column k of `columns` at index `at[k]` (-1: absent, read as ''). */
  start(ctx: FormatContext, at: readonly number[]): RowSink;
}

/** How one column's raw text is read: its value, or why it is refused. */
type ColumnReader = (raw: string) => unknown;

function columnReader(schema: z.core.$ZodType): ColumnReader {
  if (isCellSchema(schema)) return schema.parseCell;
  // A column the kind wrote as its own zod schema: zod reads that cell alone, as it would within
  // the object (an object's issues are its cells' issues, in column order, under the column's name).
  return (raw) => {
    const parsed = z.safeParse(schema, raw);
    return parsed.success ? parsed.data : new CellIssue(...parsed.error.issues.map((issue) => issue.message));
  };
}

/** Reads the row of a record whose cells are at fixed positions: the row object, or the refused cells. */
type CompiledRowReader = (cells: readonly string[]) => Record<string, unknown> | CellRefusal[];

/**
 * The reader of a file's records, generated once per file from the schema's columns and where the
 * file holds them (code, not data: positions are integers, column names quoted by JSON.stringify):
 * each column's reader is called from a call site of its own, which V8 can inline, where one loop
 * over the readers made a single call site of every reader; and the row object is a literal of
 * fixed keys, built four times faster than by assigning computed keys one by one (36 ns against
 * 145 ns for a row of eight columns, measured), which counts on tens of millions of rows. zod 4
 * compiles its own object parsers the same way when the runtime allows it.
 */
function compileRowReader(columns: readonly string[], readers: readonly ColumnReader[], at: readonly number[]): CompiledRowReader {
  const lines = columns.map((column, k) => {
    const index = at[k] as number;
    const cell = index < 0 ? "''" : `(cells[${index}] ?? '')`;
    return `const v${k} = read${k}(${cell});\n  if (v${k} instanceof CellIssue) (refused ??= []).push({ column: ${JSON.stringify(column)}, issue: v${k} });`;
  });
  const properties = columns.map((column, k) => `${JSON.stringify(column)}: v${k}`);
  const body = [
    ...readers.map((_, k) => `const read${k} = readers[${k}];`),
    'return (cells) => {',
    '  let refused = null;',
    ...lines.map((line) => `  ${line}`),
    `  return refused ?? { ${properties.join(', ')} };`,
    '};',
  ].join('\n');
  return new Function('readers', 'CellIssue', body)(readers, CellIssue) as CompiledRowReader;
}

/**
 * How a row schema reads a record, cell by cell: each column built from lib/formats/fields by its
 * `parseCell`, any other by zod alone, so that zod's per-row machinery (its object parser, its
 * issue objects) stays out of the tens of millions of rows of an extract. The result is what
 * `schema.safeParse` gives for the record (the same row object, the same issues, column by column
 * in the schema's order), which test/formats/fields.test.ts checks for every kind.
 *
 * @param schema a plain `z.object` of cells.
 * @returns a function from a row's cells, where the schema's k-th key is at index `at[k]` (-1:
 * absent, read as ''), to the row object, or to the refused cells (a non-empty array). Its code is
 * generated for each new `at` array (compileRowReader): give the same array for every row of a file.
 * @throws Error when the schema has row-level checks (`.refine` on the object: a check across
 * columns belongs in the aggregator) or a column named `__proto__`.
 * @example
 * const read = rowReader(z.object({ finess: finess(), nb: number() }));
 * read(['2,5', 'x', '130786049'], [2, 0]); // { finess: '130786049', nb: 2.5 }
 */
export function rowReader<Shape extends z.ZodRawShape>(
  schema: z.ZodObject<Shape>,
): (cells: readonly string[], at: readonly number[]) => z.infer<z.ZodObject<Shape>> | CellRefusal[] {
  type Row = z.infer<z.ZodObject<Shape>>;
  const shape: Readonly<Record<string, z.core.$ZodType>> = schema.shape;
  if ((schema._zod.def.checks?.length ?? 0) > 0) throw new Error('row-level checks are not read by readTabular: check across columns in the aggregator');
  const columns = Object.keys(shape);
  if (columns.includes('__proto__')) throw new Error('a column cannot be named __proto__');
  const readers = columns.map((column) => columnReader(shape[column] as z.core.$ZodType));
  let compiledFor: readonly number[] | null = null;
  let read: CompiledRowReader = () => [];
  return (cells, at) => {
    if (at !== compiledFor) {
      read = compileRowReader(columns, readers, at);
      compiledFor = at;
    }
    return read(cells) as Row | CellRefusal[];
  };
}

/**
 * A kind's format from its definition: the row type stays between its schema and its aggregator.
 *
 * @returns the format.
 * @throws Error as `rowReader` does for a schema it cannot read.
 * @example
 * const format = defineTabular({ label: 'Ciblage', schema: z.object({ finess: finess() }), optionalColumns: [], start: (ctx) => aggregator });
 */
export function defineTabular<Shape extends z.ZodRawShape>(definition: TabularDefinition<Shape>): TabularFormat {
  const read = rowReader(definition.schema);
  return {
    label: definition.label,
    schema: definition.schema,
    columns: Object.keys(definition.schema.shape),
    optionalColumns: definition.optionalColumns,
    aliases: definition.aliases,
    ignoredColumns: definition.ignoredColumns,
    readInParts: definition.readInParts === true,
    start(ctx, at) {
      const aggregator = definition.start(ctx);
      const { state, absorb } = aggregator;
      if (definition.readInParts && !(state && absorb)) throw new Error(`${definition.label}: readInParts without state and absorb`);
      return {
        add(cells, raise) {
          const row = read(cells, at);
          return Array.isArray(row) ? row : aggregator.add(row, raise);
        },
        finish: (raise) => aggregator.finish(raise),
        ...(state && absorb ? { parts: { state: () => state.call(aggregator), absorb: (part: unknown) => absorb.call(aggregator, part) } } : {}),
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
  rest: readonly TableRow[];
  batches: AsyncIterator<readonly TableRow[]>;
}

/**
 * Finds the header row: the file's first non-blank row, unless one of the next rows names the
 * format's columns better (exports with a title or a date line above the table). A two-level header
 * whose upper cells are merged over the lower row (the value sits in the upper cell only) is read
 * by taking, for an empty cell of the header, the upper row's cell when it names a column.
 */
async function chooseHeader(format: TabularFormat, file: TableFile): Promise<HeaderChoice> {
  const batches = file.batches[Symbol.asyncIterator]();
  const candidates: TableRow[] = [{ line: file.headerLine, cells: file.header }];
  let best = 0;
  let bestScore = headerMatch(format, file.header);
  /** The batch the candidates are taken from, and how many of its rows were taken. */
  let batch: readonly TableRow[] = [];
  let taken = 0;
  while (!bestScore.complete && candidates.length < HEADER_SEARCH_ROWS) {
    if (taken === batch.length) {
      const next = await batches.next();
      if (next.done) break;
      batch = next.value;
      taken = 0;
    }
    const row = batch[taken++] as TableRow;
    candidates.push(row);
    const score = headerMatch(format, row.cells);
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
  return { cells, line: chosen.line, rest: [...candidates.slice(best + 1), ...batch.slice(taken)], batches };
}

/** The next batch of a file's rows, or null after the last one. */
async function nextBatch(batches: AsyncIterator<readonly TableRow[]>): Promise<readonly TableRow[] | null> {
  const next = await batches.next();
  return next.done ? null : next.value;
}

/** The rows of a file read against a format, before its aggregation is finished. */
export interface RowsRead {
  rowsRead: number;
  rowsAccepted: number;
  sink: RowSink;
  /** The header row's line and cells, as matched. */
  headerLine: number;
  header: readonly string[];
  /** Blank lines before the first data row (the header's line included in none). */
  blankBeforeFirst: number;
}

/**
 * Reads every row of a table against a tabular format: header found and matched (case, accents,
 * spaces and underscores ignored, aliases), one issue per bad cell with its line and column, blank
 * rows between data rows said once per run, and aggregation of the valid rows. Never throws for bad
 * content; read errors of the reader (TableReadError) propagate.
 */
export async function readTabular(format: TabularFormat, file: TableFile, ctx: FormatContext, issues: IssueList = new IssueList()): Promise<TabularOutcome> {
  return finishTabular(await readRows(format, file, ctx, issues), issues);
}

/**
 * What readTabular does before the aggregation's end: the rows read, or null when the header
 * refused the file (the file is then closed). `headerIssues` takes the header's issues (the rows'
 * go to `issues`).
 */
export async function readRows(format: TabularFormat, file: TableFile, ctx: FormatContext, issues: IssueList, headerIssues: IssueList = issues): Promise<RowsRead | null> {
  const { columns } = format;
  const wanted = headerNames(format);
  const header = await chooseHeader(format, file);
  if (header.line !== file.headerLine) {
    headerIssues.add({ code: 'header-row', severity: 'warning', row: header.line, column: null, value: null, message: issueMessage('header-row', { detail: String(header.line) }) });
  }
  const position = new Map<string, number>();
  const ignored = new Set((format.ignoredColumns ?? []).map(normalizeHeader));
  header.cells.forEach((raw, index) => {
    const column = wanted.get(normalizeHeader(raw));
    if (column && !position.has(column)) position.set(column, index);
    else if (raw.trim() !== '' && !ignored.has(normalizeHeader(raw)))
      headerIssues.add({ code: 'extra-column', severity: 'warning', row: header.line, column: raw, value: null, message: issueMessage('extra-column', { column: raw }) });
  });
  let missing = false;
  for (const column of columns) {
    if (!position.has(column) && !format.optionalColumns.includes(column)) {
      missing = true;
      headerIssues.add({ code: 'missing-column', severity: 'error', row: header.line, column, value: null, message: issueMessage('missing-column', { column }) });
    }
  }
  if (missing || issues.errors > 0) {
    await file.close();
    return null;
  }

  // Where each column is in the file's rows (-1: absent); the reader need cut no other cell.
  const at = columns.map((column) => position.get(column) ?? -1);
  file.readOnly?.(at.filter((index) => index >= 0));
  const sink = format.start(ctx, at);
  let rowsRead = 0;
  let rowsAccepted = 0;
  let blankBeforeFirst = 0;
  let line = 0;
  // One reporter for the whole file, on the line of the row being added (aggregators report synchronously).
  const raise: RaiseIssue = (code, severity, column, value, params) =>
    issues.add({ code, severity, row: line, column, value, message: issueMessage(code, { column, value, ...params }) });
  // The rows left after the header, then the file's next batches: read by hand rather than through
  // one more async generator (promises per batch), and closed if reading stops on an error.
  try {
    for (let batch: readonly TableRow[] | null = header.rest; batch !== null; batch = await nextBatch(header.batches)) {
      for (const row of batch) {
        rowsRead++;
        line = row.line;
        if (row.blankBefore && rowsRead > 1) {
          issues.add({ code: 'blank-row', severity: 'warning', row: row.line - row.blankBefore, column: null, value: null, message: issueMessage('blank-row', { detail: String(row.blankBefore) }) });
        } else if (row.blankBefore) blankBeforeFirst = row.blankBefore;
        const added = sink.add(row.cells, raise);
        if (added === true) rowsAccepted++;
        else if (added !== false) {
          for (const refusal of added) {
            const index = at[columns.indexOf(refusal.column)] as number;
            const value = index < 0 ? '' : (row.cells[index] ?? '');
            for (const message of refusal.issue.messages) {
              const { code, expected } = value.trim() === '' ? { code: 'missing-value' as const, expected: '' } : issueFromZod(message);
              issues.add({ code, severity: 'error', row: row.line, column: refusal.column, value, message: issueMessage(code, { column: refusal.column, value, expected, detail: expected }) });
            }
          }
        }
      }
    }
  } catch (error) {
    await header.batches.return?.();
    throw error;
  }
  return { rowsRead, rowsAccepted, sink, headerLine: header.line, header: header.cells, blankBeforeFirst };
}

/** The end of readTabular: the file's output from its rows read (none when the header refused it). */
export function finishTabular(read: RowsRead | null, issues: IssueList): TabularOutcome {
  if (read === null) return { rowsRead: 0, rowsAccepted: 0, issues, output: null };
  if (read.rowsRead === 0) {
    issues.add({ code: 'empty-file', severity: 'error', row: null, column: null, value: null, message: issueMessage('empty-file') });
  }
  const fileReport: RaiseIssue = (code, severity, column, value, params) =>
    issues.add({ code, severity, row: null, column, value, message: issueMessage(code, { column, value, ...params }) });
  const output = issues.errors > 0 ? null : read.sink.finish(fileReport);
  return { rowsRead: read.rowsRead, rowsAccepted: read.rowsAccepted, issues, output: issues.errors > 0 ? null : output };
}

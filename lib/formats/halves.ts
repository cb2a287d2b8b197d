/**
 * A large CSV on this machine read in two halves at once, the second on a worker thread, so that
 * `caqes validate` of a national extract uses the machine's second core: the file is cut after the
 * line break that follows its middle byte, the worker reads the header line then the second half,
 * each half is read against the kind's format exactly as readTabular reads a whole file, and the
 * main thread then adds what the second half gave to the first (Aggregator.state and absorb), its
 * issues with their lines moved by the first half's lines.
 *
 * The result is the one a single reading gives, sums apart (added in another order): whenever the
 * halves cannot be joined exactly (a quoted field, where a line break may be text; blank lines at
 * the cut; a header not on the first line; encodings read apart that differ; more rows than the
 * limit; a failure of the worker), the file is read again whole, in one part. A read error of the
 * first half is the one a whole reading meets at the same place, and is thrown as it.
 */
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { openCsv } from '../io/csv-reader';
import type { CsvEnding, TableFile, TableLimits } from '../io/table';
import { tableKind, type TableKind } from './registry';
import { IssueList, type IssueSnapshot } from './report';
import { finishTabular, readRows, type FormatContext, type RowsRead, type TabularFormat, type TabularOutcome } from './tabular';

/** Below this size a file is read in one part: the worker's start would cost more than it saves. */
export const HALVES_FROM_BYTES = 16 * 1024 * 1024;

/** What the worker reads: the second half of `path`, from the line after byte `middle - 1`. */
export interface SecondHalfTask {
  path: string;
  middle: number;
  kind: TableKind['id'];
  ctx: FormatContext;
  limits: TableLimits;
}

/** What the worker sends back. */
export type SecondHalfResult =
  | {
      ok: true;
      rowsRead: number;
      rowsAccepted: number;
      header: readonly string[];
      headerLine: number;
      blankBeforeFirst: number;
      state: unknown;
      issues: IssueSnapshot;
      unknownFinessComplete: boolean;
      ending: CsvEnding;
      encoding: string | null;
      delimiter: string | null;
    }
  | { ok: false; reason: string };

/** The worker's module, once an entry point said where its bundle is (`useSecondHalfWorker`). */
let bundledWorker: URL | null = null;

/**
 * Where the bundled worker is, for a command bundled by esbuild (bin/cli-bundle.mjs, the bench's
 * children). Without it the worker loads the sources through tsx, about half a second longer.
 */
export function useSecondHalfWorker(url: URL): void {
  bundledWorker = url;
}

/** Whether a file of this size is read in halves on this machine. */
export function readsInHalves(format: TabularFormat, size: number): boolean {
  return format.readInParts && size >= HALVES_FROM_BYTES && availableParallelism() >= 2;
}

/** Where a file of this size is cut: after the line break that follows its middle byte. */
export function halvesOf(path: string, size: number): { path: string; middle: number } {
  return { path, middle: Math.floor(size / 2) };
}

const NEWLINE = 0x0a;

/** The bytes of `path` up to the first line break at or after byte `middle - 1`, included. */
export async function* firstHalf(path: string, middle: number): AsyncGenerator<Uint8Array> {
  let at = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    const end = at + chunk.length;
    const cut = end < middle ? -1 : chunk.indexOf(NEWLINE, Math.max(0, middle - 1 - at));
    if (cut >= 0) {
      yield chunk.subarray(0, cut + 1);
      return;
    }
    yield chunk;
    at = end;
  }
}

/** The first line of `path`, its line break included; null when none ends within `max` bytes. */
async function firstLine(path: string, max: number): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  for await (const chunk of createReadStream(path, { end: max - 1 }) as AsyncIterable<Buffer>) {
    const cut = chunk.indexOf(NEWLINE);
    if (cut >= 0) {
      parts.push(chunk.subarray(0, cut + 1));
      return Buffer.concat(parts);
    }
    parts.push(chunk);
  }
  return null;
}

/** The header line of `path`, then its bytes after the first line break at or after byte `middle - 1`. */
export async function* secondHalf(path: string, middle: number, maxHeaderBytes: number): AsyncGenerator<Uint8Array> {
  const header = await firstLine(path, maxHeaderBytes);
  if (header === null) throw new Error('no line break in the first bytes');
  yield header;
  let started = false;
  for await (const chunk of createReadStream(path, { start: Math.max(0, middle - 1) }) as AsyncIterable<Buffer>) {
    if (started) yield chunk;
    else {
      const cut = chunk.indexOf(NEWLINE);
      if (cut < 0) continue;
      started = true;
      if (cut + 1 < chunk.length) yield chunk.subarray(cut + 1);
    }
  }
}

/** The worker's reading of its half (lib/formats/second-half-worker.ts runs it). */
export async function readSecondHalf(task: SecondHalfTask): Promise<SecondHalfResult> {
  try {
    const kind = tableKind(task.kind);
    if (!kind) return { ok: false, reason: `unknown kind ${task.kind}` };
    const file = await openCsv(secondHalf(task.path, task.middle, (task.limits.maxRecordChars ?? 1024 * 1024) * 4), task.limits);
    const issues = new IssueList(true);
    const rows = await readRows(kind.format, file, task.ctx, issues, new IssueList());
    if (rows === null || !rows.sink.parts || !file.ending) return { ok: false, reason: 'header refused' };
    return {
      ok: true,
      rowsRead: rows.rowsRead,
      rowsAccepted: rows.rowsAccepted,
      header: rows.header,
      headerLine: rows.headerLine,
      blankBeforeFirst: rows.blankBeforeFirst,
      state: rows.sink.parts.state(),
      issues: issues.snapshot(),
      unknownFinessComplete: issues.unknownFinessComplete,
      ending: file.ending(),
      encoding: file.encoding,
      delimiter: file.delimiter,
    };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The worker reading the second half; `result` never rejects (a failure is `ok: false`). */
function startSecondHalf(task: SecondHalfTask): { result: Promise<SecondHalfResult>; stop: () => Promise<number> } {
  const worker = bundledWorker
    ? new Worker(bundledWorker, { workerData: task })
    : new Worker(new URL('./second-half-boot.mjs', import.meta.url), { workerData: { task, halves: new URL('./halves.ts', import.meta.url).href } });
  const result = new Promise<SecondHalfResult>((resolve) => {
    worker.once('message', (message: SecondHalfResult) => resolve(message));
    worker.once('error', (error) => resolve({ ok: false, reason: error.message }));
    worker.once('exit', (code) => resolve({ ok: false, reason: `worker exited (${code})` }));
  });
  return { result, stop: () => worker.terminate() };
}

/** Why the halves cannot be joined as one reading would have read them, or null when they can. */
function cannotJoin(first: TableFile, firstEnding: CsvEnding, read: RowsRead, second: Extract<SecondHalfResult, { ok: true }>, issues: IssueList, limits: TableLimits): string | null {
  const secondEnding = second.ending;
  if (read.headerLine !== 1 || first.headerLine !== 1 || second.headerLine !== 1 || JSON.stringify(read.header) !== JSON.stringify(second.header)) return 'header not on the first line';
  if (firstEnding.quoted || secondEnding.quoted) return 'quoted fields';
  if (firstEnding.newline !== secondEnding.newline || firstEnding.newline === '\r' || first.delimiter !== second.delimiter) return 'line breaks or delimiters read apart differ';
  if (firstEnding.blanks > 0 || second.blankBeforeFirst > 0) return 'blank lines at the cut';
  if (firstEnding.encodingDecided && secondEnding.encodingDecided && first.encoding !== second.encoding) return 'encodings read apart differ';
  if (!issues.unknownFinessComplete || !second.unknownFinessComplete) return 'too many unknown FINESS';
  if (read.rowsRead + second.rowsRead > (limits.maxRows ?? Number.POSITIVE_INFINITY)) return 'more rows than the limit';
  return null;
}

/** A file read in halves: its outcome, the encoding it was read with, and whether the halves were joined. */
export interface HalvesOutcome {
  outcome: TabularOutcome;
  encoding: string | null;
  /** Null when the halves were joined; else why the file was read again whole. */
  readWhole: string | null;
}

/**
 * Reads `first`, opened on `firstHalf(path, middle)`, and the rest of the file on a worker, then
 * joins them; when they cannot be joined, `issues` is emptied and the whole file is read again,
 * through `reopen`, in one part.
 *
 * @throws TableReadError as readTabular, from the first half or from the whole reading.
 */
export async function readTabularInHalves(
  kind: TableKind,
  first: TableFile,
  ctx: FormatContext,
  issues: IssueList,
  file: { path: string; middle: number; limits: TableLimits; reopen: () => Promise<TableFile> },
): Promise<HalvesOutcome> {
  const worker = startSecondHalf({ path: file.path, middle: file.middle, kind: kind.id, ctx, limits: file.limits });
  let read;
  try {
    read = await readRows(kind.format, first, ctx, issues);
  } catch (error) {
    await worker.stop();
    throw error;
  }
  if (read === null || !read.sink.parts || !first.ending) {
    await worker.stop();
    return { outcome: finishTabular(read, issues), encoding: first.encoding, readWhole: null };
  }
  const second = await worker.result;
  await worker.stop();
  const firstEnding = first.ending();
  const why = second.ok ? cannotJoin(first, firstEnding, read, second, issues, file.limits) : second.reason;
  if (why !== null || !second.ok) {
    issues.clear();
    const whole = await file.reopen();
    const outcome = finishTabular(await readRows(kind.format, whole, ctx, issues), issues);
    return { outcome, encoding: whole.encoding, readWhole: why };
  }
  // The second half's line 2 is the line the first half ends on.
  issues.absorb(second.issues, firstEnding.line - 2);
  read.sink.parts.absorb(second.state);
  read.rowsRead += second.rowsRead;
  read.rowsAccepted += second.rowsAccepted;
  return { outcome: finishTabular(read, issues), encoding: firstEnding.encodingDecided ? first.encoding : second.encoding, readWhole: null };
}

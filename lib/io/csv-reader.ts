/**
 * Streaming CSV reader: detects encoding and delimiter, reads the header, then yields rows lazily
 * with their physical line numbers. Memory stays bounded by one chunk plus one pending record,
 * whatever the file size (Open PHMEV is 1.2 GB).
 *
 * Design: the raw bytes are pulled from the source only when the consumer asks for the next rows
 * (pull-based backpressure, no event-driven buffering), decoded incrementally, and split slice by
 * slice, keeping the unfinished last record for the next slice. Each slice is split by the
 * quote-free scan of csv-scan.ts up to the first record with a quoted field, and from there by
 * papaparse's own incremental parser (`Papa.Parser`, the engine behind `Papa.parse`'s streaming
 * mode) with `ignoreLastRow`, exactly as papaparse's ChunkStreamer does. We drive papaparse
 * ourselves rather than through `Papa.parse(readable, { step })` because papaparse's pause/resume on
 * streams does not stop the Node stream (its queue then grows without bound) and its cursor meta is
 * wrong after a resume, and we need exact cursors to give exact line numbers. `parser: 'papaparse'`
 * splits every record with papaparse: the reference the scan is tested against.
 *
 * Rows are given a slice at a time (`batches`, a few hundred rows per await), which is what
 * readTabular reads; `rows` gives the same rows one by one.
 */
import Papa from 'papaparse';
import { TextDecoder } from 'node:util';
import { scanRecords, windows1252Cells, Windows1252Marks, type ScanState } from './csv-scan';
import { detectDelimiter, detectEncoding, firstNonAscii, isUtf16, windows1252Positions, type CsvDelimiter, type CsvEncoding } from './encoding';
import { nulCause } from './nul-bytes';
import { oneByOne, TableReadError, UnsupportedFormatError, type CsvNewline, type TableFile, type TableLimits, type TableRow } from './table';

/** How `openCsv` splits records. */
export interface CsvOptions {
  /**
   * `'auto'` (default): the quote-free scan, papaparse from each record with a quoted field to the
   * end of its slice; `'papaparse'`: papaparse for every record (the reference of the scan's tests).
   */
  parser?: 'auto' | 'papaparse';
}

const PEEK_BYTES = 64 * 1024;
const BINARY_PROBE_BYTES = 8 * 1024;
/** Size of the text slices handed to the parser, so one huge source chunk is not parsed at once. */
const SLICE_CHARS = 64 * 1024;
const DEFAULT_MAX_RECORD_CHARS = 1024 * 1024;
/** Bytes to look at after the first non-ASCII byte before deciding UTF-8 versus Windows-1252. */
const DECIDE_WINDOW = 64;

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError('openCsv: the input must yield Uint8Array (or Buffer) chunks');
}

function concatBytes(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0] as Uint8Array;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Incremental decoder. When the sample was pure ASCII, both encodings agree on everything seen so
 * far, so the choice is postponed to the first non-ASCII byte: a file whose first 64 KiB are ASCII
 * and which has Windows-1252 bytes further on is then still read, not rejected.
 *
 * Windows-1252 is given as Latin-1 (one character per byte, Node's native decoding), with `c1`
 * saying where the text it just gave holds characters U+0080-U+009F, whose Windows-1252 reading
 * differs: the reader turns them into Windows-1252 in the cells that hold one (Windows1252Marks).
 * Kept so, a chunk with one `’` is not made a two-byte string, which slowed every scan and cell
 * of it.
 */
class StreamDecoder {
  encoding: CsvEncoding;
  /** Positions in the text the last `write` or `end` gave of characters to read as Windows-1252. */
  readonly c1: number[] = [];
  private mode: 'ascii' | 'utf-8' | 'windows-1252';
  private utf8: TextDecoder | null = null;
  private carry: Uint8Array | null = null;

  constructor(detected: CsvEncoding, asciiSample: boolean) {
    this.encoding = detected;
    if (detected === 'windows-1252') this.mode = 'windows-1252';
    else if (detected === 'utf-8' && asciiSample) this.mode = 'ascii';
    else this.mode = 'utf-8';
    this.init();
  }

  /** False while every byte read was ASCII and the choice between both encodings is still open. */
  get decided(): boolean {
    return this.mode !== 'ascii';
  }

  private init(): void {
    // TextDecoder drops a leading BOM by default (ignoreBOM: false), which is what we want.
    if (this.mode === 'utf-8') this.utf8 = new TextDecoder('utf-8', { fatal: true });
  }

  /** @throws TypeError from TextDecoder on invalid UTF-8. */
  write(chunk: Uint8Array, final = false): string {
    this.c1.length = 0;
    return this.decode(chunk, final, 0);
  }

  /** The text of `chunk`; `offset` is where it goes in the text `write` gives, for `c1`. */
  private decode(chunk: Uint8Array, final: boolean, offset: number): string {
    let bytes = chunk;
    if (this.carry) {
      bytes = concatBytes([this.carry, chunk], this.carry.length + chunk.length);
      this.carry = null;
    }
    if (this.mode === 'ascii') {
      const i = firstNonAscii(bytes);
      if (i < 0) return asBuffer(bytes).toString('latin1');
      const head = asBuffer(bytes.subarray(0, i)).toString('latin1');
      const rest = bytes.subarray(i);
      if (rest.length < DECIDE_WINDOW && !final) {
        this.carry = rest.slice();
        return head;
      }
      this.mode = detectEncoding(rest, { complete: final }) === 'windows-1252' ? 'windows-1252' : 'utf-8';
      this.encoding = this.mode;
      this.init();
      return head + this.decode(rest, final, offset + head.length);
    }
    if (this.utf8) return this.utf8.decode(bytes, { stream: !final });
    // One byte per character: nothing to carry between chunks.
    windows1252Positions(bytes, offset, this.c1);
    return asBuffer(bytes).toString('latin1');
  }

  /** @throws TypeError from TextDecoder on a truncated UTF-8 sequence at the end. */
  end(): string {
    return this.write(new Uint8Array(0), true);
  }
}

/** Same heuristic as papaparse's guessLineEndings, so our result matches `Papa.parse` on a string. */
function guessNewline(text: string): CsvNewline {
  const input = text.slice(0, 1024 * 1024).replace(/"([^]*?)"/gm, '');
  const r = input.split('\r');
  const n = input.split('\n');
  const nAppearsFirst = n.length > 1 && (n[0] as string).length < (r[0] as string).length;
  if (r.length === 1 || nAppearsFirst) return '\n';
  let withN = 0;
  for (const part of r) if (part[0] === '\n') withN++;
  return withN >= r.length / 2 ? '\r\n' : '\r';
}

function countBreaks(text: string, from: number, to: number, newline: string): number {
  // Physical lines are counted on "\n" (LF and CRLF files, LF inside quoted fields alike), or on
  // "\r" in the rare old-Mac files whose records end with a lone CR.
  const mark = newline === '\r' ? '\r' : '\n';
  let count = 0;
  for (let i = text.indexOf(mark, from); i >= 0 && i < to; i = text.indexOf(mark, i + 1)) count++;
  return count;
}

function isBlank(cells: string[]): boolean {
  return cells.every((c) => c.trim() === '');
}

function firstContentLine(text: string): string {
  for (const line of text.split(/\r\n|\n|\r/)) if (!/^[\s;,]*$/.test(line)) return line;
  return '';
}

/**
 * The source's chunks as bytes, counted against `maxBytes`. Closed once: at its end, or when the
 * reader stops early or fails.
 */
class ChunkSource {
  /** True once the source has ended or been closed. */
  done = false;
  private readonly iterator: AsyncIterator<unknown>;
  private total = 0;

  constructor(
    input: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
    private readonly maxBytes: number,
  ) {
    this.iterator = (input as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  }

  /** The next chunk, or null at the end; `line` says where the reader is, for `too-large`. */
  async pull(line: () => number): Promise<Uint8Array | null> {
    const r = await this.iterator.next();
    if (r.done) {
      this.done = true;
      return null;
    }
    const b = toBytes(r.value);
    this.total += b.length;
    if (this.total > this.maxBytes) throw new TableReadError('too-large', `File larger than ${this.maxBytes} bytes`, line());
    return b;
  }

  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.iterator.return?.();
    } catch {
      // Closing is best effort; the read error, if any, is what matters.
    }
  }
}

/** The decoder's text, its characters to read as Windows-1252 noted in `marks` at their offset in the whole text. */
class DecodedText {
  readonly marks = new Windows1252Marks();
  private chars = 0;

  constructor(readonly decoder: StreamDecoder) {}

  /** @throws TypeError from the decoder on invalid UTF-8. */
  write(chunk: Uint8Array): string {
    return this.noted(this.decoder.write(chunk));
  }

  /** @throws TypeError from the decoder on a truncated UTF-8 sequence at the end. */
  end(): string {
    return this.noted(this.decoder.end());
  }

  private noted(text: string): string {
    this.marks.add(this.chars, this.decoder.c1);
    this.chars += text.length;
    return text;
  }
}

/** Refuses a start of file that is not text to read: empty, UTF-16, or with a NUL byte. */
function checkSample(sample: Uint8Array): void {
  if (sample.length === 0) throw new TableReadError('empty-file', 'The file is empty');
  if (isUtf16(sample)) throw new UnsupportedFormatError('utf-16', 'UTF-16 text, not read');
  const probe = sample.subarray(0, BINARY_PROBE_BYTES);
  if (probe.includes(0)) {
    const cause = nulCause(probe);
    if (cause.kind === 'stray') throw new TableReadError('nul-byte', 'NUL byte in a cell', cause.line, cause.column ?? undefined);
    throw new TableReadError('binary-file', 'The file is not text (NUL byte found)');
  }
}

/** The start of a file, decoded: its decoder, its first text, and whether that was the whole file. */
interface OpenedText {
  text: DecodedText;
  head: string;
  /** The whole file was read with the head: the decoder is already flushed. */
  flushed: boolean;
}

/** Peeks enough bytes to detect the encoding and read the first line, checks them, and decodes them. */
async function openText(source: ChunkSource): Promise<OpenedText> {
  const peeked: Uint8Array[] = [];
  let peekLen = 0;
  while (peekLen < PEEK_BYTES) {
    const b = await source.pull(() => 1);
    if (b === null) break;
    if (b.length > 0) {
      peeked.push(b);
      peekLen += b.length;
    }
  }
  const sample = concatBytes(peeked, peekLen);
  checkSample(sample);
  const probe = sample.subarray(0, PEEK_BYTES);
  const flushed = source.done;
  const text = new DecodedText(new StreamDecoder(detectEncoding(probe, { complete: flushed && probe.length === sample.length }), firstNonAscii(probe) < 0));
  try {
    const head = text.write(sample) + (flushed ? text.end() : '');
    return { text, head, flushed };
  } catch {
    throw new TableReadError('encoding-error', 'Invalid UTF-8 at the start of the file', 1);
  }
}

/**
 * Splits the decoded text into rows, keeping the unfinished last record for the next text: by the
 * quote-free scan of csv-scan.ts up to the first record with a quoted field, from there by
 * papaparse to the end of the text given (or by papaparse alone, without `scan`).
 */
class RecordSplitter {
  /** Line breaks before the start of `buf`, and blank records read since the last row given. */
  readonly state: ScanState = { breaks: 0, blanks: 0 };
  /** The positions of the cells to cut (`TableFile.readOnly`), null for all of them. */
  cut: Uint8Array | null = null;
  /** Whether papaparse split any record: one with a quoted field, or every one without the scan. */
  quoted = false;
  /** Text not split yet. */
  private buf = '';
  /** Offset of `buf` in the decoded text. */
  private bufAt = 0;
  private readonly completed: { cells: string[]; end: number; unclosedQuote: boolean }[] = [];
  private readonly parser: Papa.Parser;

  constructor(
    private readonly newline: CsvNewline,
    private readonly delimiter: string,
    private readonly marks: Windows1252Marks,
    private readonly scan: boolean,
  ) {
    this.parser = new Papa.Parser({
      delimiter,
      newline,
      step: (result: Papa.ParseStepResult<unknown>) => {
        const data = result.data as string[][];
        this.completed.push({ cells: data[0] ?? [], end: result.meta.cursor, unclosedQuote: result.errors.some((e) => e.code === 'MissingQuotes') });
      },
    });
  }

  /** Characters kept for the next call: the unfinished last record. */
  get pending(): number {
    return this.buf.length;
  }

  /** The line the text read so far ends on. */
  currentLine(): number {
    return 1 + this.state.breaks + countBreaks(this.buf, 0, this.buf.length, this.newline);
  }

  /** The rows of the complete records of what was kept and `text` (all of them when `final`). */
  split(text: string, final: boolean): TableRow[] {
    this.buf += text;
    const out: TableRow[] = [];
    let rest = 0;
    if (this.scan) {
      const scanned = scanRecords(this.buf, this.delimiter, this.newline as '\n' | '\r\n', final, this.state, out, this.marks, this.bufAt, this.cut);
      if (scanned.quoted) this.quoted = true;
      rest = scanned.quoted ? scanned.end + this.papaparse(this.buf.slice(scanned.end), this.bufAt + scanned.end, final, out) : scanned.end;
    } else {
      this.quoted = true;
      rest = this.papaparse(this.buf, this.bufAt, final, out);
    }
    this.buf = final ? '' : this.buf.slice(rest);
    this.bufAt += rest;
    return out;
  }

  /**
   * The complete records of `text` (all of them when `final`) as rows; returns where the rest
   * starts. `base` is the offset of `text` in the decoded text.
   */
  private papaparse(text: string, base: number, final: boolean, out: TableRow[]): number {
    const state = this.state;
    this.completed.length = 0;
    this.parser.parse(text, 0, !final);
    let prev = 0;
    for (const record of this.completed) {
      const line = 1 + state.breaks;
      // Only the file's end shows a quote never closed: the rest of the file became one cell.
      if (record.unclosedQuote) throw new TableReadError('unclosed-quote', 'Quote opened and never closed', line);
      state.breaks += countBreaks(text, prev, record.end, this.newline);
      prev = record.end;
      if (this.marks.takeBefore(base + record.end)) windows1252Cells(record.cells);
      if (isBlank(record.cells)) state.blanks++;
      else {
        out.push(state.blanks > 0 ? { line, cells: record.cells, blankBefore: state.blanks } : { line, cells: record.cells });
        state.blanks = 0;
      }
    }
    return final ? text.length : prev;
  }
}

/** `maxRows` and `maxCellsPerRow` over the rows given, the header first. */
class RowLimits {
  /** The error of the first row past a limit, to throw after the rows before it. */
  error: TableReadError | null = null;
  /** Rows given so far, the header included. */
  private given = 0;

  constructor(
    private readonly maxRows: number,
    private readonly maxCells: number,
  ) {}

  /** `rows` up to the first data row past a limit, whose error is kept in `error`. */
  keep(rows: TableRow[]): TableRow[] {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as TableRow;
      // The first row is the header, whose width openCsv checks.
      if (this.given++ === 0) continue;
      if (this.given - 1 > this.maxRows) this.error = new TableReadError('too-many-rows', `More than ${this.maxRows} data rows`, row.line);
      else if (row.cells.length > this.maxCells) this.error = new TableReadError('too-many-cells', `More than ${this.maxCells} cells in a row`, row.line);
      if (this.error) return rows.slice(0, i);
    }
    return rows;
  }
}

/** One file being read: where its bytes come from, its text, how it is split, its limits. */
interface CsvReading {
  source: ChunkSource;
  opened: OpenedText;
  splitter: RecordSplitter;
  limits: RowLimits;
  maxRecordChars: number;
}

/** The rows of `text`, given slice by slice so that one huge source chunk is not split at once. */
function* feed(reading: CsvReading, text: string): Generator<TableRow[]> {
  const { splitter, limits } = reading;
  for (let at = 0; at < text.length; at += SLICE_CHARS) {
    const rows = limits.keep(splitter.split(text.slice(at, at + SLICE_CHARS), false));
    if (rows.length > 0) yield rows;
    if (limits.error) throw limits.error;
    if (splitter.pending > reading.maxRecordChars) {
      throw new TableReadError('record-too-long', `Record longer than ${reading.maxRecordChars} characters (unclosed quote?)`, 1 + splitter.state.breaks);
    }
  }
}

/**
 * The file's rows, the header first, a slice at a time: the source is read as they are asked for,
 * and closed when they end, fail, or are abandoned.
 */
async function* records(reading: CsvReading): AsyncGenerator<TableRow[], void, undefined> {
  const { source, opened, splitter, limits } = reading;
  const line = (): number => splitter.currentLine();
  try {
    yield* feed(reading, opened.head);
    while (!source.done) {
      const b = await source.pull(line);
      if (b === null) break;
      let text: string;
      try {
        text = opened.text.write(b);
      } catch {
        throw new TableReadError('encoding-error', `Invalid ${opened.text.decoder.encoding} bytes`, line());
      }
      yield* feed(reading, text);
    }
    // The peek already flushed the decoder when the whole file fitted in it.
    if (!opened.flushed) {
      let tail: string;
      try {
        tail = opened.text.end();
      } catch {
        throw new TableReadError('encoding-error', 'Truncated UTF-8 sequence at the end of the file', line());
      }
      yield* feed(reading, tail);
    }
    const last = limits.keep(splitter.split('', true));
    if (last.length > 0) yield last;
    if (limits.error) throw limits.error;
  } finally {
    await source.close();
  }
}

/**
 * Opens a CSV file given as a stream of bytes: detects its encoding (UTF-8, UTF-8 with BOM,
 * Windows-1252) and delimiter (`;`, `,`, tab), reads the header, and returns the rows as a lazy,
 * single-use async iterable (`rows` one by one, or `batches` of a slice at a time). Blank lines
 * (only whitespace and delimiters) are skipped, counted in line numbers and in the next row's
 * `blankBefore`. The source is read only as rows are consumed, and closed when iteration ends or
 * is abandoned (`break`); a caller that never iterates the rows should close its source itself.
 * `options.parser` chooses how records are split (see CsvOptions); both ways give the same rows.
 *
 * @returns the opened file.
 * @throws TableReadError `empty-file` (no bytes, or no non-blank line), UnsupportedFormatError
 * `utf-16` (a UTF-16 byte order mark, or every other byte NUL), `binary-file` (NUL byte in the
 * first 8 KiB), `encoding-error` (bytes invalid in the detected UTF-8), `too-large`,
 * `too-many-cells` (header wider than the limit). Iterating the rows throws TableReadError
 * `encoding-error`, `too-large`, `too-many-rows` or `too-many-cells`, with `line` set to the line
 * concerned (approximate, to the chunk, for `encoding-error` and `too-large`), after the rows
 * before it. Errors of the source stream itself are passed through unchanged.
 * @example
 * const file = await openCsv(createReadStream('mo-2025.csv'), INGEST_LIMITS);
 * for await (const batch of file.batches) for (const row of batch) console.log(row.line, row.cells);
 */
export async function openCsv(
  input: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  limits: TableLimits = {},
  options: CsvOptions = {},
): Promise<TableFile> {
  const maxCells = limits.maxCellsPerRow ?? Number.POSITIVE_INFINITY;
  const source = new ChunkSource(input, limits.maxBytes ?? Number.POSITIVE_INFINITY);
  let opened: OpenedText;
  try {
    opened = await openText(source);
  } catch (e) {
    await source.close();
    throw e;
  }
  const delimiter = detectDelimiter(firstContentLine(opened.head));
  const newline = guessNewline(opened.head);
  const splitter = new RecordSplitter(newline, delimiter, opened.text.marks, options.parser !== 'papaparse' && newline !== '\r');
  const rowLimits = new RowLimits(limits.maxRows ?? Number.POSITIVE_INFINITY, maxCells);
  const batches = records({ source, opened, splitter, limits: rowLimits, maxRecordChars: limits.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS });

  // The header is the first row of the first batch (never empty).
  const first = await batches.next();
  if (first.done) throw new TableReadError('empty-file', 'The file has no header line');
  const header = first.value[0] as TableRow;
  if (header.cells.length > maxCells) {
    await batches.return();
    throw new TableReadError('too-many-cells', `More than ${maxCells} columns`, header.line);
  }
  return tableFile(header, first.value.slice(1), batches, { source, decoder: opened.text.decoder, delimiter, newline, splitter });
}

/** The opened file: its header, then the rows read with it, then the next batches of `batches`. */
function tableFile(
  header: TableRow,
  pending: TableRow[],
  batches: AsyncGenerator<TableRow[], void, undefined>,
  reading: { source: ChunkSource; decoder: StreamDecoder; delimiter: CsvDelimiter; newline: CsvNewline; splitter: RecordSplitter },
): TableFile {
  // An iterator rather than one more async generator over `batches`: each layer costs promises per batch.
  let first: TableRow[] | null = pending;
  const stream: AsyncIterableIterator<TableRow[]> = {
    next: () => {
      const rows = first;
      first = null;
      return rows !== null && rows.length > 0 ? Promise.resolve({ done: false, value: rows }) : batches.next();
    },
    return: async () => {
      first = null;
      // Closes the source when the consumer stops early.
      return batches.return();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  const { decoder, splitter } = reading;
  return {
    format: 'csv',
    get encoding() {
      return decoder.encoding;
    },
    delimiter: reading.delimiter,
    sheet: null,
    header: header.cells.map((c) => c.trim()),
    headerLine: header.line,
    rows: oneByOne(stream),
    batches: stream,
    close: () => reading.source.close(),
    ending: () => ({
      line: splitter.currentLine(),
      blanks: splitter.state.blanks,
      quoted: splitter.quoted,
      newline: reading.newline,
      encodingDecided: decoder.decided,
    }),
    readOnly(positions) {
      // As wide as the header: cells past it (extra columns) are still cut, for the messages naming them.
      const mask = new Uint8Array(Math.max(header.cells.length, ...positions.map((p) => p + 1)));
      for (const p of positions) mask[p] = 1;
      splitter.cut = mask;
    },
  };
}

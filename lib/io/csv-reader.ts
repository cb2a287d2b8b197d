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
import { scanRecords, windows1252Cells, Windows1252Marks } from './csv-scan';
import { detectDelimiter, detectEncoding, firstNonAscii, isUtf16, windows1252Positions, type CsvEncoding } from './encoding';
import { nulCause } from './nul-bytes';
import { oneByOne, TableReadError, UnsupportedFormatError, type TableFile, type TableLimits, type TableRow } from './table';

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

type Source = AsyncIterator<unknown>;

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
function guessNewline(text: string): '\n' | '\r' | '\r\n' {
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
  const maxBytes = limits.maxBytes ?? Number.POSITIVE_INFINITY;
  const maxRows = limits.maxRows ?? Number.POSITIVE_INFINITY;
  const maxCells = limits.maxCellsPerRow ?? Number.POSITIVE_INFINITY;
  const maxRecordChars = limits.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;

  const source: Source = (input as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  let sourceDone = false;
  const closeSource = async (): Promise<void> => {
    if (sourceDone) return;
    sourceDone = true;
    try {
      await source.return?.();
    } catch {
      // Closing is best effort; the read error, if any, is what matters.
    }
  };

  let totalBytes = 0;
  /** The next chunk of the source, or null at its end; counts bytes against `maxBytes`. */
  async function pull(line: () => number): Promise<Uint8Array | null> {
    const r = await source.next();
    if (r.done) {
      sourceDone = true;
      return null;
    }
    const b = toBytes(r.value);
    totalBytes += b.length;
    if (totalBytes > maxBytes) throw new TableReadError('too-large', `File larger than ${maxBytes} bytes`, line());
    return b;
  }

  /** Where the decoded text holds characters to read as Windows-1252 (see StreamDecoder). */
  const marks = new Windows1252Marks();
  let decodedChars = 0;
  let decoder: StreamDecoder;
  /** Text `decoder` just gave, its Windows-1252 characters noted at their offset in the whole text. */
  const decoded = (text: string): string => {
    marks.add(decodedChars, decoder.c1);
    decodedChars += text.length;
    return text;
  };

  // Peek: enough bytes to detect the encoding and the first line.
  const peeked: Uint8Array[] = [];
  let peekLen = 0;
  let headText: string;
  try {
    while (peekLen < PEEK_BYTES) {
      const b = await pull(() => 1);
      if (b === null) break;
      if (b.length > 0) {
        peeked.push(b);
        peekLen += b.length;
      }
    }
    const sample = concatBytes(peeked, peekLen);
    if (sample.length === 0) throw new TableReadError('empty-file', 'The file is empty');
    if (isUtf16(sample)) throw new UnsupportedFormatError('utf-16', 'UTF-16 text, not read');
    if (sample.subarray(0, BINARY_PROBE_BYTES).includes(0)) {
      const cause = nulCause(sample.subarray(0, BINARY_PROBE_BYTES));
      if (cause.kind === 'stray') throw new TableReadError('nul-byte', 'NUL byte in a cell', cause.line, cause.column ?? undefined);
      throw new TableReadError('binary-file', 'The file is not text (NUL byte found)');
    }
    const probe = sample.subarray(0, PEEK_BYTES);
    decoder = new StreamDecoder(detectEncoding(probe, { complete: sourceDone && probe.length === sample.length }), firstNonAscii(probe) < 0);
    try {
      headText = decoded(decoder.write(sample)) + (sourceDone ? decoded(decoder.end()) : '');
    } catch {
      throw new TableReadError('encoding-error', 'Invalid UTF-8 at the start of the file', 1);
    }
  } catch (e) {
    await closeSource();
    throw e;
  }

  /** The positions of the cells to cut (`TableFile.readOnly`), null for all of them. */
  let cut: Uint8Array | null = null;

  const delimiter = detectDelimiter(firstContentLine(headText));
  const newline = guessNewline(headText);
  const decoderFlushed = sourceDone;

  async function* records(): AsyncGenerator<TableRow[], void, undefined> {
    let buf = headText;
    /** Line breaks before the start of `buf`, and blank records read since the last row given. */
    const state = { breaks: 0, blanks: 0 };
    /** Offset of `buf` in the decoded text. */
    let bufAt = 0;
    const completed: { cells: string[]; end: number; unclosedQuote: boolean }[] = [];
    const parser = new Papa.Parser({
      delimiter,
      newline,
      step: (result: Papa.ParseStepResult<unknown>) => {
        const data = result.data as string[][];
        completed.push({ cells: data[0] ?? [], end: result.meta.cursor, unclosedQuote: result.errors.some((e) => e.code === 'MissingQuotes') });
      },
    });
    const scan = options.parser !== 'papaparse' && newline !== '\r';
    const currentLine = (): number => 1 + state.breaks + countBreaks(buf, 0, buf.length, newline);
    /** Rows given so far, the header included, and the error of the first row past a limit. */
    let given = 0;
    let limitError: TableReadError | null = null;

    /** `rows` up to the first data row past `maxRows` or `maxCellsPerRow`, whose error is kept for after them. */
    function limited(rows: TableRow[]): TableRow[] {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as TableRow;
        // The first row is the header, whose width openCsv checks.
        if (given++ === 0) continue;
        if (given - 1 > maxRows) limitError = new TableReadError('too-many-rows', `More than ${maxRows} data rows`, row.line);
        else if (row.cells.length > maxCells) limitError = new TableReadError('too-many-cells', `More than ${maxCells} cells in a row`, row.line);
        if (limitError) return rows.slice(0, i);
      }
      return rows;
    }

    /**
     * The complete records of `text` (all of them when `final`) as rows; returns where the rest
     * starts. `base` is the offset of `text` in the decoded text.
     */
    function papaparse(text: string, base: number, final: boolean, out: TableRow[]): number {
      completed.length = 0;
      parser.parse(text, 0, !final);
      let prev = 0;
      for (const record of completed) {
        const line = 1 + state.breaks;
        // Only the file's end shows a quote never closed: the rest of the file became one cell.
        if (record.unclosedQuote) throw new TableReadError('unclosed-quote', 'Quote opened and never closed', line);
        state.breaks += countBreaks(text, prev, record.end, newline);
        prev = record.end;
        if (marks.takeBefore(base + record.end)) windows1252Cells(record.cells);
        if (isBlank(record.cells)) state.blanks++;
        else {
          out.push(state.blanks > 0 ? { line, cells: record.cells, blankBefore: state.blanks } : { line, cells: record.cells });
          state.blanks = 0;
        }
      }
      return final ? text.length : prev;
    }

    /** The rows of the complete records of `buf`, which keeps the unfinished last one. */
    function parse(final: boolean): TableRow[] {
      const out: TableRow[] = [];
      let rest = 0;
      if (scan) {
        const scanned = scanRecords(buf, delimiter, newline as '\n' | '\r\n', final, state, out, marks, bufAt, cut);
        rest = scanned.quoted ? scanned.end + papaparse(buf.slice(scanned.end), bufAt + scanned.end, final, out) : scanned.end;
      } else rest = papaparse(buf, bufAt, final, out);
      buf = final ? '' : buf.slice(rest);
      bufAt += rest;
      return out;
    }

    function* feed(text: string): Generator<TableRow[]> {
      for (let at = 0; at < text.length; at += SLICE_CHARS) {
        buf += text.slice(at, at + SLICE_CHARS);
        const rows = limited(parse(false));
        if (rows.length > 0) yield rows;
        if (limitError) throw limitError;
        if (buf.length > maxRecordChars) {
          throw new TableReadError(
            'record-too-long',
            `Record longer than ${maxRecordChars} characters (unclosed quote?)`,
            1 + state.breaks,
          );
        }
      }
    }

    try {
      const pending = buf;
      buf = '';
      yield* feed(pending);
      while (!sourceDone) {
        const b = await pull(currentLine);
        if (b === null) break;
        let text: string;
        try {
          text = decoded(decoder.write(b));
        } catch {
          throw new TableReadError('encoding-error', `Invalid ${decoder.encoding} bytes`, currentLine());
        }
        yield* feed(text);
      }
      // The peek already flushed the decoder when the whole file fitted in it.
      if (!decoderFlushed) {
        let tail: string;
        try {
          tail = decoded(decoder.end());
        } catch {
          throw new TableReadError('encoding-error', 'Truncated UTF-8 sequence at the end of the file', currentLine());
        }
        yield* feed(tail);
      }
      const last = limited(parse(true));
      if (last.length > 0) yield last;
      if (limitError) throw limitError;
    } finally {
      await closeSource();
    }
  }

  // The header is the first row of the first batch (never empty).
  const recordIter = records();
  const firstBatch = await recordIter.next();
  if (firstBatch.done) throw new TableReadError('empty-file', 'The file has no header line');
  const header = firstBatch.value[0] as TableRow;
  if (header.cells.length > maxCells) {
    await recordIter.return();
    throw new TableReadError('too-many-cells', `More than ${maxCells} columns`, header.line);
  }
  return file(header, firstBatch.value.slice(1));

  function file(header: TableRow, pending: TableRow[]): TableFile {
    // The rows read with the header, then the next batches of `records` (an iterator rather than
    // one more async generator over it: each layer costs promises per batch).
    let first: TableRow[] | null = pending;
    const stream: AsyncIterableIterator<TableRow[]> = {
      next: () => {
        const rows = first;
        first = null;
        return rows !== null && rows.length > 0 ? Promise.resolve({ done: false, value: rows }) : recordIter.next();
      },
      return: async () => {
        first = null;
        // Closes the source when the consumer stops early.
        return recordIter.return();
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
    return {
      format: 'csv',
      get encoding() {
        return decoder.encoding;
      },
      delimiter,
      sheet: null,
      header: header.cells.map((c) => c.trim()),
      headerLine: header.line,
      rows: oneByOne(stream),
      batches: stream,
      close: closeSource,
      readOnly(positions) {
        // As wide as the header: cells past it (extra columns) are still cut, for the messages naming them.
        const mask = new Uint8Array(Math.max(header.cells.length, ...positions.map((p) => p + 1)));
        for (const p of positions) mask[p] = 1;
        cut = mask;
      },
    };
  }
}

/**
 * Streaming CSV reader: detects encoding and delimiter, reads the header, then yields rows lazily
 * with their physical line numbers. Memory stays bounded by one chunk plus one pending record,
 * whatever the file size (Open PHMEV is 1.2 GB).
 *
 * Design: the raw bytes are pulled from the source only when the consumer asks for the next row
 * (pull-based backpressure, no event-driven buffering), decoded incrementally, and fed slice by
 * slice to papaparse's own incremental parser (`Papa.Parser`, the engine behind `Papa.parse`'s
 * streaming mode) with `ignoreLastRow`, exactly as papaparse's ChunkStreamer does, keeping the
 * unfinished last record for the next slice. We drive it ourselves rather than through
 * `Papa.parse(readable, { step })` because papaparse's pause/resume on streams does not stop
 * the Node stream (its queue then grows without bound) and its cursor meta is wrong after a resume,
 * and we need exact cursors to give exact line numbers.
 */
import Papa from 'papaparse';
import iconv from 'iconv-lite';
import { TextDecoder } from 'node:util';
import { detectDelimiter, detectEncoding, type CsvEncoding } from './encoding';
import { TableReadError, type TableFile, type TableLimits, type TableRow } from './table';

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

function firstNonAscii(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return i;
  return -1;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Incremental decoder. When the sample was pure ASCII, both encodings agree on everything seen so
 * far, so the choice is postponed to the first non-ASCII byte: a file whose first 64 KiB are ASCII
 * and which has Windows-1252 bytes further on is then still read, not rejected.
 */
class StreamDecoder {
  encoding: CsvEncoding;
  private mode: 'ascii' | 'utf-8' | 'windows-1252';
  private utf8: TextDecoder | null = null;
  private cp1252: ReturnType<typeof iconv.getDecoder> | null = null;
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
    if (this.mode === 'windows-1252') this.cp1252 = iconv.getDecoder('windows-1252');
  }

  /** @throws TypeError from TextDecoder on invalid UTF-8. */
  write(chunk: Uint8Array, final = false): string {
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
      return head + this.write(rest, final);
    }
    if (this.utf8) return this.utf8.decode(bytes, { stream: !final });
    const decoder = this.cp1252 as ReturnType<typeof iconv.getDecoder>;
    return decoder.write(asBuffer(bytes)) + (final ? (decoder.end() ?? '') : '');
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
 * single-use async iterable. Blank lines (only whitespace and delimiters) are skipped, counted in
 * line numbers and in the next row's `blankBefore`. The source is read only as rows are consumed, and closed when iteration ends
 * or is abandoned (`break`); a caller that never iterates `rows` should close its source itself.
 *
 * @returns the opened file.
 * @throws TableReadError `empty-file` (no bytes, or no non-blank line), `binary-file` (NUL byte in the
 * first 8 KiB), `encoding-error` (bytes invalid in the detected UTF-8), `too-large`,
 * `too-many-cells` (header wider than the limit). Iterating `rows` throws TableReadError
 * `encoding-error`, `too-large`, `too-many-rows` or `too-many-cells`, with `line` set to the line
 * concerned (approximate, to the chunk, for `encoding-error` and `too-large`). Errors of the source
 * stream itself are passed through unchanged.
 */
export async function openCsv(
  input: AsyncIterable<Uint8Array> | NodeJS.ReadableStream,
  limits: TableLimits = {},
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

  // Peek: enough bytes to detect the encoding and the first line.
  const peeked: Uint8Array[] = [];
  let peekLen = 0;
  let headText: string;
  let decoder: StreamDecoder;
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
    if (sample.subarray(0, BINARY_PROBE_BYTES).includes(0)) {
      throw new TableReadError('binary-file', 'The file is not text (NUL byte found)');
    }
    const probe = sample.subarray(0, PEEK_BYTES);
    decoder = new StreamDecoder(detectEncoding(probe, { complete: sourceDone && probe.length === sample.length }), firstNonAscii(probe) < 0);
    try {
      headText = decoder.write(sample) + (sourceDone ? decoder.end() : '');
    } catch {
      throw new TableReadError('encoding-error', 'Invalid UTF-8 at the start of the file', 1);
    }
  } catch (e) {
    await closeSource();
    throw e;
  }

  const delimiter = detectDelimiter(firstContentLine(headText));
  const newline = guessNewline(headText);
  const decoderFlushed = sourceDone;

  async function* records(): AsyncGenerator<TableRow, void, undefined> {
    let buf = headText;
    /** Line breaks before the start of `buf`. */
    let breaks = 0;
    const completed: { cells: string[]; end: number }[] = [];
    /** Blank records read since the last row yielded. */
    let blanks = 0;
    const parser = new Papa.Parser({
      delimiter,
      newline,
      step: (result: Papa.ParseStepResult<unknown>) => {
        const data = result.data as string[][];
        completed.push({ cells: data[0] ?? [], end: result.meta.cursor });
      },
    });
    const currentLine = (): number => 1 + breaks + countBreaks(buf, 0, buf.length, newline);

    function* parse(final: boolean): Generator<TableRow> {
      completed.length = 0;
      parser.parse(buf, 0, !final);
      const done = completed.splice(0);
      let prev = 0;
      const startLines: number[] = [];
      for (const row of done) {
        startLines.push(1 + breaks);
        breaks += countBreaks(buf, prev, row.end, newline);
        prev = row.end;
      }
      buf = final ? '' : buf.slice(prev);
      for (let i = 0; i < done.length; i++) {
        const cells = (done[i] as { cells: string[] }).cells;
        if (isBlank(cells)) {
          blanks++;
          continue;
        }
        const line = startLines[i] as number;
        if (blanks > 0) yield { line, cells, blankBefore: blanks };
        else yield { line, cells };
        blanks = 0;
      }
    }

    function* feed(text: string): Generator<TableRow> {
      for (let at = 0; at < text.length; at += SLICE_CHARS) {
        buf += text.slice(at, at + SLICE_CHARS);
        yield* parse(false);
        if (buf.length > maxRecordChars) {
          throw new TableReadError(
            'too-large',
            `Record longer than ${maxRecordChars} characters (unclosed quote?)`,
            1 + breaks,
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
          text = decoder.write(b);
        } catch {
          throw new TableReadError('encoding-error', `Invalid ${decoder.encoding} bytes`, currentLine());
        }
        yield* feed(text);
      }
      // The peek already flushed the decoder when the whole file fitted in it.
      if (!decoderFlushed) {
        let tail: string;
        try {
          tail = decoder.end();
        } catch {
          throw new TableReadError('encoding-error', 'Truncated UTF-8 sequence at the end of the file', currentLine());
        }
        yield* feed(tail);
      }
      yield* parse(true);
    } finally {
      await closeSource();
    }
  }

  const recordIter = records();
  const first = await recordIter.next();
  if (first.done) throw new TableReadError('empty-file', 'The file has no header line');
  const header = first.value;
  if (header.cells.length > maxCells) {
    await recordIter.return();
    throw new TableReadError('too-many-cells', `More than ${maxCells} columns`, header.line);
  }

  async function* rows(): AsyncGenerator<TableRow, void, undefined> {
    let count = 0;
    for await (const row of recordIter) {
      count++;
      if (count > maxRows) throw new TableReadError('too-many-rows', `More than ${maxRows} data rows`, row.line);
      if (row.cells.length > maxCells) {
        throw new TableReadError('too-many-cells', `More than ${maxCells} cells in a row`, row.line);
      }
      yield row;
    }
  }

  return {
    format: 'csv',
    get encoding() {
      return decoder.encoding;
    },
    delimiter,
    sheet: null,
    header: header.cells.map((c) => c.trim()),
    headerLine: header.line,
    rows: rows(),
    close: closeSource,
  };
}

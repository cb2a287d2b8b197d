/**
 * The little of the zip format the XLSX reader needs, on byte streams read front to back: checking
 * a whole archive before anything in it is parsed, reading checked parts again, and writing a zip
 * whose entries are stored (not compressed).
 *
 * Entries are found by walking the local headers in order, as a streaming unzipper does, rather
 * than through the central directory at the end: that needs no seeking, and every byte a streaming
 * reader could be handed is inflated here first. Sizes are measured while inflating; the sizes an
 * archive declares are only compared with them, never trusted, so a zip bomb is stopped by its real
 * output, not by what it claims.
 */
import { crc32, createInflateRaw, type InflateRaw } from 'node:zlib';
import { oleFormat } from './ole';
import { TableReadError, UnsupportedFormatError } from './table';

/** The bytes of a file as they are read: S3's body, a file stream, or any async iterable of chunks. The one such type. */
export type ByteSource = AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/** A checked entry of the archive. */
export interface ZipPart {
  name: string;
  /** Offset in the file of its compressed bytes. */
  dataOffset: number;
  compressedSize: number;
  /** 0 (stored) or 8 (deflated). */
  method: number;
  /** Inflated size and CRC-32, as measured (and found equal to what the archive declares). */
  size: number;
  crc: number;
}

export interface ZipCheckLimits {
  maxBytes: number;
  /** All entries inflated together. */
  maxInflatedBytes: number;
  /** Each entry kept in memory. */
  maxKeptBytes: number;
}

const STORED = 0;
const DEFLATED = 8;
const LOCAL_HEADER = 0x04034b50;
const DATA_DESCRIPTOR = 0x08074b50;
const CENTRAL_HEADER = 0x02014b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const END_OF_DIRECTORY = 0x06054b50;
const OLE_SIGNATURE = 0xe011cfd0;
const ZIP64_EXTRA = 0x0001;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const MAX_32 = 0xffffffff;
/**
 * Compressed bytes handed to zlib at a time. Deflate expands at most about 1032 times, so this
 * bounds the output of one write (16 MiB), which is held until the write is done.
 */
const INFLATE_SLICE = 16 * 1024;
const INFLATE_CHUNK = 64 * 1024;
const EMPTY = Buffer.alloc(0);

function corrupt(detail: string): TableReadError {
  return new TableReadError('unreadable-file', `Corrupt zip: ${detail}`);
}

function toBuffer(chunk: unknown): Buffer {
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw new TypeError('The input must yield Uint8Array (or Buffer) chunks');
}

/** Pulls a byte source on demand, keeping one chunk at most, and counts bytes against a limit. */
class ByteReader {
  /** Offset in the file of the next byte to read. */
  position = 0;
  private readonly source: AsyncIterator<unknown>;
  private pending: Buffer = EMPTY;
  private received = 0;
  private done = false;

  constructor(
    input: ByteSource,
    private readonly maxBytes = Number.POSITIVE_INFINITY,
  ) {
    this.source = (input as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  }

  /** The next bytes, at least one and at most `max`, or null at the end of the file. */
  async some(max: number): Promise<Buffer | null> {
    while (this.pending.length === 0) {
      if (this.done) return null;
      const r = await this.source.next();
      if (r.done) {
        this.done = true;
        return null;
      }
      this.pending = toBuffer(r.value);
      this.received += this.pending.length;
      if (this.received > this.maxBytes) throw new TableReadError('too-large', `File larger than ${this.maxBytes} bytes`);
    }
    const out = this.pending.subarray(0, max);
    this.pending = this.pending.subarray(out.length);
    this.position += out.length;
    return out;
  }

  /** The next `n` bytes (fewer at the end of the file), left unread. */
  async peek(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (let got = 0; got < n; ) {
      const b = await this.some(n - got);
      if (b === null) break;
      parts.push(b);
      got += b.length;
    }
    const bytes = Buffer.concat(parts);
    this.unread(bytes);
    return bytes;
  }

  /** Gives back the last bytes read, which the next read returns again. */
  unread(bytes: Buffer): void {
    this.pending = this.pending.length === 0 ? bytes : Buffer.concat([bytes, this.pending]);
    this.position -= bytes.length;
  }

  async exactly(n: number): Promise<Buffer> {
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      const b = await this.some(n - got);
      if (b === null) throw corrupt('the file ends too early (truncated?)');
      parts.push(b);
      got += b.length;
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, n);
  }

  async *copy(n: number): AsyncGenerator<Buffer> {
    for (let left = n; left > 0; ) {
      const b = await this.some(Math.min(left, INFLATE_CHUNK));
      if (b === null) throw corrupt('the file ends too early (truncated?)');
      left -= b.length;
      yield b;
    }
  }

  async skip(n: number): Promise<void> {
    for (let left = n; left > 0; ) {
      const b = await this.some(Math.min(left, INFLATE_CHUNK));
      if (b === null) throw corrupt('the file ends too early (truncated?)');
      left -= b.length;
    }
  }

  async drain(): Promise<void> {
    while ((await this.some(INFLATE_CHUNK)) !== null);
  }

  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.source.return?.();
    } catch {
      // Closing is best effort; the read error, if any, is what matters.
    }
  }
}

/** Waits for zlib to take `slice`, or to close: zlib never calls back a write that failed. */
function written(z: InflateRaw, slice: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      z.off('close', done);
      resolve();
    };
    z.once('close', done);
    z.write(slice, done);
  });
}

/**
 * Inflates raw deflate data from `reader`: exactly `compressed` bytes, or, when the archive does not
 * say (entry followed by a data descriptor), up to the end of the deflate stream, the bytes after it
 * being left unread. Yields the output after each slice of input, and stops with `overflow()` as
 * soon as the output passes `budget`, without producing the rest.
 */
async function* inflate(
  reader: ByteReader,
  compressed: number | null,
  budget: number,
  overflow: () => TableReadError,
): AsyncGenerator<Buffer> {
  const z = createInflateRaw({ chunkSize: INFLATE_CHUNK });
  const out: Buffer[] = [];
  let produced = 0;
  let error: TableReadError | null = null;
  z.on('data', (chunk: Buffer) => {
    produced += chunk.length;
    if (produced > budget) {
      error ??= overflow();
      z.destroy();
    } else out.push(chunk);
  });
  z.on('error', (e: Error) => {
    error ??= corrupt(`invalid compressed data (${e.message})`);
  });
  try {
    let fed = 0;
    let streamEnded = false;
    while (error === null && !streamEnded && fed !== compressed) {
      const slice = await reader.some(compressed === null ? INFLATE_SLICE : Math.min(INFLATE_SLICE, compressed - fed));
      if (slice === null) throw corrupt('the file ends too early (truncated?)');
      fed += slice.length;
      await written(z, slice);
      // zlib stops consuming input where the deflate stream ends.
      const unused = fed - z.bytesWritten;
      if (error === null && unused > 0) {
        streamEnded = true;
        if (compressed !== null) error = corrupt('compressed data shorter than declared');
        else reader.unread(slice.subarray(slice.length - unused));
      }
      if (error === null) yield* out.splice(0);
    }
    if (error === null && !streamEnded) {
      await new Promise<void>((resolve) => {
        z.once('close', () => resolve());
        z.end();
      });
    }
    if (error !== null) throw error;
    yield* out.splice(0);
  } finally {
    z.destroy();
  }
}

/**
 * Takes from a zip64 extra field the sizes a local header leaves at 0xFFFFFFFF, and says whether
 * there was one: the data descriptor of a zip64 entry has 8-byte sizes.
 */
function readZip64Sizes(extra: Buffer, sizes: { size: number; compressedSize: number }): boolean {
  for (let at = 0; at + 4 <= extra.length; ) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    const body = extra.subarray(at + 4, at + 4 + length);
    if (id === ZIP64_EXTRA) {
      // Only the sizes the header left at 0xFFFFFFFF are there, uncompressed first.
      let field = 0;
      const next = (): number => {
        if (field + 8 > body.length) throw corrupt('zip64 extra field too short');
        const value = Number(body.readBigUInt64LE(field));
        field += 8;
        return value;
      };
      if (sizes.size === MAX_32) sizes.size = next();
      if (sizes.compressedSize === MAX_32) sizes.compressedSize = next();
      return true;
    }
    at += 4 + length;
  }
  return false;
}

/**
 * Reads a whole archive once, inflating every entry with its output counted and discarded, and
 * checks it is a sound zip: each entry inflates to the size and CRC-32 it declares, the central
 * directory follows the entries and lists as many. The source is closed before returning.
 *
 * @param keep lower-cased names of the entries whose inflated bytes are returned (small ones).
 * @returns the entries, in file order, and the kept ones' bytes by lower-cased name.
 * @throws TableReadError `empty-file` (no bytes), `too-large` (more than `maxBytes` bytes, entries
 * inflating to more than `maxInflatedBytes` together, a kept entry over `maxKeptBytes`),
 * `unreadable-file` (not a zip, an encrypted entry, a compression method other than stored and deflate, duplicate
 * names, truncated or corrupt data), UnsupportedFormatError `xls` or `encrypted-workbook` (an OLE
 * compound file, see `oleFormat`). Errors of the source itself are passed through unchanged.
 */
export async function checkZip(
  input: ByteSource,
  limits: ZipCheckLimits,
  keep: ReadonlySet<string>,
): Promise<{ parts: ZipPart[]; kept: Map<string, Buffer> }> {
  const reader = new ByteReader(input, limits.maxBytes);
  const parts: ZipPart[] = [];
  const kept = new Map<string, Buffer>();
  const names = new Set<string>();
  let inflated = 0;
  try {
    await refuseNonZip(reader, limits.maxBytes);
    let signature = (await reader.exactly(4)).readUInt32LE(0);
    while (signature === LOCAL_HEADER) {
      const entry = await readLocalEntry(reader, limits, inflated, keep, names);
      inflated += entry.part.size;
      if (entry.kept) kept.set(entry.part.name.toLowerCase(), entry.kept);
      parts.push(entry.part);
      signature = (await reader.exactly(4)).readUInt32LE(0);
    }
    await checkCentralDirectory(reader, signature, parts.length);
    // Whatever follows is ignored, but still counted against maxBytes.
    await reader.drain();
    return { parts, kept };
  } finally {
    await reader.close();
  }
}

/** Refuses an empty file, an OLE compound file (.xls, an encrypted workbook) and anything not starting as a zip. */
async function refuseNonZip(reader: ByteReader, maxBytes: number): Promise<void> {
  const head = await reader.peek(4);
  if (head.length === 0) throw new TableReadError('empty-file', 'The file is empty');
  const magic = head.length === 4 ? head.readUInt32LE(0) : 0;
  if (magic === OLE_SIGNATURE) {
    const rest = async function* (): AsyncGenerator<Buffer> {
      for (let b = await reader.some(INFLATE_CHUNK); b !== null; b = await reader.some(INFLATE_CHUNK)) yield b;
    };
    const format = await oleFormat(rest(), maxBytes);
    throw new UnsupportedFormatError(
      format,
      format === 'xls'
        ? 'Not an .xlsx workbook: an OLE compound file, i.e. an Excel 97-2003 (.xls)'
        : 'Not an .xlsx workbook: an OLE compound file holding an encrypted package, i.e. a password-protected workbook',
    );
  }
  if (magic !== LOCAL_HEADER) throw new TableReadError('unreadable-file', 'Not an .xlsx workbook: not a zip file');
}

/**
 * One entry, its local header's signature already read: inflated within what is left of the budget
 * (`inflated` bytes spent by the entries before it), checked against its declared size and CRC, its
 * bytes returned when its lower-cased name is in `keep`. Its name is added to `names`, the
 * lower-cased names of the entries before it, before its data is read.
 */
async function readLocalEntry(
  reader: ByteReader,
  limits: ZipCheckLimits,
  inflated: number,
  keep: ReadonlySet<string>,
  names: Set<string>,
): Promise<{ part: ZipPart; kept: Buffer | null }> {
  const h = await reader.exactly(26);
  const flags = h.readUInt16LE(2);
  const method = h.readUInt16LE(4);
  const declared = { crc: h.readUInt32LE(10), compressedSize: h.readUInt32LE(14), size: h.readUInt32LE(18) };
  const nameBytes = await reader.exactly(h.readUInt16LE(22));
  // Without the UTF-8 flag names are CP437, which agrees with UTF-8 on the ASCII of part names.
  const name = nameBytes.toString(flags & FLAG_UTF8 ? 'utf8' : 'latin1');
  const zip64 = readZip64Sizes(await reader.exactly(h.readUInt16LE(24)), declared);
  if (flags & FLAG_ENCRYPTED) throw new TableReadError('unreadable-file', `Encrypted zip entry ${name}`);
  if (method !== STORED && method !== DEFLATED) {
    throw new TableReadError('unreadable-file', `Unsupported compression method ${method} for ${name}`);
  }
  const descriptor = (flags & FLAG_DESCRIPTOR) !== 0;
  if (descriptor && method === STORED) throw new TableReadError('unreadable-file', `Stored entry of unknown size: ${name}`);
  const key = name.toLowerCase();
  if (names.has(key)) throw corrupt(`duplicate entry ${name}`);
  names.add(key);

  const dataOffset = reader.position;
  const keptChunks: Buffer[] | null = keep.has(key) ? [] : null;
  let size = 0;
  let crc = 0;
  const budget = limits.maxInflatedBytes - inflated;
  const overflow = (): TableReadError =>
    new TableReadError('too-large', `Workbook inflating to more than ${limits.maxInflatedBytes} bytes (zip bomb?)`);
  const chunks =
    method === STORED
      ? reader.copy(declared.compressedSize)
      : inflate(reader, descriptor ? null : declared.compressedSize, budget, overflow);
  for await (const chunk of chunks) {
    size += chunk.length;
    if (size > budget) throw overflow();
    crc = crc32(chunk, crc);
    if (keptChunks) {
      if (size > limits.maxKeptBytes) {
        throw new TableReadError('too-large', `${name} larger than ${limits.maxKeptBytes} bytes`);
      }
      keptChunks.push(chunk);
    }
  }
  const compressedSize = reader.position - dataOffset;
  if (descriptor) await readDescriptor(reader, zip64, declared);
  if (crc !== declared.crc || size !== declared.size || compressedSize !== declared.compressedSize) {
    throw corrupt(`${name} does not match its declared size and CRC`);
  }
  return { part: { name, dataOffset, compressedSize, method, size, crc }, kept: keptChunks && Buffer.concat(keptChunks) };
}

/** The data descriptor after an entry written as a stream: its CRC and sizes replace the header's. */
async function readDescriptor(
  reader: ByteReader,
  zip64: boolean,
  declared: { crc: number; compressedSize: number; size: number },
): Promise<void> {
  let d = await reader.exactly(zip64 ? 20 : 12);
  // The descriptor's signature is optional: without it the block starts with the CRC.
  if (d.readUInt32LE(0) === DATA_DESCRIPTOR) d = Buffer.concat([d.subarray(4), await reader.exactly(4)]);
  declared.crc = d.readUInt32LE(0);
  declared.compressedSize = zip64 ? Number(d.readBigUInt64LE(4)) : d.readUInt32LE(4);
  declared.size = zip64 ? Number(d.readBigUInt64LE(12)) : d.readUInt32LE(8);
}

/** The central directory (and zip64 end records) after the entries, listing as many entries as were read. */
async function checkCentralDirectory(reader: ByteReader, first: number, entries: number): Promise<void> {
  let signature = first;
  let listed = 0;
  while (signature === CENTRAL_HEADER) {
    const h = await reader.exactly(42);
    await reader.skip(h.readUInt16LE(24) + h.readUInt16LE(26) + h.readUInt16LE(28));
    listed++;
    signature = (await reader.exactly(4)).readUInt32LE(0);
  }
  if (signature === ZIP64_END) {
    await reader.skip(Number((await reader.exactly(8)).readBigUInt64LE(0)));
    signature = (await reader.exactly(4)).readUInt32LE(0);
  }
  if (signature === ZIP64_LOCATOR) {
    await reader.skip(16);
    signature = (await reader.exactly(4)).readUInt32LE(0);
  }
  if (signature !== END_OF_DIRECTORY) throw corrupt('no central directory after the entries');
  if (listed !== entries) throw corrupt(`${entries} entries but ${listed} in the central directory`);
  await reader.skip((await reader.exactly(18)).readUInt16LE(16));
}

/** Reads parts found by `checkZip` again, in file order, from a fresh stream of the same file. */
export class PartReader {
  private readonly reader: ByteReader;

  constructor(input: ByteSource) {
    this.reader = new ByteReader(input);
  }

  /** Offset in the file of the next byte: a part before it cannot be read by this reader. */
  get position(): number {
    return this.reader.position;
  }

  /**
   * The inflated bytes of `part`.
   *
   * @throws TableReadError `unreadable-file` when they are not what `checkZip` measured (the file
   * changed since), never yielding more than that size.
   */
  async *read(part: ZipPart): AsyncGenerator<Buffer> {
    const changed = (): TableReadError => new TableReadError('unreadable-file', 'The file changed while it was being read');
    await this.reader.skip(part.dataOffset - this.reader.position);
    const chunks =
      part.method === STORED
        ? this.reader.copy(part.compressedSize)
        : inflate(this.reader, part.compressedSize, part.size, changed);
    let size = 0;
    let crc = 0;
    for await (const chunk of chunks) {
      size += chunk.length;
      if (size > part.size) throw changed();
      crc = crc32(chunk, crc);
      yield chunk;
    }
    if (size !== part.size || crc !== part.crc) throw changed();
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}

/** Writes a zip of stored entries under 4 GiB each (no zip64), each given as its local header followed by its bytes. */
export class StoredZipWriter {
  private offset = 0;
  private readonly directory: Buffer[] = [];

  /** The local header of an entry whose `size` bytes, with this CRC-32, must be written right after it. */
  entry(name: string, size: number, crc: number): Buffer {
    const nameBytes = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30 + nameBytes.length);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(FLAG_UTF8, 6);
    local.writeUInt16LE(STORED, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(size, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    nameBytes.copy(local, 30);

    const central = Buffer.alloc(46 + nameBytes.length);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(FLAG_UTF8, 8);
    central.writeUInt16LE(STORED, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(size, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(this.offset, 42);
    nameBytes.copy(central, 46);
    this.directory.push(central);

    this.offset += local.length + size;
    return local;
  }

  /** The central directory and its end record, after the last entry. */
  end(): Buffer {
    const directory = Buffer.concat(this.directory);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(END_OF_DIRECTORY, 0);
    end.writeUInt16LE(this.directory.length, 8);
    end.writeUInt16LE(this.directory.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(this.offset, 16);
    return Buffer.concat([directory, end]);
  }
}

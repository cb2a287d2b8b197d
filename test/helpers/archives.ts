/** Workbooks and zip archives built in tests: real ones through exceljs, hostile ones by hand. */
import ExcelJS from 'exceljs';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

export async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return Buffer.from(await wb.xlsx.writeBuffer({ useSharedStrings: true }));
}

export interface ZipEntry {
  name: string;
  /** Content, deflated unless `stored`. */
  data?: string | Buffer;
  stored?: boolean;
  /** Sizes and CRC after the data (bit 3), as Java's ZipOutputStream writes them. */
  descriptor?: boolean;
  /** Already deflated content, with the size and CRC to declare. */
  raw?: { compressed: Buffer; size: number; crc: number };
}

/** A minimal zip writer, enough for hand-made workbooks and hostile archives. */
export function zip(entries: ZipEntry[]): Buffer {
  const out: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    const method = e.stored ? 0 : 8;
    const compressed = e.raw?.compressed ?? (e.stored ? data : deflateRawSync(data));
    const size = e.raw?.size ?? data.length;
    const crc = e.raw?.crc ?? crc32(data);
    const name = Buffer.from(e.name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(e.descriptor ? 8 : 0, 6);
    header.writeUInt16LE(method, 8);
    if (!e.descriptor) {
      header.writeUInt32LE(crc, 14);
      header.writeUInt32LE(compressed.length, 18);
      header.writeUInt32LE(size, 22);
    }
    header.writeUInt16LE(name.length, 26);
    const parts = [header, name, compressed];
    if (e.descriptor) {
      const d = Buffer.alloc(16);
      d.writeUInt32LE(0x08074b50, 0);
      d.writeUInt32LE(crc, 4);
      d.writeUInt32LE(compressed.length, 8);
      d.writeUInt32LE(size, 12);
      parts.push(d);
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(e.descriptor ? 8 : 0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    directory.push(central, name);
    for (const p of parts) offset += p.length;
    out.push(...parts);
  }
  const dir = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...out, dir, end]);
}

/** `mib` MiB of zeros, deflated by streaming so that they are never all in memory. */
export async function deflatedZeros(mib: number): Promise<{ compressed: Buffer; size: number; crc: number }> {
  const deflate = createDeflateRaw({ level: 1 });
  const out: Buffer[] = [];
  deflate.on('data', (b: Buffer) => out.push(b));
  const zeros = Buffer.alloc(1024 * 1024);
  let crc = 0;
  for (let i = 0; i < mib; i++) {
    crc = crc32(zeros, crc);
    if (!deflate.write(zeros)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  await new Promise((resolve) => deflate.end(resolve));
  return { compressed: Buffer.concat(out), size: mib * 1024 * 1024, crc };
}

const ODS_NAMESPACES =
  'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ' +
  'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" ' +
  'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"';

/** The manifest of an OpenDocument spreadsheet; `encrypted` adds the encryption data a password leaves. */
function odsManifest(encrypted: boolean): string {
  const encryption = encrypted
    ? '<manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" manifest:checksum="AAAA">' +
      '<manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" manifest:initialisation-vector="AAAA"/></manifest:encryption-data>'
    : '';
  return (
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">' +
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>' +
    `<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">${encryption}</manifest:file-entry></manifest:manifest>`
  );
}

/**
 * An OpenDocument spreadsheet written by hand, laid out as LibreOffice writes one: `mimetype` first
 * and stored, then `content.xml` whose `office:spreadsheet` holds `tables` (`<table:table>` elements,
 * written with the `office`, `table`, `text`, `draw` and `calcext` prefixes).
 */
export function odsPackage(tables: string, options: { encrypted?: boolean; mimetype?: string; content?: Buffer } = {}): Buffer {
  const content = `<?xml version="1.0" encoding="UTF-8"?><office:document-content ${ODS_NAMESPACES} office:version="1.3"><office:body><office:spreadsheet>${tables}</office:spreadsheet></office:body></office:document-content>`;
  return zip([
    { name: 'mimetype', data: options.mimetype ?? 'application/vnd.oasis.opendocument.spreadsheet', stored: true },
    { name: 'content.xml', data: options.content ?? content, stored: options.encrypted === true },
    { name: 'META-INF/manifest.xml', data: odsManifest(options.encrypted === true) },
  ]);
}

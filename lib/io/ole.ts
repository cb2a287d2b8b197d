/**
 * OLE compound files (signature D0 CF 11 E0 A1 B1 1A E1) met where a table is expected: an Excel
 * 97-2003 workbook (`.xls`), or an Excel or LibreOffice workbook protected by a password, which
 * OOXML encryption wraps whole in an OLE container (an `EncryptedPackage` stream described by
 * `EncryptionInfo`). Neither is read; telling them apart lets the refusal say what to do.
 */
import type { UnreadableFormat } from './table';

export const OLE_SIGNATURE: readonly number[] = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/** The name of the encrypted package's stream as an OLE directory entry writes it (UTF-16 LE). */
const ENCRYPTED_PACKAGE = Buffer.from('EncryptedPackage', 'utf16le');

/** Whether the first bytes of a file are an OLE compound file's. Never throws. */
export function isOleHead(head: Uint8Array): boolean {
  return OLE_SIGNATURE.every((b, i) => head[i] === b);
}

/**
 * Which unread format an OLE compound file is: `encrypted-workbook` when one of its directory
 * entries names an `EncryptedPackage` stream, else `xls`. The directory may lie anywhere in the
 * file, so the bytes are scanned, up to `maxBytes` (past it, `xls`); the source is closed after.
 *
 * @returns the format. Errors of the source are passed through.
 * @example await oleFormat(createReadStream('cibles.xlsx'), 100 * 1024 ** 2) // 'encrypted-workbook'
 */
export async function oleFormat(source: AsyncIterable<Uint8Array> | NodeJS.ReadableStream, maxBytes: number): Promise<Extract<UnreadableFormat, 'xls' | 'encrypted-workbook'>> {
  const iterator = (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  let tail = Buffer.alloc(0);
  let read = 0;
  try {
    while (read < maxBytes) {
      const next = await iterator.next();
      if (next.done) break;
      const chunk = Buffer.from(next.value);
      read += chunk.length;
      // The last bytes of the previous chunk, for a name cut between two chunks.
      const window = Buffer.concat([tail, chunk]);
      if (window.includes(ENCRYPTED_PACKAGE)) return 'encrypted-workbook';
      tail = window.subarray(Math.max(0, window.length - ENCRYPTED_PACKAGE.length + 1));
    }
    return 'xls';
  } finally {
    await iterator.return?.();
  }
}

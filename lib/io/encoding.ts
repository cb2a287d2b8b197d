/**
 * Character-encoding and delimiter detection for the CSV files the pipeline accepts
 * (UTF-8 with or without BOM, or Windows-1252; `;`, `,` or tab).
 */

export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'windows-1252';
export type CsvDelimiter = ';' | ',' | '\t';

/**
 * Length of the valid UTF-8 prefix of `bytes` (strict: no overlong forms, no surrogates, nothing
 * above U+10FFFF), and whether what follows it is only a truncated-but-so-far-valid sequence at the
 * very end (which a sample cut at an arbitrary byte may contain).
 */
export function utf8ValidPrefix(bytes: Uint8Array): { valid: number; truncatedTail: boolean } {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // UTF-16 surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // > U+10FFFF
    } else return { valid: i, truncatedTail: false };
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return { valid: i, truncatedTail: true };
      const c = bytes[i + k] as number;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (c < min || c > max) return { valid: i, truncatedTail: false };
    }
    i += need + 1;
  }
  return { valid: n, truncatedTail: false };
}

/**
 * Guesses the encoding of the start of a file.
 *
 * A sample that is cut in the middle of a multi-byte sequence at its end still counts as UTF-8,
 * since callers pass the first N KiB of a stream. Windows-1252 rather than Latin-1 is the fallback
 * because Open PHMEV contains `0x92` (`’`), which Latin-1 maps to a control character.
 * Pure ASCII gives `'utf-8'` (both decodings agree on it).
 *
 * @returns `'utf-8-bom'` when the sample starts with EF BB BF, `'utf-8'` when it is valid UTF-8,
 * `'windows-1252'` otherwise. Never throws.
 */
export function detectEncoding(sample: Uint8Array, options: { complete?: boolean } = {}): CsvEncoding {
  if (sample.length >= 3 && sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) {
    return 'utf-8-bom';
  }
  const { valid, truncatedTail } = utf8ValidPrefix(sample);
  // A sequence cut at the end is UTF-8 only when more bytes may follow: at the end of the whole file
  // it is a Windows-1252 letter (é is 0xE9, a UTF-8 lead byte).
  return valid === sample.length || (truncatedTail && !options.complete) ? 'utf-8' : 'windows-1252';
}

/** Bytes of the start of a file looked at by `isUtf16`. */
const UTF16_PROBE_BYTES = 1024;

/**
 * Whether the start of a file is UTF-16 text (Excel's "Texte Unicode" and "Unicode text" exports):
 * a UTF-16 byte order mark (FF FE or FE FF), or, without one, text whose every other byte is NUL
 * (ASCII characters in UTF-16 LE or BE), which no UTF-8 or Windows-1252 file has.
 *
 * @returns true for UTF-16 text. Never throws.
 * @example isUtf16(Buffer.from('\ufefffiness;cible', 'utf16le')) // true
 */
export function isUtf16(sample: Uint8Array): boolean {
  if (sample.length >= 2 && ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff))) return true;
  const n = Math.min(sample.length, UTF16_PROBE_BYTES) & ~1;
  if (n < 4) return false;
  let nulEven = 0;
  let nulOdd = 0;
  for (let i = 0; i < n; i++) if (sample[i] === 0) i % 2 === 0 ? nulEven++ : nulOdd++;
  const pairs = n / 2;
  // Mostly ASCII: nearly one byte of each pair is NUL, always on the same side.
  return Math.max(nulEven, nulOdd) >= 0.6 * pairs && Math.min(nulEven, nulOdd) <= 0.05 * pairs;
}

/**
 * Picks the delimiter of a CSV file from its header line: the most frequent of `;`, `,` and tab
 * outside double-quoted sections. `;` wins ties (and a header with none of them), being the French
 * default; then `,`, then tab.
 *
 * @returns the delimiter. Never throws.
 */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  let semicolons = 0;
  let commas = 0;
  let tabs = 0;
  let inQuotes = false;
  for (const ch of headerLine) {
    if (ch === '"') inQuotes = !inQuotes;
    else if (inQuotes) continue;
    else if (ch === ';') semicolons++;
    else if (ch === ',') commas++;
    else if (ch === '\t') tabs++;
  }
  if (semicolons >= commas && semicolons >= tabs) return ';';
  return commas >= tabs ? ',' : '\t';
}

/**
 * The 32-bit words of `bytes` that lie at 4-byte-aligned addresses, and where they start and end in
 * `bytes`: scanning four bytes per step keeps a pass over a mostly-ASCII chunk cheap.
 */
function alignedWords(bytes: Uint8Array): { words: Uint32Array; start: number; end: number } {
  const start = Math.min(bytes.length, (4 - (bytes.byteOffset % 4)) % 4);
  const count = (bytes.length - start) >>> 2;
  // No whole word (a short chunk): its `start` may be unaligned, where no view can begin.
  const words = count === 0 ? new Uint32Array(0) : new Uint32Array(bytes.buffer, bytes.byteOffset + start, count);
  return { words, start, end: start + count * 4 };
}

/**
 * Index of the first byte of `bytes` that is not ASCII (0x80 or above), or -1.
 *
 * @returns the index, or -1 when every byte is ASCII. Never throws.
 * @example firstNonAscii(new Uint8Array([0x61, 0xe9])) // 1
 */
export function firstNonAscii(bytes: Uint8Array): number {
  const { words, start, end } = alignedWords(bytes);
  for (let i = 0; i < start; i++) if ((bytes[i] as number) >= 0x80) return i;
  for (let w = 0; w < words.length; w++) {
    if (((words[w] as number) & 0x80808080) !== 0) {
      for (let i = start + w * 4; ; i++) if ((bytes[i] as number) >= 0x80) return i;
    }
  }
  for (let i = end; i < bytes.length; i++) if ((bytes[i] as number) >= 0x80) return i;
  return -1;
}

/**
 * What Windows-1252 gives bytes 0x80-0x9F, where it differs from Latin-1; bytes it leaves
 * undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) give U+FFFD, as iconv-lite decodes them. Every other
 * byte is the Latin-1 character of the same code. (Node 20's TextDecoder('windows-1252') is
 * Latin-1: wrong for these 32 bytes.)
 */
const WINDOWS_1252_C1 =
  '\u20ac\ufffd\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\ufffd\u017d\ufffd' +
  '\ufffd\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\ufffd\u017e\u0178';

const C1_CHARS = /[\u0080-\u009f]/g;

/**
 * Appends to `out` the positions of the bytes 0x80-0x9F of `bytes`, each plus `offset`: the only
 * bytes whose Windows-1252 character is not their Latin-1 one. Decoding Windows-1252 is then
 * Node's native Latin-1 decoding (`buffer.toString('latin1')`, several times faster than
 * iconv-lite) plus `windows1252FromLatin1` where these positions say.
 *
 * @returns nothing; `out` is appended to. Never throws.
 * @example
 * const at: number[] = [];
 * windows1252Positions(new Uint8Array([0x6c, 0x92, 0x61]), 100, at); // at: [101]
 */
export function windows1252Positions(bytes: Uint8Array, offset: number, out: number[]): void {
  const { words, start, end } = alignedWords(bytes);
  c1Positions(bytes, 0, start, offset, out);
  const n = words.length;
  let w = 0;
  // Four words per step: a text has few such bytes, and one test for 16 bytes skips most of it.
  for (; w + 3 < n; w += 4) {
    const any = c1Bits(words[w] as number) | c1Bits(words[w + 1] as number) | c1Bits(words[w + 2] as number) | c1Bits(words[w + 3] as number);
    if (any !== 0) c1Positions(bytes, start + w * 4, start + w * 4 + 16, offset, out);
  }
  for (; w < n; w++) if (c1Bits(words[w] as number) !== 0) c1Positions(bytes, start + w * 4, start + w * 4 + 4, offset, out);
  c1Positions(bytes, end, bytes.length, offset, out);
}

/**
 * Bit 7 of each byte of `word` that is 0x80-0x9F, the others clear: those bytes, and only they, have
 * bit 7 set and bits 6 and 5 clear; the shifts bring bits 6 and 5 of each byte under its bit 7,
 * whatever the byte order.
 */
function c1Bits(word: number): number {
  return word & ~(word << 1) & ~(word << 2) & 0x80808080;
}

/** Appends the positions (plus `offset`) of the bytes 0x80-0x9F of `bytes` from `from` to `to`. */
function c1Positions(bytes: Uint8Array, from: number, to: number, offset: number, out: number[]): void {
  for (let i = from; i < to; i++) if (isC1(bytes[i] as number)) out.push(offset + i);
}

function isC1(byte: number): boolean {
  return byte >= 0x80 && byte < 0xa0;
}

/**
 * The Windows-1252 reading of text decoded as Latin-1 from Windows-1252 bytes: each character
 * U+0080-U+009F becomes the one Windows-1252 gives its byte (`\u0092` becomes `’`).
 *
 * @returns the text. Never throws.
 * @example windows1252FromLatin1(Buffer.from([0x6c, 0x92, 0x61]).toString('latin1')) // 'l’a'
 */
export function windows1252FromLatin1(text: string): string {
  return text.replace(C1_CHARS, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80] as string);
}

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

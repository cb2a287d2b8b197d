/**
 * Why a CSV's first bytes hold NUL bytes: a UTF-16 file (Excel's « Texte Unicode »), or a text file
 * with a stray NUL in a cell (an export from a database), told apart from a binary file.
 */

import { detectDelimiter } from './encoding';

export type NulCause = { kind: 'utf-16' } | { kind: 'stray'; line: number; column: string | null } | { kind: 'binary' };

/** A text with a few stray NULs has no other control byte; a binary file has many. */
const MAX_STRAY_NULS = 16;

function isUtf16(probe: Uint8Array): boolean {
  if ((probe[0] === 0xff && probe[1] === 0xfe) || (probe[0] === 0xfe && probe[1] === 0xff)) return true;
  // Without a BOM: Latin text in UTF-16 has a NUL in every other byte.
  let even = 0;
  let odd = 0;
  for (let i = 0; i < probe.length; i++) if (probe[i] === 0) i % 2 === 0 ? even++ : odd++;
  return probe.length >= 64 && Math.max(even, odd) > 0.4 * probe.length && Math.min(even, odd) < 0.05 * probe.length;
}

function hasControlBytes(probe: Uint8Array): boolean {
  return probe.some((b) => b !== 0 && (b < 0x09 || (b > 0x0d && b < 0x20)));
}

/** The line (1-based) and column name (from the header line) of the first NUL. */
function whereIs(probe: Uint8Array, at: number): { line: number; column: string | null } {
  const text = Buffer.from(probe.subarray(0, at)).toString('latin1');
  const lines = text.split('\n');
  const header = Buffer.from(probe).toString('latin1').split('\n', 1)[0] ?? '';
  const delimiter = detectDelimiter(header);
  const index = (lines[lines.length - 1] ?? '').split(delimiter).length - 1;
  const column = lines.length > 1 ? (header.split(delimiter)[index]?.trim().replace(/^"|"$/g, '') ?? null) : null;
  return { line: lines.length, column: column || null };
}

/** What the NUL bytes of a CSV's first bytes (`probe`, which holds at least one) mean. */
export function nulCause(probe: Uint8Array): NulCause {
  if (isUtf16(probe)) return { kind: 'utf-16' };
  const nuls = probe.reduce((n, b) => (b === 0 ? n + 1 : n), 0);
  if (nuls > MAX_STRAY_NULS || hasControlBytes(probe)) return { kind: 'binary' };
  return { kind: 'stray', ...whereIs(probe, probe.indexOf(0)) };
}

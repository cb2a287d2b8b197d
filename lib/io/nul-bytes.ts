/**
 * Why a CSV's first bytes hold NUL bytes: a text file with a stray NUL in a cell (an export from a
 * database), told apart from a binary file. A UTF-16 file is recognised before (`isUtf16`).
 */

import { detectDelimiter } from './encoding';

export type NulCause = { kind: 'stray'; line: number; column: string | null } | { kind: 'binary' };

/** A text with a few stray NULs has no other control byte; a binary file has many. */
const MAX_STRAY_NULS = 16;

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

/** What the NUL bytes of a CSV's first bytes (`probe`, which holds at least one, not UTF-16) mean. */
export function nulCause(probe: Uint8Array): NulCause {
  const nuls = probe.reduce((n, b) => (b === 0 ? n + 1 : n), 0);
  if (nuls > MAX_STRAY_NULS || hasControlBytes(probe)) return { kind: 'binary' };
  return { kind: 'stray', ...whereIs(probe, probe.indexOf(0)) };
}

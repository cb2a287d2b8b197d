/**
 * The fast record splitter of the CSV reader, for the large extracts (ATIH, PMSI, Open PHMEV) whose
 * fields are never quoted: it finds newlines with `indexOf` and cuts cells at the delimiter, which
 * is all papaparse does on such text, without papaparse's per-record machinery (its step
 * callbacks, its cursors, our line counting over its output). It stops at the first record with a
 * field that opens with a double quote, where a quoted field may hold a delimiter or a newline:
 * csv-reader.ts hands that record and the rest of its slice of text to papaparse, which stays the
 * reader of quoted CSV and the reference this scan is tested against (test/io/csv-scan.test.ts),
 * and scans again from the next slice, which starts where papaparse left off.
 *
 * A quote anywhere else in a field is text (`ETABLISSEMENT "LES LILAS"`), for papaparse as for this
 * scan, so stray quotes of the Open PHMEV labels do not stop it.
 */
import { windows1252FromLatin1 } from './encoding';
import type { TableRow } from './table';

/**
 * Where the decoded text holds characters U+0080-U+009F to be read as Windows-1252 (the reader
 * decodes Windows-1252 as Latin-1, see csv-reader.ts): offsets in the whole decoded text, in order,
 * consumed as the records holding them are split.
 */
export class Windows1252Marks {
  private readonly offsets: number[] = [];
  private next = 0;

  /** Notes `positions`, relative to a text that starts at `offset`. */
  add(offset: number, positions: readonly number[]): void {
    for (const p of positions) this.offsets.push(offset + p);
  }

  /** The offset of the first noted character not yet forgotten, or Infinity. */
  peek(): number {
    return this.next < this.offsets.length ? (this.offsets[this.next] as number) : Number.POSITIVE_INFINITY;
  }

  /** Whether a noted character comes before the offset `end`; those before it are forgotten. */
  takeBefore(end: number): boolean {
    const offsets = this.offsets;
    let next = this.next;
    if (next >= offsets.length || (offsets[next] as number) >= end) return false;
    while (next < offsets.length && (offsets[next] as number) < end) next++;
    if (next === offsets.length) {
      offsets.length = 0;
      next = 0;
    } else if (next > 4096) {
      offsets.splice(0, next);
      next = 0;
    }
    this.next = next;
    return true;
  }
}

const C1_CHAR = /[\u0080-\u009f]/;

/** Reads the cells of a record noted by Windows1252Marks as Windows-1252, in place. */
export function windows1252Cells(cells: string[]): void {
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as string;
    if (C1_CHAR.test(cell)) cells[i] = windows1252FromLatin1(cell);
  }
}

/** Where the scan stands between two calls: what papaparse's path keeps in csv-reader.ts. */
export interface ScanState {
  /** Line breaks before the text given to the next call (so its first record is on line `breaks + 1`). */
  breaks: number;
  /** Blank records read since the last row given. */
  blanks: number;
}

/** What one call did. */
export interface ScanResult {
  /** Index in the text where the records not given start: the rest to keep for the next call. */
  end: number;
  /** True when the scan stopped at a record with a quoted field, which starts at `end`. */
  quoted: boolean;
}

/**
 * Whether a record is blank: only white space and delimiters, as the papaparse path decides it
 * (`cells.every((c) => c.trim() === '')`). The first character settles most records: a printable
 * ASCII character that is not the delimiter cannot be trimmed away. When some cells were not cut
 * (`readOnly`), the record's own text is what is judged: a line whose only text is in a cell not
 * read is a row, on the papaparse path as here. Its Latin-1 text is as blank as its Windows-1252
 * cells: no character of 0x80-0x9F is trimmed, in either reading.
 */
function isBlankRecord(text: string, start: number, end: number, delimiter: string, cells: readonly string[], allCut: boolean): boolean {
  if (start < end) {
    const first = text.charCodeAt(start);
    if (first > 0x20 && first < 0x7f && first !== delimiter.charCodeAt(0)) return false;
  }
  const judged = allCut ? cells : text.slice(start, end).split(delimiter);
  for (const cell of judged) if (cell.trim() !== '') return false;
  return true;
}

/**
 * Splits the complete records of `text` (all of them, the last one without its newline too, when
 * `final`) into `out`, as papaparse splits them on the same text with the same delimiter and
 * newline: one row per non-blank record, on its first physical line, with the blank records before
 * it in `blankBefore`. With a `\r\n` newline, a lone `\n` or `\r` is text of its field, and a lone
 * `\n` still counts as a physical line, as in the papaparse path.
 *
 * @param text decoded text that starts at a record boundary.
 * @param delimiter one character: `;`, `,` or tab.
 * @param newline `\n` or `\r\n` (files whose records end with a lone `\r` go to papaparse).
 * @param marks where the characters to read as Windows-1252 are: the cells of the records holding
 * one are read so.
 * @param base the offset of `text` in the whole decoded text, which `marks` counts in.
 * @param cut the positions whose cells are cut (1), the others given as empty; null for every cell.
 * @returns where the records not given start, and whether the scan stopped there at a quoted field.
 * Never throws.
 * @example
 * const out: TableRow[] = [];
 * const state = { breaks: 1, blanks: 0 };
 * scanRecords('1;2\r\n\r\n3;4\r\n5;', ';', '\r\n', false, state, out, new Windows1252Marks(), 0);
 * // out: [{ line: 2, cells: ['1', '2'] }, { line: 4, cells: ['3', '4'], blankBefore: 1 }]; returns { end: 12, quoted: false }
 */
export function scanRecords(
  text: string,
  delimiter: string,
  newline: '\n' | '\r\n',
  final: boolean,
  state: ScanState,
  out: TableRow[],
  marks: Windows1252Marks,
  base: number,
  cut: Uint8Array | null = null,
): ScanResult {
  const crlf = newline === '\r\n';
  const delimiterCode = delimiter.charCodeAt(0);
  const length = text.length;
  let quote = text.indexOf('"');
  let mark = marks.peek();
  let start = 0;
  /** Cells in the previous record. */
  let width = 0;
  while (start < length) {
    // The record's end, and the lone `\n` inside it (text when the newline is `\r\n`).
    let end = -1;
    let next = -1;
    let stray = 0;
    for (let from = start; ; ) {
      const lf = text.indexOf('\n', from);
      if (lf < 0) break;
      if (!crlf) {
        end = lf;
        next = lf + 1;
        break;
      }
      if (lf > start && text.charCodeAt(lf - 1) === 0x0d) {
        end = lf - 1;
        next = lf + 1;
        break;
      }
      stray++;
      from = lf + 1;
    }
    if (end < 0) {
      if (!final) break;
      end = length;
      next = length;
    }
    // A quote opening a field: papaparse reads from this record on.
    while (quote >= 0 && quote < end) {
      if (quote === start || text.charCodeAt(quote - 1) === delimiterCode) return { end: start, quoted: true };
      quote = text.indexOf('"', quote + 1);
    }
    // As wide as the previous record, as most are: allocated once at its size, not grown by pushes.
    const cells: string[] = new Array<string>(width);
    let count = 0;
    for (let at = start; ; ) {
      const d = text.indexOf(delimiter, at);
      const last = d < 0 || d >= end;
      const cellEnd = last ? end : d;
      // A cell not read is not cut; cells past the mask (extra columns) are.
      let value = cut === null || count >= cut.length || cut[count] === 1 ? text.slice(at, cellEnd) : '';
      // Only the cells holding a noted character are read again as Windows-1252: Open PHMEV's labels
      // have one (’, –) on every line, in a few of its 31 cells.
      if (mark < base + cellEnd) {
        if (value !== '') value = windows1252FromLatin1(value);
        marks.takeBefore(base + cellEnd);
        mark = marks.peek();
      }
      if (count < width) cells[count] = value;
      else cells.push(value);
      count++;
      if (last) break;
      at = d + 1;
    }
    if (count < width) cells.length = count;
    width = count;
    const line = state.breaks + 1;
    state.breaks += stray + (next > end ? 1 : 0);
    if (isBlankRecord(text, start, end, delimiter, cells, cut === null)) state.blanks++;
    else {
      out.push(state.blanks > 0 ? { line, cells, blankBefore: state.blanks } : { line, cells });
      state.blanks = 0;
    }
    start = next;
  }
  return { end: start, quoted: false };
}

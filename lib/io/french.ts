/**
 * French-locale parsing and formatting of numbers, dates and column headers.
 *
 * The parsers are deliberately tolerant (files come from hospital exports, Excel, the
 * Assurance Maladie's open data) but never guess: an ambiguous value is `null`, not a number.
 */

/** Space-like characters used as thousands separators in French files (space, NBSP, narrow NBSP, tabs…). */
const SPACES = /[\s\u00a0\u202f\u2007\u2009]/g;

/**
 * Parses a number written the French way (or the English way when it is unambiguous).
 *
 * Accepted: `1234`, `1 234,56` (space, NBSP or narrow NBSP as thousands separator), `468 368 652 €`,
 * `15,3 %`, `15.3`, `1.234,56`, `1,234.56`, `-3,5`, surrounding spaces. When both `,` and `.` occur,
 * the last one is the decimal separator and the other one must group digits by three.
 * A lone `.` is a decimal point (so `1.234` is 1.234, never 1234), and two of the same separator
 * (`1.234.567`, `1,2,3`) is rejected: a thousands separator without a decimal one cannot be told
 * from a decimal separator.
 *
 * @returns the number, or `null` when `raw` is empty or not a number in one of these forms.
 * Never throws.
 */
export function parseFrenchNumber(raw: string): number | null {
  if (typeof raw !== 'string') return null;
  // Extracts write their amounts and counts plainly (`10396,10`, `13`): most cells take the fast path.
  return parsePlainNumber(raw) ?? parseAnyFrenchNumber(raw);
}

/** 10^k, exact as doubles up to 10^22; a plain number has at most 15 digits. */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
/** The longest plain number: a sign, 15 digits and a separator. */
const PLAIN_MAX_LENGTH = 17;
const PLAIN_MAX_DIGITS = 15;

/**
 * The fast path of `parseFrenchNumber`, for the plain numbers extracts are made of: an optional `-`,
 * digits, and at most one `,` or `.` with digits on both sides (`123`, `-3,5`, `123.45`), 15 digits
 * at most. Its value is exactly `parseFrenchNumber`'s: the digits read as an integer (exact below
 * 2^53) divided by an exact power of ten is the correctly rounded double of the decimal, as
 * `Number()` of that decimal is.
 *
 * @returns the number, or `undefined` when `raw` is not written that way (then the general parser
 * decides). Never throws.
 * @example parsePlainNumber('10396,10') // 10396.1
 * @example parsePlainNumber('1 234,5') // undefined: the general parser reads it
 */
export function parsePlainNumber(raw: string): number | undefined {
  const n = raw.length;
  if (n === 0 || n > PLAIN_MAX_LENGTH) return undefined;
  const negative = raw.charCodeAt(0) === 45; // '-'
  let value = 0;
  let digits = 0;
  /** Digits after the separator, or -1 before any separator. */
  let fraction = -1;
  for (let i = negative ? 1 : 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      digits++;
      if (fraction >= 0) fraction++;
    } else if ((c === 44 || c === 46) && fraction < 0 && digits > 0) fraction = 0; // ',' or '.'
    else return undefined;
  }
  if (digits === 0 || digits > PLAIN_MAX_DIGITS || fraction === 0) return undefined;
  const abs = fraction > 0 ? value / (POW10[fraction] as number) : value;
  // -0 never leaks, as in the general parser.
  return negative && abs !== 0 ? -abs : abs;
}

/**
 * The general parser behind `parseFrenchNumber`, for every form it accepts (spaces, `€` and `%`,
 * thousands separators, `+` and `−` signs); `parseFrenchNumber` tries `parsePlainNumber` first.
 * Exported so that a property test can check that the fast path agrees with it.
 *
 * @returns the number, or `null` when `raw` is not a number in one of the accepted forms. Never throws.
 * @example parseAnyFrenchNumber('1 234,56 €') // 1234.56
 */
export function parseAnyFrenchNumber(raw: string): number | null {
  let s = raw.replace(SPACES, '');
  // One unit sign, on either side ("15 %", "€ 12" both occur in hand-made files).
  if (/^[€%]/.test(s)) s = s.slice(1);
  else if (/[€%]$/.test(s)) s = s.slice(0, -1);
  let sign = '';
  if (s.startsWith('-') || s.startsWith('+') || s.startsWith('\u2212')) {
    sign = s.startsWith('+') ? '' : '-';
    s = s.slice(1);
  }
  if (s === '' || !/^[0-9.,]+$/.test(s)) return null;

  const lastComma = s.lastIndexOf(',');
  const lastDot = s.lastIndexOf('.');
  let intPart: string;
  let fracPart: string | null;
  if (lastComma >= 0 && lastDot >= 0) {
    const decimalAt = Math.max(lastComma, lastDot);
    const thousands = lastComma > lastDot ? '.' : ',';
    intPart = s.slice(0, decimalAt);
    fracPart = s.slice(decimalAt + 1);
    if (!/^[0-9]+$/.test(fracPart)) return null;
    const grouped = thousands === '.' ? /^[0-9]{1,3}(\.[0-9]{3})+$/ : /^[0-9]{1,3}(,[0-9]{3})+$/;
    if (!grouped.test(intPart)) return null;
    intPart = intPart.split(thousands).join('');
  } else if (lastComma >= 0 || lastDot >= 0) {
    const sep = lastComma >= 0 ? ',' : '.';
    const parts = s.split(sep);
    if (parts.length !== 2) return null;
    intPart = parts[0] ?? '';
    fracPart = parts[1] ?? '';
    // ",5" is a number, "12," and "," are not.
    if (fracPart === '') return null;
  } else {
    intPart = s;
    fracPart = null;
  }
  if (!/^[0-9]*$/.test(intPart) || (fracPart !== null && !/^[0-9]+$/.test(fracPart))) return null;
  if (intPart === '' && fracPart === null) return null;
  const n = Number(`${sign}${intPart === '' ? '0' : intPart}${fracPart === null ? '' : `.${fracPart}`}`);
  if (!Number.isFinite(n)) return null;
  // Avoid -0 leaking into comparisons and JSON.
  return n === 0 ? 0 : n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Parses `dd/mm/yyyy` (also `d/m/yyyy`) or ISO `yyyy-mm-dd`, surrounding spaces allowed.
 *
 * @returns the ISO date `yyyy-mm-dd`, or `null` when the text is in neither form or is not a real
 * calendar date (`31/02/2025`, month 13, year 0). Never throws.
 */
export function parseFrenchDate(raw: string): string | null {
  if (typeof raw !== 'string') return null;
  const s = raw.trim();
  let day: number;
  let month: number;
  let year: number;
  let m = /^([0-9]{1,2})\/([0-9]{1,2})\/([0-9]{4})$/.exec(s);
  if (m) {
    day = Number(m[1]);
    month = Number(m[2]);
    year = Number(m[3]);
  } else {
    m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(s);
    if (!m) return null;
    year = Number(m[1]);
    month = Number(m[2]);
    day = Number(m[3]);
  }
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

const numberFormats = new Map<number, Intl.NumberFormat>();

/**
 * Formats a number the French way with exactly `decimals` fraction digits (rounded).
 *
 * The output is `Intl.NumberFormat('fr-FR')`'s, kept as is: the thousands separator is a NARROW
 * NO-BREAK SPACE (U+202F), not a normal space, and the decimal separator is `,`
 * (`1234.5` → `"1\u202f234,50"` with 2 decimals). That is what French typography asks for and what
 * keeps amounts on one line in e-mails; `parseFrenchNumber` reads it back.
 *
 * @returns the formatted text (`"NaN"`, `"∞"` for non-finite input, as Intl gives).
 * @throws RangeError when `decimals` is not an integer between 0 and 20.
 */
export function formatFrenchNumber(n: number, decimals = 0): string {
  let format = numberFormats.get(decimals);
  if (!format) {
    format = new Intl.NumberFormat('fr-FR', {
      minimumFractionDigits: decimals,
      maximumFractionDigits: decimals,
    });
    numberFormats.set(decimals, format);
  }
  return format.format(n);
}

/**
 * Formats an ISO date `yyyy-mm-dd` (a time part after `T` is ignored) as `dd/mm/yyyy`.
 *
 * @returns the French date text.
 * @throws RangeError when `iso` is not a valid calendar date in that form.
 */
export function formatFrenchDate(iso: string): string {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(T.*)?$/.exec(iso);
  const valid = m ? parseFrenchDate(`${m[1]}-${m[2]}-${m[3]}`) : null;
  if (!m || valid === null) throw new RangeError(`Not an ISO date: ${JSON.stringify(iso)}`);
  return `${m[3]}/${m[2]}/${m[1]}`;
}

/**
 * Normalises a column header so that files matching the contract "without regard to case, accents,
 * spaces or underscores" compare equal: lower case, accents removed (NFD then combining marks
 * dropped), BOM, whitespace, `_`, `-` and `.` removed.
 * `Code_Indication`, ` code indication `, `CODE-INDICATION` all give `codeindication`.
 *
 * @returns the normalised header (possibly empty). Never throws.
 */
export function normalizeHeader(raw: string): string {
  return raw
    .replace(/\ufeff/g, '')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s\u00a0\u202f_.\-]/g, '');
}

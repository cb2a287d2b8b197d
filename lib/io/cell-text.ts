/**
 * How a typed spreadsheet cell reads as the text a CSV export holds, shared by the workbook readers
 * (`xlsx-reader.ts`, `ods-reader.ts`) so that the French parsers read every file type alike.
 */

/** What a spreadsheet shows for a value it does not have. */
export const NOT_AVAILABLE = '#N/A';

/** A number as plain decimal text with a point, never an exponent, to a spreadsheet's 15 significant digits. */
export function decimalText(n: number): string {
  if (!Number.isFinite(n)) return NOT_AVAILABLE;
  // Beyond 15 digits is binary noise a spreadsheet never shows (0.1 + 0.2 is 0.30000000000000004).
  const rounded = Number(n.toPrecision(15));
  const text = String(rounded === 0 ? 0 : rounded);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!m) return text;
  const [, sign, unit, fraction = '', exponent] = m;
  const e = Number(exponent);
  return e < 0
    ? `${sign}0.${'0'.repeat(-e - 1)}${unit}${fraction}`
    : `${sign}${unit}${fraction}${'0'.repeat(e - fraction.length)}`;
}

/**
 * A number shown as a percentage (stored `0.153`, shown `15,3 %`) as the percentage shown, with its
 * sign: `15.3%`, which `parseFrenchNumber` reads as 15.3, as it reads `15,3 %` typed in a CSV.
 */
export function percentText(fraction: number): string {
  if (!Number.isFinite(fraction)) return NOT_AVAILABLE;
  // Rounded to 15 digits by decimalText: 0.07 * 100 is 7.000000000000001.
  return `${decimalText(fraction * 100)}%`;
}

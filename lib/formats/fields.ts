import { z } from 'zod';
import { parseFrenchDate, parseFrenchNumber } from '../io/french';
import { finessProblem } from '../domain/finess';
import { isAmmMiroir } from '../domain/indication';
import { INDICATOR_CODES } from '../domain/schemas';

/*
 * Cell schemas: each takes the raw cell text and either gives the typed value or an issue whose
 * message is an `expected` phrase in French; lib/formats/tabular turns it into a report entry.
 * An issue message starting with `code:` selects a specific issue code instead of `type-error`.
 *
 * Each is written once, as a plain parse function (`parseCell`), and given to zod as the transform
 * of its schema: the row schemas stay zod objects (the columns, the row types, `safeParse` for
 * anyone), while readTabular calls `parseCell` directly, without zod's per-row machinery, on the
 * tens of millions of cells of a national extract. Both read a cell alike by construction, which
 * test/formats/fields.test.ts checks.
 */

/**
 * Why a cell is refused: the `expected` phrases of its issues (`code:` prefixed to pick the issue
 * code), one for the cells of this module.
 */
export class CellIssue {
  readonly messages: readonly string[];

  constructor(...messages: string[]) {
    this.messages = messages;
  }
}

/** A cell's plain parse function: the typed value (never `undefined`), or why the raw text is refused. */
export type CellParse<T> = (raw: string) => T | CellIssue;

/** A zod schema of a cell whose transform is its `parseCell`: what readTabular reads cells with. */
export type CellSchema<T> = z.ZodType<T, string> & { readonly parseCell: CellParse<T> };

/**
 * The cell schema of a plain parse function: zod runs `parseCell` as its transform, and readTabular
 * calls it directly.
 *
 * @returns the schema, carrying `parseCell`. Never throws.
 * @example
 * const percent = cellSchema((raw) => (/^\d+ ?%$/.test(raw) ? parseInt(raw, 10) : new CellIssue('pourcentage attendu')));
 */
export function cellSchema<T>(parseCell: CellParse<T>): CellSchema<T> {
  const schema = z.string().transform((raw, ctx) => {
    const value = parseCell(raw);
    if (value instanceof CellIssue) {
      for (const message of value.messages) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return value;
  });
  return Object.assign(schema, { parseCell }) as unknown as CellSchema<T>;
}

/** Whether a column's schema is a cell schema of this module (else readTabular asks zod). */
export function isCellSchema(schema: z.core.$ZodType): schema is CellSchema<unknown> {
  return typeof (schema as Partial<CellSchema<unknown>>).parseCell === 'function';
}

/**
 * Distinct raw values a memoised cell remembers. An extract names a few thousand FINESS at most, so
 * each is checked once; past the limit (a file of garbage) the memory is emptied and starts again.
 */
const MEMO_LIMIT = 10_000;

/**
 * `parse`, remembering its result per distinct raw text: for cells whose values repeat down a file.
 * The last one is compared first: extracts come sorted by establishment, and comparing two short
 * strings is cheaper than hashing a new one for the map.
 */
function memoised<T>(parse: CellParse<T>): CellParse<T> {
  const known = new Map<string, T | CellIssue>();
  let lastRaw: string | null = null;
  let last: T | CellIssue | undefined;
  return (raw) => {
    if (raw === lastRaw) return last as T | CellIssue;
    let result = known.get(raw);
    // `undefined` is never a result (CellParse), so it means "not seen yet".
    if (result === undefined) {
      result = parse(raw);
      if (known.size >= MEMO_LIMIT) known.clear();
      known.set(raw, result);
    }
    lastRaw = raw;
    last = result;
    return result;
  };
}

/**
 * `raw.trim()`, without the call when the text starts and ends with printable ASCII, which no
 * white space of `trim` is: most cells of an extract, each read once per line.
 *
 * @returns `raw.trim()`. Never throws.
 * @example trimmed(' 12 ') // '12'
 */
export function trimmed(raw: string): string {
  const n = raw.length;
  if (n === 0) return raw;
  const first = raw.charCodeAt(0);
  const last = raw.charCodeAt(n - 1);
  return first > 0x20 && first < 0x7f && last > 0x20 && last < 0x7f ? raw : raw.trim();
}

function cell<T>(parse: (raw: string) => T | null, expected: string): CellSchema<T> {
  const issue = new CellIssue(expected);
  return cellSchema<T>((raw) => {
    const value = parse(trimmed(raw));
    return value === null ? issue : value;
  });
}

/** An optional cell: empty gives null; anything else must satisfy `schema`, whose message is kept. */
export function emptyOr<T>(schema: CellSchema<T>): CellSchema<T | null> {
  const inner = schema.parseCell;
  return cellSchema<T | null>((raw) => (trimmed(raw) === '' ? null : inner(raw)));
}

/** Any text, trimmed (empty gives ''): a code kept as written, whose checks are its kind's (anomalies rather than refusals). */
export const trimmedText = () => cellSchema(trimmed);
export const text = () => cell((raw) => (raw === '' ? null : raw), 'texte non vide attendu');
export const optionalText = () =>
  cellSchema((raw) => {
    const value = trimmed(raw);
    return value === '' ? null : value;
  });

export const number = () => cell(parseFrenchNumber, 'nombre attendu (ex. 1 234,5)');
export const optionalNumber = () => emptyOr(number());
/** A number as written, and whether it was written as a percentage (`15 %`, or a workbook cell in a percent format). */
export interface Measure {
  value: number;
  percentSign: boolean;
}

/**
 * A number in a column measured in %: its value is the number shown (`15 %` and `15` are 15; a
 * workbook's percent cell, stored 0.15, reaches here as `15%`), and whether it carried the sign, so
 * that its kind can question a bare fraction that is implausible as a percentage (`0,15`).
 */
export const measure = () =>
  cell<Measure>((raw) => {
    const value = parseFrenchNumber(raw);
    return value === null ? null : { value, percentSign: raw.startsWith('%') || raw.endsWith('%') };
  }, 'nombre attendu (ex. 15 ou 15 %)');
export const nonNegative = () =>
  cell((raw) => {
    const n = parseFrenchNumber(raw);
    return n !== null && n >= 0 ? n : null;
  }, 'nombre positif ou nul attendu');

/** The value of a string of ASCII digits (`/^\d+$/`, read as `+raw`), or null for anything else. */
function digits(raw: string): number | null {
  const n = raw.length;
  if (n === 0) return null;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    value = value * 10 + (c - 48);
  }
  // Exact up to 15 digits; beyond, `+raw` rounds as the original did.
  return n <= 15 ? value : +raw;
}

export const integerIn = (min: number, max: number) =>
  cell((raw) => {
    const n = digits(raw);
    return n !== null && n >= min && n <= max ? n : null;
  }, `entier de ${min} à ${max} attendu`);
export const optionalIntegerIn = (min: number, max: number) => emptyOr(integerIn(min, max));

export const date = () => cell(parseFrenchDate, 'date jj/mm/aaaa ou aaaa-mm-jj attendue');

/**
 * FINESS, checked for its shape and key. A spreadsheet that read the column as numbers drops the
 * leading zero of départements 01 to 09 (`060002011` becomes `60002011`): eight digits are given
 * their zero back when the result has a valid key, which a truncated number almost never has.
 */
export const finess = () =>
  cellSchema(
    // Memoised: an extract repeats a few hundred FINESS over millions of rows, each checked once.
    memoised((raw) => {
      let value = raw.trim().toUpperCase();
      if (/^\d{8}$/.test(value) && finessProblem(`0${value}`) === null) value = `0${value}`;
      const problem = finessProblem(value);
      if (problem === null) return value;
      return problem === 'shape' ? FINESS_SHAPE_ISSUE : FINESS_KEY_ISSUE;
    }),
  );

const FINESS_SHAPE_ISSUE = new CellIssue('invalid-finess:9 caractères attendus, le département (2A et 2B pour la Corse) puis des chiffres');
const FINESS_KEY_ISSUE = new CellIssue('invalid-finess:la clé de contrôle (dernier chiffre) ne correspond pas');

/**
 * A UCD as written, or null when it is not one: 7 digits, or 13 digits starting 340093 (formats.md)
 * or 340089 (also in circulation). The PMSI writes 7-digit UCD on 13 characters with six leading
 * zeros (`0000009391234`): read as the 7-digit code. Checked character by character rather than
 * by regular expressions, as it runs on every row of an extract (test/formats/fields.test.ts keeps
 * the expressions as the reference).
 *
 * @returns the UCD, or null. Never throws.
 * @example readUcd('0000009391234') // '9391234'
 */
export function readUcd(raw: string): string | null {
  const n = raw.length;
  if (n !== 7 && n !== 13) return null;
  /** The value of the first six digits, which tell the 13-digit forms apart. */
  let head = 0;
  for (let i = 0; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    if (i < 6) head = head * 10 + (c - 48);
  }
  if (n === 7) return raw;
  if (head === 0) return raw.slice(6);
  return head === 340093 || head === 340089 ? raw : null;
}

export const ucd = () => cell(readUcd, 'code UCD à 7 chiffres, ou à 13 chiffres commençant par 340093 ou 340089');

/** Indication code of the liste en sus: `I` then digits (I999 / I999999 hors AMM, I997… AMM miroir). */
export const INDICATION_CODE = /^I\d{3,6}$/;

export const indicationCode = () =>
  cell((raw) => {
    const v = raw.toUpperCase();
    return INDICATION_CODE.test(v) ? v : null;
  }, 'code indication « I » suivi de chiffres (ex. I999, I997)');

/** An AMM miroir indication: I997 and its sub-codes. */
export const ammMiroirCode = () =>
  cell((raw) => {
    const v = raw.toUpperCase();
    return INDICATION_CODE.test(v) && isAmmMiroir(v) ? v : null;
  }, 'code d’AMM miroir commençant par I997 (ex. I997001)');

/** A year or a semester: `2025`, `2025-S1`, `2025-S2` (also `2025 S1`, `2025s2`). */
export const period = () =>
  cell((raw) => {
    const m = /^(\d{4})(?:[\s_-]*S([12]))?$/i.exec(raw);
    return m ? (m[2] ? `${m[1]}-S${m[2]}` : (m[1] as string)) : null;
  }, 'période de la forme 2025, 2025-S1 ou 2025-S2');

/** A yes/no cell: `oui`/`non` (also `o`/`n`, `1`/`0`, `x`); empty is no. */
export const yesNo = () => {
  const issue = new CellIssue('« oui » ou « non »');
  return cellSchema((raw) => {
    const v = raw.trim().toLowerCase();
    if (v === '' || v === 'non' || v === 'n' || v === '0' || v === 'faux') return false;
    if (v === 'oui' || v === 'o' || v === '1' || v === 'x' || v === 'vrai') return true;
    return issue;
  });
};

const UNKNOWN_INDICATOR = new CellIssue('unknown-indicator:code indicateur inconnu');

export const indicator = () =>
  cellSchema((raw) => {
    const value = raw.normalize('NFD').replace(/\p{M}/gu, '').trim().toUpperCase().replace(/[\s-]+/g, '_');
    return (INDICATOR_CODES as readonly string[]).includes(value) ? (value as (typeof INDICATOR_CODES)[number]) : UNKNOWN_INDICATOR;
  });

export const emailList = () =>
  cellSchema((raw) => {
    const emails = raw
      .split(/[,;\s]+/)
      .map((e) => e.trim())
      .filter(Boolean);
    const bad = emails.find((e) => !z.email().safeParse(e).success);
    return bad === undefined ? emails : new CellIssue(`adresses e-mail séparées par des virgules (« ${bad} » invalide)`);
  });

export const oneOf = <T extends string>(values: readonly T[], normalise: (raw: string) => string = (r) => r) =>
  cell((raw) => {
    const v = normalise(raw);
    return (values as readonly string[]).includes(v) ? (v as T) : null;
  }, `une des valeurs ${values.map((v) => `« ${v} »`).join(', ')}`);

/** Region short name, upper case without accents: `Corse` → `CORSE`. */
export const region = () =>
  cell((raw) => {
    const v = raw.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase().replace(/\s+/g, '-');
    return /^[A-Z][A-Z0-9_-]{1,31}$/.test(v) ? v : null;
  }, 'nom court de région attendu (ex. PACA, CORSE)');

import { z } from 'zod';
import { parseFrenchDate, parseFrenchNumber } from '../io';
import { finessProblem } from '../domain/finess';
import { isAmmMiroir } from '../domain/indication';
import { INDICATOR_CODES } from '../domain/schemas';

/*
 * Cell schemas: each takes the raw cell text and either gives the typed value or an issue whose
 * message is an `expected` phrase in French; lib/formats/tabular turns it into a report entry.
 * An issue message starting with `code:` selects a specific issue code instead of `type-error`.
 */

function cell<T>(parse: (raw: string) => T | null, expected: string) {
  return z.string().transform((raw, ctx) => {
    const value = parse(raw.trim());
    if (value === null) {
      ctx.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    }
    return value;
  });
}

/** An optional cell: empty gives null; anything else must satisfy `schema`, whose message is kept. */
export function emptyOr<T>(schema: z.ZodType<T, string>) {
  return z.string().transform((raw, ctx): T | null => {
    if (raw.trim() === '') return null;
    const parsed = schema.safeParse(raw);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
    return z.NEVER;
  });
}

export const text = () => cell((raw) => (raw === '' ? null : raw), 'texte non vide attendu');
export const optionalText = () => z.string().transform((raw) => (raw.trim() === '' ? null : raw.trim()));

export const number = () => cell(parseFrenchNumber, 'nombre attendu (ex. 1 234,5)');
export const optionalNumber = () => emptyOr(number());
export const nonNegative = () =>
  cell((raw) => {
    const n = parseFrenchNumber(raw);
    return n !== null && n >= 0 ? n : null;
  }, 'nombre positif ou nul attendu');

export const integerIn = (min: number, max: number) =>
  cell((raw) => (/^\d+$/.test(raw) && +raw >= min && +raw <= max ? +raw : null), `entier de ${min} à ${max} attendu`);
export const optionalIntegerIn = (min: number, max: number) => emptyOr(integerIn(min, max));

export const date = () => cell(parseFrenchDate, 'date jj/mm/aaaa ou aaaa-mm-jj attendue');

/**
 * FINESS, checked for its shape and key. A spreadsheet that read the column as numbers drops the
 * leading zero of départements 01 to 09 (`060002011` becomes `60002011`): eight digits are given
 * their zero back when the result has a valid key, which a truncated number almost never has.
 */
export const finess = () =>
  z.string().transform((raw, ctx) => {
    let value = raw.trim().toUpperCase();
    if (/^\d{8}$/.test(value) && finessProblem(`0${value}`) === null) value = `0${value}`;
    const problem = finessProblem(value);
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        message:
          problem === 'shape'
            ? 'invalid-finess:9 caractères attendus, le département (2A et 2B pour la Corse) puis des chiffres'
            : 'invalid-finess:la clé de contrôle (dernier chiffre) ne correspond pas',
      });
      return z.NEVER;
    }
    return value;
  });

/** UCD codes: 7 digits, or 13 digits starting 340093 (formats.md) or 340089 (also in circulation). */
const UCD_CODE = /^(\d{7}|3400(89|93)\d{7})$/;

/**
 * A UCD as written, or null when it is not one. The PMSI writes 7-digit UCD on 13 characters with
 * six leading zeros (`0000009391234`): read as the 7-digit code.
 */
export function readUcd(raw: string): string | null {
  const v = /^000000\d{7}$/.test(raw) ? raw.slice(6) : raw;
  return UCD_CODE.test(v) ? v : null;
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
export const yesNo = () =>
  z.string().transform((raw, ctx) => {
    const v = raw.trim().toLowerCase();
    if (v === '' || v === 'non' || v === 'n' || v === '0' || v === 'faux') return false;
    if (v === 'oui' || v === 'o' || v === '1' || v === 'x' || v === 'vrai') return true;
    ctx.addIssue({ code: 'custom', message: '« oui » ou « non »' });
    return z.NEVER;
  });

export const indicator = () =>
  z.string().transform((raw, ctx) => {
    const value = raw.normalize('NFD').replace(/\p{M}/gu, '').trim().toUpperCase().replace(/[\s-]+/g, '_');
    if (!(INDICATOR_CODES as readonly string[]).includes(value)) {
      ctx.addIssue({ code: 'custom', message: 'unknown-indicator:code indicateur inconnu' });
      return z.NEVER;
    }
    return value as (typeof INDICATOR_CODES)[number];
  });

export const emailList = () =>
  z.string().transform((raw, ctx) => {
    const emails = raw
      .split(/[,;\s]+/)
      .map((e) => e.trim())
      .filter(Boolean);
    const bad = emails.find((e) => !z.email().safeParse(e).success);
    if (bad !== undefined) {
      ctx.addIssue({ code: 'custom', message: `adresses e-mail séparées par des virgules (« ${bad} » invalide)` });
      return z.NEVER;
    }
    return emails;
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

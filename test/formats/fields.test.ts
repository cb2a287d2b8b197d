/**
 * readTabular reads cells with their plain `parseCell` (lib/formats/fields.ts) and rows with
 * `rowReader`, not with zod's object parser: both must read every record exactly as
 * `schema.safeParse` does, for every kind of the registry, valid and invalid, and the memoised
 * cells as a fresh cell would.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import {
  ammMiroirCode,
  CellIssue,
  date,
  emailList,
  emptyOr,
  finess,
  indicationCode,
  indicator,
  integerIn,
  nonNegative,
  number,
  oneOf,
  optionalIntegerIn,
  optionalNumber,
  optionalText,
  period,
  readUcd,
  region,
  text,
  trimmed,
  trimmedText,
  ucd,
  yesNo,
  type CellSchema,
} from '../../lib/formats/fields';
import { TABLE_KINDS } from '../../lib/formats/registry';
import { rowReader } from '../../lib/formats/tabular';

/** Cells as files hold them: the values of every kind's columns, near misses, and noise. */
const POOL = [
  ...['130786049', '2A0000014', '2B0000012', '060002011', '60002011', '130786048', '13078604', '2C0000014', 'abc'],
  ...['2025', '2024', '1999', '2100', '2101', '1', '12', '13', '0', '01', '007', '-1', '100000', '100001', '99999999999999999'],
  ...['9391234', '3400893912345', '3400930000001', '3400940000001', '0000009391234', '939123', '93912345', '939123a'],
  ...['2,5', '1 234,56', '1\u202f234', '-3,5', '€ 12', '15 %', '1.234', '1,2,3', '12,', ',5', '1e5', 'trois', '0,000'],
  ...['01/02/2025', '1/2/2025', '2025-02-28', '2025-02-30', '31/04/2025', '29/02/2024'],
  ...['I999', 'I999999', 'i997001', 'I997', 'I99X', 'ı999', 'I12', 'I1234567', 'X999'],
  ...['MO', 'mo', 'pré-anesthésie', 'Transports autres', 'IPP', 'XYZ', '2025-S1', '2025 s2', '2025_S1', '2025-S3'],
  ...['oui', 'NON', 'o', 'x', 'vrai', 'peut-être', 'a@b.fr', 'a@b.fr; c@d.fr', 'bad@', 'PACA', 'Corse', 'Île-de-France', '1X'],
  ...['<', '<=', '≤', '> =', '>=', 'ex-DG', 'ex oqn', 'EX_DG', 'ex-xx', 'A02BC', '0', '9999999999999', 'b', 'C', '9', ''],
  ...['budget_interessement_mo', 'Facteur saut montant', 'tolerance_cpam', 'retour preuves', 'retour-preuves!', 'argumentaire_hors_amm', 'plan_actions, argumentaire_hors_amm', 'inconnu'],
];

const padding = fc.constantFrom('', '', '', ' ', '  ', '\t', '\u00a0');
const cellArb = fc.tuple(padding, fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...POOL) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }), padding).map(([a, b, c]) => a + b + c);

/** What zod says of a record, in the terms readTabular uses: the row, or each refused column and message. */
function byZod(schema: z.ZodObject<z.ZodRawShape>, record: Record<string, string>) {
  const parsed = schema.safeParse(record);
  return parsed.success ? { row: parsed.data, keys: Object.keys(parsed.data) } : { refused: parsed.error.issues.map((i) => ({ column: String(i.path[0]), message: i.message })) };
}

function byReader(read: (cells: readonly string[], at: readonly number[]) => object, cells: readonly string[]) {
  // The row's cells in reverse order, as a file may hold the columns in any order.
  const result = read([...cells].reverse(), cells.map((_, k) => cells.length - 1 - k));
  if (!Array.isArray(result)) return { row: result, keys: Object.keys(result) };
  return { refused: (result as { column: string; issue: CellIssue }[]).flatMap((r) => r.issue.messages.map((message) => ({ column: r.column, message }))) };
}

describe('rowReader against schema.safeParse', () => {
  for (const kind of TABLE_KINDS) {
    it(`reads ${kind.id} records as zod does`, () => {
      const { schema, columns } = kind.format;
      const read = rowReader(schema);
      fc.assert(
        fc.property(fc.array(cellArb, { minLength: columns.length, maxLength: columns.length }), (cells) => {
          const record = Object.fromEntries(columns.map((column, k) => [column, cells[k] as string]));
          expect(byReader(read, cells)).toEqual(byZod(schema, record));
        }),
        { numRuns: 300 },
      );
    });
  }
});

/** Every cell factory of fields.ts, as the kinds use them. */
const CELLS: Record<string, () => CellSchema<unknown>> = {
  text,
  optionalText,
  trimmedText,
  number,
  optionalNumber,
  nonNegative,
  year: () => integerIn(2000, 2100),
  month: () => optionalIntegerIn(1, 12),
  date,
  finess,
  optionalFiness: () => emptyOr(finess()),
  ucd,
  indicationCode,
  ammMiroirCode: () => emptyOr(ammMiroirCode()),
  period,
  yesNo,
  indicator,
  optionalIndicator: () => emptyOr(indicator()),
  emailList,
  comparator: () => oneOf(['<', '<=', '>', '>='] as const, (raw) => raw.replace(/\s/g, '').replace('≤', '<=')),
  region,
};

describe('cell schemas', () => {
  for (const [name, make] of Object.entries(CELLS)) {
    it(`${name}: parseCell is what zod gives, and a warm memory what a fresh cell gives`, () => {
      const warm = make();
      fc.assert(
        fc.property(fc.array(cellArb, { minLength: 1, maxLength: 6 }), (raws) => {
          // The same values again and again, as down the rows of a file, through one schema.
          for (const raw of [...raws, ...raws.reverse()]) {
            const fresh = make();
            const parsed = fresh.safeParse(raw);
            const value = warm.parseCell(raw);
            if (parsed.success) expect(value).toEqual(parsed.data);
            else expect(value).toEqual(new CellIssue(...parsed.error.issues.map((i) => i.message)));
            expect(fresh.parseCell(raw)).toEqual(value);
          }
        }),
        { numRuns: 150 },
      );
    });
  }
});

describe('trimmed', () => {
  // Every character String.prototype.trim removes, and printable ASCII and others it keeps.
  const SPACES = '\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff';
  const unit = fc.oneof(fc.constantFrom(...SPACES), fc.constantFrom(...'!~a;0é\u0092\u007f\u0080\u200b'), fc.string({ maxLength: 1 }));

  it('is String.prototype.trim', () => {
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 8 }), (raw) => {
        expect(trimmed(raw)).toBe(raw.trim());
      }),
      { numRuns: 3000 },
    );
  });
});

describe('readUcd', () => {
  // The regular expressions it was written with, kept as the reference of its character checks.
  const reference = (raw: string): string | null => {
    const v = /^000000\d{7}$/.test(raw) ? raw.slice(6) : raw;
    return /^(\d{7}|3400(89|93)\d{7})$/.test(v) ? v : null;
  };

  it('reads as the regular expressions do', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 6, maxLength: 14 });
    const prefixed = fc.tuple(fc.constantFrom('000000', '340089', '340093', '340090', '34009', '3400893'), digits).map(([p, d]) => (p + d).slice(0, 13));
    fc.assert(
      fc.property(fc.oneof(digits, prefixed, fc.string({ maxLength: 14 }), fc.constantFrom(...POOL)), (raw) => {
        expect(readUcd(raw)).toBe(reference(raw));
      }),
      { numRuns: 3000 },
    );
  });
});

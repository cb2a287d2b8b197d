import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { atihMoFormat, type MoAggregate } from '../../lib/formats/kinds/atih-mo';
import { cp1252, read, referential, where } from './helpers';

const APHM = '130786049';
const IPC = '130001647';
const KNOWN = referential(APHM, IPC);
const HEADER = 'FINESS;Année;Mois;UCD;Libellé;Code_Indication;Nb_UCD;Montant';

describe('atih/<year>/mo-*.csv', () => {
  it('sums per establishment and year: I999 and I999999 hors AMM, I997001 AMM miroir', async () => {
    const out = await read(
      atihMoFormat,
      cp1252([
        HEADER,
        `${APHM};2025;1;9391234;KEYTRUDA 25 mg/ml;I001234;10;26\u00a0500,00 €`, // referenced indication
        `${APHM};2025;1;9391234;KEYTRUDA 25 mg/ml;I999;2,5;6 625,00 €`, // hors AMM, fractional UCD
        `${APHM};2025;2;3400893912345;AVASTIN 25 mg/ml;I999999;4;1 200,25`, // hors AMM, long form, 13-digit UCD
        `${APHM};2025;;9400001;RITUXIMAB;I997001;3;900`, // AMM miroir, whole year (empty month)
        `${IPC};2025;3;9400001;Rituximab – biosimilaire;i999;1;300,5`, // lower-case code
      ]),
      { year: 2025, establishments: KNOWN },
    );
    expect(out.list).toEqual([]);
    expect(out.rowsAccepted).toBe(5);
    expect(out.output).toEqual<MoAggregate[]>([
      {
        finess: APHM,
        year: 2025,
        totalUcd: 19.5, // 10 + 2,5 + 4 + 3
        totalAmount: 35_225.25, // 26 500 + 6 625 + 1 200,25 + 900
        i999Ucd: 6.5, // 2,5 (I999) + 4 (I999999)
        i999Amount: 7_825.25, // 6 625 + 1 200,25
        i997Ucd: 3, // I997001
        lines: 4,
      },
      { finess: IPC, year: 2025, totalUcd: 1, totalAmount: 300.5, i999Ucd: 1, i999Amount: 300.5, i997Ucd: 0, lines: 1 },
    ]);
  });

  it('a FINESS unknown to the referential: one warning, its rows left out, the file accepted', async () => {
    const out = await read(
      atihMoFormat,
      cp1252([
        HEADER,
        `${APHM};2025;1;9391234;;I999;2;200`,
        `440053643;2025;1;9391234;;I999;50;5000`, // line 3: Nantes, not followed by the region
        `440053643;2025;2;9391234;;I001;70;7000`, // line 4: same FINESS, no second warning
        `${APHM};2025;2;9391234;;I001;8;800`,
      ]),
      { year: 2025, establishments: KNOWN },
    );
    expect(where(out.list)).toEqual(['warning unknown-finess@3:finess']);
    expect(out.list[0]!.value).toBe('440053643');
    expect(out.rowsRead).toBe(4);
    expect(out.rowsAccepted).toBe(2);
    // AP-HM only: 2 + 8 = 10 UCD, of which 2 I999.
    expect(out.output).toEqual([{ finess: APHM, year: 2025, totalUcd: 10, totalAmount: 1000, i999Ucd: 2, i999Amount: 200, i997Ucd: 0, lines: 2 }]);
  });

  it('missing column → missing-column row 1', async () => {
    const out = await read(atihMoFormat, cp1252(['finess;annee;ucd;code_indication;nb_ucd', `${APHM};2025;9391234;I999;2`]), { establishments: KNOWN });
    expect(where(out.list)).toEqual(['error missing-column@1:montant']);
    expect(out.output).toBeNull();
  });

  it('`trois` in nb_ucd → type-error on its row, column nb_ucd; other bad cells too; the file is refused', async () => {
    const out = await read(
      atihMoFormat,
      cp1252([
        HEADER,
        `${APHM};2025;1;9391234;;I999;2;200`, // line 2: fine
        `${APHM};2025;1;9391234;;I999;trois;300`, // line 3
        `${APHM};2025;13;9391234;;I999;1;100`, // line 4: month 13
        `${APHM};2025;1;939123;;I999;1;100`, // line 5: 6-digit UCD
        `${APHM};2025;1;9391234;;999;1;100`, // line 6: indication without I
        `${APHM};2025;1;9391234;;;1;100`, // line 7: empty indication
        `${APHM};2025;1;9391234;;I999;-1;100`, // line 8: negative count
        `130786048;2025;1;9391234;;I999;1;100`, // line 9: bad key
      ]),
      { establishments: KNOWN },
    );
    expect(where(out.list)).toEqual([
      'error type-error@3:nb_ucd',
      'error type-error@4:mois',
      'error type-error@5:ucd',
      'error type-error@6:code_indication',
      'error missing-value@7:code_indication',
      'error type-error@8:nb_ucd',
      'error invalid-finess@9:finess',
    ]);
    expect(out.list[0]).toMatchObject({ value: 'trois', message: 'Valeur « trois » invalide dans la colonne « nb_ucd » : nombre positif ou nul attendu.' });
    expect(out.output).toBeNull();
    expect(out.rowsAccepted).toBe(1);
  });

  it('extra column → warning, file accepted', async () => {
    const out = await read(atihMoFormat, cp1252([`${HEADER};GHM`, `${APHM};2025;1;9391234;;I999;2;200;28Z07Z`]), { establishments: KNOWN });
    expect(where(out.list)).toEqual(['warning extra-column@1:GHM']);
    expect(out.output).toHaveLength(1);
  });

  it('property: shuffling the data rows gives the same aggregates', async () => {
    const FINESS = [APHM, IPC, '2A0000014'];
    const CODES = ['I999', 'I999999', 'I997', 'I997001', 'I001234', 'I000042'];
    const line = fc
      .record({
        finess: fc.constantFrom(...FINESS),
        year: fc.constantFrom(2024, 2025),
        month: fc.option(fc.integer({ min: 1, max: 12 }), { nil: null }),
        code: fc.constantFrom(...CODES),
        quarterUcd: fc.integer({ min: 0, max: 40_000 }),
        cents: fc.integer({ min: 0, max: 99_999_999 }),
      })
      .map((r) => {
        const ucd = `${Math.floor(r.quarterUcd / 4)},${String((r.quarterUcd % 4) * 25).padStart(2, '0')}`;
        const amount = `${Math.floor(r.cents / 100)},${String(r.cents % 100).padStart(2, '0')} €`;
        return `${r.finess};${r.year};${r.month ?? ''};9391234;;${r.code};${ucd};${amount}`;
      });
    const lines = fc.array(line, { minLength: 1, maxLength: 40 });
    const known = referential(...FINESS);
    const sorted = (a: MoAggregate[] | null) => [...(a ?? [])].sort((x, y) => `${x.finess}${x.year}`.localeCompare(`${y.finess}${y.year}`));

    await fc.assert(
      fc.asyncProperty(
        lines.chain((ls) => fc.tuple(fc.constant(ls), fc.shuffledSubarray(ls, { minLength: ls.length, maxLength: ls.length }))),
        async ([original, shuffled]) => {
          const a = sorted((await read(atihMoFormat, cp1252([HEADER, ...original]), { establishments: known })).output);
          const b = sorted((await read(atihMoFormat, cp1252([HEADER, ...shuffled]), { establishments: known })).output);
          expect(a.length).toBeGreaterThan(0);
          expect(b.map((x) => [x.finess, x.year, x.lines])).toEqual(a.map((x) => [x.finess, x.year, x.lines]));
          a.forEach((x, i) => {
            const y = b[i]!;
            expect(y.totalUcd).toBeCloseTo(x.totalUcd, 6);
            expect(y.i999Ucd).toBeCloseTo(x.i999Ucd, 6);
            expect(y.i997Ucd).toBeCloseTo(x.i997Ucd, 6);
            expect(y.totalAmount).toBeCloseTo(x.totalAmount, 2);
            expect(y.i999Amount).toBeCloseTo(x.i999Amount, 2);
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});

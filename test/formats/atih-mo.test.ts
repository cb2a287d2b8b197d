import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { atihMoFormat } from '../../lib/formats/kinds/atih-mo';
import type { FileOutput } from '../../lib/formats/output';
import type { MoFact } from '../../lib/domain/schemas';
import { cp1252, read, referential, where } from './helpers';

const APHM = '130786049';
const IPC = '130001647';
const KNOWN = referential(APHM, IPC);
const HEADER = 'FINESS;Année;Mois;UCD;Libellé;Code_Indication;Nb_UCD;Montant';
const SOURCE = { key: 'test/file.csv', version: 'v1' };
const NO_ANOMALY = { missingIndication: { lines: 0, ucd: 0 }, invalidIndication: { lines: 0, ucd: 0, examples: [] }, invalidUcd: { lines: 0, ucd: 0, examples: [] } };

function facts(output: FileOutput | null): MoFact[] {
  if (output?.type !== 'mo-facts') throw new Error(`expected MO facts, got ${output?.type ?? 'nothing'}`);
  return output.facts;
}

/** Totals per establishment over its months, for comparisons that do not care how a year was split. */
function perSite(list: readonly MoFact[]) {
  const out = new Map<string, { totalUcd: number; i999Ucd: number; i997Ucd: number; totalAmount: number; i999Amount: number; lines: number }>();
  for (const f of list) {
    const t = out.get(f.finess) ?? { totalUcd: 0, i999Ucd: 0, i997Ucd: 0, totalAmount: 0, i999Amount: 0, lines: 0 };
    t.totalUcd += f.totalUcd;
    t.i999Ucd += f.i999Ucd;
    t.i997Ucd += f.i997Ucd;
    t.totalAmount += f.totalAmount;
    t.i999Amount += f.i999Amount;
    t.lines += f.lines;
    out.set(f.finess, t);
  }
  return [...out].sort(([a], [b]) => a.localeCompare(b));
}

describe('atih/<year>/mo-*.csv', () => {
  it('sums per establishment and month: I999 and I999999 hors AMM, I997001 AMM miroir', async () => {
    const out = await read(
      atihMoFormat,
      cp1252([
        HEADER,
        `${APHM};2025;1;9391234;KEYTRUDA 25 mg/ml;I001234;10;26\u00a0500,00 €`, // referenced indication
        `${APHM};2025;1;9391234;KEYTRUDA 25 mg/ml;I999;2,5;6 625,00 €`, // hors AMM, fractional UCD
        `${APHM};2025;2;3400893912345;AVASTIN 25 mg/ml;I999999;4;1 200,25`, // hors AMM, long form, 13-digit UCD
        `${APHM};2025;2;9400001;RITUXIMAB;I997001;3;900`, // AMM miroir
        `${IPC};2025;;9400001;Rituximab – biosimilaire;i999;1;300,5`, // lower-case code, whole year (empty month)
      ]),
      { year: 2025, establishments: KNOWN },
    );
    expect(out.list).toEqual([]);
    expect(out.rowsAccepted).toBe(5);
    expect(facts(out.output)).toEqual<MoFact[]>([
      // January: 10 + 2,5 UCD, of which 2,5 I999; 26 500 + 6 625 €.
      { region: 'PACA', finess: APHM, level: 'site', year: 2025, month: 1, totalUcd: 12.5, totalAmount: 33_125, i999Ucd: 2.5, i999Amount: 6_625, i997Ucd: 0, lines: 2, anomalies: NO_ANOMALY, ucdCosts: [], i999ByUcd: [{ ucd: '9391234', units: 2.5, lines: 1 }], source: SOURCE, replaced: [] },
      // February: 4 (I999999) + 3 (I997001) UCD; 1 200,25 + 900 €.
      { region: 'PACA', finess: APHM, level: 'site', year: 2025, month: 2, totalUcd: 7, totalAmount: 2_100.25, i999Ucd: 4, i999Amount: 1_200.25, i997Ucd: 3, lines: 2, anomalies: NO_ANOMALY, ucdCosts: [], i999ByUcd: [{ ucd: '3400893912345', units: 4, lines: 1 }], source: SOURCE, replaced: [] },
      { region: 'PACA', finess: IPC, level: 'site', year: 2025, month: null, totalUcd: 1, totalAmount: 300.5, i999Ucd: 1, i999Amount: 300.5, i997Ucd: 0, lines: 1, anomalies: NO_ANOMALY, ucdCosts: [], i999ByUcd: [{ ucd: '9400001', units: 1, lines: 1 }], source: SOURCE, replaced: [] },
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
    expect(perSite(facts(out.output))).toEqual([[APHM, { totalUcd: 10, totalAmount: 1000, i999Ucd: 2, i999Amount: 200, i997Ucd: 0, lines: 2 }]]);
  });

  it('missing or malformed indication codes are coding anomalies: counted in the totals, listed, the file accepted', async () => {
    const out = await read(
      atihMoFormat,
      cp1252([
        HEADER,
        `${APHM};2025;1;9391234;;I999;2;200`,
        `${APHM};2025;1;9391234;;;5;500`, // line 3: no indication
        `${APHM};2025;1;9391234;;999;3;300`, // line 4: no I
        `${APHM};2025;1;9391234;;I99X;1;100`, // line 5: letters
      ]),
      { year: 2025, establishments: KNOWN },
    );
    expect(where(out.list)).toEqual(['warning coding-anomaly@3:code_indication', 'warning coding-anomaly@4:code_indication', 'warning coding-anomaly@5:code_indication']);
    expect(out.list[1]!.message).toBe('Anomalie de codage dans la colonne « code_indication » (« 999 ») : code indication mal formé (« I » suivi de 3 à 6 chiffres attendu).');
    const [january] = facts(out.output);
    expect(january).toMatchObject({
      totalUcd: 11, // 2 + 5 + 3 + 1: every dispensed UCD counts
      i999Ucd: 2,
      anomalies: { missingIndication: { lines: 1, ucd: 5 }, invalidIndication: { lines: 2, ucd: 4, examples: ['999', 'I99X'] }, invalidUcd: { lines: 0, ucd: 0, examples: [] } },
    });
  });

  it('a row of another year than the drop folder is refused: period-outside-campaign', async () => {
    const out = await read(atihMoFormat, cp1252([HEADER, `${APHM};2025;1;9391234;;I999;2;200`, `${APHM};2024;12;9391234;;I999;2;200`]), {
      year: 2025,
      establishments: KNOWN,
    });
    expect(where(out.list)).toEqual(['error period-outside-campaign@3:annee']);
    expect(out.list[0]!.message).toBe('Période « 2024 » hors de la campagne : ce fichier est déposé dans atih/2025/.');
    expect(out.output).toBeNull();
  });

  it('a year given both whole and by month for one FINESS is refused: it would be counted twice', async () => {
    const out = await read(atihMoFormat, cp1252([HEADER, `${APHM};2025;1;9391234;;I999;2;200`, `${APHM};2025;;9391234;;I999;2;200`]), {
      year: 2025,
      establishments: KNOWN,
    });
    expect(where(out.list)).toEqual(['error inconsistent-value@null:mois']);
    expect(out.output).toBeNull();
  });

  it('missing column → missing-column row 1', async () => {
    const out = await read(atihMoFormat, cp1252(['finess;annee;ucd;code_indication;nb_ucd', `${APHM};2025;9391234;I999;2`]), { year: 2025, establishments: KNOWN });
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
        `${APHM};2025;1;9391234;;I999;-1;100`, // line 6: negative count
        `130786048;2025;1;9391234;;I999;1;100`, // line 7: bad key
        `${APHM};2025;1;9391234;;I999;1;`, // line 8: no amount
      ]),
      { year: 2025, establishments: KNOWN },
    );
    expect(where(out.list)).toEqual([
      'error type-error@3:nb_ucd',
      'error type-error@4:mois',
      'error type-error@5:ucd',
      'error type-error@6:nb_ucd',
      'error invalid-finess@7:finess',
      'error missing-value@8:montant',
    ]);
    expect(out.list[0]).toMatchObject({ value: 'trois', message: 'Valeur « trois » invalide dans la colonne « nb_ucd » : nombre positif ou nul attendu.' });
    expect(out.output).toBeNull();
    expect(out.rowsAccepted).toBe(1);
  });

  it('a FINESS that lost its leading zero in Excel is given it back when its key is valid', async () => {
    const nice = '060002011'; // Nice, département 06
    const out = await read(atihMoFormat, cp1252([HEADER, `60002011;2025;1;9391234;;I999;2;200`]), { year: 2025, establishments: referential(nice) });
    expect(out.list).toEqual([]);
    expect(facts(out.output).map((f) => f.finess)).toEqual([nice]);
  });

  it('extra column → warning, file accepted', async () => {
    const out = await read(atihMoFormat, cp1252([`${HEADER};GHM`, `${APHM};2025;1;9391234;;I999;2;200;28Z07Z`]), { year: 2025, establishments: KNOWN });
    expect(where(out.list)).toEqual(['warning extra-column@1:GHM']);
    expect(facts(out.output)).toHaveLength(1);
  });

  it('property: shuffling the data rows gives the same aggregates', async () => {
    const FINESS = [APHM, IPC, '2A0000014'];
    const CODES = ['I999', 'I999999', 'I997', 'I997001', 'I001234', 'I000042'];
    const line = fc
      .record({
        finess: fc.constantFrom(...FINESS),
        month: fc.integer({ min: 1, max: 12 }),
        code: fc.constantFrom(...CODES),
        quarterUcd: fc.integer({ min: 0, max: 40_000 }),
        cents: fc.integer({ min: 0, max: 99_999_999 }),
      })
      .map((r) => {
        const ucd = `${Math.floor(r.quarterUcd / 4)},${String((r.quarterUcd % 4) * 25).padStart(2, '0')}`;
        const amount = `${Math.floor(r.cents / 100)},${String(r.cents % 100).padStart(2, '0')} €`;
        return `${r.finess};2025;${r.month};9391234;;${r.code};${ucd};${amount}`;
      });
    const lines = fc.array(line, { minLength: 1, maxLength: 40 });
    const known = referential(...FINESS);

    await fc.assert(
      fc.asyncProperty(
        lines.chain((ls) => fc.tuple(fc.constant(ls), fc.shuffledSubarray(ls, { minLength: ls.length, maxLength: ls.length }))),
        async ([original, shuffled]) => {
          const a = perSite(facts((await read(atihMoFormat, cp1252([HEADER, ...original]), { year: 2025, establishments: known })).output));
          const b = perSite(facts((await read(atihMoFormat, cp1252([HEADER, ...shuffled]), { year: 2025, establishments: known })).output));
          expect(a.length).toBeGreaterThan(0);
          expect(b.map(([f, x]) => [f, x.lines])).toEqual(a.map(([f, x]) => [f, x.lines]));
          a.forEach(([, x], i) => {
            const [, y] = b[i]!;
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

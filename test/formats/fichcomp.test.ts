/**
 * PMSI stay-level files (FICHCOMP medicines and DMI) in their published column names, and the proof
 * that a stay-level file and its aggregated form give the same MO indicators.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withFinessKey } from '../../lib/domain/finess';
import { computeIndicators } from '../../lib/domain/indicators';
import type { DmiFact, Establishment, MoFact } from '../../lib/domain/schemas';
import { atihMoFormat } from '../../lib/formats/kinds/atih-mo';
import { fichcompDmiFormat } from '../../lib/formats/kinds/fichcomp-dmi';
import { fichcompMedFormat } from '../../lib/formats/kinds/fichcomp-med';
import { cp1252, read, where } from './helpers';

const A = withFinessKey('13000101');
const B = withFinessKey('13000102');
const JURIDIQUE = withFinessKey('13000100');
const C = withFinessKey('83000201');
const site = (finess: string, finessJuridique: string, contrat: string): [string, Establishment] => [
  finess,
  { finess, finessJuridique, raisonSociale: finess, region: 'PACA', categorie: 'ex-DG', contrat, emails: [] },
];
// A and B: two sites of one legal entity and one contract; C alone.
const KNOWN = new Map([site(A, JURIDIQUE, 'GHT'), site(B, JURIDIQUE, 'GHT'), site(C, withFinessKey('83000200'), 'C2')]);
const MED_HEADER = 'ETA_NUM;RSA_NUM;ANN;MOI;DAT_ADM_ANN;ADM_MOIS;UCD_UCD_COD;COD_LES;ADM_NBR;ADM_NBR_PRI';

const mo = (output: unknown) => (output as { facts: MoFact[]; notes?: string[] });

describe('fichcomp-med: one line per dispensation', () => {
  it('sums per establishment and month: fractional units with a decimal comma, 7-digit UCD padded to 13, I999 / I997', async () => {
    const out = await read(
      fichcompMedFormat,
      cp1252([
        MED_HEADER,
        `${C};0000001;2025;3;2025;3;0000009391234;I999999;1,5;1 326,30`,
        `${C};0000001;2025;3;2025;3;3400893826631;I997001;2;1 746,80`,
        `${C};0000002;2025;3;2025;3;3400893826631;I000125;0,25;218,35`,
      ]),
      { year: 2025, establishments: KNOWN },
    );
    expect(out.list).toEqual([]);
    expect(mo(out.output).facts).toEqual([
      expect.objectContaining({
        finess: C,
        level: 'site',
        month: 3,
        totalUcd: 3.75, // 1,5 + 2 + 0,25
        i999Ucd: 1.5,
        i997Ucd: 2,
        lines: 3,
      }),
    ]);
    const [fact] = mo(out.output).facts;
    expect(fact!.totalAmount).toBeCloseTo(3291.45, 2);
    // Per UCD: the 7-digit code read from its 13-character form; 1 746,80 + 218,35 for the other.
    expect(fact!.ucdCosts.map((c) => [c.ucd, c.units])).toEqual([
      ['9391234', 1.5],
      ['3400893826631', 2.25],
    ]);
    expect(fact!.ucdCosts[1]!.amount).toBeCloseTo(1965.15, 2);
  });

  it('an ETA_NUM that is the FINESS juridique of two sites is kept for the entity, and the report says so', async () => {
    const out = await read(fichcompMedFormat, cp1252([MED_HEADER, `${JURIDIQUE};1;2025;1;;;9391234;I999;2;200`]), { year: 2025, establishments: KNOWN });
    expect(mo(out.output).facts).toEqual([expect.objectContaining({ finess: JURIDIQUE, level: 'entity', totalUcd: 2 })]);
    expect(mo(out.output).notes).toEqual([
      `ETA_NUM ${JURIDIQUE} est le FINESS juridique de 2 sites : ses lignes sont comptées pour l’entité, donc pour son contrat, sans être réparties entre les sites.`,
    ]);
  });

  it('empty or malformed COD_LES and unknown UCD are coding anomalies, kept in the totals; another year is refused', async () => {
    const out = await read(
      fichcompMedFormat,
      cp1252([MED_HEADER, `${C};1;2025;1;;;9391234;;2;200`, `${C};1;2025;1;;;93912;I999;1;100`, `${C};1;2024;12;;;9391234;I999;1;100`]),
      { year: 2025, establishments: KNOWN },
    );
    expect(where(out.list)).toEqual(['warning coding-anomaly@2:cod_les', 'warning coding-anomaly@3:ucd_ucd_cod', 'error period-outside-campaign@4:ann']);
    expect(out.list[1]!.message).toBe('Anomalie de codage dans la colonne « ucd_ucd_cod » (« 93912 ») : code UCD inconnu (7 chiffres, ou 13 commençant par 340093 ou 340089).');
  });

  it('property: a stay-level file and its aggregated mo-*.csv form give identical MO indicators', async () => {
    const line = fc.record({
      finess: fc.constantFrom(A, B, C, JURIDIQUE),
      month: fc.integer({ min: 1, max: 12 }),
      ucd: fc.constantFrom('9391234', '3400893826631', '9400001'),
      code: fc.constantFrom('I999', 'I999999', 'I997001', 'I000125', 'I000487'),
      quarters: fc.integer({ min: 1, max: 400 }),
      cents: fc.integer({ min: 0, max: 5_000_000 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 60 }), async (stays) => {
        const units = (q: number) => (q / 4).toFixed(2).replace('.', ',');
        const euros = (c: number) => (c / 100).toFixed(2).replace('.', ',');
        const stayLevel = [MED_HEADER, ...stays.map((s, i) => `${s.finess};${i};2025;${s.month};;;${s.ucd};${s.code};${units(s.quarters)};${euros(s.cents)}`)];
        // The aggregated form: one row per establishment, month, UCD and indication, as ATIH publishes it.
        const groups = new Map<string, { finess: string; month: number; ucd: string; code: string; quarters: number; cents: number }>();
        for (const s of stays) {
          const id = `${s.finess}#${s.month}#${s.ucd}#${s.code}`;
          const g = groups.get(id) ?? { ...s, quarters: 0, cents: 0 };
          g.quarters += s.quarters;
          g.cents += s.cents;
          groups.set(id, g);
        }
        const aggregated = ['finess;annee;mois;ucd;code_indication;nb_ucd;montant', ...[...groups.values()].map((g) => `${g.finess};2025;${g.month};${g.ucd};${g.code};${units(g.quarters)};${euros(g.cents)}`)];
        // The aggregated extract names sites only: the entity's lines go to a site there, so compare
        // on sites A, B and C after moving the entity's lines to A in both forms.
        const toSite = (rows: string[]) => rows.map((r) => r.replace(JURIDIQUE, A));
        const fromStays = mo((await read(fichcompMedFormat, cp1252(toSite(stayLevel)), { year: 2025, establishments: KNOWN })).output).facts;
        const fromAggregate = mo((await read(atihMoFormat, cp1252(toSite(aggregated)), { year: 2025, establishments: KNOWN })).output).facts;
        const indicators = (facts: MoFact[]) =>
          computeIndicators(
            {
              region: 'PACA',
              year: 2025,
              today: '2026-01-01',
              establishments: [...KNOWN.values()],
              targetings: [A, B, C].map((f) => ({ year: 2025, finess: f, indicator: 'MO' as const })),
              objectives: [],
              deadlines: [],
              parameters: [],
              moFacts: facts,
              previousMoFacts: [],
              cpamFacts: [],
              previousCpamFacts: [],
              phmevFacts: [],
              previousPhmevFacts: [],
              evidence: [],
              dmiFacts: [],
            },
            ['MO'],
          ).map((r) => ({ id: r.finess ?? r.contrat, status: r.status, numerator: r.numerator, denominator: r.denominator, value: r.value, total: r.amounts?.total ?? null }));
        const a = indicators(fromStays);
        const b = indicators(fromAggregate);
        expect(a.map((r) => [r.id, r.status])).toEqual(b.map((r) => [r.id, r.status]));
        a.forEach((r, i) => {
          const o = b[i]!;
          for (const k of ['numerator', 'denominator', 'value', 'total'] as const) {
            if (r[k] === null) expect(o[k]).toBeNull();
            else expect(o[k]).toBeCloseTo(r[k] as number, 6);
          }
        });
      }),
      { numRuns: 40 },
    );
  });
});

describe('fichcomp-dmi: one line per implant', () => {
  it('sums implants and their cost per establishment and year; the LPP code’s leading blank is read away', async () => {
    const out = await read(
      fichcompDmiFormat,
      cp1252([
        'ETA_NUM;RSA_NUM;ANN;MOI;LPP_COD;NBR_POS;NBR_POS_PRI;DAT_POS_ANN;MOI_POS',
        `${C};1;2025;2; 3110034;1;1 520,00;2025;2`,
        `${C};2;2025;5; 3110034;2;3 040,00;2025;5`,
        `${JURIDIQUE};3;2025;5; 3207017;4;812,40;2025;5`,
        `${C};4;2025;6;31100;1;10;2025;6`,
      ]),
      { year: 2025, establishments: KNOWN },
    );
    expect(where(out.list)).toEqual(['warning coding-anomaly@5:lpp_cod']);
    const facts = (out.output as { facts: DmiFact[] }).facts;
    // C: 1 + 2 + 1 implants, 1 520 + 3 040 + 10 €.
    expect(facts).toEqual([
      expect.objectContaining({ finess: C, level: 'site', implants: 4, cost: 4570, lines: 3 }),
      expect.objectContaining({ finess: JURIDIQUE, level: 'entity', implants: 4, cost: 812.4, lines: 1 }),
    ]);
  });
});

/**
 * The share of hors-AMM prescriptions argued, measured against what ATIH says was prescribed.
 * Seed 000 (webinar of 04/02/2026): "100% prescriptions hors AMM argumentées : AMM Miroir (I997) à
 * préciser ou exclure". Hand-computed figures next to each case.
 */
import { describe, expect, it } from 'vitest';
import { argumentationCoverage, arguedComponent, campaignMonths, coverageNote, type Owned } from '../../lib/domain/mo-argumentation';
import type { EvidenceRecord, EvidenceSummary, MoFact } from '../../lib/domain/schemas';

const A = '130786049';
const B = '130001647';
const X = '9391234';
const Y = '9400001';
const Z = '9412631';
const W = '9999990';

function fact(finess: string, month: number | null, perUcd: [string, number, number][]): Owned<MoFact> {
  const i999 = perUcd.reduce((a, [, units]) => a + units, 0);
  return {
    owner: finess,
    item: {
      region: 'PACA',
      finess,
      level: 'site',
      year: 2025,
      month,
      totalUcd: i999 * 10,
      totalAmount: 0,
      i999Ucd: i999,
      i999Amount: 0,
      i997Ucd: 0,
      lines: perUcd.length,
      anomalies: { missingIndication: { lines: 0, ucd: 0 }, invalidIndication: { lines: 0, ucd: 0, examples: [] }, invalidUcd: { lines: 0, ucd: 0, examples: [] } },
      ucdCosts: [],
      i999ByUcd: perUcd.map(([ucd, units, lines]) => ({ ucd, units, lines })),
      source: { key: 'atih/2025/mo.csv', version: 'v1' },
      replaced: [],
    },
  };
}

type Line = { ucd: string; units: number; argued: boolean; miroir?: string; excluded?: string | null };

function argumentation(finess: string, campaign: string, lines: Line[]): Owned<EvidenceRecord> {
  const byUcd = new Map<string, { ucd: string; lines: number; units: number; arguedLines: number; arguedUnits: number }>();
  for (const l of lines) {
    const u = byUcd.get(l.ucd) ?? { ucd: l.ucd, lines: 0, units: 0, arguedLines: 0, arguedUnits: 0 };
    u.lines++;
    u.units += l.units;
    if (l.argued) {
      u.arguedLines++;
      u.arguedUnits += l.units;
    }
    byUcd.set(l.ucd, u);
  }
  const summary: EvidenceSummary = {
    type: 'argumentaire',
    lines: lines.length,
    argued: lines.filter((l) => l.argued).length,
    ucd: lines.reduce((a, l) => a + l.units, 0),
    arguedUcd: lines.filter((l) => l.argued).reduce((a, l) => a + l.units, 0),
    byUcd: [...byUcd.values()],
    ammMiroirLines: lines.filter((l) => l.miroir).length,
    excludedLines: lines.filter((l) => l.excluded !== undefined).length,
    ammMiroir: lines.filter((l) => l.miroir).map((l) => ({ ucd: l.ucd, code: l.miroir as string })),
    exclusions: lines.filter((l) => l.excluded !== undefined).map((l) => ({ ucd: l.ucd, reason: l.excluded ?? null })),
  };
  return {
    owner: finess,
    item: {
      region: 'PACA',
      campaign,
      finess,
      kind: 'argumentaire_hors_amm',
      fileName: 'argumentaire.xlsx',
      receivedAt: '2026-03-01T09:00:00.000Z',
      status: 'accepted',
      errorCount: 0,
      firstError: null,
      reportKey: 'reports/x.json',
      order: '2026-03-01T09:00:00.000Z|1|e',
      summary,
      source: { key: `evidence/${campaign}/${finess}/argumentaire_hors_amm/a.xlsx`, version: 'v1' },
    },
  };
}

describe('the semester of a campaign (S1 = months 1-6, S2 = 7-12, a whole-year campaign = 12 months)', () => {
  it('gives the months each campaign covers', () => {
    expect(campaignMonths('2025-S1')).toEqual([1, 2, 3, 4, 5, 6]);
    expect(campaignMonths('2025-S2')).toEqual([7, 8, 9, 10, 11, 12]);
    expect(campaignMonths('2025')).toHaveLength(12);
  });
});

describe('"100% prescriptions hors AMM argumentées": the denominator is ATIH’s I999 of the semester, per UCD', () => {
  // ATIH, S2 2025 for A: X 6 UCD in July (2 lines) + 4 in September (1 line), Y 5 (1 line), Z 5 (1 line)
  // = 20 UCD on 3 codes, 5 lines. March (S1) has 100 UCD of X that the S2 campaign does not count.
  const atih = [fact(A, 3, [[X, 100, 9]]), fact(A, 7, [[X, 6, 2], [Y, 5, 1]]), fact(A, 9, [[X, 4, 1], [Z, 5, 1]])];

  it('3 I999 UCD in the semester, the file lists only 1: 10 of 20 UCD = 50 %, not 100 %, and the two left are listed', () => {
    const c = argumentationCoverage(['2025-S2'], atih, [argumentation(A, '2025-S2', [{ ucd: X, units: 10, argued: true }])]);
    expect(c).toMatchObject({
      prescribed: { units: 20, lines: 5, codes: 3 },
      covered: { units: 10, codes: 1 },
      notArgued: [
        { campaign: '2025-S2', ucd: Y, units: 5 },
        { campaign: '2025-S2', ucd: Z, units: 5 },
      ],
      notInAtih: [],
      withoutData: [],
    });
    const part = arguedComponent(c, false);
    expect(part).toMatchObject({ numerator: 10, denominator: 20, value: 50, status: 'not_met' });
    expect(arguedComponent(c, true).status).toBe('pending');
  });

  it('units argued are capped at the units prescribed: 15 argued on X against 10 prescribed cover 10, not 15', () => {
    const c = argumentationCoverage(['2025-S2'], atih, [
      argumentation(A, '2025-S2', [
        { ucd: X, units: 15, argued: true },
        { ucd: Y, units: 5, argued: true },
        { ucd: Z, units: 5, argued: true },
      ]),
    ]);
    expect(c).toMatchObject({ prescribed: { units: 20, codes: 3 }, covered: { units: 20, codes: 3 }, notArgued: [] });
    expect(arguedComponent(c, false)).toMatchObject({ value: 100, status: 'met' });
  });

  it('a UCD argued that ATIH does not show is a warning (coding or FINESS mismatch), not credit', () => {
    const c = argumentationCoverage(['2025-S2'], atih, [
      argumentation(A, '2025-S2', [
        { ucd: X, units: 10, argued: true },
        { ucd: W, units: 7, argued: true },
      ]),
    ]);
    expect(c.covered.units).toBe(10);
    expect(c.notInAtih).toEqual([{ campaign: '2025-S2', ucd: W, units: 7 }]);
    expect(coverageNote(c)).toBe(
      '10 UCD argumentées sur 20 UCD codées I999 selon l’ATIH (1 code(s) UCD sur 3) ; ' +
        'UCD prescrites hors AMM non argumentées : 9400001 (5 UCD), 9412631 (5 UCD) ; ' +
        'UCD argumentées absentes des données ATIH (codage PMSI ou FINESS à vérifier) : 9999990 (7 UCD)',
    );
  });

  it('a line listed without its argumentation covers nothing, whatever its AMM miroir or exclusion', () => {
    const c = argumentationCoverage(['2025-S2'], atih, [
      argumentation(A, '2025-S2', [
        { ucd: X, units: 10, argued: false, miroir: 'I997001' },
        { ucd: Y, units: 5, argued: false, excluded: null },
      ]),
    ]);
    expect(c.covered.units).toBe(0);
    expect(arguedComponent(c, false)).toMatchObject({ value: 0, status: 'not_met' });
  });

  it('"AMM Miroir (I997) à préciser ou exclure": counted and listed, never a condition for a real argument to count', () => {
    const c = argumentationCoverage(['2025-S2'], atih, [
      argumentation(A, '2025-S2', [
        { ucd: X, units: 10, argued: true, miroir: 'I997001' }, // a coding correction to make in the PMSI
        { ucd: Y, units: 5, argued: true, excluded: 'Essai clinique, hors périmètre' },
        { ucd: Z, units: 5, argued: true }, // PNDS / RCP decision alone: argued
      ]),
    ]);
    expect(c).toMatchObject({
      covered: { units: 20, codes: 3 },
      ammMiroir: { lines: 1, items: [{ campaign: '2025-S2', ucd: X, code: 'I997001' }] },
      exclusions: { lines: 1, items: [{ campaign: '2025-S2', ucd: Y, reason: 'Essai clinique, hors périmètre' }] },
    });
    expect(arguedComponent(c, false)).toMatchObject({ value: 100, status: 'met' });
    expect(coverageNote(c)).toBe(
      '20 UCD argumentées sur 20 UCD codées I999 selon l’ATIH (3 code(s) UCD sur 3) ; ' +
        '1 ligne(s) déclarée(s) AMM miroir : codage I997 à corriger dans le PMSI ; 1 ligne(s) déclarée(s) exclue(s)',
    );
  });

  it('a 13-digit UCD (340093 + the 7 digits) in ATIH matches its 7-digit form in the argumentation', () => {
    const c = argumentationCoverage(['2025-S2'], [fact(A, 8, [[`340093${X}`, 4, 1]])], [argumentation(A, '2025-S2', [{ ucd: X, units: 4, argued: true }])]);
    expect(c).toMatchObject({ covered: { units: 4, codes: 1 }, notArgued: [], notInAtih: [] });
  });

  it('one site’s argumentation never covers another’s prescriptions', () => {
    const c = argumentationCoverage(['2025-S2'], [fact(A, 8, [[X, 4, 1]]), fact(B, 8, [[X, 6, 1]])], [argumentation(A, '2025-S2', [{ ucd: X, units: 10, argued: true }])]);
    // A: 4 of 4 covered (capped); B: 0 of 6.
    expect(c).toMatchObject({ prescribed: { units: 10, codes: 2 }, covered: { units: 4, codes: 1 }, notArgued: [{ ucd: X, units: 6 }] });
  });
});

describe('"Sans données ATIH pour le semestre": no data, never 100 %', () => {
  it('no ATIH line in the semester: no_data with that reason', () => {
    const c = argumentationCoverage(['2025-S2'], [fact(A, 3, [[X, 10, 1]])], [argumentation(A, '2025-S2', [{ ucd: X, units: 10, argued: true }])]);
    expect(c.withoutData).toEqual([{ campaign: '2025-S2', reason: 'aucune donnée ATIH pour S2 2025' }]);
    expect(arguedComponent(c, false)).toMatchObject({ numerator: null, denominator: null, value: null, status: 'no_data', note: 'S2 2025 : aucune donnée ATIH pour S2 2025' });
  });

  it('a year given whole, without months, cannot be split into semesters', () => {
    const c = argumentationCoverage(['2025-S2'], [fact(A, null, [[X, 10, 1]])], []);
    expect(c.withoutData[0]?.reason).toBe('données ATIH 2025 reçues pour l’année entière, sans mois : le semestre ne peut pas être isolé');
    // …but answers a whole-year campaign.
    expect(argumentationCoverage(['2025'], [fact(A, null, [[X, 10, 1]])], []).prescribed.units).toBe(10);
  });

  it('one semester measured, the other without data: the figures shown, the part not met and still no data', () => {
    const c = argumentationCoverage(['2025-S1', '2025-S2'], [fact(A, 3, [[X, 10, 1]])], [argumentation(A, '2025-S1', [{ ucd: X, units: 10, argued: true }])]);
    expect(arguedComponent(c, false)).toMatchObject({ value: 100, status: 'no_data' });
  });

  it('facts stored before the per-UCD detail: asked again, not counted as nothing prescribed', () => {
    const old = fact(A, 8, []);
    old.item.i999Ucd = 12;
    const c = argumentationCoverage(['2025-S2'], [old], []);
    expect(c.withoutData[0]?.reason).toBe('extrait ATIH reçu sans le détail des UCD hors AMM : à déposer de nouveau');
  });

  it('data and no I999 prescription in the semester: nothing to argue, 100 %', () => {
    const c = argumentationCoverage(['2025-S2'], [fact(A, 8, [])], []);
    expect(arguedComponent(c, false)).toMatchObject({ numerator: 0, denominator: 0, value: 100, status: 'met' });
  });
});

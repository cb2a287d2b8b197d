/**
 * The parts of the MO indicator a pharmacist reads beside its rate: lines argued, initiations,
 * coding anomalies, a valued total that jumped, costs per UCD far from the region's. Hand-computed
 * figures; written where mutation runs (npm run mutate) showed these parts had no assertion.
 */
import { describe, expect, it } from 'vitest';
import { amountJump, jumpFactor, moAnomalies, moComponents, moMeasure, regionMoTotals, sumMoMeasures, ucdCostAnomalies, type MoMeasure } from '../../lib/domain/mo';
import type { EvidenceRecord, EvidenceSummary, MoFact } from '../../lib/domain/schemas';

const A = '130780018';
const B = '130780026';

function fact(finess: string, over: Partial<MoFact> = {}): MoFact {
  return {
    region: 'PACA',
    finess,
    level: 'site',
    year: 2025,
    month: null,
    totalUcd: 100,
    i999Ucd: 10,
    totalAmount: 10_000,
    i999Amount: 1_000,
    i997Ucd: 0,
    lines: 1,
    anomalies: { missingIndication: { lines: 0, ucd: 0 }, invalidIndication: { lines: 0, ucd: 0, examples: [] }, invalidUcd: { lines: 0, ucd: 0, examples: [] } },
    ucdCosts: [],
    i999ByUcd: [],
    source: { key: `atih/2025/mo-${finess}.csv`, version: 'v1' },
    replaced: [],
    ...over,
  };
}

function evidence(finess: string, summary: EvidenceSummary, key: string): EvidenceRecord {
  return {
    region: 'PACA',
    campaign: '2025-S2',
    finess,
    kind: summary.type === 'argumentaire' ? 'argumentaire_hors_amm' : 'recueil_initiations',
    fileName: key.split('/').pop()!,
    receivedAt: '2026-02-01T10:00:00.000Z',
    status: 'accepted',
    errorCount: 0,
    firstError: null,
    reportKey: `reports/${key}/x.json`,
    order: '2026-02-01T10:00:00.000Z|1|e',
    summary,
    source: { key, version: 'v1' },
  };
}

/** An argumentation summary whose lines all bear on one UCD, one unit each. */
const arg = (lines: number, argued: number): Extract<EvidenceSummary, { type: 'argumentaire' }> => ({
  type: 'argumentaire',
  lines,
  argued,
  ucd: lines,
  arguedUcd: argued,
  byUcd: [{ ucd: '9391234', lines, units: lines, arguedLines: argued, arguedUnits: argued }],
  ammMiroirLines: 0,
  excludedLines: 0,
  ammMiroir: [],
  exclusions: [],
});

const anomalies = (missing: [number, number], invalid: [number, number, string[]], ucd: [number, number, string[]]): MoFact['anomalies'] => ({
  missingIndication: { lines: missing[0], ucd: missing[1] },
  invalidIndication: { lines: invalid[0], ucd: invalid[1], examples: invalid[2] },
  invalidUcd: { lines: ucd[0], ucd: ucd[1], examples: ucd[2] },
});

describe('moMeasure: one site', () => {
  it('sums the months and their anomalies (each example once), keeps the argumentations, sums the initiation collections', () => {
    const m = moMeasure(
      [
        fact(A, { month: 1, totalUcd: 60, i999Ucd: 6, totalAmount: 600, i999Amount: 60, anomalies: anomalies([1, 4], [2, 5, ['X12', 'I9']], [1, 3, ['12345']]) }),
        fact(A, { month: 2, totalUcd: 40, i999Ucd: 3, totalAmount: 400, i999Amount: 30, anomalies: anomalies([2, 6], [1, 2, ['I9', 'Z']], [2, 4, ['12345', '999']]) }),
      ],
      [
        evidence(A, arg(8, 6), 'evidence/2025-S1/a/arg.csv'),
        evidence(A, arg(4, 4), 'evidence/2025-S2/a/arg.csv'),
        evidence(A, { type: 'initiations', initiations: 3, patients: 2, byDci: [] }, 'evidence/2025-S2/a/init.csv'),
      ],
      A,
    );
    expect(m).toMatchObject({
      totalUcd: 100,
      i999Ucd: 9,
      totalAmount: 1000,
      i999Amount: 90,
      facts: 2,
      initiations: { initiations: 3, patients: 2 },
      missingIndication: { lines: 3, ucd: 10 },
      invalidIndication: { lines: 3, ucd: 7, examples: ['X12', 'I9', 'Z'] },
      invalidUcd: { lines: 3, ucd: 7, examples: ['12345', '999'] },
    });
    expect(m.argumentations.map((a) => [a.owner, a.item.source.key])).toEqual([
      [A, 'evidence/2025-S1/a/arg.csv'],
      [A, 'evidence/2025-S2/a/arg.csv'],
    ]);
    expect(m.atih.map((f) => [f.owner, f.item.month])).toEqual([
      [A, 1],
      [A, 2],
    ]);
    // The extract once (same key and version for both months), each evidence file once.
    expect(m.inputs.map((i) => i.key).sort()).toEqual(['atih/2025/mo-130780018.csv', 'evidence/2025-S1/a/arg.csv', 'evidence/2025-S2/a/arg.csv', 'evidence/2025-S2/a/init.csv']);
  });

  it('has no argumentation and no initiations when none was accepted, and no data without facts', () => {
    const m = moMeasure([], []);
    expect(m).toMatchObject({ facts: 0, atih: [], argumentations: [], initiations: null, totalUcd: 0, inputs: [] });
  });
});

describe('sumMoMeasures: a contract', () => {
  const a = moMeasure([fact(A, { anomalies: anomalies([1, 1], [1, 1, ['X1', 'X2', 'X3']], [1, 2, ['1']]) })], [
    evidence(A, arg(10, 7), 'evidence/2025-S2/a/arg.csv'),
  ], A);
  const b = moMeasure([fact(B, { totalUcd: 300, i999Ucd: 90, anomalies: anomalies([2, 5], [2, 3, ['X3', 'X4', 'X5', 'X6']], [2, 3, ['1', '22']]) })], [
    evidence(B, { type: 'initiations', initiations: 5, patients: 4, byDci: [] }, 'evidence/2025-S2/b/init.csv'),
  ], B);

  it('sums numerators, denominators, argued lines, initiations and anomalies of its sites', () => {
    expect(sumMoMeasures([a, b])).toMatchObject({
      totalUcd: 400,
      i999Ucd: 100,
      facts: 2,
      initiations: { initiations: 5, patients: 4 },
      missingIndication: { lines: 3, ucd: 6 },
      invalidIndication: { lines: 3, ucd: 4, examples: ['X1', 'X2', 'X3', 'X4', 'X5'] },
      invalidUcd: { lines: 3, ucd: 5, examples: ['1', '22'] },
    });
  });

  it('adds both sites’ argumentations and collections when both have one', () => {
    const withBoth = moMeasure([fact(B)], [
      evidence(B, arg(5, 5), 'evidence/2025-S2/b/arg.csv'),
      evidence(B, { type: 'initiations', initiations: 1, patients: 1, byDci: [{ dci: 'Rituximab ', patients: 1 }] }, 'evidence/2025-S2/b/init.csv'),
    ], B);
    const a2 = { ...a, initiations: { initiations: 2, patients: 2, byDci: [{ dci: 'RITUXIMAB', patients: 2 }] } };
    const sum = sumMoMeasures([a2, withBoth]);
    expect(sum).toMatchObject({ initiations: { initiations: 3, patients: 3 } });
    // Patients per DCI added across sites, however the DCI was written: 2 + 1 for rituximab.
    expect(sum.initiations?.byDci).toEqual([{ dci: 'RITUXIMAB', patients: 3 }]);
    // Each site's argumentation stays its own, to be matched against its own ATIH lines.
    expect(sum.argumentations.map((x) => x.owner)).toEqual([A, B]);
  });

  it('has no argumentation when no site has one', () => {
    expect(sumMoMeasures([moMeasure([fact(A)], []), moMeasure([fact(B)], [])])).toMatchObject({ argumentations: [], initiations: null });
  });
});

describe('moComponents: the I999 share and the share argued', () => {
  const base: MoMeasure = moMeasure([fact(A, { totalUcd: 200, i999Ucd: 30 })], []);
  const target = { comparator: '<' as const, value: 20, source: 'default' as const };
  const part = (m: MoMeasure, open: boolean, t: typeof target | null = target) => moComponents(m, t, open, ['2025']);

  it('states the share, its target and whether it is met', () => {
    const [i999] = part(base, false);
    expect(i999).toEqual({ id: 'i999', label: 'Part des UCD codées I999 (hors AMM)', numerator: 30, denominator: 200, value: 15, unit: '%', target, status: 'met', note: null });
    expect(part(moMeasure([fact(A, { totalUcd: 100, i999Ucd: 25 })], []), false)[0]?.status).toBe('not_met');
    expect(part(base, false, null)[0]?.status).toBe('no_target');
  });

  it('without ATIH data: no value, no data, and says why; the share argued is no data too, never 100 %', () => {
    const [i999, argued] = part(moMeasure([], []), false);
    expect(i999).toMatchObject({ numerator: null, denominator: null, value: null, status: 'no_data', note: 'aucune donnée ATIH reçue' });
    expect(argued).toMatchObject({ value: null, status: 'no_data', note: 'l’année 2025 : aucune donnée ATIH pour l’année 2025' });
  });

  it('share argued: 30 I999 UCD prescribed on one UCD, 30 argued → 100 %, met; 20 → 66,7 %, pending while open, not met after', () => {
    const m = (argued: number) =>
      moMeasure([fact(A, { totalUcd: 200, i999Ucd: 30, i999ByUcd: [{ ucd: '9391234', units: 30, lines: 3 }] })], [
        { ...evidence(A, { ...arg(3, 3), byUcd: [{ ucd: '9391234', lines: 3, units: 30, arguedLines: 3, arguedUnits: argued }] }, 'evidence/2025/a/arg.csv'), campaign: '2025' },
      ], A);
    expect(part(m(30), false)[1]).toMatchObject({ id: 'argued', numerator: 30, denominator: 30, value: 100, unit: '%', target: { comparator: '>=', value: 100 }, status: 'met' });
    expect(part(m(20), true)[1]).toMatchObject({ numerator: 20, denominator: 30, status: 'pending' });
    expect(part(m(20), false)[1]).toMatchObject({ status: 'not_met' });
    expect(part(m(20), false)[1]!.value).toBeCloseTo(66.667, 3);
  });
});

describe('moAnomalies', () => {
  it('lists each coding anomaly with its lines, units and examples, in French', () => {
    const m = moMeasure([fact(A, { anomalies: anomalies([3, 1250], [2, 40, ['X12', 'I9']], [2, 7, ['12345', '99']]) })], []);
    expect(moAnomalies(m, null, 2025, 3)).toEqual([
      { code: 'missing-indication', message: '3 ligne(s) avec un code indication absent (1\u202f250 UCD)' },
      { code: 'invalid-indication', message: '2 ligne(s) avec un code indication mal formé (40 UCD ; ex. X12, I9)' },
      { code: 'invalid-ucd', message: '2 ligne(s) avec un code UCD inconnu (7 UCD ; ex. 12345, 99)' },
    ]);
  });

  it('flags a valued total that moved beyond the factor since the year before, and only then', () => {
    const m = moMeasure([fact(A, { totalAmount: 20_388_741 })], []);
    expect(moAnomalies(m, 568_154_183, 2024, 3)).toEqual([
      { code: 'amount-jump', message: 'montant total valorisé passé de 568\u202f154\u202f183 € en 2023 à 20\u202f388\u202f741 € en 2024 (÷27,9)' },
    ]);
    expect(moAnomalies(moMeasure([fact(A, { totalAmount: 25_000 })], []), 10_000, 2025, 3)).toEqual([]);
    expect(moAnomalies(moMeasure([fact(A, { totalAmount: 50_000 })], []), 10_000, 2025, 3)[0]?.message).toMatch(/\(×5,0\)$/);
    // No year before, or no facts this year: nothing to compare.
    expect(moAnomalies(m, null, 2024, 3)).toEqual([]);
    expect(moAnomalies(moMeasure([], []), 568_154_183, 2024, 3)).toEqual([]);
  });
});

describe('ucdCostAnomalies: cost per UCD against the region’s median', () => {
  const costs = (finess: string, ...perUcd: [string, number, number][]): MoFact => fact(finess, { ucdCosts: perUcd.map(([ucd, units, amount]) => ({ ucd, units, amount })) });
  // Unit costs of UCD 9412631 at four other sites: 100, 110, 120, 1000 → median (110 + 120) / 2 = 115.
  const region = [
    costs('060002011', ['9412631', 1, 1000], ['1234567', 0, 50]),
    costs('130780026', ['9412631', 10, 1000]),
    costs('840000101', ['9412631', 5, 400], ['9412631', 5, 800]),
    costs('830100012', ['9412631', 10, 1100]),
  ];

  it('flags a cost beyond the factor either way, with both figures in euros', () => {
    expect(ucdCostAnomalies([costs(A, ['9412631', 2, 800])], region, 3)).toEqual([
      { code: 'ucd-cost', message: 'coût par UCD de 400,00 € pour l’UCD 9412631, loin de la médiane régionale de 115,00 €' },
    ]);
    expect(ucdCostAnomalies([costs(A, ['9412631', 10, 300])], region, 3)).toEqual([
      { code: 'ucd-cost', message: 'coût par UCD de 30,00 € pour l’UCD 9412631, loin de la médiane régionale de 115,00 €' },
    ]);
  });

  it('keeps a cost within the factor, the factor itself included', () => {
    expect(ucdCostAnomalies([costs(A, ['9412631', 1, 345])], region, 3)).toEqual([]);
    expect(ucdCostAnomalies([costs(A, ['9412631', 3, 115])], region, 3)).toEqual([]);
    expect(ucdCostAnomalies([costs(A, ['9412631', 1, 200])], region, 3)).toEqual([]);
  });

  it('says nothing for a UCD dispensed in fewer than three establishments, or never with units', () => {
    expect(ucdCostAnomalies([costs(A, ['9412631', 1, 10_000])], region.slice(1, 3), 3)).toEqual([]);
    expect(ucdCostAnomalies([costs(A, ['9412631', 1, 10_000])], [...region.slice(1, 3), costs('750000001', ['7654321', 1, 5])], 3)).toEqual([]);
    expect(ucdCostAnomalies([costs(A, ['9412631', 1, 10_000])], region.slice(1), 3)).toHaveLength(1);
    expect(ucdCostAnomalies([costs(A, ['1234567', 1, 10_000])], region, 3)).toEqual([]);
    expect(ucdCostAnomalies([costs(A, ['9412631', 0, 10_000])], region, 3)).toEqual([]);
  });

  it('judges nothing against a median cost of zero', () => {
    const free = ['130780026', '830100012', '840000101'].map((f) => costs(f, ['9412631', 10, 0]));
    expect(ucdCostAnomalies([costs(A, ['9412631', 1, 5])], free, 3)).toEqual([]);
  });

  it('takes the middle value of an odd number of establishments', () => {
    expect(ucdCostAnomalies([costs(A, ['9412631', 1, 361])], region.slice(1), 3)).toEqual([
      { code: 'ucd-cost', message: 'coût par UCD de 361,00 € pour l’UCD 9412631, loin de la médiane régionale de 110,00 €' },
    ]);
  });
});

describe('amountJump and jumpFactor', () => {
  it('a change beyond the factor either way, never at the factor, never from or to nothing', () => {
    expect(amountJump(100, 301, 3)).toBeCloseTo(3.01);
    expect(amountJump(301, 100, 3)).toBeCloseTo(100 / 301);
    expect(amountJump(100, 300, 3)).toBeNull();
    expect(amountJump(300, 100, 3)).toBeNull();
    for (const [before, after] of [[null, 100], [100, null], [0, 100], [100, 0], [-5, 100], [100, -5]] as const) expect(amountJump(before, after, 3)).toBeNull();
  });

  it('reads as multiplied or divided', () => {
    expect(jumpFactor(5)).toBe('×5,0');
    expect(jumpFactor(1)).toBe('×1,0');
    expect(jumpFactor(0.25)).toBe('÷4,0');
  });
});

describe('regionMoTotals', () => {
  it('sums every amount of each year, years in order whatever the order of the facts', () => {
    const rows = regionMoTotals('PACA', [
      fact(A, { year: 2025, totalUcd: 10, i999Ucd: 1, totalAmount: 100, i999Amount: 10 }),
      fact(A, { year: 2024, totalUcd: 20, i999Ucd: 2, totalAmount: 200, i999Amount: 20 }),
      fact(B, { year: 2025, totalUcd: 30, i999Ucd: 3, totalAmount: 300, i999Amount: 30 }),
    ]);
    expect(rows.map((r) => [r.year, r.totalUcd, r.i999Ucd, r.totalAmount, r.i999Amount])).toEqual([
      [2024, 20, 2, 200, 20],
      [2025, 40, 4, 400, 40],
    ]);
  });
});

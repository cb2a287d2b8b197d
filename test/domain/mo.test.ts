import { describe, expect, it } from 'vitest';
import { computeIndicators } from '../../lib/domain/indicators';
import { i999Share, regionMoTotals } from '../../lib/domain/mo';
import { meetsTarget } from '../../lib/domain/targets';
import type { Establishment, EvidenceRecord, EvidenceSummary, IndicatorResult, MoFact, Objective, Targeting } from '../../lib/domain/schemas';

const UCD = '9391234';
const SRC = { key: 'atih/2025/mo-paca.csv', version: 'v1' };

function fact(region: string, finess: string, year: number, totalUcd: number, i999Ucd: number, over: Partial<MoFact> = {}): MoFact {
  return {
    region,
    finess,
    level: 'site',
    year,
    month: null,
    totalUcd,
    i999Ucd,
    totalAmount: totalUcd * 100,
    i999Amount: i999Ucd * 100,
    i997Ucd: 0,
    lines: 1,
    anomalies: { missingIndication: { lines: 0, ucd: 0 }, invalidIndication: { lines: 0, ucd: 0, examples: [] }, invalidUcd: { lines: 0, ucd: 0, examples: [] } },
    ucdCosts: [],
    i999ByUcd: i999Ucd > 0 ? [{ ucd: UCD, units: i999Ucd, lines: 1 }] : [],
    source: SRC,
    replaced: [],
    ...over,
  };
}

function site(finess: string, region: string, contrat: string, raisonSociale = `Site ${finess}`): Establishment {
  return { finess, finessJuridique: finess, raisonSociale, region, categorie: 'ex-DG', contrat, emails: [] };
}

const mo = (year: number, ...finess: string[]): Targeting[] => finess.map((f) => ({ year, finess: f, indicator: 'MO' }));
const obj = (region: string | null, finess: string | null, comparator: Objective['comparator'], target: number, year = 2025): Objective => ({
  year,
  indicator: 'MO',
  region,
  finess,
  comparator,
  target,
});
/** The ATIH files a result was computed from (the argumentations it read are listed beside them). */
const atihInputs = (r: IndicatorResult) => r.inputs.filter((i) => i.key.startsWith('atih/'));
const round1 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10) / 10);

/**
 * An argumentation of the year arguing every I999 unit of the fixtures' UCD, so that the I999 share
 * alone decides here (the share argued has its own tests: mo-argumentation.test.ts).
 */
function fullyArgued(region: string, year: number, finess: string): EvidenceRecord {
  const summary: EvidenceSummary = {
    type: 'argumentaire',
    lines: 1,
    argued: 1,
    ucd: 1e9,
    arguedUcd: 1e9,
    byUcd: [{ ucd: UCD, lines: 1, units: 1e9, arguedLines: 1, arguedUnits: 1e9 }],
    ammMiroirLines: 0,
    excludedLines: 0,
    ammMiroir: [],
    exclusions: [],
  };
  return {
    region,
    campaign: String(year),
    finess,
    kind: 'argumentaire_hors_amm',
    fileName: 'argumentaire.csv',
    receivedAt: `${year}-12-01T09:00:00.000Z`,
    status: 'accepted',
    errorCount: 0,
    firstError: null,
    reportKey: `reports/${finess}.json`,
    order: `${year}-12-01T09:00:00.000Z|${finess}|e`,
    summary,
    source: { key: `evidence/${year}/${finess}/argumentaire_hors_amm/a.csv`, version: 'v1' },
  };
}

/** The MO results of a region and year, with no calendar or parameters and every I999 unit argued: the I999 share alone decides. */
function computeMo(i: { region: string; year: number; establishments: Establishment[]; targetings: Targeting[]; objectives: Objective[]; facts: MoFact[] }): IndicatorResult[] {
  const evidence = i.establishments.map((e) => fullyArgued(e.region, i.year, e.finess));
  return computeIndicators(
    { ...i, today: '2026-01-15', deadlines: [], parameters: [], moFacts: i.facts, previousMoFacts: [], cpamFacts: [], previousCpamFacts: [], phmevFacts: [], previousPhmevFacts: [], evidence, dmiFacts: [] },
    ['MO'],
  );
}

describe('regionMoTotals reproduces the seed ATIH table (PACA, Corse, 2021-2024)', () => {
  // Seed 000, "Indicateur MO : Données 2021-2024": Nombre total d'UCD, Nombre d'UCD Hors-AMM, Hors-AMM/Total.
  const table = [
    // region, year, total UCD, hors-AMM UCD, printed share, share computed by hand (rounded to 1 decimal)
    { region: 'PACA', year: 2021, total: 496_871, i999: 76_308, printed: 15.3, rounded: 15.4 }, // 76308/496871 = 15.3577 %
    { region: 'CORSE', year: 2021, total: 27_089, i999: 3_545, printed: 13.1, rounded: 13.1 }, // 3545/27089 = 13.0865 %
    { region: 'PACA', year: 2022, total: 486_997, i999: 81_889, printed: 16.8, rounded: 16.8 }, // 81889/486997 = 16.8151 %
    { region: 'CORSE', year: 2022, total: 25_722, i999: 2_973, printed: 11.6, rounded: 11.6 }, // 2973/25722 = 11.5582 %
    { region: 'PACA', year: 2023, total: 482_846, i999: 70_063, printed: 14.5, rounded: 14.5 }, // 70063/482846 = 14.5104 %
    { region: 'CORSE', year: 2023, total: 24_466, i999: 2_908, printed: 11.9, rounded: 11.9 }, // 2908/24466 = 11.8859 %
    { region: 'PACA', year: 2024, total: 512_788, i999: 75_940, printed: 14.8, rounded: 14.8 }, // 75940/512788 = 14.8092 %
    { region: 'CORSE', year: 2024, total: 26_081, i999: 2_542, printed: 9.7, rounded: 9.7 }, // 2542/26081 = 9.7466 %
  ];
  const facts = table.map((r) => fact(r.region, r.region === 'PACA' ? '130786049' : '2A0000014', r.year, r.total, r.i999));

  it.each(table)('$region $year: within 0.1 point of the printed $printed %, rounds to $rounded', (row) => {
    const totals = regionMoTotals(row.region, facts).find((t) => t.year === row.year)!;
    expect(totals.totalUcd).toBe(row.total);
    expect(totals.i999Ucd).toBe(row.i999);
    expect(Math.abs(totals.share! - row.printed)).toBeLessThan(0.1);
    expect(round1(totals.share)).toBe(row.rounded);
  });

  it('the seed rounds every cell except PACA 2021, which it truncates (15.3577 % printed 15,3)', () => {
    const differing = table.filter((r) => r.printed !== r.rounded).map((r) => `${r.region} ${r.year}`);
    expect(differing).toEqual(['PACA 2021']);
    expect(round1(regionMoTotals('PACA', facts)[0]!.share)).toBe(15.4);
  });

  it('one row per year, sorted, only the asked region', () => {
    expect(regionMoTotals('PACA', facts).map((t) => [t.region, t.year])).toEqual([
      ['PACA', 2021],
      ['PACA', 2022],
      ['PACA', 2023],
      ['PACA', 2024],
    ]);
  });

  it('sums the establishments of a year', () => {
    // Two PACA sites in 2021 splitting the seed's figures: 300 000 + 196 871 UCD, 50 000 + 26 308 I999.
    const split = [fact('PACA', '130786049', 2021, 300_000, 50_000), fact('PACA', '130001647', 2021, 196_871, 26_308)];
    const [t] = regionMoTotals('PACA', split);
    expect(t!.totalUcd).toBe(496_871);
    expect(t!.i999Ucd).toBe(76_308);
    expect(t!.share).toBeCloseTo(15.3577, 4);
  });

  it('flags the seed’s 2024 PACA valued total: 20 388 741 € after 568 154 183 € in 2023, about 28 times less', () => {
    // Seed 000, "Total valorisé": 468 368 652 € (2021), 518 212 034 € (2022), 568 154 183 € (2023), 20 388 741 € (2024).
    const amounts: [number, number][] = [
      [2021, 468_368_652],
      [2022, 518_212_034],
      [2023, 568_154_183],
      [2024, 20_388_741],
    ];
    const valued = amounts.map(([year, amount]) => fact('PACA', '130786049', year, 1000, 100, { totalAmount: amount }));
    const totals = regionMoTotals('PACA', valued);
    expect(totals.map((t) => t.amountJump === null)).toEqual([true, true, true, false]);
    // 20 388 741 / 568 154 183 = 0.03589: a factor of 27.9 downwards, far beyond the default 3.
    expect(totals[3]!.amountJump).toBeCloseTo(0.03589, 5);
    expect(1 / totals[3]!.amountJump!).toBeCloseTo(27.87, 2);
  });

  it('share is null when nothing was dispensed', () => {
    expect(i999Share(0, 0)).toBeNull();
  });
});

describe('computeMo', () => {
  const byFiness = (rs: IndicatorResult[], f: string) => rs.find((r) => r.scope === 'site' && r.finess === f)!;
  const byContract = (rs: IndicatorResult[], c: string) => rs.find((r) => r.scope === 'contract' && r.contrat === c);

  describe('one PACA region, 2025', () => {
    const MET = '830100020';
    const NOT_MET = '750821092';
    const APHM = '130786049';
    const NOT_TARGETED = '420787061';
    const NO_DATA = '190000042';
    const establishments = [site(MET, 'PACA', 'C1'), site(NOT_MET, 'PACA', 'C2'), site(APHM, 'PACA', 'C3', 'AP-HM'), site(NOT_TARGETED, 'PACA', 'C4'), site(NO_DATA, 'PACA', 'C5')];
    const facts = [
      fact('PACA', MET, 2025, 1000, 100), // 100 / 1000 = 10 % < 15 → met
      fact('PACA', NOT_MET, 2025, 200, 40), // 40 / 200 = 20 % ≥ 15 → not met
      fact('PACA', APHM, 2025, 500, 90), // 90 / 500 = 18 % < 20 (own target) → met, though ≥ 15
      fact('PACA', NOT_TARGETED, 2025, 400, 100), // 100 / 400 = 25 %
      // Ignored: another year, another region.
      fact('PACA', NO_DATA, 2024, 100, 50),
      fact('CORSE', NO_DATA, 2025, 100, 50),
      fact('PACA', MET, 2024, 1000, 900),
    ];
    const results = computeMo({
      region: 'PACA',
      year: 2025,
      establishments,
      targetings: mo(2025, MET, NOT_MET, APHM, NO_DATA),
      objectives: [obj('PACA', APHM, '<', 20)],
      facts,
    });

    it('one site row per establishment, no contract row for single-site contracts', () => {
      expect(results.map((r) => r.scope)).toEqual(['site', 'site', 'site', 'site', 'site']);
    });

    it('site met at 10 % against the built-in PACA < 15', () => {
      const r = byFiness(results, MET);
      expect(r).toMatchObject({ numerator: 100, denominator: 1000, value: 10, status: 'met', target: { comparator: '<', value: 15, source: 'default' } });
      expect(r.amounts).toEqual({ total: 100_000, horsAmm: 10_000 });
    });

    it('site not met at 20 %', () => {
      expect(byFiness(results, NOT_MET)).toMatchObject({ numerator: 40, denominator: 200, value: 20, status: 'not_met' });
    });

    it('AP-HM-like site: 18 % meets its own < 20 objective', () => {
      expect(byFiness(results, APHM)).toMatchObject({ value: 18, status: 'met', target: { comparator: '<', value: 20, source: 'establishment' }, name: 'AP-HM' });
    });

    it('a site not targeted keeps its computed value but is not_targeted', () => {
      expect(byFiness(results, NOT_TARGETED)).toMatchObject({ numerator: 100, denominator: 400, value: 25, status: 'not_targeted' });
    });

    it('a targeted site without facts (its facts are of another year or region) is no_data', () => {
      const r = byFiness(results, NO_DATA);
      expect(r).toMatchObject({ numerator: null, denominator: null, value: null, amounts: null, status: 'no_data' });
      expect(atihInputs(r)).toEqual([]);
    });
  });

  describe('target precedence: establishment over region over all regions over built-in', () => {
    // Not AP-HM nor IPC, whose FINESS juridique has the seed's own < 20 % (indicators.test.ts).
    const F = '830100038';
    const run = (objectives: Objective[]) =>
      byFiness(
        computeMo({ region: 'PACA', year: 2025, establishments: [site(F, 'PACA', 'C')], targetings: mo(2025, F), objectives, facts: [fact('PACA', F, 2025, 100, 13)] }),
        F,
      );
    const all = obj(null, null, '<=', 12);
    const paca = obj('PACA', null, '<', 14);
    const own = obj('PACA', F, '<', 16);
    const other = [obj('CORSE', null, '<', 99), obj('PACA', '420787061', '<', 99), obj('PACA', F, '<', 99, 2024)];

    it('establishment row wins (13 % < 16 met)', () => {
      expect(run([all, paca, own, ...other])).toMatchObject({ target: { comparator: '<', value: 16, source: 'establishment' }, status: 'met' });
    });
    it('then the region row (13 % < 14 met)', () => {
      expect(run([all, paca, ...other])).toMatchObject({ target: { comparator: '<', value: 14, source: 'region' }, status: 'met' });
    });
    it('then the all-regions row (13 % <= 12 not met)', () => {
      expect(run([all, ...other])).toMatchObject({ target: { comparator: '<=', value: 12, source: 'all' }, status: 'not_met' });
    });
    it('then the built-in PACA < 15 (13 % met); rows of Corse, another site or 2024 never apply', () => {
      expect(run(other)).toMatchObject({ target: { comparator: '<', value: 15, source: 'default' }, status: 'met' });
    });
  });

  it('a Corse site gets the built-in < 10 default', () => {
    const AJACCIO = '2A0000014';
    const BASTIA = '2B0000020';
    const results = computeMo({
      region: 'CORSE',
      year: 2025,
      establishments: [site(AJACCIO, 'CORSE', 'A'), site(BASTIA, 'CORSE', 'B'), site('130786049', 'PACA', 'P')],
      targetings: mo(2025, AJACCIO, BASTIA),
      objectives: [],
      // 2542 / 26081 = 9.75 % < 10 → met ; 2908 / 24466 = 11.89 % → not met (the seed's Corse 2024 and 2023 totals).
      facts: [fact('CORSE', AJACCIO, 2025, 26_081, 2_542), fact('CORSE', BASTIA, 2025, 24_466, 2_908)],
    });
    expect(results).toHaveLength(2); // the PACA establishment is not in the Corse results
    expect(byFiness(results, AJACCIO)).toMatchObject({ status: 'met', target: { comparator: '<', value: 10, source: 'default' } });
    expect(byFiness(results, AJACCIO).value).toBeCloseTo(9.7466, 4);
    expect(byFiness(results, BASTIA)).toMatchObject({ status: 'not_met' });
    expect(byFiness(results, BASTIA).value).toBeCloseTo(11.8859, 4);
  });

  describe('multi-site contract', () => {
    const S1 = '130000011';
    const S2 = '130000029';
    const sites = [site(S1, 'PACA', 'GHT'), site(S2, 'PACA', 'GHT')];
    // S1: 30 / 100 = 30 % ; S2: 90 / 900 = 10 %.
    // Contract: (30 + 90) / (100 + 900) = 120 / 1000 = 12 %. The average of the rates would be (30 + 10) / 2 = 20 %.
    const facts = [
      fact('PACA', S1, 2025, 100, 30, { source: { key: 'atih/2025/mo-paca.csv', version: 'v1' } }),
      fact('PACA', S2, 2025, 900, 90, { source: { key: 'atih/2025/mo-paca.csv', version: 'v1' } }),
    ];

    it('sum of numerators over sum of denominators, with the shared own target', () => {
      const results = computeMo({ region: 'PACA', year: 2025, establishments: sites, targetings: mo(2025, S1, S2), objectives: [obj('PACA', S1, '<', 20), obj('PACA', S2, '<', 20)], facts });
      const c = byContract(results, 'GHT')!;
      expect(c).toMatchObject({ finess: null, name: 'Contrat GHT', numerator: 120, denominator: 1000, value: 12, status: 'met' });
      // The average of rates, 20 %, would not meet < 20: the contract row must not be that.
      expect(c.value).not.toBe(20);
      expect(c.target).toEqual({ comparator: '<', value: 20, source: 'establishment' });
      expect(c.amounts).toEqual({ total: 100_000, horsAmm: 12_000 });
      // One source file for both sites: listed once.
      expect(atihInputs(c)).toEqual([{ key: 'atih/2025/mo-paca.csv', version: 'v1' }]);
    });

    it('sites with different own targets: the contract falls back to the region target', () => {
      const results = computeMo({ region: 'PACA', year: 2025, establishments: sites, targetings: mo(2025, S1, S2), objectives: [obj('PACA', S1, '<', 20), obj('PACA', null, '<', 11)], facts });
      const c = byContract(results, 'GHT')!;
      expect(c.target).toEqual({ comparator: '<', value: 11, source: 'region' });
      expect(c.status).toBe('not_met'); // 12 % is not < 11
    });

    it('a contract is targeted when one of its sites is', () => {
      const results = computeMo({ region: 'PACA', year: 2025, establishments: sites, targetings: mo(2025, S2), objectives: [], facts });
      expect(byContract(results, 'GHT')!.status).toBe('met'); // 12 % < 15 (default)
      expect(byFiness(results, S1).status).toBe('not_targeted');
    });
  });

  it('inputs are de-duplicated by key and version', () => {
    const F = '130786049';
    const a = { key: 'atih/2025/mo-a.csv', version: 'v1' };
    const b = { key: 'atih/2025/mo-a.csv', version: 'v2' };
    const results = computeMo({
      region: 'PACA',
      year: 2025,
      establishments: [site(F, 'PACA', 'C')],
      targetings: mo(2025, F),
      objectives: [],
      facts: [fact('PACA', F, 2025, 10, 1, { source: a }), fact('PACA', F, 2025, 10, 1, { source: { ...a } }), fact('PACA', F, 2025, 10, 1, { source: b })],
    });
    expect(atihInputs(byFiness(results, F))).toEqual([a, b]);
    expect(byFiness(results, F)).toMatchObject({ numerator: 3, denominator: 30 }); // 1+1+1 over 10+10+10
  });
});

describe('meetsTarget at the boundary', () => {
  it.each([
    [15, '<', 15, false],
    [14.99, '<', 15, true],
    [15, '<=', 15, true],
    [15.01, '<=', 15, false],
    [15, '>', 15, false],
    [15.01, '>', 15, true],
    [15, '>=', 15, true],
    [14.99, '>=', 15, false],
  ] as const)('%d %s %d → %s', (value, comparator, target, expected) => {
    expect(meetsTarget(value, { comparator, value: target })).toBe(expected);
  });
});

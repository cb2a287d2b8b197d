/**
 * The budgets' shares as `computeIndicators` writes them, asserted to the cent (issue 18: "contract
 * allocations are never asserted"), and the CPAM / Open PHMEV details of a result, written from the
 * mutation run on lib/domain/indicators.ts. Seed 000 gives the budgets ("Montant total
 * d’intéressement = 126 331 €"; DMI "calculé sur le nombre de DMI 2024, parts, audits, scoring");
 * `parametres` sets the rule. Everything is computed inside each test.
 */
import { describe, expect, it } from 'vitest';
import { A, B, C, computeIndicators, cpam, deadline, dmi, fullyArgued, inputs, mo, phmev, row, site, targeted, uploaded } from './indicator-fixtures';

const EQUAL = 'à parts égales';
const DMI_DOCS = ['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'] as const;
const allDmi = (finess: string) => DMI_DOCS.map((k) => uploaded(finess, k, '2026-02-01T09:00:00Z'));

describe('MO incentive: who shares it, and the contract’s row', () => {
  it('a contract of two met sites, 126 330,99 € in equal shares: 63 165,50 + 63 165,49, and the contract row says 126 330,99 € exactly', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT'), site(B, 'GHT')],
        targetings: targeted('MO', A, B),
        moFacts: [mo(A, 1000, 100), mo(B, 1000, 100)],
        evidence: fullyArgued(A, B),
        parameters: [{ year: 2025, region: 'PACA', values: { budget_interessement_mo: 126_330.99, regle_interessement_mo: 'egal' } }],
      }),
      ['MO'],
    );
    expect([A, B].map((f) => row(results, 'MO', f).allocation?.amount)).toEqual([63_165.5, 63_165.49]);
    expect(row(results, 'MO', 'GHT').allocation).toEqual({ budget: 'interessement_mo', amount: 126_330.99, rule: EQUAL, provisional: false, undecided: false });
  });

  it('a contract with a pending site: its row is undecided and the split provisional; the other contract’s row is decided', () => {
    // GHT = A (plan in time) + B (plan awaited): (100 + 100) / 2 000 = 10 %, pending as a whole; C met alone.
    const results = computeIndicators(
      inputs({
        today: '2026-03-01',
        establishments: [site(A, 'GHT'), site(B, 'GHT'), site(C, 'CC')],
        targetings: targeted('MO', A, B, C),
        deadlines: [deadline('MO', ['plan_actions'])],
        moFacts: [mo(A, 1000, 100), mo(B, 1000, 100), mo(C, 1000, 100)],
        evidence: [uploaded(A, 'plan_actions', '2026-02-01T09:00:00Z'), uploaded(C, 'plan_actions', '2026-02-01T09:00:00Z'), ...fullyArgued(A, B, C)],
        parameters: [{ year: 2025, region: 'PACA', values: { budget_interessement_mo: 900, regle_interessement_mo: 'egal' } }],
      }),
      ['MO'],
    );
    expect(row(results, 'MO', 'GHT').status).toBe('pending');
    // Three equal shares of 900 €: both GHT sites undecided (their contract is pending), C decided.
    expect([A, B, C].map((f) => row(results, 'MO', f).allocation)).toEqual([
      { budget: 'interessement_mo', amount: 300, rule: EQUAL, provisional: true, undecided: true },
      { budget: 'interessement_mo', amount: 300, rule: EQUAL, provisional: true, undecided: true },
      { budget: 'interessement_mo', amount: 300, rule: EQUAL, provisional: true, undecided: false },
    ]);
    expect(row(results, 'MO', 'GHT').allocation).toEqual({ budget: 'interessement_mo', amount: 600, rule: EQUAL, provisional: true, undecided: true });
  });

  it('a site not targeted on MO has no share at all, nor has a contract none of whose sites is targeted', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA'), site(B, 'GHT'), site(C, 'GHT')],
        targetings: targeted('MO', A),
        moFacts: [mo(A, 1000, 100), mo(B, 1000, 100), mo(C, 1000, 100)],
        evidence: fullyArgued(A, B, C),
        parameters: [{ year: 2025, region: 'PACA', values: { budget_interessement_mo: 1000 } }],
      }),
      ['MO'],
    );
    expect(row(results, 'MO', A).allocation?.amount).toBe(1000);
    expect(row(results, 'MO', B)).toMatchObject({ status: 'not_targeted', allocation: null });
    expect(row(results, 'MO', 'GHT')).toMatchObject({ status: 'not_targeted', allocation: null });
  });

  it('without a budget in parametres, no share is written', () => {
    const results = computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A), moFacts: [mo(A, 1000, 100)], evidence: fullyArgued(A) }), ['MO']);
    expect(row(results, 'MO', A)).toMatchObject({ status: 'met', allocation: null });
  });

  it('another region’s budget is not PACA’s', () => {
    const results = computeIndicators(
      inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A), moFacts: [mo(A, 1000, 100)], evidence: fullyArgued(A), parameters: [{ year: 2025, region: 'CORSE', values: { budget_interessement_mo: 20_576 } }] }),
      ['MO'],
    );
    expect(row(results, 'MO', A).allocation).toBeNull();
  });
});

describe('DMI budget: who shares it, by which rule', () => {
  const calendar = [deadline('DMI', [...DMI_DOCS])];

  it('a contract’s two sites with their counts known: by points × DMI, 3 × 100 : 3 × 300 = 250 € and 750 €, the contract row 1 000 €', () => {
    const results = computeIndicators(
      inputs({
        today: '2026-04-01',
        establishments: [site(A, 'GHT'), site(B, 'GHT')],
        targetings: targeted('DMI', A, B),
        deadlines: calendar,
        evidence: [...allDmi(A), ...allDmi(B)],
        dmiFacts: [dmi(A, 'site', 100), dmi(B, 'site', 300)],
        parameters: [{ year: 2025, region: 'PACA', values: { budget_dmi: 1000 } }],
      }),
      ['DMI'],
    );
    const rule = 'au prorata des points × nombre de DMI posés';
    expect([A, B].map((f) => row(results, 'DMI', f).allocation)).toEqual([
      { budget: 'budget_dmi', amount: 250, rule, provisional: false, undecided: false },
      { budget: 'budget_dmi', amount: 750, rule, provisional: false, undecided: false },
    ]);
    expect(row(results, 'DMI', 'GHT').allocation).toEqual({ budget: 'budget_dmi', amount: 1000, rule, provisional: false, undecided: false });
  });

  it('a site scoring no point and with no DMI count does not turn the rule to points: 3 × 100 : 3 × 300 still', () => {
    const results = computeIndicators(
      inputs({
        today: '2026-04-01',
        establishments: [site(A, 'CA'), site(B, 'CB'), site(C, 'CC')],
        targetings: targeted('DMI', A, B, C),
        deadlines: calendar,
        evidence: [...allDmi(A), ...allDmi(B)],
        dmiFacts: [dmi(A, 'site', 100), dmi(B, 'site', 300)],
        parameters: [{ year: 2025, region: 'PACA', values: { budget_dmi: 1000 } }],
      }),
      ['DMI'],
    );
    expect([A, B, C].map((f) => row(results, 'DMI', f).allocation?.amount)).toEqual([250, 750, 0]);
    expect(row(results, 'DMI', A).allocation?.rule).toBe('au prorata des points × nombre de DMI posés');
  });

  it('a site OMéDIT neutralised on DMI keeps its points but no share: the other site gets the 1 000 €', () => {
    const results = computeIndicators(
      inputs({
        today: '2026-04-01',
        establishments: [site(A, 'CA'), site(B, 'CB', { categorie: 'ex-OQN' })],
        targetings: [...targeted('DMI', A), { year: 2025, finess: B, indicator: 'DMI', neutralisation: 'arrêté ARS du 12/01/2026' }],
        deadlines: calendar,
        evidence: [...allDmi(A), ...allDmi(B)],
        parameters: [{ year: 2025, region: 'PACA', values: { budget_dmi: 1000, regle_dmi: 'points' } }],
      }),
      ['DMI'],
    );
    expect(row(results, 'DMI', B)).toMatchObject({ status: 'neutralised', value: 3, allocation: { amount: 0 } });
    expect(row(results, 'DMI', A).allocation?.amount).toBe(1000);
  });

  it('equal shares whatever the DMI counts, known or not: the rule stays "à parts égales"', () => {
    const results = computeIndicators(
      inputs({
        today: '2026-04-01',
        establishments: [site(A, 'CA'), site(B, 'CB')],
        targetings: targeted('DMI', A, B),
        deadlines: calendar,
        evidence: [...allDmi(A), ...allDmi(B).slice(0, 2)],
        dmiFacts: [dmi(A, 'site', 100)],
        parameters: [{ year: 2025, region: 'PACA', values: { budget_dmi: 1000, regle_dmi: 'egal' } }],
      }),
      ['DMI'],
    );
    expect([A, B].map((f) => row(results, 'DMI', f).allocation)).toEqual([
      { budget: 'budget_dmi', amount: 500, rule: EQUAL, provisional: false, undecided: false },
      { budget: 'budget_dmi', amount: 500, rule: EQUAL, provisional: false, undecided: false },
    ]);
  });
});

describe('CPAM beside Open PHMEV: the difference and its flag', () => {
  // Open PHMEV: 43 boxes in the repertoire of 43 + 57 = 100 whose status is known, 43 %.
  const open = phmev(A, 2025, { generics: { repertoire: 43, generic: 30, outside: 57, unknown: 0 }, biosimilars: { biosimilar: 0, reference: 0 } });

  it('exactly 1 point from CPAM’s 44 % is within the tolerance of 1 point: shown (43 − 44 = −1), not flagged', () => {
    const r = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('GENERIQUES', A), cpamFacts: [cpam(A, 'GENERIQUES', 4400, 10_000)], phmevFacts: [open] }), ['GENERIQUES']), 'GENERIQUES', A);
    expect(r).toMatchObject({ source: 'cpam', value: 44, comparison: { source: 'open_phmev', value: 43, flagged: false } });
    expect(r.comparison?.difference).toBeCloseTo(-1, 9);
    expect(r.inputs.map((i) => i.key)).toEqual(['cpam/2025/phev.csv', 'cpam/2025/OPEN_PHMEV_2025.CSV']);
  });

  it('OMéDIT’s tolerance_open_phmev of 0,5 point flags the same 1 point', () => {
    const parameters = [{ year: 2025, region: 'PACA', values: { tolerance_open_phmev: 0.5 } }];
    const r = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('GENERIQUES', A), cpamFacts: [cpam(A, 'GENERIQUES', 4400, 10_000)], phmevFacts: [open], parameters }), ['GENERIQUES']), 'GENERIQUES', A);
    expect(r.comparison?.flagged).toBe(true);
  });

  it('a CPAM growth without a reference has no value: Open PHMEV’s +3 % is shown beside it, with no difference', () => {
    const r = row(
      computeIndicators(
        inputs({ establishments: [site(A, 'CA')], targetings: targeted('IPP', A), cpamFacts: [cpam(A, 'IPP', 55_000, null)], phmevFacts: [phmev(A, 2025, { ipp: { rem: 10_300, bse: 11_000, boxes: 2_000 } })], previousPhmevFacts: [phmev(A, 2024)] }),
        ['IPP'],
      ),
      'IPP',
      A,
    );
    expect(r).toMatchObject({ source: 'cpam', value: null, comparison: { source: 'open_phmev', difference: null, flagged: false } });
    expect(r.comparison?.value).toBeCloseTo(3, 9);
  });
});

describe('Open PHMEV in CPAM’s place', () => {
  it('the year’s value covers the whole year: period 2025', () => {
    const r = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('BIOSIMILAIRES', A), phmevFacts: [phmev(A, 2025)] }), ['BIOSIMILAIRES']), 'BIOSIMILAIRES', A);
    expect(r).toMatchObject({ source: 'open_phmev', period: '2025', value: 30 });
  });

  it('no biosimilar nor reference box: no share, and why', () => {
    const none = phmev(A, 2025, { biosimilars: { biosimilar: 0, reference: 0 } });
    const r = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('BIOSIMILAIRES', A), phmevFacts: [none] }), ['BIOSIMILAIRES']), 'BIOSIMILAIRES', A);
    expect(r).toMatchObject({ source: 'open_phmev', value: null, status: 'no_data', note: 'aucune boîte concernée pour cet établissement dans Open PHMEV : pas de part calculable' });
  });

  it('an indicator Open PHMEV does not measure says only that CPAM gave nothing', () => {
    const r = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('PRE_ANESTHESIE', A), phmevFacts: [phmev(A, 2025)] }), ['PRE_ANESTHESIE']), 'PRE_ANESTHESIE', A);
    expect(r).toMatchObject({ value: null, status: 'no_data', note: 'aucune valeur dans l’extrait CPAM' });
  });

  it('a legal entity of two sites in Open PHMEV: the sites say where it went, the contract has it', () => {
    const entity = '130786000';
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT', { finessJuridique: entity }), site(B, 'GHT', { finessJuridique: entity })],
        targetings: targeted('BIOSIMILAIRES', A, B),
        phmevFacts: [phmev(entity, 2025, { level: 'entity' })],
      }),
      ['BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ value: null, status: 'no_data', note: `valeur donnée pour l’entité juridique ${entity}, sur l’ensemble de ses sites (voir le contrat)` });
    expect(row(results, 'BIOSIMILAIRES', 'GHT')).toMatchObject({ source: 'open_phmev', value: 30 });
  });

  it('a contract’s IPP growth adds its sites’ amounts of both years: (10 300 + 10 600) / (10 000 + 10 000) − 1 = +4,5 %; without one site’s year before, no growth', () => {
    const now = [phmev(A, 2025, { ipp: { rem: 10_300, bse: 0, boxes: 0 } }), phmev(B, 2025, { ipp: { rem: 10_600, bse: 0, boxes: 0 } })];
    const run = (previousPhmevFacts: ReturnType<typeof phmev>[]) =>
      row(computeIndicators(inputs({ establishments: [site(A, 'GHT'), site(B, 'GHT')], targetings: targeted('IPP', A, B), phmevFacts: now, previousPhmevFacts }), ['IPP']), 'IPP', 'GHT');
    const both = run([phmev(A, 2024), phmev(B, 2024)]);
    expect(both).toMatchObject({ numerator: 20_900, denominator: 20_000 });
    expect(both.value).toBeCloseTo(4.5, 9);
    expect(run([phmev(A, 2024)])).toMatchObject({ value: null, note: 'Open PHMEV de l’année précédente absent : pas de référence pour l’évolution' });
  });
});

describe('MO without data', () => {
  it('no ATIH line: no source, no amounts, and why', () => {
    const r = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A) }), ['MO']), 'MO', A);
    expect(r).toMatchObject({ source: null, amounts: null, value: null, status: 'no_data', note: 'aucune donnée ATIH reçue pour cette année' });
  });
});

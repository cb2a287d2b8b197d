/**
 * What each computation of `computeIndicators` reads, written from the mutation run on
 * lib/domain/indicators.ts (issue 18: "the region, year and level filters can be replaced by `true`
 * and no test notices"): each test gives the computation a fact, a targeting or a file it must leave
 * out, and checks the figure a pharmacist would read, computed by hand beside it. Everything is
 * computed inside each test, where the mutation run's mutant is active.
 */
import { describe, expect, it } from 'vitest';
import { A, B, C, computeIndicators, cpam, deadline, dmi, fullyArgued, inputs, mo, objective, phmev, row, site, targeted, uploaded } from './indicator-fixtures';

describe('targeting: the indicator’s own rows', () => {
  it('a site targeted on MO only is not targeted on biosimilars: its 30 % is shown, not judged', () => {
    const results = computeIndicators(
      inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A), moFacts: [mo(A, 1000, 100)], cpamFacts: [cpam(A, 'BIOSIMILAIRES', 30, 100)], evidence: fullyArgued(A) }),
      ['MO', 'BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ value: 30, status: 'not_targeted' });
    expect(row(results, 'MO', A)).toMatchObject({ value: 10, status: 'met' });
  });
});

describe('CPAM: each indicator reads its own rows, each site its own level', () => {
  it('one site with two indicators in the extract: biosimilars 30 / 100 = 30 %, generics 4 550 / 10 000 = 45,5 %', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA')],
        targetings: [...targeted('BIOSIMILAIRES', A), ...targeted('GENERIQUES', A)],
        cpamFacts: [cpam(A, 'BIOSIMILAIRES', 30, 100), cpam(A, 'GENERIQUES', 4550, 10_000)],
      }),
      ['BIOSIMILAIRES', 'GENERIQUES'],
    );
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ numerator: 30, denominator: 100, value: 30 });
    expect(row(results, 'GENERIQUES', A)).toMatchObject({ numerator: 4550, denominator: 10_000, value: 45.5 });
  });

  it('the year before’s extract of another indicator is no reference: IPP without its own has no growth', () => {
    const before = cpam(A, 'PERFADOM', 50_000, null, { year: 2024, period: '2024' });
    const r = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('IPP', A), cpamFacts: [cpam(A, 'IPP', 55_000, null)], previousCpamFacts: [before] }), ['IPP']), 'IPP', A);
    expect(r).toMatchObject({ value: null, status: 'no_data', note: 'pas de valeur de référence pour calculer l’évolution' });
  });

  it('a site’s own value, never its legal entity’s, when it has one: 20 / 100 = 20 %, not the entity’s 50 %', () => {
    const entity = '130786000';
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA', { finessJuridique: entity })],
        targetings: targeted('BIOSIMILAIRES', A),
        cpamFacts: [cpam(A, 'BIOSIMILAIRES', 20, 100), cpam(entity, 'BIOSIMILAIRES', 50, 100, { level: 'entity' })],
      }),
      ['BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ numerator: 20, denominator: 100, value: 20, note: 'aucun objectif fixé pour cet indicateur (objectifs-AAAA.csv)' });
  });

  it('a site-level row under an entity’s number is not the entity’s value: the one-site entity’s site has none', () => {
    const entity = '130786000';
    const results = computeIndicators(
      inputs({ establishments: [site(A, 'CA', { finessJuridique: entity })], targetings: targeted('BIOSIMILAIRES', A), cpamFacts: [cpam(entity, 'BIOSIMILAIRES', 50, 100, { level: 'site' })] }),
      ['BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ value: null, status: 'no_data' });
  });

  it('an entity’s sites in another region do not make PACA’s site one of several: the entity’s 50 % is that site’s', () => {
    const entity = '130786000';
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA', { finessJuridique: entity }), site('2A0000717', 'CX', { finessJuridique: entity, region: 'CORSE' })],
        targetings: targeted('BIOSIMILAIRES', A),
        cpamFacts: [cpam(entity, 'BIOSIMILAIRES', 50, 100, { level: 'entity' })],
      }),
      ['BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ numerator: 50, denominator: 100, value: 50 });
  });

  it('a contract whose sites have their own values sums them, even when its entity has a value too: (30 + 10) / (100 + 900) = 4 %', () => {
    const entity = '130786000';
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT', { finessJuridique: entity }), site(B, 'GHT', { finessJuridique: entity })],
        targetings: targeted('BIOSIMILAIRES', A, B),
        cpamFacts: [cpam(A, 'BIOSIMILAIRES', 30, 100), cpam(B, 'BIOSIMILAIRES', 10, 900), cpam(entity, 'BIOSIMILAIRES', 500, 1000, { level: 'entity' })],
      }),
      ['BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', 'GHT')).toMatchObject({ numerator: 40, denominator: 1000, value: 4 });
  });

  it('Open PHMEV: a site reads its own line, not another site’s nor its entity’s; a contract adds its sites’', () => {
    const entity = '130786000';
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT', { finessJuridique: entity }), site(B, 'GHT', { finessJuridique: entity })],
        targetings: targeted('BIOSIMILAIRES', A, B),
        // A: 300 / (300 + 700) = 30 %; B: 100 / (100 + 300) = 25 %; the contract 400 / 1 400 = 28,57 %.
        phmevFacts: [
          phmev(entity, 2025, { level: 'entity', biosimilars: { biosimilar: 900, reference: 100 } }),
          phmev(A, 2025),
          phmev(B, 2025, { biosimilars: { biosimilar: 100, reference: 300 } }),
        ],
      }),
      ['BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ source: 'open_phmev', value: 30 });
    expect(row(results, 'BIOSIMILAIRES', B)).toMatchObject({ source: 'open_phmev', value: 25 });
    expect(row(results, 'BIOSIMILAIRES', 'GHT').value).toBeCloseTo((400 / 1400) * 100, 9);
  });
});

describe('MO: a site’s own ATIH lines, its region’s sites', () => {
  it('an entity’s sites in another region do not make PACA’s site one of several: the entity’s 12 % is that site’s', () => {
    const entity = '130786000';
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA', { finessJuridique: entity }), site('2A0000717', 'CX', { finessJuridique: entity, region: 'CORSE' })],
        targetings: targeted('MO', A),
        moFacts: [mo(entity, 1000, 120, { level: 'entity' })],
        evidence: fullyArgued(A),
      }),
      ['MO'],
    );
    expect(row(results, 'MO', A)).toMatchObject({ numerator: 120, denominator: 1000, value: 12, status: 'met' });
  });

  it('a site reads its own facts, not its neighbour’s: 100 / 1 000 = 10 % and 300 / 1 000 = 30 %', () => {
    const results = computeIndicators(
      inputs({ establishments: [site(A, 'CA'), site(B, 'CB')], targetings: targeted('MO', A, B), moFacts: [mo(A, 1000, 100), mo(B, 1000, 300)], evidence: fullyArgued(A, B) }),
      ['MO'],
    );
    expect(row(results, 'MO', A)).toMatchObject({ numerator: 100, denominator: 1000, value: 10 });
    expect(row(results, 'MO', B)).toMatchObject({ numerator: 300, denominator: 1000, value: 30 });
  });
});

describe('DMI: an earlier mapping is the site’s own, a mapping, and the newest', () => {
  const calendar = [deadline('DMI', ['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'])];
  const rest = [uploaded(A, 'plan_actions_dmi', '2026-02-11T09:00:00Z'), uploaded(A, 'audit_dmi', '2026-03-01T09:00:00Z')];
  const run = (evidence: ReturnType<typeof uploaded>[]) =>
    row(computeIndicators(inputs({ today: '2026-03-20', establishments: [site(A, 'CA'), site(B, 'CB')], targetings: targeted('DMI', A, B), deadlines: calendar, evidence }), ['DMI']), 'DMI', A);

  it('another site’s 2024 mapping does not answer A’s: 1 point of 3 (the audit)', () => {
    expect(run([uploaded(B, 'cartographie_dmi', '2025-02-01T09:00:00Z', { campaign: '2024-S2' }), ...rest])).toMatchObject({ numerator: 1, value: 1 });
  });

  it('a 2024 action plan is not a mapping: 1 point of 3', () => {
    expect(run([uploaded(A, 'plan_actions_dmi', '2025-02-01T09:00:00Z', { campaign: '2024-S2' }), ...rest])).toMatchObject({ numerator: 1, value: 1 });
  });

  it('of two earlier mappings the newest is named: 2024-S2, not 2023-S2', () => {
    const r = run([
      uploaded(A, 'cartographie_dmi', '2024-02-01T09:00:00Z', { campaign: '2023-S2' }),
      uploaded(A, 'cartographie_dmi', '2025-02-01T09:00:00Z', { campaign: '2024-S2' }),
      uploaded(A, 'cartographie_dmi', '2023-02-01T09:00:00Z', { campaign: '2022-S2' }),
      ...rest,
    ]);
    expect(r.components[0]).toMatchObject({ value: 2, note: 'cartographie de la campagne 2024-S2, toujours valable' });
  });

  it('the year’s own mapping in time is the one used: no earlier campaign named', () => {
    const own = uploaded(A, 'cartographie_dmi', '2026-02-10T09:00:00Z', { fileName: 'cartographie-2025.pdf' });
    const r = run([uploaded(A, 'cartographie_dmi', '2025-02-01T09:00:00Z', { campaign: '2024-S2' }), own, ...rest]);
    expect(r.components[0]).toMatchObject({ value: 2, note: null });
    expect(r.evidence.find((e) => e.kind === 'cartographie_dmi')).toMatchObject({ campaign: '2025-S2', fileName: 'cartographie-2025.pdf' });
  });

  it('a mapping of a later campaign (2026) does not answer 2025’s', () => {
    expect(run([uploaded(A, 'cartographie_dmi', '2026-09-01T09:00:00Z', { campaign: '2026-S2' }), ...rest])).toMatchObject({ numerator: 1, value: 1 });
  });
});

describe('evidence: what a result lists among its inputs', () => {
  it('a refused upload is not an input; the accepted ones of the site are, and no other site’s', () => {
    const calendar = [deadline('PHARMACIE_CLINIQUE', ['autodiagnostic_pharmacie_clinique'])];
    const refused = uploaded(A, 'autodiagnostic_pharmacie_clinique', '2026-02-01T09:00:00Z', { status: 'rejected', errorCount: 1 });
    const accepted = uploaded(A, 'autodiagnostic_pharmacie_clinique', '2026-02-02T09:00:00Z');
    const others = uploaded(B, 'autodiagnostic_pharmacie_clinique', '2026-02-02T09:00:00Z');
    const r = row(
      computeIndicators(inputs({ establishments: [site(A, 'CA'), site(B, 'CB')], targetings: targeted('PHARMACIE_CLINIQUE', A, B), deadlines: calendar, evidence: [refused, accepted, others] }), ['PHARMACIE_CLINIQUE']),
      'PHARMACIE_CLINIQUE',
      A,
    );
    expect(r).toMatchObject({ numerator: 1, denominator: 1, value: 100, status: 'met' });
    expect(r.inputs).toEqual([accepted.source]);
  });

  it('a document of a kind the indicator does not need is not an input', () => {
    const calendar = [deadline('PHARMACIE_CLINIQUE', ['autodiagnostic_pharmacie_clinique'])];
    const diag = uploaded(A, 'autodiagnostic_pharmacie_clinique', '2026-02-02T09:00:00Z');
    const plan = uploaded(A, 'plan_actions', '2026-02-02T09:00:00Z');
    const r = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('PHARMACIE_CLINIQUE', A), deadlines: calendar, evidence: [diag, plan] }), ['PHARMACIE_CLINIQUE']), 'PHARMACIE_CLINIQUE', A);
    expect(r.inputs).toEqual([diag.source]);
  });

  it('the earlier mapping used is an input; an earlier audit, not used, is not', () => {
    const calendar = [deadline('DMI', ['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'])];
    const mapping2024 = uploaded(A, 'cartographie_dmi', '2025-02-01T09:00:00Z', { campaign: '2024-S2' });
    const audit2024 = uploaded(A, 'audit_dmi', '2025-02-01T09:00:00Z', { campaign: '2024-S2' });
    const plan = uploaded(A, 'plan_actions_dmi', '2026-02-11T09:00:00Z');
    const r = row(computeIndicators(inputs({ today: '2026-03-20', establishments: [site(A, 'CA')], targetings: targeted('DMI', A), deadlines: calendar, evidence: [mapping2024, audit2024, plan] }), ['DMI']), 'DMI', A);
    expect(r).toMatchObject({ numerator: 2, value: 2 });
    expect(r.inputs.map((i) => i.key).sort()).toEqual([mapping2024.source.key, plan.source.key].sort());
  });
});

describe('contracts: targets, neutralisation, documents', () => {
  it('sites with the same number but another comparator (< 12 % and ≤ 12 %) do not share a target: the contract takes PACA’s < 15 %', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT'), site(B, 'GHT')],
        targetings: targeted('MO', A, B),
        objectives: [objective('MO', '<', 12, A), objective('MO', '<=', 12, B)],
        moFacts: [mo(A, 1000, 100), mo(B, 1000, 100)],
        evidence: fullyArgued(A, B),
      }),
      ['MO'],
    );
    expect(row(results, 'MO', 'GHT').target).toEqual({ comparator: '<', value: 15, source: 'default' });
  });

  it('a contract’s clinical pharmacy: 1 document of its 2 sites’ 2 returned in time = 50 %, pending while the other can come', () => {
    const calendar = [deadline('PHARMACIE_CLINIQUE', ['autodiagnostic_pharmacie_clinique'])];
    const results = computeIndicators(
      inputs({
        today: '2026-03-01',
        establishments: [site(A, 'GHT'), site(B, 'GHT'), site(C, 'CC')],
        targetings: targeted('PHARMACIE_CLINIQUE', A, B),
        deadlines: calendar,
        evidence: [uploaded(A, 'autodiagnostic_pharmacie_clinique', '2026-02-02T09:00:00Z'), uploaded(C, 'autodiagnostic_pharmacie_clinique', '2026-02-02T09:00:00Z')],
      }),
      ['PHARMACIE_CLINIQUE'],
    );
    expect(row(results, 'PHARMACIE_CLINIQUE', 'GHT')).toMatchObject({ numerator: 1, denominator: 2, value: 50, source: 'evidence', status: 'pending' });
  });

  it('a contract of which only one site is targeted counts that site’s documents only', () => {
    const calendar = [deadline('PHARMACIE_CLINIQUE', ['autodiagnostic_pharmacie_clinique'])];
    const results = computeIndicators(
      inputs({
        today: '2026-03-20',
        establishments: [site(A, 'GHT'), site(B, 'GHT')],
        targetings: targeted('PHARMACIE_CLINIQUE', A),
        deadlines: calendar,
        evidence: [uploaded(A, 'autodiagnostic_pharmacie_clinique', '2026-02-02T09:00:00Z')],
      }),
      ['PHARMACIE_CLINIQUE'],
    );
    expect(row(results, 'PHARMACIE_CLINIQUE', 'GHT')).toMatchObject({ numerator: 1, denominator: 1, value: 100, status: 'met' });
  });

  it('a contract none of whose sites is targeted: not targeted, no value', () => {
    const results = computeIndicators(inputs({ establishments: [site(A, 'GHT'), site(B, 'GHT')], targetings: [], deadlines: [deadline('PHARMACIE_CLINIQUE', ['autodiagnostic_pharmacie_clinique'])] }), ['PHARMACIE_CLINIQUE']);
    expect(row(results, 'PHARMACIE_CLINIQUE', 'GHT')).toMatchObject({ status: 'not_targeted', value: null });
  });
});

describe('DMI implanted: the region’s sites, a site’s own count', () => {
  const calendar = [deadline('DMI', ['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'])];
  const all = (finess: string) => (['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'] as const).map((k) => uploaded(finess, k, '2026-02-01T09:00:00Z'));

  it('an entity whose other site is in Corse has one PACA site: its 300 DMI are that site’s, so 3 × 100 : 3 × 300 shares 1 000 € as 250 and 750', () => {
    const entity = '130001600';
    const results = computeIndicators(
      inputs({
        today: '2026-04-01',
        establishments: [site(A, 'CA'), site(B, 'CB', { finessJuridique: entity }), site('2A0000717', 'CX', { finessJuridique: entity, region: 'CORSE' })],
        targetings: targeted('DMI', A, B),
        deadlines: calendar,
        evidence: [...all(A), ...all(B)],
        dmiFacts: [dmi(A, 'site', 100), dmi(entity, 'entity', 300)],
        parameters: [{ year: 2025, region: null, values: { budget_dmi: 1000 } }],
      }),
      ['DMI'],
    );
    expect([A, B].map((f) => row(results, 'DMI', f).allocation)).toEqual([
      { budget: 'budget_dmi', amount: 250, rule: 'au prorata des points × nombre de DMI posés', provisional: false, undecided: false },
      { budget: 'budget_dmi', amount: 750, rule: 'au prorata des points × nombre de DMI posés', provisional: false, undecided: false },
    ]);
  });

  it('a site’s own count wins over its one-site entity’s: 3 × 100 : 3 × 300, not 3 × 900', () => {
    const entity = '130001600';
    const results = computeIndicators(
      inputs({
        today: '2026-04-01',
        establishments: [site(A, 'CA'), site(B, 'CB', { finessJuridique: entity })],
        targetings: targeted('DMI', A, B),
        deadlines: calendar,
        evidence: [...all(A), ...all(B)],
        dmiFacts: [dmi(A, 'site', 100), dmi(entity, 'entity', 900), dmi(B, 'site', 300)],
        parameters: [{ year: 2025, region: null, values: { budget_dmi: 1000 } }],
      }),
      ['DMI'],
    );
    expect([A, B].map((f) => row(results, 'DMI', f).allocation?.amount)).toEqual([250, 750]);
  });
});

describe('a contract’s target when a site has none', () => {
  it('A has OMéDIT’s ≥ 30 %, B none: no shared target, and the region sets none, so the contract’s 40 % is not judged', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT'), site(B, 'GHT')],
        targetings: targeted('BIOSIMILAIRES', A, B),
        objectives: [objective('BIOSIMILAIRES', '>=', 30, A)],
        cpamFacts: [cpam(A, 'BIOSIMILAIRES', 30, 100), cpam(B, 'BIOSIMILAIRES', 50, 100)],
      }),
      ['BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ status: 'met', target: { value: 30, source: 'establishment' } });
    expect(row(results, 'BIOSIMILAIRES', 'GHT')).toMatchObject({ numerator: 80, denominator: 200, value: 40, target: null, status: 'no_target' });
  });
});

describe('an earlier DMI mapping answers DMI only', () => {
  it('a calendar row for every indicator asking the mapping: the clinical pharmacy still owes the year’s, 1 of 2 documents = 50 %', () => {
    const calendar = [deadline(null, ['cartographie_dmi']), deadline('PHARMACIE_CLINIQUE', ['autodiagnostic_pharmacie_clinique'])];
    const evidence = [uploaded(A, 'cartographie_dmi', '2025-02-01T09:00:00Z', { campaign: '2024-S2' }), uploaded(A, 'autodiagnostic_pharmacie_clinique', '2026-02-02T09:00:00Z')];
    const r = row(computeIndicators(inputs({ today: '2026-03-20', establishments: [site(A, 'CA')], targetings: targeted('PHARMACIE_CLINIQUE', A), deadlines: calendar, evidence }), ['PHARMACIE_CLINIQUE']), 'PHARMACIE_CLINIQUE', A);
    expect(r).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
    expect(r.evidence.find((e) => e.kind === 'cartographie_dmi')).toMatchObject({ campaign: '2025-S2', status: 'missing' });
  });
});

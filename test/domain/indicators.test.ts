/**
 * Every indicator family with numbers computed by hand next to them: CPAM ratios and growth rates,
 * contracts as sums, ex-OQN neutralisation, targets, evidence in time or late, DMI points, MO's
 * argued share, anomalies and initiations, and the budgets split to the cent.
 */
import { describe, expect, it } from 'vitest';
import { computeIndicators, type RegionYearInputs } from '../../lib/domain/indicators';
import type { CpamFact, Deadline, Establishment, EvidenceRecord, EvidenceSummary, IndicatorResult, MoFact, Objective, PhmevFact } from '../../lib/domain/schemas';
import type { ParameterSet } from '../../lib/domain/settings';
import { A, B, C, SRC, UCD, site, cpam, mo, uploaded, deadline, inputs, fullyArgued, targeted, objective, row, phmev, dmi } from './indicator-fixtures';

describe('CPAM ratios', () => {
  it('GENERIQUES: 4 550 / 10 000 = 45,5 % meets OMéDIT’s ≥ 45,5 %; 4 549 does not', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA'), site(B, 'CB')],
        targetings: targeted('GENERIQUES', A, B),
        objectives: [objective('GENERIQUES', '>=', 45.5)],
        cpamFacts: [cpam(A, 'GENERIQUES', 4550, 10_000), cpam(B, 'GENERIQUES', 4549, 10_000)],
      }),
      ['GENERIQUES'],
    );
    expect(row(results, 'GENERIQUES', A)).toMatchObject({ numerator: 4550, denominator: 10_000, value: 45.5, measure: 'ratio', status: 'met', target: { comparator: '>=', value: 45.5, source: 'region' } });
    expect(row(results, 'GENERIQUES', B)).toMatchObject({ value: 45.49, status: 'not_met' });
  });

  it('issue 18: without objectifs, 45,5 % is "référence 2017, indicative" (001_f169cbd8a7ffe659.txt), shown beside 40 %, never a target', () => {
    const results = computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('GENERIQUES', A), cpamFacts: [cpam(A, 'GENERIQUES', 4000, 10_000)] }), ['GENERIQUES']);
    expect(row(results, 'GENERIQUES', A)).toMatchObject({
      value: 40,
      target: null,
      status: 'no_target',
      note: 'aucun objectif fixé pour cet indicateur (objectifs-AAAA.csv) ; référence 2017, indicative : 45,5 % de prescriptions dans le répertoire des génériques',
    });
  });

  it('semesters add up when CPAM gives no whole year: (30 + 50) / (100 + 100) = 40 %; one semester alone says so', () => {
    const s1 = cpam(A, 'BIOSIMILAIRES', 30, 100, { period: '2025-S1' });
    const s2 = cpam(A, 'BIOSIMILAIRES', 50, 100, { period: '2025-S2' });
    const both = computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('BIOSIMILAIRES', A), cpamFacts: [s1, s2], objectives: [objective('BIOSIMILAIRES', '>=', 35)] }), ['BIOSIMILAIRES']);
    expect(row(both, 'BIOSIMILAIRES', A)).toMatchObject({ numerator: 80, denominator: 200, value: 40, period: '2025', status: 'met' });
    const first = computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('BIOSIMILAIRES', A), cpamFacts: [s1] }), ['BIOSIMILAIRES']);
    expect(row(first, 'BIOSIMILAIRES', A)).toMatchObject({ value: 30, period: '2025-S1' });
  });

  it('no objective and no built-in target: the value is shown, not judged', () => {
    const results = computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('BIOSIMILAIRES', A), cpamFacts: [cpam(A, 'BIOSIMILAIRES', 30, 100)] }), ['BIOSIMILAIRES']);
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ value: 30, target: null, status: 'no_target' });
  });

  it('CPAM’s own value is kept beside the recomputed one, with whether they agree', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA'), site(B, 'CB')],
        targetings: targeted('GENERIQUES', A, B),
        objectives: [objective('GENERIQUES', '>=', 45.5)],
        cpamFacts: [cpam(A, 'GENERIQUES', 4550, 10_000, { cpamValue: 45.5 }), cpam(B, 'GENERIQUES', 4550, 10_000, { cpamValue: 47 })],
      }),
      ['GENERIQUES'],
    );
    expect(row(results, 'GENERIQUES', A).cpam).toEqual({ value: 45.5, agrees: true });
    // 47 is 1,5 points from 45,5: reported, and the indicator is still judged on the recomputed value.
    expect(row(results, 'GENERIQUES', B)).toMatchObject({ cpam: { value: 47, agrees: false }, value: 45.5, status: 'met' });
  });

  it('a targeted site missing from the extract has no data', () => {
    const results = computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('GENERIQUES', A) }), ['GENERIQUES']);
    expect(row(results, 'GENERIQUES', A)).toMatchObject({
      value: null,
      status: 'no_data',
      note: 'aucune valeur dans l’extrait CPAM ; absent d’Open PHMEV (établissements publics et ESPIC seulement)',
    });
  });
});

describe('CPAM growth rates', () => {
  it('IPP: 104 000 € against a reference of 100 000 € is +4,0 %, within OMéDIT’s ≤ 4 %; 104 100 € is +4,1 %, not', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA'), site(B, 'CB')],
        targetings: targeted('IPP', A, B),
        objectives: [objective('IPP', '<=', 4)],
        cpamFacts: [cpam(A, 'IPP', 104_000, null, { referenceValue: 100_000 }), cpam(B, 'IPP', 104_100, null, { referenceValue: 100_000 })],
      }),
      ['IPP'],
    );
    expect(row(results, 'IPP', A)).toMatchObject({ measure: 'growth', numerator: 104_000, denominator: 100_000, status: 'met', target: { comparator: '<=', value: 4 } });
    expect(row(results, 'IPP', A).value).toBeCloseTo(4, 10);
    expect(row(results, 'IPP', B).value).toBeCloseTo(4.1, 10);
    expect(row(results, 'IPP', B).status).toBe('not_met');
  });

  it('without CPAM’s reference, the year before’s extract is the reference: 55 000 / 52 000 = +5,77 %', () => {
    const before = cpam(A, 'IPP', 52_000, null, { year: 2024, period: '2024', source: { key: 'cpam/2024/phev.csv', version: 'v1' } });
    const results = computeIndicators(
      inputs({ establishments: [site(A, 'CA')], targetings: targeted('IPP', A), objectives: [objective('IPP', '<=', 4)], cpamFacts: [cpam(A, 'IPP', 55_000, null)], previousCpamFacts: [before] }),
      ['IPP'],
    );
    const r = row(results, 'IPP', A);
    expect(r).toMatchObject({ numerator: 55_000, denominator: 52_000, status: 'not_met' });
    expect(r.value).toBeCloseTo(5.769, 3);
    expect(r.inputs.map((i) => i.key).sort()).toEqual(['cpam/2024/phev.csv', 'cpam/2025/phev.csv']);
  });

  it('no reference at all: no data, and why', () => {
    const results = computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('IPP', A), cpamFacts: [cpam(A, 'IPP', 55_000, null)] }), ['IPP']);
    expect(row(results, 'IPP', A)).toMatchObject({ value: null, status: 'no_data', note: 'pas de valeur de référence pour calculer l’évolution' });
  });
});

describe('issue 18: CPAM growth indicators read consistently (a pharmacist saw "+1 090 809 %"; formats.md: "the measure is `numerateur / denominateur` (a rate) when a denominator is given, else `numerateur` (an amount)")', () => {
  const run = (cpamFacts: CpamFact[], previousCpamFacts: CpamFact[] = [], establishments = [site(A, 'CA')]) =>
    computeIndicators(inputs({ establishments, targetings: targeted('PERFADOM', ...establishments.map((e) => e.finess)), objectives: [objective('PERFADOM', '<=', 4)], cpamFacts, previousCpamFacts }), ['PERFADOM']);
  const before = (finess: string, numerator: number, denominator: number | null) => cpam(finess, 'PERFADOM', numerator, denominator, { year: 2024, period: '2024' });

  it('with a denominator the measure is a rate: 1 200 / 10 000 = 0,12 against a reference rate of 0,10 is +20 %', () => {
    const r = row(run([cpam(A, 'PERFADOM', 1200, 10_000, { referenceValue: 0.1, cpamValue: 12 })]), 'PERFADOM', A);
    expect(r).toMatchObject({ numerator: 0.12, denominator: 0.1, status: 'not_met', cpam: { value: 12, agrees: true } });
    expect(r.value).toBeCloseTo(20, 9);
  });

  it('without a reference, the year before’s rate on the same scale: 0,12 against 1 000 / 10 000 = 0,10 is +20 %', () => {
    const r = row(run([cpam(A, 'PERFADOM', 1200, 10_000)], [before(A, 1000, 10_000)]), 'PERFADOM', A);
    expect(r.value).toBeCloseTo(20, 9);
  });

  it('a rate against an amount is refused: no_data with the reason, never +1 090 819 900 %', () => {
    // 109 082 € with no denominator is an amount; a reference of 0,1 is a rate: the factor is 1 090 820.
    const amountVsRate = row(run([cpam(A, 'PERFADOM', 109_082, null, { referenceValue: 0.1 })]), 'PERFADOM', A);
    expect(amountVsRate).toMatchObject({ value: null, status: 'no_data' });
    expect(amountVsRate.note).toMatch(/^évolution de \+109[\s\u202f\u00a0]081[\s\u202f\u00a0]900 %, hors de ±1 000 % : la référence n’est pas sur l’échelle de la mesure \(un taux contre un montant \?\)$/);
    // A rate of 0,109 against a reference of 100 000: a change by a factor far below 1/11.
    expect(row(run([cpam(A, 'PERFADOM', 109_082, 1_000_000, { referenceValue: 100_000 })]), 'PERFADOM', A)).toMatchObject({ value: null, status: 'no_data' });
    // The year before as an amount, this year as a rate: different scales.
    expect(row(run([cpam(A, 'PERFADOM', 1200, 10_000)], [before(A, 50_000, null)]), 'PERFADOM', A)).toMatchObject({
      value: null,
      status: 'no_data',
      note: 'l’extrait de l’année précédente donne la mesure sur une autre échelle (un taux contre un montant) : pas d’évolution calculable',
    });
  });

  it('at the bounds: a factor of 11 (+1 000 %) and of 1/11 are read, beyond them not', () => {
    expect(row(run([cpam(A, 'PERFADOM', 1100, null, { referenceValue: 100 })]), 'PERFADOM', A).value).toBeCloseTo(1000, 9);
    expect(row(run([cpam(A, 'PERFADOM', 1101, null, { referenceValue: 100 })]), 'PERFADOM', A).value).toBeNull();
    expect(row(run([cpam(A, 'PERFADOM', 100, null, { referenceValue: 1100 })]), 'PERFADOM', A).value).toBeCloseTo((1 / 11 - 1) * 100, 9);
    expect(row(run([cpam(A, 'PERFADOM', 100, null, { referenceValue: 1101 })]), 'PERFADOM', A).value).toBeNull();
    expect(row(run([cpam(A, 'PERFADOM', 100, null, { referenceValue: 0 })]), 'PERFADOM', A).note).toBe('valeur de référence nulle ou négative : pas d’évolution calculable');
  });

  it('semesters: amounts add up with their references; rates with reference rates per semester cannot be recomposed', () => {
    const amounts = row(run([cpam(A, 'PERFADOM', 60, null, { period: '2025-S1', referenceValue: 50 }), cpam(A, 'PERFADOM', 50, null, { period: '2025-S2', referenceValue: 50 })]), 'PERFADOM', A);
    expect(amounts).toMatchObject({ numerator: 110, denominator: 100, period: '2025' });
    expect(amounts.value).toBeCloseTo(10, 9);
    const rates = row(run([cpam(A, 'PERFADOM', 6, 100, { period: '2025-S1', referenceValue: 0.05 }), cpam(A, 'PERFADOM', 5, 100, { period: '2025-S2', referenceValue: 0.05 })]), 'PERFADOM', A);
    expect(rates).toMatchObject({ value: null, note: 'taux de référence donné par semestre : l’évolution de l’année ne se recompose pas sans ses numérateurs et dénominateurs' });
  });

  it('a contract of rates sums numerators and denominators of both years: (30 + 10) / (100 + 900) against (20 + 10) / (100 + 900) is +33,3 %', () => {
    const ght = [site(A, 'GHT'), site(B, 'GHT')];
    const results = run([cpam(A, 'PERFADOM', 30, 100), cpam(B, 'PERFADOM', 10, 900)], [before(A, 20, 100), before(B, 10, 900)], ght);
    const contract = row(results, 'PERFADOM', 'GHT');
    expect(contract).toMatchObject({ numerator: 0.04, denominator: 0.03 });
    expect(contract.value).toBeCloseTo(33.333, 3);
    // With reference rates only, the contract's growth cannot be recomposed.
    const refOnly = run([cpam(A, 'PERFADOM', 30, 100, { referenceValue: 0.2 }), cpam(B, 'PERFADOM', 10, 900, { referenceValue: 0.01 })], [], ght);
    expect(row(refOnly, 'PERFADOM', 'GHT')).toMatchObject({ value: null, note: 'taux de référence donné sans ses numérateur et dénominateur : l’évolution du contrat ne se recompose pas' });
  });
});

describe('contracts covering several sites', () => {
  it('a ratio of the contract is the sum of numerators over the sum of denominators: (30 + 10) / (100 + 900) = 4 %, not the mean 16,7 %', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT'), site(B, 'GHT')],
        targetings: targeted('CHIRURGIE_AMBULATOIRE', A, B),
        objectives: [objective('CHIRURGIE_AMBULATOIRE', '>=', 10)],
        cpamFacts: [cpam(A, 'CHIRURGIE_AMBULATOIRE', 30, 100), cpam(B, 'CHIRURGIE_AMBULATOIRE', 10, 900)],
      }),
      ['CHIRURGIE_AMBULATOIRE'],
    );
    expect(row(results, 'CHIRURGIE_AMBULATOIRE', A)).toMatchObject({ value: 30, status: 'met' });
    expect(row(results, 'CHIRURGIE_AMBULATOIRE', 'GHT')).toMatchObject({ scope: 'contract', numerator: 40, denominator: 1000, value: 4, status: 'not_met' });
  });

  it('a growth of the contract sums the amounts of the year and of the reference: (110 + 200) / (100 + 200) − 1 = +3,33 %', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT'), site(B, 'GHT')],
        targetings: targeted('PERFADOM', A, B),
        objectives: [objective('PERFADOM', '<=', 4)],
        cpamFacts: [cpam(A, 'PERFADOM', 110, null, { referenceValue: 100 }), cpam(B, 'PERFADOM', 200, null, { referenceValue: 200 })],
      }),
      ['PERFADOM'],
    );
    // A alone grows 10 % (not met), B 0 %; together 310 / 300.
    expect(row(results, 'PERFADOM', A).status).toBe('not_met');
    const contract = row(results, 'PERFADOM', 'GHT');
    expect(contract.value).toBeCloseTo(3.333, 3);
    expect(contract.status).toBe('met');
  });

  it('a value CPAM gives for the legal entity of two sites is the contract’s; the sites say where it went', () => {
    const timone = site(A, 'GHT', { finessJuridique: '130786000' });
    const nord = site(B, 'GHT', { finessJuridique: '130786000' });
    const results = computeIndicators(
      inputs({ establishments: [timone, nord], targetings: targeted('IPP', A, B), objectives: [objective('IPP', '<=', 4)], cpamFacts: [cpam('130786000', 'IPP', 96_000, null, { level: 'entity', referenceValue: 100_000 })] }),
      ['IPP'],
    );
    expect(row(results, 'IPP', A)).toMatchObject({ value: null, status: 'no_data', note: 'valeur donnée pour l’entité juridique 130786000, sur l’ensemble de ses sites (voir le contrat)' });
    const contract = row(results, 'IPP', 'GHT');
    expect(contract).toMatchObject({ numerator: 96_000, denominator: 100_000, status: 'met' });
    expect(contract.value).toBeCloseTo(-4, 10);
  });

  it('a legal entity with a single site: its value is the site’s', () => {
    const results = computeIndicators(
      inputs({ establishments: [site(C, 'CC', { finessJuridique: '830100004' })], targetings: targeted('IPP', C), objectives: [objective('IPP', '<=', 4)], cpamFacts: [cpam('830100004', 'IPP', 101_000, null, { level: 'entity', referenceValue: 100_000 })] }),
      ['IPP'],
    );
    expect(row(results, 'IPP', C)).toMatchObject({ numerator: 101_000, status: 'met' });
  });
});

describe('issue 18: neutralisation follows the ARS’s list (003_a1f9fbfe3d5c11ef.txt: "La liste des établissements concernés par cette neutralisation est disponible sur le site de l’ARS")', () => {
  const listed = site(C, 'CC', { categorie: 'ex-OQN' });
  const notListed = site(B, 'CB', { categorie: 'ex-OQN' });
  const facts = [cpam(C, 'IPP', 110, null, { referenceValue: 100 }), cpam(B, 'IPP', 110, null, { referenceValue: 100 }), cpam(C, 'PRE_ANESTHESIE', 10, 100)];
  const reason = 'sur la liste de l’ARS des établissements concernés par la neutralisation (FAQ CAQES)';

  it('a site on OMéDIT’s list is neutralised, value shown, never failed; an ex-OQN site not on it is judged', () => {
    const results = computeIndicators(
      inputs({
        establishments: [listed, notListed],
        targetings: [{ year: 2025, finess: C, indicator: 'IPP', neutralisation: reason }, ...targeted('IPP', B), ...targeted('PRE_ANESTHESIE', C)],
        cpamFacts: facts,
        objectives: [objective('PRE_ANESTHESIE', '<=', 5), objective('IPP', '<=', 4)],
      }),
      ['IPP', 'PRE_ANESTHESIE'],
    );
    // +10 % would fail ≤ 4 %: neutralised instead, with why.
    expect(row(results, 'IPP', C)).toMatchObject({ status: 'neutralised', note: `neutralisé : ${reason}` });
    expect(row(results, 'IPP', C).value).toBeCloseTo(10, 10);
    expect(row(results, 'IPP', B)).toMatchObject({ status: 'not_met', note: null });
    expect(row(results, 'PRE_ANESTHESIE', C)).toMatchObject({ value: 10, status: 'not_met' });
  });

  it('none by default: the ex-OQN category alone neutralises nothing, whatever `neutralisation_ex_oqn` says', () => {
    const parameters: ParameterSet[] = [{ year: 2025, region: 'PACA', values: { neutralisation_ex_oqn: ['IPP', 'PRE_ANESTHESIE'] } }];
    const results = computeIndicators(
      inputs({ establishments: [listed], targetings: [...targeted('IPP', C), ...targeted('PRE_ANESTHESIE', C)], cpamFacts: facts, parameters, objectives: [objective('PRE_ANESTHESIE', '<=', 5), objective('IPP', '<=', 4)] }),
      ['IPP', 'PRE_ANESTHESIE'],
    );
    expect(row(results, 'IPP', C).status).toBe('not_met');
    expect(row(results, 'PRE_ANESTHESIE', C).status).toBe('not_met');
  });

  it('a neutralisation of another year does not apply', () => {
    const results = computeIndicators(
      inputs({ establishments: [listed], targetings: [...targeted('IPP', C), { year: 2024, finess: C, indicator: 'IPP', neutralisation: reason }], cpamFacts: facts, objectives: [objective('IPP', '<=', 4)] }),
      ['IPP'],
    );
    expect(row(results, 'IPP', C).status).toBe('not_met');
  });

  it('a contract is neutralised only when every targeted site of it is', () => {
    const one = site(C, 'GHT', { categorie: 'ex-OQN' });
    const two = site(B, 'GHT', { categorie: 'ex-OQN' });
    const base = { establishments: [one, two], cpamFacts: facts, objectives: [objective('IPP', '<=', 4)] };
    const half = computeIndicators(inputs({ ...base, targetings: [{ year: 2025, finess: C, indicator: 'IPP', neutralisation: reason }, ...targeted('IPP', B)] }), ['IPP']);
    expect(row(half, 'IPP', 'GHT').status).toBe('not_met');
    expect(row(half, 'IPP', 'GHT').value).toBeCloseTo(10, 9);
    const both = computeIndicators(
      inputs({ ...base, targetings: [{ year: 2025, finess: C, indicator: 'IPP', neutralisation: reason }, { year: 2025, finess: B, indicator: 'IPP', neutralisation: 'arrêté ARS du 12/01/2026' }] }),
      ['IPP'],
    );
    expect(row(both, 'IPP', 'GHT')).toMatchObject({ status: 'neutralised', note: `neutralisé : ${reason} ; arrêté ARS du 12/01/2026` });
  });
});

describe('DMI as the seed scores it: "Cartographie ANAP/RESOMEDIT (accompagnement OMéDIT) + plan d’actions = 2 points ; Audit : Traçabilité dans DPI et information patient = 1 point"', () => {
  const calendar = [deadline('DMI', ['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'])];
  const run = (evidence: EvidenceRecord[], today: string, over: Partial<RegionYearInputs> = {}) =>
    row(computeIndicators(inputs({ today, establishments: [site(A, 'CA')], targetings: targeted('DMI', A), deadlines: calendar, evidence, ...over }), ['DMI']), 'DMI', A);
  const all = [uploaded(A, 'cartographie_dmi', '2026-02-10T09:00:00Z'), uploaded(A, 'plan_actions_dmi', '2026-02-11T09:00:00Z'), uploaded(A, 'audit_dmi', '2026-03-09T20:00:00Z')];
  const points = (r: IndicatorResult) => r.components.map((c) => [c.id, c.value, c.status]);

  it('everything in time (the audit on the evening of the deadline, Paris time): 3 points of 3; no target in the seeds, so no met/not met', () => {
    expect(run(all, '2026-03-20')).toMatchObject({ measure: 'points', numerator: 3, denominator: 3, value: 3, unit: 'points', target: null, status: 'no_target' });
  });

  it('a status only where objectifs gives one: ≥ 3 points met with 3, not met with 2', () => {
    const objectives = [objective('DMI', '>=', 3)];
    expect(run(all, '2026-03-20', { objectives })).toMatchObject({ value: 3, status: 'met', target: { comparator: '>=', value: 3, source: 'region' } });
    expect(run(all.slice(0, 2), '2026-03-20', { objectives })).toMatchObject({ value: 2, status: 'not_met' });
  });

  it('no audit after the deadline: 2 points, the audit’s point lost; before it: still to be earned', () => {
    const mapping = all.slice(0, 2);
    expect(run(mapping, '2026-03-10')).toMatchObject({ value: 2, status: 'no_target' });
    expect(points(run(mapping, '2026-03-10'))).toEqual([
      ['cartographie', 2, 'met'],
      ['audit', 0, 'not_met'],
    ]);
    expect(points(run(mapping, '2026-03-01'))).toEqual([
      ['cartographie', 2, 'met'],
      ['audit', 0, 'pending'],
    ]);
  });

  it('an action plan received after the deadline loses the mapping’s 2 points', () => {
    const late = [uploaded(A, 'cartographie_dmi', '2026-02-10T09:00:00Z'), uploaded(A, 'plan_actions_dmi', '2026-03-12T09:00:00Z'), uploaded(A, 'audit_dmi', '2026-03-01T09:00:00Z')];
    const r = run(late, '2026-03-20');
    expect(r).toMatchObject({ value: 1 });
    expect(r.evidence.find((e) => e.kind === 'plan_actions_dmi')).toMatchObject({ status: 'late', receivedAt: '2026-03-12T09:00:00Z' });
  });

  it('the 2 points need both the mapping and its plan: a plan not sent gives 0 of 2', () => {
    expect(points(run([all[0] as EvidenceRecord, all[2] as EvidenceRecord], '2026-03-20'))).toEqual([
      ['cartographie', 0, 'not_met'],
      ['audit', 1, 'met'],
    ]);
  });

  it('MO’s action plan (`plan_actions`) never earns DMI’s points, even asked by a calendar row for every indicator', () => {
    const moPlan = [uploaded(A, 'cartographie_dmi', '2026-02-10T09:00:00Z'), uploaded(A, 'plan_actions', '2026-02-11T09:00:00Z'), uploaded(A, 'audit_dmi', '2026-03-01T09:00:00Z')];
    const r = run(moPlan, '2026-03-20', { deadlines: [...calendar, deadline(null, ['plan_actions'])] });
    expect(r).toMatchObject({ numerator: 1, value: 1 });
    expect(r.components[0]).toMatchObject({ id: 'cartographie', value: 0, status: 'not_met' });
  });

  it('"Cartographie : Pas à refaire OBLIGATOIREMENT tous les ans": a 2024 mapping counts in 2025, and the result says which campaign', () => {
    const mapping2024 = uploaded(A, 'cartographie_dmi', '2025-02-01T09:00:00Z', { campaign: '2024-S2', fileName: 'cartographie-2024.pdf' });
    const r = run([mapping2024, all[1] as EvidenceRecord, all[2] as EvidenceRecord], '2026-03-20');
    expect(r).toMatchObject({ numerator: 3, value: 3 });
    expect(r.components[0]).toMatchObject({ value: 2, status: 'met', note: 'cartographie de la campagne 2024-S2, toujours valable' });
    expect(r.evidence.find((e) => e.kind === 'cartographie_dmi')).toMatchObject({ campaign: '2024-S2', status: 'in_time', fileName: 'cartographie-2024.pdf' });
    expect(r.inputs).toContainEqual(mapping2024.source);
  });

  it('OMéDIT’s `validite_cartographie_dmi` limits it: valid 2 years, a 2024 mapping counts in 2025, a 2023 one does not', () => {
    const parameters: ParameterSet[] = [{ year: 2025, region: 'PACA', values: { validite_cartographie_dmi: 2 } }];
    const rest = [all[1] as EvidenceRecord, all[2] as EvidenceRecord];
    const in2024 = uploaded(A, 'cartographie_dmi', '2025-02-01T09:00:00Z', { campaign: '2024-S2' });
    const in2023 = uploaded(A, 'cartographie_dmi', '2024-02-01T09:00:00Z', { campaign: '2023-S2' });
    expect(run([in2024, ...rest], '2026-03-20', { parameters })).toMatchObject({ value: 3 });
    expect(run([in2023, ...rest], '2026-03-20', { parameters })).toMatchObject({ value: 1 });
    // Without the parameter the 2023 mapping still counts; a refused one never does.
    expect(run([in2023, ...rest], '2026-03-20')).toMatchObject({ value: 3 });
    expect(run([{ ...in2024, status: 'rejected' }, ...rest], '2026-03-20')).toMatchObject({ value: 1 });
  });

  it('a refused audit does not count', () => {
    const refused = [...all.slice(0, 2), uploaded(A, 'audit_dmi', '2026-03-01T09:00:00Z', { status: 'rejected', errorCount: 1 })];
    expect(run(refused, '2026-03-20')).toMatchObject({ value: 2 });
  });
});

describe('pharmacie clinique: the self-assessment returned in time', () => {
  const calendar = [deadline('PHARMACIE_CLINIQUE', ['autodiagnostic_pharmacie_clinique'])];
  const run = (evidence: EvidenceRecord[], today: string) =>
    row(computeIndicators(inputs({ today, establishments: [site(A, 'CA')], targetings: targeted('PHARMACIE_CLINIQUE', A), deadlines: calendar, evidence }), ['PHARMACIE_CLINIQUE']), 'PHARMACIE_CLINIQUE', A);

  it('issue 18: the seeds name the tool (Autodiagnostic ANAP), not a score: returned in time is met, with no invented target', () => {
    expect(run([uploaded(A, 'autodiagnostic_pharmacie_clinique', '2026-01-05T09:00:00Z')], '2026-04-01')).toMatchObject({
      numerator: 1,
      denominator: 1,
      value: 100,
      target: null,
      status: 'met',
      note: 'autodiagnostic ANAP retourné et accepté dans les délais : c’est ce qui est jugé, les sources ne fixant pas de score',
    });
    expect(run([], '2026-04-01')).toMatchObject({ numerator: 0, denominator: 1, value: 0, status: 'not_met', note: 'autodiagnostic ANAP non retourné ou non accepté dans les délais : c’est ce qui est jugé' });
    expect(run([], '2026-03-01')).toMatchObject({ status: 'pending', note: 'autodiagnostic ANAP attendu (échéance le 09/03/2026) : c’est son retour dans les délais qui est jugé' });
  });

  it('with no deadline in the calendar, the self-evaluation deadline applies (evidence before the end of March)', () => {
    const selfEvaluation = deadline(null, [], '2026-03-31', 'auto_evaluation');
    const r = row(
      computeIndicators(inputs({ today: '2026-04-01', establishments: [site(A, 'CA')], targetings: targeted('PHARMACIE_CLINIQUE', A), deadlines: [selfEvaluation] }), ['PHARMACIE_CLINIQUE']),
      'PHARMACIE_CLINIQUE',
      A,
    );
    expect(r.evidence).toEqual([
      { kind: 'autodiagnostic_pharmacie_clinique', campaign: '2025', deadline: 'auto_evaluation', due: '2026-03-31', status: 'missing', fileName: null, receivedAt: null },
    ]);
    expect(r.status).toBe('not_met');
  });
});

describe('issue 18: MO’s targets are the seed’s, "Objectif taux de prescription I999 : PACA <15%* ; Corse <10%" and "* Sauf AP-HM et IPC <20%"', () => {
  const aphmSite = '130783236';
  const share = (results: IndicatorResult[], finess: string) => row(results, 'MO', finess).components[0];
  const run = (establishments: Establishment[], objectives: Objective[] = [], region = 'PACA') =>
    computeIndicators(
      inputs({ region, establishments, targetings: establishments.map((e) => ({ year: 2025, finess: e.finess, indicator: 'MO' as const })), objectives, moFacts: establishments.map((e) => mo(e.finess, 1000, 180, { region })) }),
      ['MO'],
    );

  it('18 % hors AMM: within AP-HM’s < 20 % (recognised by its FINESS juridique 130786049), beyond another PACA site’s < 15 %', () => {
    const results = run([site(aphmSite, 'APHM', { finessJuridique: '130786049' }), site(C, 'CC')]);
    expect(row(results, 'MO', aphmSite).target).toEqual({ comparator: '<', value: 20, source: 'exception' });
    expect(share(results, aphmSite)).toMatchObject({ value: 18, status: 'met' });
    expect(row(results, 'MO', C).target).toEqual({ comparator: '<', value: 15, source: 'default' });
    expect(share(results, C)).toMatchObject({ value: 18, status: 'not_met' });
  });

  it('IPC is the other named exception; Corse’s sites have < 10 %', () => {
    expect(row(run([site(B, 'CB', { finessJuridique: '130001647' })]), 'MO', B).target).toEqual({ comparator: '<', value: 20, source: 'exception' });
    const corse = run([site('2A0000717', 'CX', { region: 'CORSE' })], [], 'CORSE');
    expect(row(corse, 'MO', '2A0000717').target).toEqual({ comparator: '<', value: 10, source: 'default' });
  });

  it('objectifs overrides: AP-HM’s own row wins over the exception, which wins over the region’s row', () => {
    const aphm = site(aphmSite, 'APHM', { finessJuridique: '130786049' });
    expect(row(run([aphm], [objective('MO', '<', 15, aphmSite)]), 'MO', aphmSite).target).toEqual({ comparator: '<', value: 15, source: 'establishment' });
    const regionRow = run([aphm, site(C, 'CC')], [objective('MO', '<', 12)]);
    expect(row(regionRow, 'MO', aphmSite).target).toMatchObject({ value: 20, source: 'exception' });
    expect(row(regionRow, 'MO', C).target).toEqual({ comparator: '<', value: 12, source: 'region' });
  });

  it('another region’s or year’s objectifs row does not apply', () => {
    const other: Objective[] = [{ ...objective('MO', '<', 5), region: 'CORSE' }, { ...objective('MO', '<', 5), year: 2024 }, { ...objective('MO', '<', 5, C), year: 2024 }];
    expect(row(run([site(C, 'CC')], other), 'MO', C).target).toEqual({ comparator: '<', value: 15, source: 'default' });
    expect(row(run([site(C, 'CC')], [{ ...objective('MO', '<', 7), region: null }]), 'MO', C).target).toEqual({ comparator: '<', value: 7, source: 'all' });
  });
});

describe('MO beyond the I999 share', () => {
  // Seed 000: "100% prescriptions hors AMM argumentées : AMM Miroir (I997) à préciser ou exclure"; the
  // I999 prescribed are ATIH's of the campaign's semester (S2 = months 7-12), per UCD.
  const argumentaire = (...perUcd: [string, number, number][]): EvidenceSummary => ({
    type: 'argumentaire',
    lines: perUcd.length,
    argued: perUcd.filter(([, , argued]) => argued > 0).length,
    ucd: perUcd.reduce((a, [, units]) => a + units, 0),
    arguedUcd: perUcd.reduce((a, [, , argued]) => a + argued, 0),
    byUcd: perUcd.map(([ucd, units, argued]) => ({ ucd, lines: 1, units, arguedLines: argued > 0 ? 1 : 0, arguedUnits: argued })),
    ammMiroirLines: 0,
    excludedLines: 0,
    ammMiroir: [],
    exclusions: [],
  });
  const calendar = [deadline('MO', ['plan_actions']), deadline('MO', ['argumentaire_hors_amm'], '2026-03-21', 'argumentaire_hors_amm')];
  // 1 000 UCD in September, 100 of them I999 on one UCD: 10 %.
  const september = [mo(A, 1000, 100, { month: 9 })];
  const run = (evidence: EvidenceRecord[], today: string, facts = september) =>
    row(computeIndicators(inputs({ today, establishments: [site(A, 'CA')], targetings: targeted('MO', A), deadlines: calendar, moFacts: facts, evidence }), ['MO']), 'MO', A);
  const plan = uploaded(A, 'plan_actions', '2026-02-01T09:00:00Z');
  const sent = (summary: EvidenceSummary, at = '2026-03-01T09:00:00Z') => uploaded(A, 'argumentaire_hors_amm', at, { summary });
  const LABEL = 'Part des prescriptions hors AMM argumentées (UCD I999 de l’ATIH)';

  it('10 % hors AMM, the plan in time and the 100 I999 UCD of S2 argued: met', () => {
    const r = run([plan, sent(argumentaire([UCD, 100, 100]))], '2026-04-01');
    expect(r.status).toBe('met');
    expect(r.components.map((c) => [c.id, c.value, c.status])).toEqual([
      ['i999', 10, 'met'],
      ['argued', 100, 'met'],
    ]);
  });

  it('75 of the 100 I999 UCD argued once the cut-off has passed: not met, though the share is', () => {
    const r = run([plan, sent(argumentaire([UCD, 100, 75]))], '2026-03-22');
    expect(r.components[1]).toMatchObject({ numerator: 75, denominator: 100, value: 75, status: 'not_met' });
    expect(r).toMatchObject({ status: 'not_met', note: `${LABEL} : objectif non atteint` });
  });

  it('3 I999 UCD in the semester, the file lists and argues only 1: 40 of 100 UCD, not 100 %, and no incentive', () => {
    const facts = [mo(A, 1000, 100, { month: 9, i999ByUcd: [{ ucd: UCD, units: 40, lines: 2 }, { ucd: '9400001', units: 30, lines: 1 }, { ucd: '9412631', units: 30, lines: 1 }] })];
    const r = row(
      computeIndicators(
        inputs({
          today: '2026-04-01',
          establishments: [site(A, 'CA')],
          targetings: targeted('MO', A),
          deadlines: calendar,
          moFacts: facts,
          evidence: [plan, sent(argumentaire([UCD, 40, 40]))],
          parameters: [{ year: 2025, region: null, values: { budget_interessement_mo: 1000 } }],
        }),
        ['MO'],
      ),
      'MO',
      A,
    );
    expect(r.components[1]).toMatchObject({ numerator: 40, denominator: 100, value: 40, status: 'not_met' });
    expect(r.components[1]!.coverage?.notArgued).toEqual([
      { campaign: '2025-S2', ucd: '9400001', units: 30 },
      { campaign: '2025-S2', ucd: '9412631', units: 30 },
    ]);
    expect(r.status).toBe('not_met');
    expect(r.allocation?.amount).toBe(0);
  });

  it('no argumentation sent once the cut-off has passed: 0 of 100 UCD argued, not met', () => {
    expect(run([plan], '2026-03-22').components[1]).toMatchObject({ numerator: 0, denominator: 100, value: 0, status: 'not_met' });
  });

  it('ATIH given for the whole year without months: the S2 share argued is no data, MO waits (never 100 %)', () => {
    const r = run([plan, sent(argumentaire([UCD, 100, 100]))], '2026-04-01', [mo(A, 1000, 100)]);
    expect(r.components[1]).toMatchObject({ value: null, status: 'no_data' });
    expect(r).toMatchObject({
      status: 'pending',
      note: `${LABEL} : pas encore mesurable (données ATIH 2025 reçues pour l’année entière, sans mois : le semestre ne peut pas être isolé)`,
    });
  });

  it('before the cut-off the same file leaves MO pending: it can still be corrected', () => {
    const r = run([plan, sent(argumentaire([UCD, 100, 75]))], '2026-03-10');
    expect(r.components[1]!.status).toBe('pending');
    expect(r).toMatchObject({ status: 'pending', note: `${LABEL} : encore en attente` });
  });

  it('a corrected argumentaire replaces the earlier one of the campaign', () => {
    const first = sent(argumentaire([UCD, 100, 75]), '2026-03-01T09:00:00Z');
    const fixed = sent(argumentaire([UCD, 100, 100]), '2026-03-02T09:00:00Z');
    expect(run([plan, fixed, first], '2026-04-01').components[1]).toMatchObject({ numerator: 100, denominator: 100, status: 'met' });
  });

  // Seed 000: "Délai de rigueur pour le retour de l’argumentaire des prescriptions hors-AMM S2 2025 : 21/03/2026".
  it('délai de rigueur, a late file after a valid one: the file of 20/03 (all argued) counts, the one of 25/03 is named, not counted', () => {
    const valid = sent(argumentaire([UCD, 100, 100]), '2026-03-20T09:00:00Z');
    const late = { ...sent(argumentaire([UCD, 100, 10]), '2026-03-25T09:00:00Z'), fileName: 'argumentaire-v2.xlsx' };
    const r = run([plan, valid, late], '2026-04-01');
    expect(r.components[1]).toMatchObject({ numerator: 100, denominator: 100, status: 'met' });
    expect(r).toMatchObject({
      status: 'met',
      note: 'fichier « argumentaire-v2.xlsx » reçu le 25/03/2026, après le délai de rigueur du 21/03/2026 : conservé, non pris en compte',
    });
  });

  it('délai de rigueur, a late file with no earlier one: nothing argued counts, not met', () => {
    const r = run([plan, sent(argumentaire([UCD, 100, 100]), '2026-03-25T09:00:00Z')], '2026-04-01');
    expect(r.components[1]).toMatchObject({ numerator: 0, denominator: 100, status: 'not_met' });
    expect(r.status).toBe('not_met');
    expect(r.note).toContain('après le délai de rigueur du 21/03/2026 : conservé, non pris en compte');
  });

  it('the same late file for a deadline the calendar says is not strict replaces the earlier one and counts', () => {
    const lenient = [calendar[0]!, { ...calendar[1]!, strict: false }];
    const valid = sent(argumentaire([UCD, 100, 100]), '2026-03-20T09:00:00Z');
    const late = sent(argumentaire([UCD, 100, 10]), '2026-03-25T09:00:00Z');
    const r = row(computeIndicators(inputs({ today: '2026-04-01', establishments: [site(A, 'CA')], targetings: targeted('MO', A), deadlines: lenient, moFacts: september, evidence: [plan, valid, late] }), ['MO']), 'MO', A);
    expect(r.components[1]).toMatchObject({ numerator: 10, denominator: 100, status: 'not_met' });
  });

  it('the action plan received after its deadline: not met, with the reason', () => {
    const r = run([uploaded(A, 'plan_actions', '2026-03-15T09:00:00Z'), sent(argumentaire([UCD, 100, 100]))], '2026-04-01');
    expect(r).toMatchObject({ status: 'not_met', note: 'élément de preuve non reçu ou non accepté à temps' });
  });

  it('lists coding anomalies and a valued total that jumped more than 3 times since the year before', () => {
    const facts = [mo(A, 1000, 100, { totalAmount: 500_000, anomalies: { missingIndication: { lines: 2, ucd: 7 }, invalidIndication: { lines: 1, ucd: 3, examples: ['I99'] }, invalidUcd: { lines: 0, ucd: 0, examples: [] } } })];
    const r = row(
      computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A), moFacts: facts, previousMoFacts: [mo(A, 900, 90, { year: 2024, totalAmount: 100_000 })] }), ['MO']),
      'MO',
      A,
    );
    expect(r.anomalies).toEqual([
      { code: 'missing-indication', message: '2 ligne(s) avec un code indication absent (7 UCD)' },
      { code: 'invalid-indication', message: '1 ligne(s) avec un code indication mal formé (3 UCD ; ex. I99)' },
      // 500 000 / 100 000 = ×5.
      { code: 'amount-jump', message: 'montant total valorisé passé de 100\u202f000 € en 2024 à 500\u202f000 € en 2025 (×5,0)' },
    ]);
  });

  it('sums the initiations collected over the year’s campaigns', () => {
    const initiations = (n: number, patients: number, byDci: { dci: string; patients: number }[]): EvidenceSummary => ({ type: 'initiations', initiations: n, patients, byDci });
    const r = run(
      [
        uploaded(A, 'recueil_initiations', '2025-07-10T09:00:00Z', { campaign: '2025-S1', summary: initiations(3, 5, [{ dci: 'RITUXIMAB', patients: 3 }, { dci: 'BEVACIZUMAB', patients: 2 }]) }),
        uploaded(A, 'recueil_initiations', '2026-01-10T09:00:00Z', { summary: initiations(2, 2, [{ dci: 'BEVACIZUMAB', patients: 2 }]) }),
      ],
      '2026-01-15',
    );
    // Bevacizumab 2 + 2 = 4 patients, rituximab 3: most first.
    expect(r.initiations).toEqual({ initiations: 5, patients: 7, byDci: [{ dci: 'BEVACIZUMAB', patients: 4 }, { dci: 'RITUXIMAB', patients: 3 }] });
  });
});

describe('budgets split to the cent', () => {
  it('MO incentive, prorata of the valued amount, among the sites whose contract met MO', () => {
    // A: 10 % (met), 300 000 €; B: 10 % (met), 100 000 €; C: 20 % (not met). 126 331 € split 3 : 1.
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA'), site(B, 'CB'), site(C, 'CC')],
        targetings: targeted('MO', A, B, C),
        moFacts: [mo(A, 3000, 300), mo(B, 1000, 100), mo(C, 1000, 200)],
        evidence: fullyArgued(A, B, C),
        parameters: [{ year: 2025, region: 'PACA', values: { budget_interessement_mo: 126_331 } }],
      }),
      ['MO'],
    );
    expect(row(results, 'MO', A).allocation).toEqual({ budget: 'interessement_mo', amount: 94_748.25, rule: 'au prorata du montant liste en sus valorisé', provisional: false, undecided: false });
    expect(row(results, 'MO', B).allocation?.amount).toBe(31_582.75);
    expect(row(results, 'MO', C).allocation?.amount).toBe(0);
  });

  it('issue 18: "prévisionnel" while a share depends on a pending status, then final to the cent (seed 000: "Montant total d’intéressement = 126 331 €")', () => {
    // A met (plan in time), B reaches 10 % but its plan is still awaited (pending), C misses (20 %).
    const base = {
      establishments: [site(A, 'CA'), site(B, 'CB'), site(C, 'CC')],
      targetings: targeted('MO', A, B, C),
      deadlines: [deadline('MO', ['plan_actions'])],
      // Every site's I999 argued, so only B's plan decides its status.
      evidence: [uploaded(A, 'plan_actions', '2026-02-01T09:00:00Z'), uploaded(C, 'plan_actions', '2026-02-01T09:00:00Z'), ...fullyArgued(A, B, C)],
      moFacts: [mo(A, 3000, 300), mo(B, 1000, 100), mo(C, 1000, 200)],
      parameters: [{ year: 2025, region: 'PACA', values: { budget_interessement_mo: 126_331 } }],
    };
    const before = computeIndicators(inputs({ ...base, today: '2026-03-01' }), ['MO']);
    expect(row(before, 'MO', B).status).toBe('pending');
    // Counted as if B succeeds: 300 000 : 100 000 → 94 748,25 € sure for A, 31 582,75 € undecided for B.
    expect(row(before, 'MO', A).allocation).toMatchObject({ amount: 94_748.25, provisional: true, undecided: false });
    expect(row(before, 'MO', B).allocation).toMatchObject({ amount: 31_582.75, provisional: true, undecided: true });
    expect(row(before, 'MO', C).allocation).toMatchObject({ amount: 0, provisional: true, undecided: false });
    // After the deadline B's plan is missing: not met, and the whole budget goes to A, final.
    const after = computeIndicators(inputs({ ...base, today: '2026-03-10' }), ['MO']);
    expect(row(after, 'MO', B).status).toBe('not_met');
    expect([A, B, C].map((f) => row(after, 'MO', f).allocation)).toEqual([
      { budget: 'interessement_mo', amount: 126_331, rule: 'au prorata du montant liste en sus valorisé', provisional: false, undecided: false },
      { budget: 'interessement_mo', amount: 0, rule: 'au prorata du montant liste en sus valorisé', provisional: false, undecided: false },
      { budget: 'interessement_mo', amount: 0, rule: 'au prorata du montant liste en sus valorisé', provisional: false, undecided: false },
    ]);
  });

  it('a contract’s row carries its sites’ total, and whether part of it is undecided', () => {
    // GHT = A + B: (300 + 100) / (3 000 + 1 000) = 10 %, met as a whole; C alone 20 %, not met.
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT'), site(B, 'GHT'), site(C, 'CC')],
        targetings: targeted('MO', A, B, C),
        moFacts: [mo(A, 3000, 300), mo(B, 1000, 100), mo(C, 1000, 200)],
        evidence: fullyArgued(A, B, C),
        parameters: [{ year: 2025, region: 'PACA', values: { budget_interessement_mo: 126_331, regle_interessement_mo: 'egal' } }],
      }),
      ['MO'],
    );
    expect([A, B].map((f) => row(results, 'MO', f).allocation?.amount)).toEqual([63_165.5, 63_165.5]);
    expect(row(results, 'MO', 'GHT').allocation).toEqual({ budget: 'interessement_mo', amount: 126_331, rule: 'à parts égales', provisional: false, undecided: false });
  });

  it('DMI: a site whose audit can still come is counted with the point it may earn, provisionally; after the deadline, 3 : 2 to the cent', () => {
    const calendar = [deadline('DMI', ['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'])];
    const evidence = [
      ...(['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'] as const).map((k) => uploaded(A, k, '2026-02-01T09:00:00Z')),
      ...(['cartographie_dmi', 'plan_actions_dmi'] as const).map((k) => uploaded(B, k, '2026-02-01T09:00:00Z')),
    ];
    const base = {
      establishments: [site(A, 'CA'), site(B, 'CB')],
      targetings: targeted('DMI', A, B),
      deadlines: calendar,
      evidence,
      parameters: [{ year: 2025, region: 'PACA', values: { budget_dmi: 210_550.97, regle_dmi: 'points' as const } }],
    };
    // 3 : 3 of 21 055 097 cents: 10 527 548,5 each, the odd cent to the first.
    const before = computeIndicators(inputs({ ...base, today: '2026-03-01' }), ['DMI']);
    expect([A, B].map((f) => row(before, 'DMI', f).allocation)).toEqual([
      { budget: 'budget_dmi', amount: 105_275.49, rule: 'au prorata des points', provisional: true, undecided: false },
      { budget: 'budget_dmi', amount: 105_275.48, rule: 'au prorata des points', provisional: true, undecided: true },
    ]);
    // 3 : 2 → 126 330,582 → 126 330,58 and 84 220,388 → 84 220,39, which add up to 210 550,97.
    const after = computeIndicators(inputs({ ...base, today: '2026-03-10' }), ['DMI']);
    expect([A, B].map((f) => row(after, 'DMI', f).allocation)).toEqual([
      { budget: 'budget_dmi', amount: 126_330.58, rule: 'au prorata des points', provisional: false, undecided: false },
      { budget: 'budget_dmi', amount: 84_220.39, rule: 'au prorata des points', provisional: false, undecided: false },
    ]);
  });

  it('equal shares that do not divide: the cents go to the first, the total is exact', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA'), site(B, 'CB'), site(C, 'CC')],
        targetings: targeted('MO', A, B, C),
        moFacts: [mo(A, 1000, 10), mo(B, 1000, 10), mo(C, 1000, 10)],
        evidence: fullyArgued(A, B, C),
        parameters: [{ year: 2025, region: null, values: { budget_interessement_mo: 100, regle_interessement_mo: 'egal' } }],
      }),
      ['MO'],
    );
    expect([A, B, C].map((f) => row(results, 'MO', f).allocation?.amount)).toEqual([33.34, 33.33, 33.33]);
  });

  it('the sites of a contract that missed MO as a whole earn nothing, even one that met it alone', () => {
    // A: 10 / 100 met alone; B: 40 / 100; the contract (10 + 40) / 200 = 25 % misses < 15 %.
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT'), site(B, 'GHT'), site(C, 'CC')],
        targetings: targeted('MO', A, B, C),
        moFacts: [mo(A, 100, 10), mo(B, 100, 40), mo(C, 100, 5)],
        evidence: fullyArgued(A, B, C),
        parameters: [{ year: 2025, region: null, values: { budget_interessement_mo: 1000 } }],
      }),
      ['MO'],
    );
    expect(row(results, 'MO', A).status).toBe('met');
    expect(row(results, 'MO', A).allocation?.amount).toBe(0);
    expect(row(results, 'MO', 'GHT').allocation?.amount).toBe(0);
    expect(row(results, 'MO', C).allocation?.amount).toBe(1000);
  });

  it('DMI budget by points × DMI implanted when every count is known, by points otherwise', () => {
    const calendar = [deadline('DMI', ['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'])];
    const evidence = [
      ...(['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'] as const).map((k) => uploaded(A, k, '2026-02-01T09:00:00Z')),
      ...(['cartographie_dmi', 'plan_actions_dmi'] as const).map((k) => uploaded(B, k, '2026-02-01T09:00:00Z')),
    ];
    const base = inputs({
      today: '2026-04-01',
      establishments: [site(A, 'CA'), site(B, 'CB'), site(C, 'CC')],
      targetings: targeted('DMI', A, B, C),
      deadlines: calendar,
      evidence,
      parameters: [{ year: 2025, region: 'PACA', values: { budget_dmi: 210_550.97 } }],
    });
    // A 3 points, B 2, C 0. By points: 3/5 and 2/5 of 210 550,97 € = 126 330,58 + 84 220,39.
    const byPoints = computeIndicators(base, ['DMI']);
    expect([A, B, C].map((f) => row(byPoints, 'DMI', f).allocation?.amount)).toEqual([126_330.58, 84_220.39, 0]);
    expect(row(byPoints, 'DMI', A).allocation?.rule).toBe('au prorata des points (nombre de DMI posés inconnu)');
    // With 100 DMI at A and 400 at B: weights 3 × 100 = 300 and 2 × 400 = 800, so 3/11 and 8/11 of the
    // budget: 57 422,9918… → 57 422,99 and 153 127,9782… → 153 127,98, which add up to 210 550,97.
    const dmi = (finess: string, implants: number) => ({ region: 'PACA', year: 2025, finess, level: 'site' as const, implants, cost: implants * 1000, lines: 1, source: SRC, replaced: [] });
    const byCounts = computeIndicators({ ...base, dmiFacts: [dmi(A, 100), dmi(B, 400)] }, ['DMI']);
    expect([A, B].map((f) => row(byCounts, 'DMI', f).allocation?.amount)).toEqual([57_422.99, 153_127.98]);
    expect(row(byCounts, 'DMI', A).allocation?.rule).toBe('au prorata des points × nombre de DMI posés');
  });
});

describe('issue 18: rules per region (design.md: "One deployment serves every region"; the `region` column of calendrier-<year>.csv and objectifs-<year>.csv)', () => {
  const calendar: Deadline[] = [
    { ...deadline('PHARMACIE_CLINIQUE', ['autodiagnostic_pharmacie_clinique'], '2026-03-09'), region: 'PACA' },
    { ...deadline('PHARMACIE_CLINIQUE', ['autodiagnostic_pharmacie_clinique'], '2026-03-31'), region: 'IDF' },
    { ...deadline(null, [], '2026-03-31', 'auto_evaluation'), region: null },
  ];
  const idfSite = site('750000010', 'CI', { region: 'IDF' });
  const run = (region: string, finess: string) =>
    row(
      computeIndicators(
        inputs({ region, today: '2026-03-15', establishments: [site(A, 'CA'), idfSite], targetings: [...targeted('PHARMACIE_CLINIQUE', A), ...targeted('PHARMACIE_CLINIQUE', '750000010')], deadlines: calendar }),
        ['PHARMACIE_CLINIQUE'],
      ),
      'PHARMACIE_CLINIQUE',
      finess,
    );

  it('on 15/03/2026 the same missing self-diagnosis is late in PACA (09/03) and still awaited in IDF (31/03)', () => {
    expect(run('PACA', A)).toMatchObject({ status: 'not_met', region: 'PACA' });
    expect(run('PACA', A).evidence).toEqual([expect.objectContaining({ due: '2026-03-09', status: 'missing' })]);
    expect(run('IDF', '750000010')).toMatchObject({ status: 'pending', region: 'IDF' });
    expect(run('IDF', '750000010').evidence).toEqual([expect.objectContaining({ due: '2026-03-31', status: 'awaited' })]);
  });

  it('a region computes only its own establishments', () => {
    const results = computeIndicators(
      inputs({ region: 'IDF', establishments: [site(A, 'CA'), idfSite], targetings: [...targeted('PHARMACIE_CLINIQUE', A), ...targeted('PHARMACIE_CLINIQUE', '750000010')], deadlines: calendar }),
      ['PHARMACIE_CLINIQUE'],
    );
    expect(results.map((r) => r.finess)).toEqual(['750000010']);
  });

  it('objectives per region: PACA’s and IDF’s targets differ in one year', () => {
    const objectives: Objective[] = [objective('BIOSIMILAIRES', '>=', 30), { ...objective('BIOSIMILAIRES', '>=', 50), region: 'IDF' }];
    const facts = [cpam(A, 'BIOSIMILAIRES', 40, 100), cpam('750000010', 'BIOSIMILAIRES', 40, 100, { region: 'IDF' })];
    const both = (region: string) =>
      computeIndicators(inputs({ region, establishments: [site(A, 'CA'), idfSite], targetings: [...targeted('BIOSIMILAIRES', A), ...targeted('BIOSIMILAIRES', '750000010')], objectives, cpamFacts: facts }), ['BIOSIMILAIRES']);
    expect(row(both('PACA'), 'BIOSIMILAIRES', A)).toMatchObject({ value: 40, status: 'met', target: { value: 30, source: 'region' } });
    expect(row(both('IDF'), 'BIOSIMILAIRES', '750000010')).toMatchObject({ value: 40, status: 'not_met', target: { value: 50, source: 'region' } });
  });
});

describe('what each computation reads: its region, its year, a site’s or an entity’s level (mutation run)', () => {
  it('MO facts of another region or year are not this year’s', () => {
    const facts = [mo(A, 1000, 100, { region: 'CORSE' }), mo(A, 1000, 100, { year: 2024 })];
    expect(row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A), moFacts: facts }), ['MO']), 'MO', A)).toMatchObject({
      value: null,
      status: 'no_data',
      note: 'aucune donnée ATIH reçue pour cette année',
    });
  });

  it('the year before’s MO amounts of another year or region raise no jump', () => {
    const run = (previous: MoFact) =>
      row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A), moFacts: [mo(A, 1000, 100, { totalAmount: 500_000 })], previousMoFacts: [previous] }), ['MO']), 'MO', A).anomalies;
    expect(run(mo(A, 900, 90, { year: 2024, totalAmount: 100_000 })).map((a) => a.code)).toEqual(['amount-jump']);
    expect(run(mo(A, 900, 90, { year: 2023, totalAmount: 100_000 }))).toEqual([]);
    expect(run(mo(A, 900, 90, { year: 2024, region: 'CORSE', totalAmount: 100_000 }))).toEqual([]);
  });

  it('targeting of another year is not this year’s', () => {
    const results = computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: [{ year: 2024, finess: A, indicator: 'BIOSIMILAIRES' }], cpamFacts: [cpam(A, 'BIOSIMILAIRES', 30, 100)] }), ['BIOSIMILAIRES']);
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ value: 30, status: 'not_targeted' });
  });

  it('evidence of a 2024 campaign does not answer 2025’s self-diagnosis', () => {
    const calendar = [deadline('PHARMACIE_CLINIQUE', ['autodiagnostic_pharmacie_clinique'])];
    const old = uploaded(A, 'autodiagnostic_pharmacie_clinique', '2025-01-05T09:00:00Z', { campaign: '2024-S2' });
    const r = row(computeIndicators(inputs({ today: '2026-04-01', establishments: [site(A, 'CA')], targetings: targeted('PHARMACIE_CLINIQUE', A), deadlines: calendar, evidence: [old] }), ['PHARMACIE_CLINIQUE']), 'PHARMACIE_CLINIQUE', A);
    expect(r).toMatchObject({ numerator: 0, status: 'not_met', inputs: [] });
  });

  // A legal entity of two sites whose FINESS juridique is also its first site's FINESS géographique:
  // a value given for the entity is the contract's, never that site's own.
  const first = site(A, 'GHT', { finessJuridique: A });
  const second = site(B, 'GHT', { finessJuridique: A });

  it('MO: an entity-level fact under the first site’s number is the contract’s', () => {
    const results = computeIndicators(inputs({ establishments: [first, second], targetings: targeted('MO', A, B), moFacts: [mo(A, 1000, 120, { level: 'entity' })] }), ['MO']);
    expect(row(results, 'MO', A)).toMatchObject({ value: null, status: 'no_data' });
    expect(row(results, 'MO', 'GHT')).toMatchObject({ numerator: 120, denominator: 1000, value: 12 });
  });

  it('CPAM: an entity-level value under the first site’s number is the contract’s', () => {
    const results = computeIndicators(
      inputs({ establishments: [first, second], targetings: targeted('BIOSIMILAIRES', A, B), cpamFacts: [cpam(A, 'BIOSIMILAIRES', 30, 100, { level: 'entity' })] }),
      ['BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ value: null, status: 'no_data', note: `valeur donnée pour l’entité juridique ${A}, sur l’ensemble de ses sites (voir le contrat)` });
    expect(row(results, 'BIOSIMILAIRES', 'GHT')).toMatchObject({ numerator: 30, denominator: 100, value: 30 });
  });

  it('DMI implanted: an entity-level count under the first site’s number is not that site’s, so the budget goes by points', () => {
    const calendar = [deadline('DMI', ['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'])];
    const evidence = [A, B].flatMap((f) => (['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'] as const).map((k) => uploaded(f, k, '2026-02-01T09:00:00Z')));
    const results = computeIndicators(
      inputs({
        today: '2026-04-01',
        establishments: [first, second],
        targetings: targeted('DMI', A, B),
        deadlines: calendar,
        evidence,
        dmiFacts: [dmi(A, 'entity', 100), dmi(B, 'site', 300)],
        parameters: [{ year: 2025, region: 'PACA', values: { budget_dmi: 1000 } }],
      }),
      ['DMI'],
    );
    expect(row(results, 'DMI', A).allocation).toMatchObject({ amount: 500, rule: 'au prorata des points (nombre de DMI posés inconnu)' });
    expect(row(results, 'DMI', 'GHT').allocation).toMatchObject({ amount: 1000, provisional: false });
  });
});

describe('both budgets in one computation, a contract of two sites (mutation run: rules, rows, contract allocations)', () => {
  const calendar = [deadline('DMI', ['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'])];
  const evidence = [
    ...(['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'] as const).map((k) => uploaded(A, k, '2026-02-01T09:00:00Z')),
    ...(['cartographie_dmi', 'plan_actions_dmi'] as const).map((k) => uploaded(B, k, '2026-02-01T09:00:00Z')),
  ];
  // Computed inside each test, where a mutation run's mutant is active.
  const compute = () => computeIndicators(
    inputs({
      today: '2026-04-01',
      establishments: [site(A, 'GHT'), site(B, 'GHT')],
      targetings: [...targeted('MO', A, B), ...targeted('DMI', A, B)],
      objectives: [objective('MO', '<', 12, A), objective('MO', '<', 12, B)],
      deadlines: calendar,
      // Both sites' I999 argued, so MO turns on the share alone.
      evidence: [...evidence, ...fullyArgued(A, B)],
      // Equal valued amounts: by amount the split would be 500 : 500, by UCD it is 750 : 250.
      moFacts: [mo(A, 3000, 300, { totalAmount: 1_000_000 }), mo(B, 1000, 100, { totalAmount: 1_000_000 })],
      parameters: [{ year: 2025, region: 'PACA', values: { budget_interessement_mo: 1000, regle_interessement_mo: 'prorata_ucd', budget_dmi: 600, regle_dmi: 'egal' } }],
    }),
    ['MO', 'DMI'],
  );
  const final = { provisional: false, undecided: false };

  it('MO by UCD: 3 000 and 1 000 UCD share 1 000 € as 750 and 250; the contract row carries 1 000 €', () => {
    const results = compute();
    expect(row(results, 'MO', A).allocation).toEqual({ budget: 'interessement_mo', amount: 750, rule: 'au prorata du nombre d’UCD', ...final });
    expect(row(results, 'MO', B).allocation).toEqual({ budget: 'interessement_mo', amount: 250, rule: 'au prorata du nombre d’UCD', ...final });
    expect(row(results, 'MO', 'GHT').allocation).toEqual({ budget: 'interessement_mo', amount: 1000, rule: 'au prorata du nombre d’UCD', ...final });
  });

  it('sites sharing their own target < 12 %: the contract keeps it', () => {
    const results = compute();
    expect(row(results, 'MO', 'GHT')).toMatchObject({ numerator: 400, denominator: 4000, value: 10, status: 'met', target: { comparator: '<', value: 12, source: 'establishment' } });
  });

  it('DMI in equal shares: 3 and 2 points share 600 € as 300 and 300; the contract row carries 600 € and 5 of 6 points read as 2,5 of 3', () => {
    const results = compute();
    expect(row(results, 'DMI', A).allocation).toEqual({ budget: 'budget_dmi', amount: 300, rule: 'à parts égales', ...final });
    expect(row(results, 'DMI', B).allocation).toEqual({ budget: 'budget_dmi', amount: 300, rule: 'à parts égales', ...final });
    expect(row(results, 'DMI', 'GHT')).toMatchObject({ numerator: 5, denominator: 6, value: 2.5, source: 'evidence', allocation: { budget: 'budget_dmi', amount: 600, rule: 'à parts égales', ...final } });
  });

  it('DMI’s parts, each with its points, unit and status', () => {
    const results = compute();
    expect(row(results, 'DMI', B).components).toEqual([
      { id: 'cartographie', label: 'Cartographie ANAP ou RESOMEDIT et son plan d’actions', numerator: 2, denominator: 2, value: 2, unit: 'points', target: { comparator: '>=', value: 2, source: 'default' }, status: 'met', note: null },
      { id: 'audit', label: 'Audit de traçabilité et d’information du patient', numerator: 0, denominator: 1, value: 0, unit: 'points', target: { comparator: '>=', value: 1, source: 'default' }, status: 'not_met', note: null },
    ]);
    expect(row(results, 'DMI', B)).toMatchObject({ source: 'evidence', unit: 'points', measure: 'points' });
  });

  it('MO results carry their ATIH source and amounts', () => {
    expect(row(compute(), 'MO', A)).toMatchObject({ source: 'atih', amounts: { total: 1_000_000, horsAmm: 30_000 } });
  });
});

it('computes only the indicators asked for', () => {
  const results = computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A) }), ['MO', 'DMI']);
  expect([...new Set(results.map((r) => r.indicator))]).toEqual(['MO', 'DMI']);
  expect(computeIndicators(inputs({ establishments: [site(A, 'CA')] })).map((r) => r.indicator)).toHaveLength(13);
});

describe('national sources: Open PHMEV and PMSI stay-level data', () => {

  it('without a CPAM extract, Open PHMEV measures IPP, generics and biosimilars', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA')],
        targetings: [...targeted('IPP', A), ...targeted('GENERIQUES', A), ...targeted('BIOSIMILAIRES', A)],
        objectives: [objective('IPP', '<=', 4), objective('GENERIQUES', '>=', 45.5)],
        phmevFacts: [phmev(A, 2025, { ipp: { rem: 10_300, bse: 11_000, boxes: 2_000 } })],
        previousPhmevFacts: [phmev(A, 2024)],
      }),
      ['IPP', 'GENERIQUES', 'BIOSIMILAIRES'],
    );
    // IPP: 10 300 / 10 000 − 1 = +3 %, within ≤ 4 %.
    const ipp = row(results, 'IPP', A);
    expect(ipp).toMatchObject({ source: 'open_phmev', numerator: 10_300, denominator: 10_000, status: 'met', comparison: null });
    expect(ipp.value).toBeCloseTo(3, 10);
    expect(ipp.components.map((c) => c.id)).toEqual(['phev_medicines', 'dispensing_fees']);
    // Repertoire: 20 000 boxes of 20 000 + 25 000 + 300 + 700 whose status is known = 43,48 %, below 45,5 %.
    const generics = row(results, 'GENERIQUES', A);
    expect(generics).toMatchObject({ numerator: 20_000, denominator: 46_000, status: 'not_met' });
    expect(generics.value).toBeCloseTo(43.478, 3);
    expect(generics.components[0]).toMatchObject({ id: 'generics_in_repertoire', numerator: 15_000, denominator: 20_000, value: 75 });
    // Biosimilars: 300 / (300 + 700) = 30 %, no target.
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ value: 30, status: 'no_target' });
  });

  it('beside CPAM’s value, Open PHMEV’s is shown, and flagged when more than a point away', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA'), site(B, 'CB')],
        targetings: targeted('GENERIQUES', A, B),
        cpamFacts: [cpam(A, 'GENERIQUES', 4400, 10_000), cpam(B, 'GENERIQUES', 4000, 10_000)],
        phmevFacts: [phmev(A, 2025), phmev(B, 2025)],
      }),
      ['GENERIQUES'],
    );
    // A: CPAM 44 %, Open PHMEV 43,48 %: 0,52 point apart. B: CPAM 40 %: 3,48 points apart, flagged.
    expect(row(results, 'GENERIQUES', A)).toMatchObject({ source: 'cpam', value: 44, comparison: { source: 'open_phmev', flagged: false } });
    expect(row(results, 'GENERIQUES', B).comparison?.difference).toBeCloseTo(3.478, 3);
    expect(row(results, 'GENERIQUES', B).comparison?.flagged).toBe(true);
  });

  it('issue 18: both years’ Open PHMEV there, no PPI line in either: the note says so, not that a file is missing', () => {
    const noPpi = { ipp: { rem: 0, bse: 0, boxes: 0 } };
    const run = (previousPhmevFacts: PhmevFact[], now = noPpi) =>
      row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('IPP', A), phmevFacts: [phmev(A, 2025, now)], previousPhmevFacts }), ['IPP']), 'IPP', A);
    expect(run([phmev(A, 2024, noPpi)])).toMatchObject({ source: 'open_phmev', status: 'no_data', note: 'aucune ligne d’IPP (ATC A02BC) pour cet établissement dans Open PHMEV, ni cette année ni l’année précédente' });
    expect(run([phmev(A, 2024, noPpi)], { ipp: { rem: 500, bse: 600, boxes: 10 } })).toMatchObject({
      status: 'no_data',
      note: 'aucune ligne d’IPP (ATC A02BC) pour cet établissement dans l’Open PHMEV de l’année précédente : pas de référence pour l’évolution',
    });
    expect(run([])).toMatchObject({ status: 'no_data', note: 'Open PHMEV de l’année précédente absent : pas de référence pour l’évolution' });
  });

  it('a private clinic absent from Open PHMEV has no data, never a failure', () => {
    const clinique = site(C, 'CC', { categorie: 'ex-OQN' });
    const results = computeIndicators(inputs({ establishments: [clinique], targetings: targeted('GENERIQUES', C) }), ['GENERIQUES']);
    expect(row(results, 'GENERIQUES', C)).toMatchObject({
      status: 'no_data',
      note: 'aucune valeur dans l’extrait CPAM ; absent d’Open PHMEV (établissements publics et ESPIC seulement)',
    });
  });

  it('PMSI data of a legal entity of two sites counts for their contract only', () => {
    const sites = [site(A, 'GHT', { finessJuridique: '130786000' }), site(B, 'GHT', { finessJuridique: '130786000' })];
    const entity = mo('130786000', 1000, 120, { level: 'entity' });
    // The entity's I999 are matched against its sites' argumentations, as one.
    const results = computeIndicators(inputs({ establishments: sites, targetings: targeted('MO', A, B), moFacts: [entity], evidence: fullyArgued(A, B) }), ['MO']);
    expect(row(results, 'MO', A)).toMatchObject({
      status: 'no_data',
      note: 'données PMSI transmises pour l’entité juridique 130786000, sur l’ensemble de ses sites (voir le contrat)',
    });
    expect(row(results, 'MO', 'GHT')).toMatchObject({ numerator: 120, denominator: 1000, value: 12, status: 'met' });
  });

  it('where the seeds and the calendar are silent (no argumentation asked per semester), the share argued says what it assumed', () => {
    const r = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A), moFacts: [mo(A, 1000, 100)], evidence: fullyArgued(A) }), ['MO']), 'MO', A);
    expect(r.components[1]!.note).toBe(
      'mesurée sur l’année 2025 entière : le calendrier ne demande pas d’argumentaire par semestre ; 100 UCD argumentées sur 100 UCD codées I999 selon l’ATIH (1 code(s) UCD sur 1)',
    );
  });

  it('two sites of one legal entity with their own ATIH data: each site’s argumentation covers its own I999 in the contract', () => {
    const sites = [site(A, 'GHT', { finessJuridique: '130786000' }), site(B, 'GHT', { finessJuridique: '130786000' })];
    const results = computeIndicators(inputs({ establishments: sites, targetings: targeted('MO', A, B), moFacts: [mo(A, 1000, 100), mo(B, 1000, 50)], evidence: fullyArgued(A, B) }), ['MO']);
    expect(row(results, 'MO', 'GHT').components[1]).toMatchObject({ numerator: 150, denominator: 150, status: 'met' });
  });

  it('a cost per UCD more than twice the region’s median for the same UCD is an anomaly', () => {
    const costs = (amount: number) => [{ ucd: '9391234', units: 10, amount }];
    const D = '060000015';
    const facts = [mo(A, 10, 1, { ucdCosts: costs(10_000) }), mo(B, 10, 1, { ucdCosts: costs(11_000) }), mo(C, 10, 1, { ucdCosts: costs(12_000) }), mo(D, 10, 1, { ucdCosts: costs(30_000) })];
    const results = computeIndicators(inputs({ establishments: [site(A, 'CA'), site(B, 'CB'), site(C, 'CC'), site(D, 'CD')], targetings: targeted('MO', A, B, C, D), moFacts: facts }), ['MO']);
    // Unit costs 1 000, 1 100, 1 200 and 3 000 €: median 1 150 €; 3 000 € is beyond twice that.
    expect(row(results, 'MO', D).anomalies).toEqual([{ code: 'ucd-cost', message: 'coût par UCD de 3\u202f000,00 € pour l’UCD 9391234, loin de la médiane régionale de 1\u202f150,00 €' }]);
    expect(row(results, 'MO', A).anomalies).toEqual([]);
  });

  it('the DMI implanted per site in the PMSI weigh the DMI budget; a one-site entity’s count is its site’s', () => {
    const calendar = [deadline('DMI', ['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'])];
    const evidence = [A, B].flatMap((f) => (['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'] as const).map((k) => uploaded(f, k, '2026-02-01T09:00:00Z')));
    const dmiFact = (finess: string, level: 'site' | 'entity', implants: number) => ({ region: 'PACA', year: 2025, finess, level, implants, cost: 0, lines: 1, source: SRC, replaced: [] });
    const results = computeIndicators(
      inputs({
        today: '2026-04-01',
        establishments: [site(A, 'CA'), site(B, 'CB', { finessJuridique: '130001600' })],
        targetings: targeted('DMI', A, B),
        deadlines: calendar,
        evidence,
        dmiFacts: [dmiFact(A, 'site', 100), dmiFact('130001600', 'entity', 300)],
        parameters: [{ year: 2025, region: null, values: { budget_dmi: 1000 } }],
      }),
      ['DMI'],
    );
    // 3 points each, 100 and 300 DMI: 250 € and 750 €.
    expect([A, B].map((f) => row(results, 'DMI', f).allocation?.amount)).toEqual([250, 750]);
  });
});

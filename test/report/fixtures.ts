/** Results and summaries built by hand for the report tests: hostile text, seed figures, a large region. */
import { splitToTheCent } from '../../lib/domain/allocation';
import { CATALOGUE } from '../../lib/domain/catalogue';
import { INDICATOR_CODES, type EvidenceState, type IndicatorResult, type RegionMoTotals } from '../../lib/domain/schemas';
import type { SummaryInput } from '../../lib/report/summary-model';

/** Text an upload could carry that a spreadsheet would take for a formula. */
export const HOSTILE = {
  name: '=HYPERLINK("http://x","clic")',
  contract: '+33 1 23',
  fileName: '-2+3.pdf',
  anomaly: '@SUM(A1:A9)',
  tab: '\tTAB=1+1',
} as const;

/** Every field of a result, with the overrides given. */
export function result(over: Partial<IndicatorResult> & Pick<IndicatorResult, 'name' | 'status'>): IndicatorResult {
  return {
    region: 'PACA',
    year: 2025,
    indicator: 'MO',
    scope: 'site',
    finess: null,
    contrat: 'CPOM-13-001',
    categorie: 'ex-DG',
    measure: 'ratio',
    numerator: null,
    denominator: null,
    value: null,
    unit: '%',
    period: null,
    source: null,
    cpam: null,
    comparison: null,
    amounts: null,
    target: { comparator: '<', value: 15, source: 'default' },
    note: null,
    components: [],
    evidence: [],
    anomalies: [],
    initiations: null,
    allocation: null,
    inputs: [],
    ...over,
  };
}

export function evidence(over: Partial<EvidenceState> & Pick<EvidenceState, 'kind' | 'status'>): EvidenceState {
  return { campaign: '2025-S2', deadline: 'retour_preuves', due: '2026-03-09', fileName: null, receivedAt: null, ...over };
}

/** The seed's 2023 and 2024 PACA columns: the 2024 valued total is out of line (÷27,9). */
export const SEED_TOTALS: RegionMoTotals[] = [
  { region: 'PACA', year: 2024, totalUcd: 512788, totalAmount: 20_388_741, i999Ucd: 75940, i999Amount: 66_282_458, share: 14.81, amountJump: 20_388_741 / 568_154_183 },
  { region: 'PACA', year: 2023, totalUcd: 482846, totalAmount: 568_154_183, i999Ucd: 70063, i999Amount: 60_601_528, share: 14.51, amountJump: null },
];

/**
 * A large region: `sites` establishments targeted on every indicator with long names, values
 * spread around the targets, every status; the kind of page that must still print on one sheet.
 */
export function largeRegion(sites: number): SummaryInput {
  const results: IndicatorResult[] = [];
  const statuses = ['met', 'not_met', 'pending', 'neutralised', 'no_data'] as const;
  for (const code of INDICATOR_CODES) {
    const d = CATALOGUE.get(code)!;
    for (let i = 0; i < sites; i++) {
      const status = statuses[i % statuses.length]!;
      const value = status === 'no_data' || status === 'neutralised' ? null : d.measure === 'points' ? i % 4 : d.measure === 'growth' ? (i % 11) - 3 : 5 + ((i * 7) % 40);
      results.push(
        result({
          indicator: code,
          measure: d.measure,
          unit: d.unit,
          finess: `13${String(i).padStart(7, '0')}`,
          name: `Centre Hospitalier Intercommunal de la Vallée numéro ${i + 1} – site principal`,
          contrat: `CAQES-${i}`,
          value,
          numerator: value,
          denominator: value === null ? null : 100,
          status,
          target: d.measure === 'points' ? { comparator: '>=', value: 3, source: 'default' } : { comparator: '<=', value: 20, source: 'default' },
        }),
      );
    }
  }
  return {
    region: 'PACA',
    year: 2025,
    generatedAt: '2026-02-23T07:00:00Z',
    results,
    regionTotals: [
      { region: 'PACA', year: 2021, totalUcd: 496871, totalAmount: 468_368_652, i999Ucd: 76308, i999Amount: 49_963_784, share: null, amountJump: null },
      { region: 'PACA', year: 2022, totalUcd: 486997, totalAmount: 518_212_034, i999Ucd: 81889, i999Amount: 58_694_090, share: null, amountJump: null },
      ...SEED_TOTALS,
    ],
    budgets: { interessement_mo: 126_331, budget_dmi: 210_550.97 },
  };
}

/** The DMI budget split 3 to 1 between the two sites that scored. */
export const DMI_SHARES = splitToTheCent(210_550.97, [3, 1]) as [number, number];
const [dmiA, dmiB] = DMI_SHARES;

const results: IndicatorResult[] = [
  // Not met: 1 800 / 10 000 = 18 %, above the PACA target of 15 %; its anomaly message is hostile.
  result({
    name: 'Hôpital Nord',
    finess: '130000029',
    contrat: 'CPOM-13-002',
    numerator: 1800,
    denominator: 10000,
    value: 18,
    source: 'atih',
    amounts: { total: 1_234_567.891, horsAmm: 222_222.2 },
    status: 'not_met',
    evidence: [
      evidence({ kind: 'plan_actions', status: 'in_time', fileName: HOSTILE.fileName, receivedAt: '2026-02-23T06:00:00.000Z' }),
      evidence({ kind: 'argumentaire_hors_amm', status: 'awaited', deadline: 'argumentaire_hors_amm', due: '2026-03-21' }),
    ],
    anomalies: [{ code: 'invalid-indication', message: HOSTILE.anomaly }],
    allocation: { budget: 'interessement_mo', amount: 0, rule: 'au prorata du montant liste en sus valorisé' },
  }),
  // Met: the seed's 2021 PACA figures, 76 308 / 496 871 = 0.153577… shown 15,4 %.
  result({
    name: 'Clinique des Oliviers',
    finess: '130000011',
    numerator: 76308,
    denominator: 496871,
    value: (76308 / 496871) * 100,
    source: 'atih',
    amounts: { total: 468_368_652, horsAmm: 49_963_784 },
    target: { comparator: '<', value: 20, source: 'establishment' },
    status: 'met',
    components: [
      { id: 'i999', label: 'Part I999', numerator: 76308, denominator: 496871, value: 15.36, unit: '%', target: null, status: 'met', note: null },
      { id: 'argued', label: 'Argumentées', numerator: 12, denominator: 12, value: 100, unit: '%', target: null, status: 'met', note: null },
    ],
    initiations: { initiations: 3, patients: 6 },
    allocation: { budget: 'interessement_mo', amount: 126_331, rule: 'au prorata du montant liste en sus valorisé' },
  }),
  // Hostile text from uploaded files (name, contract, file name): must stay text.
  result({
    name: HOSTILE.name, finess: '830000037', contrat: HOSTILE.contract, numerator: 12, denominator: 100, value: 12, status: 'pending',
    evidence: [evidence({ kind: 'plan_actions', status: 'late', fileName: HOSTILE.tab, receivedAt: '2026-03-10T09:00:00.000Z' })],
    allocation: { budget: 'interessement_mo', amount: 0, rule: 'au prorata du montant liste en sus valorisé' },
  }),
  // Not targeted, with a value: shown for information after the targeted rows. Of the Oliviers' contract.
  result({ name: 'Centre Alpin', finess: '050000019', numerator: 2, denominator: 10, value: 20, status: 'not_targeted' }),
  // The two CPOM-13-001 sites together: 76 310 / 496 881, met as a whole.
  result({ scope: 'contract', name: 'Contrat CPOM-13-001', categorie: null, numerator: 76310, denominator: 496881, value: (76310 / 496881) * 100, target: { comparator: '<', value: 20, source: 'establishment' }, amounts: { total: 468_368_852, horsAmm: 49_963_804 }, status: 'met', allocation: { budget: 'interessement_mo', amount: 126_331, rule: 'au prorata du montant liste en sus valorisé' } }),
  // Another region: never in a PACA summary.
  result({ region: 'CORSE', name: 'Hôpital Corse', finess: '2A0000011', status: 'met' }),
  // IPP: a growth of +5,8 % against ≤ 4 %, beside last year's +3,0 %.
  result({ indicator: 'IPP', measure: 'growth', name: 'Hôpital Nord', finess: '130000029', contrat: 'CPOM-13-002', numerator: 55_000, denominator: 52_000, value: (55_000 / 52_000 - 1) * 100, source: 'cpam', target: { comparator: '<=', value: 4, source: 'default' }, status: 'not_met', cpam: { value: 5.5, agrees: false } }),
  // DMI: A scored 3 points in time, B sent its plan late and no audit, C sent nothing yet.
  result({
    indicator: 'DMI', measure: 'points', unit: 'points', name: 'Clinique des Oliviers', finess: '130000011', numerator: 3, denominator: 3, value: 3, source: 'evidence', target: { comparator: '>=', value: 3, source: 'default' }, status: 'met',
    evidence: [evidence({ kind: 'cartographie_dmi', status: 'in_time' }), evidence({ kind: 'plan_actions_dmi', status: 'in_time' }), evidence({ kind: 'audit_dmi', status: 'in_time' })],
    allocation: { budget: 'budget_dmi', amount: dmiA, rule: 'au prorata des points' },
  }),
  result({
    indicator: 'DMI', measure: 'points', unit: 'points', name: 'Hôpital Nord', finess: '130000029', contrat: 'CPOM-13-002', numerator: 1, denominator: 3, value: 1, source: 'evidence', target: { comparator: '>=', value: 3, source: 'default' }, status: 'not_met',
    evidence: [evidence({ kind: 'cartographie_dmi', status: 'late' }), evidence({ kind: 'plan_actions_dmi', status: 'in_time' }), evidence({ kind: 'audit_dmi', status: 'missing' })],
    allocation: { budget: 'budget_dmi', amount: dmiB, rule: 'au prorata des points' },
  }),
  result({
    indicator: 'DMI', measure: 'points', unit: 'points', name: 'Centre Sud', finess: '130000045', contrat: 'CPOM-13-9', numerator: 0, denominator: 3, value: 0, source: 'evidence', target: { comparator: '>=', value: 3, source: 'default' }, status: 'not_met',
    evidence: [evidence({ kind: 'cartographie_dmi', status: 'missing' }), evidence({ kind: 'plan_actions_dmi', status: 'late' }), evidence({ kind: 'audit_dmi', status: 'awaited', due: '2026-03-31' })],
    allocation: { budget: 'budget_dmi', amount: 0, rule: 'au prorata des points' },
  }),
];

const previousResults: IndicatorResult[] = [
  result({ year: 2024, name: 'Clinique des Oliviers', finess: '130000011', value: 14, status: 'met' }),
  result({ year: 2024, indicator: 'IPP', measure: 'growth', name: 'Hôpital Nord', finess: '130000029', contrat: 'CPOM-13-002', value: 3, status: 'met' }),
];

/**
 * A PACA year built by hand: MO sites met, not met, pending and not targeted, a multi-site contract,
 * hostile text in names, contracts, file names and anomalies, an IPP growth, three DMI sites, both
 * budgets, the seed's 2023-2024 ATIH columns, and last year's values.
 */
export const input: SummaryInput = {
  region: 'PACA',
  year: 2025,
  // 23:30 UTC on 8 March is already 9 March in Paris.
  generatedAt: '2026-03-08T23:30:00Z',
  results,
  previousResults,
  // Given out of order: the sheet must sort years left to right.
  regionTotals: SEED_TOTALS,
  budgets: { interessement_mo: 126_331, budget_dmi: 210_550.97 },
};


/**
 * Inputs of `computeIndicators` built by hand for the tests written from the mutation runs: one PACA
 * region, year 2025, nothing but what each test gives.
 */
import { computeIndicators, type RegionYearInputs } from '../../lib/domain/indicators';
import type { CpamFact, Deadline, DmiFact, DocumentKind, Establishment, EvidenceRecord, IndicatorCode, IndicatorResult, MoFact, Objective, PhmevFact } from '../../lib/domain/schemas';

export const A = '130786049';
export const B = '130001647';
export const C = '830100012';
export const SRC = { key: 'cpam/2025/phev.csv', version: 'v1' };
export const UCD = '9391234';
const NO_ANOMALY = { missingIndication: { lines: 0, ucd: 0 }, invalidIndication: { lines: 0, ucd: 0, examples: [] }, invalidUcd: { lines: 0, ucd: 0, examples: [] } };

export function site(finess: string, contrat: string, over: Partial<Establishment> = {}): Establishment {
  return { finess, finessJuridique: finess, raisonSociale: `Site ${finess}`, region: 'PACA', categorie: 'ex-DG', contrat, emails: [], ...over };
}

export function cpam(finess: string, indicator: IndicatorCode, numerator: number, denominator: number | null, over: Partial<CpamFact> = {}): CpamFact {
  return { region: 'PACA', year: 2025, indicator, period: '2025', finess, level: 'site', numerator, denominator, cpamValue: null, referenceValue: null, source: SRC, replaced: [], ...over };
}

/** An ATIH fact: valued at 100 € a UCD, every I999 unit on one UCD. */
export function mo(finess: string, totalUcd: number, i999Ucd: number, over: Partial<MoFact> = {}): MoFact {
  return {
    region: 'PACA',
    finess,
    level: 'site',
    year: 2025,
    month: null,
    totalUcd,
    totalAmount: totalUcd * 100,
    i999Ucd,
    i999Amount: i999Ucd * 100,
    i997Ucd: 0,
    lines: 1,
    anomalies: NO_ANOMALY,
    ucdCosts: [],
    i999ByUcd: i999Ucd > 0 ? [{ ucd: UCD, units: i999Ucd, lines: 1 }] : [],
    source: { key: 'atih/2025/mo.csv', version: 'v1' },
    replaced: [],
    ...over,
  };
}

export function phmev(finess: string, year: number, over: Partial<PhmevFact> = {}): PhmevFact {
  return {
    region: 'PACA',
    year,
    finess,
    level: 'site',
    medicines: { rem: 1_000_000, bse: 1_100_000, boxes: 50_000 },
    fees: { rem: 20_000, bse: 25_000 },
    ipp: { rem: 10_000, bse: 11_000, boxes: 2_000 },
    generics: { repertoire: 20_000, generic: 15_000, outside: 25_000, unknown: 1_000 },
    biosimilars: { biosimilar: 300, reference: 700 },
    lines: 10,
    source: { key: `cpam/${year}/OPEN_PHMEV_${year}.CSV`, version: 'v1' },
    replaced: [],
    ...over,
  };
}

export function dmi(finess: string, level: 'site' | 'entity', implants: number, over: Partial<DmiFact> = {}): DmiFact {
  return { region: 'PACA', year: 2025, finess, level, implants, cost: 0, lines: 1, source: SRC, replaced: [], ...over };
}

let upload = 0;
export function uploaded(finess: string, kind: DocumentKind, receivedAt: string, over: Partial<EvidenceRecord> = {}): EvidenceRecord {
  upload++;
  return {
    region: 'PACA',
    campaign: '2025-S2',
    finess,
    kind,
    fileName: `${kind}.pdf`,
    receivedAt,
    status: 'accepted',
    errorCount: 0,
    firstError: null,
    reportKey: `reports/${upload}.json`,
    order: `${receivedAt}|${String(upload).padStart(32, '0')}|e`,
    summary: null,
    source: { key: `evidence/${upload}`, version: 'v1' },
    ...over,
  };
}

/** An argumentation of the whole year arguing every I999 unit of the fixtures' UCD. */
export const fullyArgued = (...finess: string[]): EvidenceRecord[] =>
  finess.map((f) =>
    uploaded(f, 'argumentaire_hors_amm', '2026-01-05T09:00:00Z', {
      campaign: '2025',
      summary: {
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
      },
    }),
  );

export const deadline = (indicator: IndicatorCode | null, documents: DocumentKind[], date = '2026-03-09', id = 'retour_preuves'): Deadline => ({
  year: 2025,
  campaign: '2025-S2',
  id,
  date,
  indicator,
  documents,
  label: 'Retour des éléments de preuve',
});

export function inputs(over: Partial<RegionYearInputs>): RegionYearInputs {
  return {
    region: 'PACA',
    year: 2025,
    today: '2026-02-01',
    establishments: [],
    targetings: [],
    objectives: [],
    deadlines: [],
    parameters: [],
    moFacts: [],
    previousMoFacts: [],
    cpamFacts: [],
    previousCpamFacts: [],
    phmevFacts: [],
    previousPhmevFacts: [],
    evidence: [],
    dmiFacts: [],
    ...over,
  };
}

export const targeted = (indicator: IndicatorCode, ...finess: string[]) => finess.map((f) => ({ year: 2025, finess: f, indicator }));
export const objective = (indicator: IndicatorCode, comparator: Objective['comparator'], target: number, finess: string | null = null): Objective => ({
  year: 2025,
  indicator,
  region: 'PACA',
  finess,
  comparator,
  target,
});

/** A site's result (by FINESS) or a contract's (by its name). */
export function row(results: readonly IndicatorResult[], indicator: IndicatorCode, id: string): IndicatorResult {
  const found = results.find((r) => r.indicator === indicator && (r.finess === id || (r.scope === 'contract' && r.contrat === id)));
  if (!found) throw new Error(`no ${indicator} result for ${id}`);
  return found;
}

export { computeIndicators };

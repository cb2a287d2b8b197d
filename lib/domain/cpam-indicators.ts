import type { IndicatorDefinition } from './catalogue';
import type { CpamFact, SourceRef } from './schemas';

/** How far CPAM's own value may be from numerator/denominator, by default: CPAM rounds rates to a tenth of a point. */
export const CPAM_VALUE_TOLERANCE_POINTS = 0.1;

/**
 * Whether CPAM's value agrees with the one recomputed from its numerator and denominator, read as a
 * percentage or as a fraction (both occur); with no denominator the value is the numerator itself.
 */
export function cpamValueAgrees(numerator: number, denominator: number | null, value: number, tolerancePoints = CPAM_VALUE_TOLERANCE_POINTS): boolean {
  if (denominator === null) return Math.abs(value - numerator) <= Math.max(0.01, Math.abs(numerator) * 1e-6);
  if (denominator === 0) return false;
  const rate = numerator / denominator;
  return Math.abs(value - rate * 100) <= tolerancePoints + 1e-9 || Math.abs(value - rate) <= tolerancePoints / 100 + 1e-12;
}

/**
 * A CPAM-sourced indicator for a site or a contract. A ratio keeps its numerator and denominator; a
 * growth keeps the measure of the year (numerator) and of the reference period (denominator), so a
 * contract sums both and recomputes, never averaging rates.
 */
export interface CpamMeasure {
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  period: string | null;
  cpam: { value: number; agrees: boolean } | null;
  noDataNote: string | null;
  inputs: SourceRef[];
}

const NONE: CpamMeasure = { numerator: null, denominator: null, value: null, period: null, cpam: null, noDataNote: 'aucune valeur dans l’extrait CPAM', inputs: [] };

function valueOf(definition: IndicatorDefinition, numerator: number, denominator: number | null): number | null {
  if (denominator === null || denominator <= 0) return null;
  return definition.measure === 'growth' ? (numerator / denominator - 1) * 100 : (numerator / denominator) * 100;
}

/** The year's facts of one establishment for one indicator: the whole year when given, else its semesters together. */
function ofYear(facts: readonly CpamFact[], year: number): { facts: CpamFact[]; period: string } | null {
  const annual = facts.find((f) => f.period === String(year));
  if (annual) return { facts: [annual], period: annual.period };
  const halves = facts.filter((f) => f.period.startsWith(`${year}-S`)).sort((a, b) => a.period.localeCompare(b.period));
  if (halves.length === 0) return null;
  return { facts: halves, period: halves.length === 2 ? String(year) : (halves[0] as CpamFact).period };
}

/**
 * One establishment's (or legal entity's) value for a year. A growth takes CPAM's reference value, or
 * else the same measure from the year before's extract.
 */
export function cpamMeasure(definition: IndicatorDefinition, year: number, facts: readonly CpamFact[], previous: readonly CpamFact[], tolerance: number): CpamMeasure {
  const current = ofYear(facts, year);
  if (!current) return NONE;
  const inputs = [...new Map(current.facts.map((f) => [`${f.source.key}@${f.source.version}`, f.source])).values()];
  const numerator = current.facts.reduce((a, f) => a + f.numerator, 0);
  const single = current.facts.length === 1 ? (current.facts[0] as CpamFact) : null;
  const cpam = single && single.cpamValue !== null ? { value: single.cpamValue, agrees: cpamValueAgrees(single.numerator, single.denominator, single.cpamValue, tolerance) } : null;
  let denominator: number | null;
  if (definition.measure === 'growth') {
    const references = current.facts.map((f) => f.referenceValue);
    if (references.every((r) => r !== null)) denominator = references.reduce((a: number, r) => a + (r ?? 0), 0);
    else {
      const before = ofYear(previous, year - 1);
      denominator = before ? before.facts.reduce((a, f) => a + f.numerator, 0) : null;
      if (before) inputs.push(...before.facts.map((f) => f.source));
    }
  } else {
    const denominators = current.facts.map((f) => f.denominator);
    denominator = denominators.every((d) => d !== null) ? denominators.reduce((a: number, d) => a + (d ?? 0), 0) : null;
  }
  const value = valueOf(definition, numerator, denominator);
  return {
    numerator,
    denominator,
    value,
    period: current.period,
    cpam,
    noDataNote: value === null ? (definition.measure === 'growth' ? 'pas de valeur de référence pour calculer l’évolution' : 'dénominateur absent ou nul') : null,
    inputs,
  };
}

/** A contract's value from its sites': numerators and denominators summed, then the rate recomputed. */
export function sumCpamMeasures(definition: IndicatorDefinition, measures: readonly CpamMeasure[]): CpamMeasure {
  const usable = measures.filter((m) => m.numerator !== null && m.denominator !== null);
  if (usable.length === 0 || usable.length < measures.length) {
    return { ...NONE, noDataNote: usable.length === 0 ? NONE.noDataNote : 'valeur manquante pour au moins un site du contrat' };
  }
  const numerator = usable.reduce((a, m) => a + (m.numerator ?? 0), 0);
  const denominator = usable.reduce((a, m) => a + (m.denominator ?? 0), 0);
  const periods = new Set(usable.map((m) => m.period));
  return {
    numerator,
    denominator,
    value: valueOf(definition, numerator, denominator),
    period: periods.size === 1 ? [...periods][0] ?? null : null,
    cpam: null,
    noDataNote: null,
    inputs: [...new Map(usable.flatMap((m) => m.inputs).map((r) => [`${r.key}@${r.version}`, r])).values()],
  };
}

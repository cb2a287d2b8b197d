import { formatFrenchNumber } from '../io/french';
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

/** A growth's measure as summable parts: an amount (`d` null), or a rate's numerator and denominator. */
export interface Quantity {
  n: number;
  d: number | null;
}

/**
 * A growth beyond ±1000 % (a change by a factor over 11, either way) is not read: its reference is on
 * another scale than its measure (a rate against an amount), and a pharmacist would see "+1 090 809 %".
 */
export const GROWTH_LIMIT_FACTOR = 11;

/**
 * Why a measure and its reference cannot give a growth, or null when they can: a reference of zero or
 * less, or a change beyond ±1000 %.
 */
export function growthProblem(measure: number, reference: number): string | null {
  if (reference <= 0) return 'valeur de référence nulle ou négative : pas d’évolution calculable';
  const factor = measure / reference;
  if (factor <= GROWTH_LIMIT_FACTOR && factor >= 1 / GROWTH_LIMIT_FACTOR) return null;
  const growth = formatFrenchNumber((factor - 1) * 100, 0);
  return `évolution de ${factor > 1 ? '+' : ''}${growth} %, hors de ±1 000 % : la référence n’est pas sur l’échelle de la mesure (un taux contre un montant ?)`;
}

/**
 * A CPAM-sourced indicator for a site or a contract. A ratio keeps its numerator and denominator; a
 * growth keeps the measure of the year (numerator) and of the reference period (denominator): a rate
 * (numerateur / denominateur) when CPAM gives a denominator, else an amount, with `growth` holding the
 * parts a contract sums before recomputing, never averaging rates.
 */
export interface CpamMeasure {
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  period: string | null;
  cpam: { value: number; agrees: boolean } | null;
  noDataNote: string | null;
  inputs: SourceRef[];
  /** A growth's parts: the year's, and the reference's when it can be summed (null: a reference rate alone). */
  growth?: { now: Quantity; ref: Quantity | null } | undefined;
}

const NONE: CpamMeasure = { numerator: null, denominator: null, value: null, period: null, cpam: null, noDataNote: 'aucune valeur dans l’extrait CPAM', inputs: [] };

function ratioOf(numerator: number, denominator: number | null): number | null {
  if (denominator === null || denominator <= 0) return null;
  return (numerator / denominator) * 100;
}

const sum = (quantities: readonly Quantity[]): Quantity | null => {
  const rates = quantities.filter((q) => q.d !== null).length;
  if (rates !== 0 && rates !== quantities.length) return null;
  return { n: quantities.reduce((a, q) => a + q.n, 0), d: rates ? quantities.reduce((a, q) => a + (q.d ?? 0), 0) : null };
};

/** A quantity's measure: the rate numerator / denominator, or the amount. */
const measureOf = (q: Quantity): number | null => (q.d === null ? q.n : q.d > 0 ? q.n / q.d : null);

/** The growth of a measure against its reference, or why there is none. */
function growthOf(now: Quantity, reference: number | null, ref: Quantity | null, period: string | null, inputs: SourceRef[], cpam: CpamMeasure['cpam']): CpamMeasure {
  const measure = measureOf(now);
  const base = { numerator: measure, denominator: reference, period, cpam, inputs, growth: { now, ref } };
  if (measure === null) return { ...base, value: null, noDataNote: 'dénominateur nul : pas de taux pour l’année' };
  if (reference === null) return { ...base, value: null, noDataNote: 'pas de valeur de référence pour calculer l’évolution' };
  const problem = growthProblem(measure, reference);
  return { ...base, value: problem ? null : (measure / reference - 1) * 100, noDataNote: problem };
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
  if (definition.measure === 'growth') return growthMeasure(current, previous, year, inputs, cpam);
  const denominators = current.facts.map((f) => f.denominator);
  const denominator = denominators.every((d) => d !== null) ? denominators.reduce((a: number, d) => a + (d ?? 0), 0) : null;
  const value = ratioOf(numerator, denominator);
  return { numerator, denominator, value, period: current.period, cpam, noDataNote: value === null ? 'dénominateur absent ou nul' : null, inputs };
}

/**
 * A growth indicator's year: with a denominator the measure is numerateur / denominateur (a rate),
 * without one the numerator (an amount), semesters summed part by part. The reference is CPAM's
 * `valeur_reference`, the same measure for the reference period, or else the same measure in the year
 * before's extract, on the same scale. Scales that differ give no value, and say why.
 */
function growthMeasure(current: { facts: CpamFact[]; period: string }, previous: readonly CpamFact[], year: number, inputs: SourceRef[], cpam: CpamMeasure['cpam']): CpamMeasure {
  const now = sum(current.facts.map((f) => ({ n: f.numerator, d: f.denominator })));
  const none = { numerator: null, denominator: null, value: null, period: current.period, cpam, inputs };
  if (!now) return { ...none, noDataNote: 'semestres donnés l’un en taux, l’autre en montant : pas de mesure de l’année' };
  const references = current.facts.map((f) => f.referenceValue);
  if (references.every((r) => r !== null)) {
    // Amounts add up over semesters; a rate's reference is read as given only for a single period.
    const rate = now.d !== null;
    if (rate && current.facts.length > 1) return { ...none, noDataNote: 'taux de référence donné par semestre : l’évolution de l’année ne se recompose pas sans ses numérateurs et dénominateurs' };
    const reference = references.reduce((a: number, r) => a + (r ?? 0), 0);
    return growthOf(now, reference, rate ? null : { n: reference, d: null }, current.period, inputs, cpam);
  }
  const before = ofYear(previous, year - 1);
  if (!before) return growthOf(now, null, null, current.period, inputs, cpam);
  inputs.push(...before.facts.map((f) => f.source));
  const ref = sum(before.facts.map((f) => ({ n: f.numerator, d: f.denominator })));
  if (!ref || (ref.d === null) !== (now.d === null)) {
    return { ...none, inputs, noDataNote: 'l’extrait de l’année précédente donne la mesure sur une autre échelle (un taux contre un montant) : pas d’évolution calculable' };
  }
  return growthOf(now, measureOf(ref), ref, current.period, inputs, cpam);
}

/** A contract's value from its sites': numerators and denominators summed, then the rate recomputed. */
export function sumCpamMeasures(definition: IndicatorDefinition, measures: readonly CpamMeasure[]): CpamMeasure {
  const usable = measures.filter((m) => m.numerator !== null && m.denominator !== null);
  if (usable.length === 0 || usable.length < measures.length) {
    return { ...NONE, noDataNote: usable.length === 0 ? NONE.noDataNote : 'valeur manquante pour au moins un site du contrat' };
  }
  if (definition.measure === 'growth') return sumGrowths(usable);
  const numerator = usable.reduce((a, m) => a + (m.numerator ?? 0), 0);
  const denominator = usable.reduce((a, m) => a + (m.denominator ?? 0), 0);
  const periods = new Set(usable.map((m) => m.period));
  return {
    numerator,
    denominator,
    value: ratioOf(numerator, denominator),
    period: periods.size === 1 ? [...periods][0] ?? null : null,
    cpam: null,
    noDataNote: null,
    inputs: [...new Map(usable.flatMap((m) => m.inputs).map((r) => [`${r.key}@${r.version}`, r])).values()],
  };
}

/** A contract's growth: its sites' parts summed on one scale, then the growth recomputed. */
function sumGrowths(measures: readonly CpamMeasure[]): CpamMeasure {
  const inputs = [...new Map(measures.flatMap((m) => m.inputs).map((r) => [`${r.key}@${r.version}`, r])).values()];
  const periods = new Set(measures.map((m) => m.period));
  const period = periods.size === 1 ? ([...periods][0] ?? null) : null;
  const now = sum(measures.map((m) => m.growth?.now ?? { n: 0, d: null }));
  const refs = measures.map((m) => m.growth?.ref ?? null);
  const ref = refs.every((r): r is Quantity => r !== null) ? sum(refs) : null;
  if (!now || !ref || (now.d === null) !== (ref.d === null)) {
    const why = !now ? 'sites mesurés les uns en taux, les autres en montant' : 'taux de référence donné sans ses numérateur et dénominateur';
    return { ...NONE, period, inputs, noDataNote: `${why} : l’évolution du contrat ne se recompose pas` };
  }
  return growthOf(now, measureOf(ref), ref, period, inputs, null);
}

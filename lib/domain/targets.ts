import { indicatorDefinition } from './catalogue';
import { forRegion } from './regional';
import type { Comparator, IndicatorCode, Objective } from './schemas';

export interface Target {
  comparator: Comparator;
  value: number;
  source: 'establishment' | 'exception' | 'region' | 'all' | 'default';
}

/**
 * The most specific objective for a site: its own row of `objectifs`, then the seeds' named exception
 * for its legal entity (MO: AP-HM and IPC < 20 %), then the region's row, the row for all regions, and
 * last the seeds' regional target. Null when none of them gives one: the value is then not judged.
 */
export function resolveTarget(
  objectives: readonly Objective[],
  indicator: IndicatorCode,
  year: number,
  region: string,
  finess: string | null,
  finessJuridique: string | null = null,
): Target | null {
  const own = forRegion(objectives, region).filter((o) => o.indicator === indicator && o.year === year);
  const bySite = finess ? own.find((o) => o.finess === finess) : undefined;
  if (bySite) return { comparator: bySite.comparator, value: bySite.target, source: 'establishment' };
  const named = finessJuridique ? indicatorDefinition(indicator).namedExceptions.find((e) => e.finessJuridique === finessJuridique) : undefined;
  if (named) return { comparator: named.comparator, value: named.value, source: 'exception' };
  const byRegion = own.find((o) => o.finess === null && o.region === region);
  if (byRegion) return { comparator: byRegion.comparator, value: byRegion.target, source: 'region' };
  const forAll = own.find((o) => o.finess === null && o.region === null);
  if (forAll) return { comparator: forAll.comparator, value: forAll.target, source: 'all' };
  const defaults = indicatorDefinition(indicator).defaultTargets;
  const builtIn = defaults[region] ?? defaults['*'];
  return builtIn ? { ...builtIn, source: 'default' } : null;
}

/**
 * Whether a value reaches its target. Values are compared at 1e-9 of a point: a growth of exactly
 * 4 % computed as 104 000 / 100 000 − 1 is 4.000000000000004 in floating point, and must meet ≤ 4 %.
 */
export function meetsTarget(value: number, target: Pick<Target, 'comparator' | 'value'>): boolean {
  const v = Math.round(value * 1e9) / 1e9;
  switch (target.comparator) {
    case '<':
      return v < target.value;
    case '<=':
      return v <= target.value;
    case '>':
      return v > target.value;
    case '>=':
      return v >= target.value;
  }
}

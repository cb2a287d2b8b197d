import type { Comparator, IndicatorCode, Objective } from './schemas';

export interface Target {
  comparator: Comparator;
  value: number;
  source: 'establishment' | 'region' | 'all' | 'default';
}

/** Built-in targets when `objectifs-<year>.csv` says nothing (seed: I999 share PACA < 15 %, Corse < 10 %). */
export const DEFAULT_TARGETS: Partial<Record<IndicatorCode, Record<string, Omit<Target, 'source'>>>> = {
  MO: { PACA: { comparator: '<', value: 15 }, CORSE: { comparator: '<', value: 10 } },
};

/** The most specific objective for a site: establishment over region over all, then the built-in default. */
export function resolveTarget(
  objectives: readonly Objective[],
  indicator: IndicatorCode,
  year: number,
  region: string,
  finess: string | null,
): Target | null {
  const own = objectives.filter((o) => o.indicator === indicator && o.year === year);
  const bySite = finess ? own.find((o) => o.finess === finess) : undefined;
  if (bySite) return { comparator: bySite.comparator, value: bySite.target, source: 'establishment' };
  const byRegion = own.find((o) => o.finess === null && o.region === region);
  if (byRegion) return { comparator: byRegion.comparator, value: byRegion.target, source: 'region' };
  const forAll = own.find((o) => o.finess === null && o.region === null);
  if (forAll) return { comparator: forAll.comparator, value: forAll.target, source: 'all' };
  const builtIn = DEFAULT_TARGETS[indicator]?.[region];
  return builtIn ? { ...builtIn, source: 'default' } : null;
}

/** Whether a value reaches its target. */
export function meetsTarget(value: number, target: Pick<Target, 'comparator' | 'value'>): boolean {
  switch (target.comparator) {
    case '<':
      return value < target.value;
    case '<=':
      return value <= target.value;
    case '>':
      return value > target.value;
    case '>=':
      return value >= target.value;
  }
}

import type {
  Establishment,
  IndicatorResult,
  MoFact,
  Objective,
  RegionMoTotals,
  SourceRef,
  Targeting,
} from './schemas';
import { meetsTarget, resolveTarget, type Target } from './targets';

export interface MoInputs {
  region: string;
  year: number;
  establishments: readonly Establishment[];
  targetings: readonly Targeting[];
  objectives: readonly Objective[];
  facts: readonly MoFact[];
}

/** I999 share in percent, or null when nothing was dispensed. */
export function i999Share(i999Ucd: number, totalUcd: number): number | null {
  return totalUcd > 0 ? (i999Ucd / totalUcd) * 100 : null;
}

interface Sums {
  totalUcd: number;
  i999Ucd: number;
  totalAmount: number;
  i999Amount: number;
  inputs: SourceRef[];
}

function sum(facts: readonly MoFact[]): Sums | null {
  if (facts.length === 0) return null;
  const inputs = new Map<string, SourceRef>();
  const s = { totalUcd: 0, i999Ucd: 0, totalAmount: 0, i999Amount: 0 };
  for (const f of facts) {
    s.totalUcd += f.totalUcd;
    s.i999Ucd += f.i999Ucd;
    s.totalAmount += f.totalAmount;
    s.i999Amount += f.i999Amount;
    inputs.set(`${f.source.key}@${f.source.version}`, f.source);
  }
  return { ...s, inputs: [...inputs.values()] };
}

function result(
  base: Pick<IndicatorResult, 'region' | 'year' | 'scope' | 'finess' | 'contrat' | 'name'>,
  sums: Sums | null,
  target: Target | null,
  targeted: boolean,
): IndicatorResult {
  const value = sums ? i999Share(sums.i999Ucd, sums.totalUcd) : null;
  let status: IndicatorResult['status'];
  if (!targeted) status = 'not_targeted';
  else if (value === null || target === null) status = 'no_data';
  else status = meetsTarget(value, target) ? 'met' : 'not_met';
  return {
    ...base,
    indicator: 'MO',
    numerator: sums ? sums.i999Ucd : null,
    denominator: sums ? sums.totalUcd : null,
    value,
    unit: '%',
    amounts: sums ? { total: sums.totalAmount, horsAmm: sums.i999Amount } : null,
    target,
    status,
    inputs: sums ? sums.inputs : [],
  };
}

/**
 * The MO indicator of one region and year: for every establishment of the region, the share of UCD
 * coded I999 against its target; and for every contract covering several sites, the same over the
 * sum of its sites' UCD (never an average of the sites' rates).
 *
 * @example
 * computeMo({ region: 'PACA', year: 2025, establishments, targetings, objectives, facts })
 */
export function computeMo(inputs: MoInputs): IndicatorResult[] {
  const { region, year } = inputs;
  const sites = inputs.establishments.filter((e) => e.region === region);
  const targeted = new Set(
    inputs.targetings.filter((t) => t.year === year && t.indicator === 'MO').map((t) => t.finess),
  );
  const factsBySite = new Map<string, MoFact[]>();
  for (const f of inputs.facts) {
    if (f.region !== region || f.year !== year) continue;
    factsBySite.set(f.finess, [...(factsBySite.get(f.finess) ?? []), f]);
  }

  const results: IndicatorResult[] = sites.map((site) =>
    result(
      { region, year, scope: 'site', finess: site.finess, contrat: site.contrat, name: site.raisonSociale },
      sum(factsBySite.get(site.finess) ?? []),
      resolveTarget(inputs.objectives, 'MO', year, region, site.finess),
      targeted.has(site.finess),
    ),
  );

  const byContract = new Map<string, Establishment[]>();
  for (const site of sites) byContract.set(site.contrat, [...(byContract.get(site.contrat) ?? []), site]);
  for (const [contrat, members] of byContract) {
    if (members.length < 2) continue;
    const memberTargets = members.map((m) => resolveTarget(inputs.objectives, 'MO', year, region, m.finess));
    const first = memberTargets[0] ?? null;
    // A contract keeps its sites' own target only when they all share it; otherwise the region's applies.
    const shared =
      first && memberTargets.every((t) => t && t.comparator === first.comparator && t.value === first.value)
        ? first
        : resolveTarget(inputs.objectives, 'MO', year, region, null);
    results.push(
      result(
        { region, year, scope: 'contract', finess: null, contrat, name: `Contrat ${contrat}` },
        sum(members.flatMap((m) => factsBySite.get(m.finess) ?? [])),
        shared,
        members.some((m) => targeted.has(m.finess)),
      ),
    );
  }
  return results;
}

/** The region's ATIH table (seed layout): totals over every establishment of the region, per year. */
export function regionMoTotals(region: string, facts: readonly MoFact[]): RegionMoTotals[] {
  const byYear = new Map<number, RegionMoTotals>();
  for (const f of facts) {
    if (f.region !== region) continue;
    const t = byYear.get(f.year) ?? { region, year: f.year, totalUcd: 0, totalAmount: 0, i999Ucd: 0, i999Amount: 0, share: null };
    t.totalUcd += f.totalUcd;
    t.totalAmount += f.totalAmount;
    t.i999Ucd += f.i999Ucd;
    t.i999Amount += f.i999Amount;
    byYear.set(f.year, t);
  }
  return [...byYear.values()]
    .map((t) => ({ ...t, share: i999Share(t.i999Ucd, t.totalUcd) }))
    .sort((a, b) => a.year - b.year);
}

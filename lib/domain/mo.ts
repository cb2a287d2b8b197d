import { grouped } from './grouped';
import { formatFrenchNumber } from '../io/french';
import { argumentationCoverage, arguedComponent, type Owned } from './mo-argumentation';
import type { Anomaly, Campaign, EvidenceRecord, MoFact, RegionMoTotals, ResultComponent, ResultTarget, SourceRef } from './schemas';
import { meetsTarget } from './targets';

/** I999 share in percent, or null when nothing was dispensed. */
export function i999Share(i999Ucd: number, totalUcd: number): number | null {
  return totalUcd > 0 ? (i999Ucd / totalUcd) * 100 : null;
}

/** What the MO indicator is computed from for one site, or for a contract by summing its sites'. */
export interface MoMeasure {
  totalUcd: number;
  i999Ucd: number;
  totalAmount: number;
  i999Amount: number;
  /** Months or whole years summed: none means no ATIH data. */
  facts: number;
  /** The facts and current argumentations the share argued is matched from, per owner (site or legal entity). */
  atih: Owned<MoFact>[];
  argumentations: Owned<EvidenceRecord>[];
  initiations: { initiations: number; patients: number; byDci: { dci: string; patients: number }[] } | null;
  missingIndication: { lines: number; ucd: number };
  invalidIndication: { lines: number; ucd: number; examples: string[] };
  invalidUcd: { lines: number; ucd: number; examples: string[] };
  inputs: SourceRef[];
}

/** Patients per DCI added together (a DCI written in another case is the same), most first. */
export function addByDci(a: readonly { dci: string; patients: number }[], b: readonly { dci: string; patients: number }[]): { dci: string; patients: number }[] {
  const sums = new Map<string, { dci: string; patients: number }>();
  for (const x of [...a, ...b]) {
    const key = x.dci.trim().toUpperCase();
    const s = sums.get(key) ?? { dci: key, patients: 0 };
    s.patients += x.patients;
    sums.set(key, s);
  }
  return [...sums.values()].sort((x, y) => y.patients - x.patients || x.dci.localeCompare(y.dci, 'fr'));
}

function addInputs(into: Map<string, SourceRef>, refs: readonly SourceRef[]): void {
  for (const r of refs) into.set(`${r.key}@${r.version}`, r);
}

/**
 * Sums one site's MO facts of the year and keeps its current argumentations and initiation
 * collections (the upload that counts for each campaign); `owner` is whom facts and argumentations
 * are matched for (the site, or a legal entity).
 */
export function moMeasure(facts: readonly MoFact[], evidence: readonly EvidenceRecord[], owner = ''): MoMeasure {
  const inputs = new Map<string, SourceRef>();
  const m: MoMeasure = {
    totalUcd: 0,
    i999Ucd: 0,
    totalAmount: 0,
    i999Amount: 0,
    facts: facts.length,
    atih: facts.map((item) => ({ owner, item })),
    argumentations: [],
    initiations: null,
    missingIndication: { lines: 0, ucd: 0 },
    invalidIndication: { lines: 0, ucd: 0, examples: [] },
    invalidUcd: { lines: 0, ucd: 0, examples: [] },
    inputs: [],
  };
  for (const f of facts) {
    m.totalUcd += f.totalUcd;
    m.i999Ucd += f.i999Ucd;
    m.totalAmount += f.totalAmount;
    m.i999Amount += f.i999Amount;
    m.missingIndication.lines += f.anomalies.missingIndication.lines;
    m.missingIndication.ucd += f.anomalies.missingIndication.ucd;
    m.invalidIndication.lines += f.anomalies.invalidIndication.lines;
    m.invalidIndication.ucd += f.anomalies.invalidIndication.ucd;
    for (const e of f.anomalies.invalidIndication.examples) if (!m.invalidIndication.examples.includes(e)) m.invalidIndication.examples.push(e);
    m.invalidUcd.lines += f.anomalies.invalidUcd.lines;
    m.invalidUcd.ucd += f.anomalies.invalidUcd.ucd;
    for (const e of f.anomalies.invalidUcd.examples) if (!m.invalidUcd.examples.includes(e)) m.invalidUcd.examples.push(e);
    addInputs(inputs, [f.source]);
  }
  for (const record of evidence) {
    const summary = record.summary;
    if (summary?.type === 'argumentaire') {
      m.argumentations.push({ owner, item: record });
      addInputs(inputs, [record.source]);
    } else if (summary?.type === 'initiations') {
      m.initiations = {
        initiations: (m.initiations?.initiations ?? 0) + summary.initiations,
        patients: (m.initiations?.patients ?? 0) + summary.patients,
        byDci: addByDci(m.initiations?.byDci ?? [], summary.byDci),
      };
      addInputs(inputs, [record.source]);
    }
  }
  m.inputs = [...inputs.values()];
  return m;
}

/** A contract's measure: its sites' numerators and denominators summed, never their rates averaged. */
export function sumMoMeasures(measures: readonly MoMeasure[]): MoMeasure {
  const inputs = new Map<string, SourceRef>();
  const sum = (pick: (m: MoMeasure) => number) => measures.reduce((a, m) => a + pick(m), 0);
  const withInitiations = measures.filter((m) => m.initiations !== null);
  for (const m of measures) addInputs(inputs, m.inputs);
  return {
    totalUcd: sum((m) => m.totalUcd),
    i999Ucd: sum((m) => m.i999Ucd),
    totalAmount: sum((m) => m.totalAmount),
    i999Amount: sum((m) => m.i999Amount),
    facts: sum((m) => m.facts),
    atih: measures.flatMap((m) => m.atih),
    argumentations: measures.flatMap((m) => m.argumentations),
    initiations: withInitiations.length
      ? {
          initiations: withInitiations.reduce((a, m) => a + (m.initiations?.initiations ?? 0), 0),
          patients: withInitiations.reduce((a, m) => a + (m.initiations?.patients ?? 0), 0),
          byDci: withInitiations.reduce<{ dci: string; patients: number }[]>((a, m) => addByDci(a, m.initiations?.byDci ?? []), []),
        }
      : null,
    missingIndication: { lines: sum((m) => m.missingIndication.lines), ucd: sum((m) => m.missingIndication.ucd) },
    invalidIndication: {
      lines: sum((m) => m.invalidIndication.lines),
      ucd: sum((m) => m.invalidIndication.ucd),
      examples: [...new Set(measures.flatMap((m) => m.invalidIndication.examples))].slice(0, 5),
    },
    invalidUcd: {
      lines: sum((m) => m.invalidUcd.lines),
      ucd: sum((m) => m.invalidUcd.ucd),
      examples: [...new Set(measures.flatMap((m) => m.invalidUcd.examples))].slice(0, 5),
    },
    inputs: [...inputs.values()],
  };
}

/**
 * The two measured parts of MO: the I999 share against its target, and the share of hors-AMM
 * prescriptions argued (ATIH's I999 UCD of each campaign's semester) against 100 %, pending while an
 * argumentation can still come in time.
 */
export function moComponents(m: MoMeasure, target: ResultTarget | null, argumentationOpen: boolean, campaigns: readonly Campaign[], assumption: string | null = null): ResultComponent[] {
  const share = i999Share(m.i999Ucd, m.totalUcd);
  const i999: ResultComponent = {
    id: 'i999',
    label: 'Part des UCD codées I999 (hors AMM)',
    numerator: m.facts ? m.i999Ucd : null,
    denominator: m.facts ? m.totalUcd : null,
    value: share,
    unit: '%',
    target,
    status: share === null ? 'no_data' : target === null ? 'no_target' : meetsTarget(share, target) ? 'met' : 'not_met',
    note: m.facts ? null : 'aucune donnée ATIH reçue',
  };
  const argued = arguedComponent(argumentationCoverage(campaigns, m.atih, m.argumentations), argumentationOpen, assumption);
  return [i999, argued];
}

function euros(n: number): string {
  return `${formatFrenchNumber(n)} €`;
}

/**
 * MO coding anomalies of a site: lines without an indication code, codes outside the liste en sus
 * form, and a valued total that moved by more than `factor` since the year before (the seed's 2024
 * PACA total, about 28 times below 2023, is such a case).
 */
export function moAnomalies(m: MoMeasure, previousTotalAmount: number | null, year: number, factor: number): Anomaly[] {
  const out: Anomaly[] = [];
  if (m.missingIndication.lines > 0) {
    out.push({ code: 'missing-indication', message: `${m.missingIndication.lines} ligne(s) avec un code indication absent (${formatFrenchNumber(m.missingIndication.ucd, 0)} UCD)` });
  }
  if (m.invalidIndication.lines > 0) {
    out.push({
      code: 'invalid-indication',
      message: `${m.invalidIndication.lines} ligne(s) avec un code indication mal formé (${formatFrenchNumber(m.invalidIndication.ucd, 0)} UCD ; ex. ${m.invalidIndication.examples.join(', ')})`,
    });
  }
  if (m.invalidUcd.lines > 0) {
    out.push({ code: 'invalid-ucd', message: `${m.invalidUcd.lines} ligne(s) avec un code UCD inconnu (${formatFrenchNumber(m.invalidUcd.ucd, 0)} UCD ; ex. ${m.invalidUcd.examples.join(', ')})` });
  }
  const jump = amountJump(previousTotalAmount, m.facts ? m.totalAmount : null, factor);
  if (jump !== null && previousTotalAmount !== null) {
    out.push({
      code: 'amount-jump',
      message: `montant total valorisé passé de ${euros(previousTotalAmount)} en ${year - 1} à ${euros(m.totalAmount)} en ${year} (${jumpFactor(jump)})`,
    });
  }
  return out;
}

/** Sites (or legal entities) a UCD must be dispensed in before its regional median cost means something. */
const MIN_SITES_FOR_MEDIAN = 3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * Costs per UCD of one establishment (stay-level data) far from the region's median for the same
 * UCD: beyond `factor` either way, for UCD dispensed in at least three establishments.
 */
export function ucdCostAnomalies(own: readonly MoFact[], region: readonly MoFact[], factor: number): Anomaly[] {
  const medians = regionMedians(region);
  const out: Anomaly[] = [];
  for (const [ucd, cost] of unitCosts(own)) {
    const reference = medians.get(ucd);
    if (reference === undefined) continue;
    if (reference > 0 && (cost > reference * factor || cost < reference / factor)) {
      out.push({ code: 'ucd-cost', message: `coût par UCD de ${euros2(cost)} pour l’UCD ${ucd}, loin de la médiane régionale de ${euros2(reference)}` });
    }
  }
  return out;
}

/** Cost of a unit per UCD over some facts (UCDs with no unit left out). */
function unitCosts(facts: readonly MoFact[]): Map<string, number> {
  const sums = new Map<string, { units: number; amount: number }>();
  for (const f of facts) {
    for (const c of f.ucdCosts) {
      const s = sums.get(c.ucd) ?? { units: 0, amount: 0 };
      s.units += c.units;
      s.amount += c.amount;
      sums.set(c.ucd, s);
    }
  }
  return new Map([...sums].filter(([, s]) => s.units > 0).map(([ucd, s]) => [ucd, s.amount / s.units]));
}

/**
 * The median of the establishments' unit costs of each UCD over the region's facts (UCD of fewer
 * than three establishments left out), computed once per list of facts: every site of the region
 * is compared with the same medians, and computing them per site and UCD made a region's
 * computation grow with the square of its establishments (3.4 s and 1 GB allocated for PACA's MO
 * indicators on a FICHCOMP file of 2M lines, 0.6 s now).
 */
const regionMediansCache = new WeakMap<readonly MoFact[], Map<string, number>>();
function regionMedians(region: readonly MoFact[]): Map<string, number> {
  let medians = regionMediansCache.get(region);
  if (!medians) {
    const costs = [...grouped(region, (f) => f.finess).values()].flatMap((facts) => [...unitCosts(facts)]);
    const byUcd = grouped(costs, ([ucd]) => ucd);
    medians = new Map([...byUcd].filter(([, sites]) => sites.length >= MIN_SITES_FOR_MEDIAN).map(([ucd, sites]) => [ucd, median(sites.map(([, cost]) => cost))]));
    regionMediansCache.set(region, medians);
  }
  return medians;
}

function euros2(n: number): string {
  return `${formatFrenchNumber(n, 2)} €`;
}

/**
 * A change of amount as a pharmacist reads it: multiplied, or divided (a fall to a 28th is `÷27,9`,
 * not `×0,0`).
 * @example jumpFactor(20388741 / 568154183) // '÷27,9'
 */
export function jumpFactor(ratio: number): string {
  return ratio >= 1 ? `×${formatFrenchNumber(ratio, 1)}` : `÷${formatFrenchNumber(1 / ratio, 1)}`;
}

/** The factor by which an amount changed when it is beyond `factor` either way, else null. */
export function amountJump(before: number | null, after: number | null, factor: number): number | null {
  if (before === null || after === null || before <= 0 || after <= 0) return null;
  const ratio = after / before;
  return ratio > factor || ratio < 1 / factor ? ratio : null;
}

/** The region's ATIH table (seed layout): totals over every establishment of the region, per year, with out-of-line amounts flagged. */
export function regionMoTotals(region: string, facts: readonly MoFact[], factor = 3): RegionMoTotals[] {
  const byYear = new Map<number, RegionMoTotals>();
  for (const f of facts) {
    if (f.region !== region) continue;
    const t = byYear.get(f.year) ?? { region, year: f.year, totalUcd: 0, totalAmount: 0, i999Ucd: 0, i999Amount: 0, share: null, amountJump: null };
    t.totalUcd += f.totalUcd;
    t.totalAmount += f.totalAmount;
    t.i999Ucd += f.i999Ucd;
    t.i999Amount += f.i999Amount;
    byYear.set(f.year, t);
  }
  const years = [...byYear.values()].sort((a, b) => a.year - b.year);
  return years.map((t) => {
    const before = byYear.get(t.year - 1);
    return { ...t, share: i999Share(t.i999Ucd, t.totalUcd), amountJump: amountJump(before?.totalAmount ?? null, t.totalAmount, factor) };
  });
}

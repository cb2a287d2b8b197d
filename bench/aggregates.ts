/**
 * The per-establishment-and-year totals of a kind's facts, as ours (the reader) and the ingest child
 * (the facts the pipeline stored) give them to be checked against DuckDB's. Types only are imported:
 * every child bundles it.
 */
import type { MoFact, PhmevFact } from '../lib/domain/schemas';
import type { Aggregate, MeasuredKind } from './common';

function aggregateOf(byYear: Map<string, Aggregate>, finess: string, year: number): Aggregate {
  const id = `${finess}#${year}`;
  let agg = byYear.get(id);
  if (!agg) {
    agg = { finess, year, lines: 0, sums: {} };
    byYear.set(id, agg);
  }
  return agg;
}

function add(agg: Aggregate, sums: Record<string, number>): void {
  for (const [field, n] of Object.entries(sums)) agg.sums[field] = (agg.sums[field] ?? 0) + n;
}

/** The totals of an ATIH MO or FICHCOMP kind's MO facts, or of Open PHMEV's facts. */
export function aggregateFacts(kind: MeasuredKind, facts: readonly (MoFact | PhmevFact)[]): Aggregate[] {
  const byYear = new Map<string, Aggregate>();
  for (const fact of facts) {
    const agg = aggregateOf(byYear, fact.finess, fact.year);
    if (kind === 'open-phmev') {
      const f = fact as PhmevFact;
      agg.lines += f.lines;
      add(agg, { rem: f.medicines.rem, bse: f.medicines.bse, boxes: f.medicines.boxes, feesRem: f.fees.rem, ippRem: f.ipp.rem, ippBoxes: f.ipp.boxes, repertoireBoxes: f.generics.repertoire, genericBoxes: f.generics.generic });
    } else {
      const f = fact as MoFact;
      agg.lines += f.lines;
      add(agg, { totalUcd: f.totalUcd, i999Ucd: f.i999Ucd, totalAmount: f.totalAmount, i999Amount: f.i999Amount });
    }
  }
  return [...byYear.values()];
}

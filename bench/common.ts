/**
 * What the benchmark's parent and its child processes share: the kinds measured, the
 * per-establishment-and-year aggregates every reader gives, and the one-line protocol a child reports on. Kept free of heavy
 * imports: every child bundles it.
 */
import { writeFile } from 'node:fs/promises';

export { memoryMb, peakRssMb, report, RESULT_PREFIX } from './result.mjs';

/** The kinds whose reading is timed: the ATIH MO extract and the two national sources as published. */
export const MEASURED_KINDS = ['atih-mo', 'fichcomp-med', 'open-phmev'] as const;
export type MeasuredKind = (typeof MEASURED_KINDS)[number];

/** Where each kind is dropped in the drop zone (its name tells ingest and `caqes validate` its kind). */
export const DROP_KEYS: Readonly<Record<MeasuredKind, (year: number) => string>> = {
  'atih-mo': (year) => `atih/${year}/mo-bench.csv`,
  'fichcomp-med': (year) => `atih/${year}/fichcomp-med-bench.csv`,
  'open-phmev': (year) => `cpam/${year}/OPEN_PHMEV_${year}.CSV`,
};

/** One establishment's totals for a year, as every reader of a kind gives them and the comparison checks them. */
export interface Aggregate {
  finess: string;
  year: number;
  lines: number;
  sums: Record<string, number>;
}

/** Which sums a kind's aggregates hold: amounts are compared to the cent, quantities to 0.001. */
export interface AggregateFields {
  amounts: readonly string[];
  quantities: readonly string[];
}

export const AGGREGATE_FIELDS: Readonly<Record<MeasuredKind, AggregateFields>> = {
  'atih-mo': { amounts: ['totalAmount', 'i999Amount'], quantities: ['totalUcd', 'i999Ucd'] },
  'fichcomp-med': { amounts: ['totalAmount', 'i999Amount'], quantities: ['totalUcd', 'i999Ucd'] },
  // Medicines apart from dispensing fees; PPI (ATC A02BC); boxes in the generic repertoire, and generics among them.
  'open-phmev': { amounts: ['rem', 'bse', 'feesRem', 'ippRem'], quantities: ['boxes', 'ippBoxes', 'repertoireBoxes', 'genericBoxes'] },
};

export async function writeAggregates(path: string, aggregates: readonly Aggregate[]): Promise<void> {
  const sorted = [...aggregates].sort((a, b) => a.finess.localeCompare(b.finess) || a.year - b.year);
  await writeFile(path, JSON.stringify(sorted));
}

/** Rounds to `decimals` places, for comparing sums made in floating point and in decimal arithmetic. */
export function round(n: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(n * f) / f;
}

/** Parses `--name value` pairs of a child's command line. */
export function childArgs(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg.startsWith('--')) {
      out.set(arg.slice(2), argv[i + 1] ?? '');
      i++;
    }
  }
  return out;
}

/** A required argument of a child, or an error naming it. */
export function need(args: Map<string, string>, name: string): string {
  const value = args.get(name);
  if (value === undefined || value === '') throw new Error(`missing --${name}`);
  return value;
}

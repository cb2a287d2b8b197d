/**
 * What the benchmark's parent and its child processes share: the per-establishment-and-year
 * aggregates every reader gives, and the one-line protocol a child reports on. Kept free of heavy
 * imports: every child bundles it.
 */
import { writeFile } from 'node:fs/promises';

/** Prefix of the line on which a child process prints its result (JSON) on stdout. */
export const RESULT_PREFIX = '@@bench-result ';

/** Prints the child's result for the parent; called once, last. */
export function report(result: object): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** Peak resident set size of this process so far, in MB (`maxRSS` is in KiB on Linux). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** V8 heap and off-heap memory at the end of a child's work, in MB (what RSS is made of, roughly). */
export function memoryMb(): { heapTotal: number; heapUsed: number; external: number; arrayBuffers: number; rss: number } {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  return { heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), rss: mb(m.rss) };
}

/** The MO totals of one establishment and year, as the comparison between readers sees them. */
export interface YearAggregate {
  finess: string;
  year: number;
  lines: number;
  totalUcd: number;
  i999Ucd: number;
  totalAmount: number;
  i999Amount: number;
}

export async function writeAggregates(path: string, aggregates: readonly YearAggregate[]): Promise<void> {
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

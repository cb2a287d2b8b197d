import type { Deadline } from './schemas';

/**
 * One deployment serves every region: a calendar or objectives row names its region, or none for every
 * region. The rows that apply to a region are its own and those for every region.
 */
export function forRegion<T extends { region?: string | null | undefined }>(rows: readonly T[], region: string): T[] {
  return rows.filter((r) => r.region === null || r.region === undefined || r.region === region);
}

/**
 * A region's deadlines: its own rows, and the rows for every region that it has not set itself. A
 * region that gives its own date to a deadline (same campaign, deadline and indicator) has that date,
 * whatever the order of the rows in the calendar: the every-region row is only the default.
 */
export function deadlinesForRegion(deadlines: readonly Deadline[], region: string): Deadline[] {
  const key = (d: Deadline) => `${d.year}#${d.campaign}#${d.id}#${d.indicator ?? ''}`;
  const own = new Set(deadlines.filter((d) => d.region === region).map(key));
  return forRegion(deadlines, region).filter((d) => d.region === region || !own.has(key(d)));
}

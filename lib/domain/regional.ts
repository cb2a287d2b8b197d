/**
 * One deployment serves every region: a calendar or objectives row names its region, or none for every
 * region. The rows that apply to a region are its own and those for every region.
 */
export function forRegion<T extends { region?: string | null | undefined }>(rows: readonly T[], region: string): T[] {
  return rows.filter((r) => r.region === null || r.region === undefined || r.region === region);
}

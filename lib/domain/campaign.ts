import type { Campaign } from './schemas';

/** The calendar days a campaign (or a CPAM period) covers: a year, or its first or second half. */
export function campaignPeriod(campaign: Campaign): { year: number; start: string; end: string } {
  const year = Number(campaign.slice(0, 4));
  const half = campaign.slice(5);
  if (half === 'S1') return { year, start: `${year}-01-01`, end: `${year}-06-30` };
  if (half === 'S2') return { year, start: `${year}-07-01`, end: `${year}-12-31` };
  return { year, start: `${year}-01-01`, end: `${year}-12-31` };
}

/** Whether an ISO date falls inside a campaign. */
export function inCampaign(date: string, campaign: Campaign): boolean {
  const { start, end } = campaignPeriod(campaign);
  return date >= start && date <= end;
}

/** The year a campaign belongs to (`2025-S2` → 2025). */
export function campaignYear(campaign: Campaign): number {
  return campaignPeriod(campaign).year;
}

/** The campaigns of a year: the year itself and its two semesters. Their evidence counts for that year. */
export function campaignsOfYear(year: number): Campaign[] {
  return [String(year), `${year}-S1`, `${year}-S2`];
}

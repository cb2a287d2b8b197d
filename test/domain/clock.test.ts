/** Days end at midnight in Paris: a deadline's day and a personal link's last day count whole. */
import { describe, expect, it } from 'vitest';
import { endOfParisDay, todayOf } from '../../lib/domain/clock';
import { issueLink } from '../../lib/portal/links';
import type { LinkRecord } from '../../lib/store/link-store';

describe('endOfParisDay', () => {
  it('winter (UTC+1): 23:59:59 in Paris is 22:59:59 UTC', () => {
    expect(endOfParisDay(new Date('2026-03-09T08:00:00Z')).toISOString()).toBe('2026-03-09T22:59:59.000Z');
  });

  it('summer (UTC+2): 21:59:59 UTC', () => {
    expect(endOfParisDay(new Date('2026-04-09T08:00:00Z')).toISOString()).toBe('2026-04-09T21:59:59.000Z');
  });

  it('the day clocks go forward (29/03/2026) and an instant already after midnight UTC that is still the day in Paris', () => {
    expect(endOfParisDay(new Date('2026-03-29T12:00:00Z')).toISOString()).toBe('2026-03-29T21:59:59.000Z');
    expect(endOfParisDay(new Date('2026-03-08T23:30:00Z')).toISOString()).toBe('2026-03-09T22:59:59.000Z');
  });
});

describe('a personal link’s end date is the end of that day, Paris time', () => {
  it('issued on 10/03/2026 at 07:00 UTC for 30 days: works until 09/04/2026 23:59:59 in Paris, the day the e-mail names', async () => {
    const records: LinkRecord[] = [];
    const link = await issueLink(
      {
        links: { put: async (r: LinkRecord) => void records.push(r) } as never,
        secrets: { linkKey: async () => 'k'.repeat(43), staffCredentials: async () => [] },
        portalUrl: 'https://portail.example',
        now: () => new Date('2026-03-10T07:00:00Z'),
      },
      { region: 'PACA', campaign: '2025-S2', finess: '130786049', issuedBy: 'rappel J-14' },
    );
    expect(link.expiresAt).toBe('2026-04-09T21:59:59.000Z');
    expect(todayOf(link.expiresAt)).toBe('2026-04-09');
    expect(records[0]!.expiresAt).toBe(link.expiresAt);
  });
});

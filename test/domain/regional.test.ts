/**
 * One calendar file may hold rows for every region and rows a region sets for itself (the `region`
 * column, issue 18), and rows for every indicator beside rows naming one: the more precise row gives
 * the date, whatever the order of the rows, for what is owed, the indicators and the reminders alike.
 */
import { describe, expect, it } from 'vitest';
import { requirementsFor } from '../../lib/domain/evidence';
import { deadlinesForRegion, forRegion } from '../../lib/domain/regional';
import type { Deadline } from '../../lib/domain/schemas';

const row = (over: Partial<Deadline>): Deadline => ({
  year: 2025,
  campaign: '2025-S2',
  id: 'retour_preuves',
  date: '2026-03-09',
  indicator: null,
  documents: ['plan_actions'],
  label: 'Retour des preuves',
  ...over,
});

describe('deadlinesForRegion', () => {
  const national = row({});
  const corse = row({ region: 'CORSE', date: '2026-03-20' });
  const corseOnly = row({ region: 'CORSE', id: 'visite', date: '2026-05-04', documents: [] });

  it('gives a region its own date for a deadline the every-region row also sets, before or after it in the file', () => {
    for (const calendar of [[national, corse, corseOnly], [corse, corseOnly, national]]) {
      expect(deadlinesForRegion(calendar, 'CORSE').map((d) => [d.id, d.date]).sort()).toEqual([
        ['retour_preuves', '2026-03-20'],
        ['visite', '2026-05-04'],
      ]);
      expect(deadlinesForRegion(calendar, 'PACA')).toEqual([national]);
    }
  });

  it('keeps the every-region row for another indicator or campaign the region did not set', () => {
    const corseMo = row({ region: 'CORSE', indicator: 'MO', date: '2026-03-20' });
    const s1 = row({ campaign: '2025-S1', date: '2025-09-15' });
    expect(deadlinesForRegion([national, s1, corseMo], 'CORSE')).toEqual([national, s1, corseMo]);
  });

  it('applies no other region’s rows (forRegion keeps its own and every region’s)', () => {
    expect(forRegion([national, corse], 'PACA')).toEqual([national]);
    expect(forRegion([national, corse], 'CORSE')).toEqual([national, corse]);
  });
});

describe('requirementsFor with a row naming the indicator and a row for every indicator', () => {
  it('owes the document by the date of the row naming the indicator, whichever row comes first', () => {
    const every = row({ date: '2026-03-09' });
    const dmi = row({ indicator: 'DMI', date: '2026-02-27' });
    for (const calendar of [[every, dmi], [dmi, every]]) {
      expect(requirementsFor('DMI', 2025, calendar, [])).toEqual([{ kind: 'plan_actions', campaign: '2025-S2', deadline: 'retour_preuves', due: '2026-02-27', strict: false }]);
      // MO is not named by the DMI row: the every-region, every-indicator date holds for it.
      expect(requirementsFor('MO', 2025, calendar, []).map((r) => r.due)).toEqual(['2026-03-09']);
    }
  });
});

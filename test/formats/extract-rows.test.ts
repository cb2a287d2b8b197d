import { describe, expect, it } from 'vitest';
import { extractRows } from '../../lib/formats/kinds/context';
import type { RaiseIssue } from '../../lib/formats/tabular';
import { context, referential } from './helpers';

function recorder() {
  const issues: unknown[][] = [];
  const raise: RaiseIssue = (...args) => void issues.push(args);
  return { issues, raise };
}

describe('extractRows (the year of the folder, an unknown FINESS warned once)', () => {
  it('refuses a row of another year than its folder, saying where the file was dropped', () => {
    const rows = extractRows(context({ year: 2025 }), 'cpam');
    const { issues, raise } = recorder();
    expect(rows.inYear(2025, 'periode', '2025-S2', raise)).toBe(true);
    expect(rows.inYear(2024, 'periode', '2024-S2', raise)).toBe(false);
    expect(issues).toEqual([['period-outside-campaign', 'error', 'periode', '2024-S2', { detail: ': ce fichier est déposé dans cpam/2025/' }]]);
  });

  it('warns once per FINESS the referential does not know, however many of its rows follow', () => {
    const rows = extractRows(context({ year: 2025, establishments: referential('130780018') }), 'atih');
    const { issues, raise } = recorder();
    expect(rows.locate('130780018', 'eta_num', raise)).toEqual({ level: 'site', region: 'PACA', sites: 1 });
    for (let i = 0; i < 3; i++) expect(rows.locate('750000001', 'eta_num', raise)).toBeNull();
    expect(rows.siteRegion('690000002', 'finess', raise)).toBeNull();
    expect(issues).toEqual([
      ['unknown-finess', 'warning', 'eta_num', '750000001', { detail: '(ni FINESS géographique ni FINESS juridique) : ses lignes sont ignorées' }],
      ['unknown-finess', 'warning', 'finess', '690000002', { detail: ': ses lignes sont ignorées' }],
    ]);
  });
});

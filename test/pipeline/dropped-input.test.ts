/**
 * Which regions' inputs page lists a file a script dropped into the drop zone (issue 25): the regions
 * its rows name as ingest applies it, every region for rows they share, and for a refused version
 * (no rows to tell) the regions of the same key's earlier version; nothing for a file sent from the
 * page (it has its own record) or for evidence.
 */
import { describe, expect, it } from 'vitest';
import type { FileOutput } from '../../lib/formats/output';
import type { ValidationReport } from '../../lib/formats/report';
import { recordDroppedInput, type DroppedVersion } from '../../lib/pipeline/dropped-input';
import type { DroppedInput } from '../../lib/store/input-store';
import { parseDropKey } from '../../lib/store/keys';

function memory() {
  const kept: DroppedInput[] = [];
  return { kept, putDropped: async (d: DroppedInput) => void kept.push(d), listDropped: async () => [...kept].reverse() };
}

const SITES = new Map([
  ['130780018', { region: 'PACA' }],
  ['2A0000717', { region: 'CORSE' }],
]);

function version(key: string, order: string, status: 'accepted' | 'rejected', output: FileOutput | null, kind: string | null): DroppedVersion {
  return {
    key,
    dropKey: parseDropKey(key)!,
    archiveKey: `archive/${key}/${order}`,
    reportKey: `reports/${key}/${order}.json`,
    order,
    year: 2025,
    size: 10,
    eventTime: `2026-02-2${order}T08:00:00Z`,
    report: { kind, status } as ValidationReport,
    output,
  };
}

// Only the region of each fact counts here: the rest of a fact is the pipeline's business.
const moFacts = (...regions: string[]) => ({ type: 'mo-facts', facts: regions.map((region) => ({ region })) }) as unknown as FileOutput;

describe('a file dropped by script, on the inputs pages', () => {
  it('goes to the regions its facts are of: a Corse-only CPAM or ATIH export is Corse’s alone', async () => {
    const inputs = memory();
    await recordDroppedInput(version('atih/2025/mo-corse-2025.csv', '1', 'accepted', moFacts('CORSE', 'CORSE'), 'atih-mo'), SITES, inputs);
    expect(inputs.kept).toEqual([expect.objectContaining({ kind: 'atih-mo', year: 2025, regions: ['CORSE'], shared: false, status: 'accepted', at: '2026-02-21T08:00:00.000Z' })]);
  });

  it('shares a calendar without region with every region', async () => {
    const inputs = memory();
    await recordDroppedInput(version('referential/calendrier-2025.csv', '1', 'accepted', { type: 'calendar', year: 2025, deadlines: [] }, 'calendrier'), SITES, inputs);
    expect(inputs.kept[0]).toMatchObject({ regions: [], shared: true });
  });

  it('lists a refused version where the key’s earlier version was listed, and a key never accepted nowhere', async () => {
    const inputs = memory();
    await recordDroppedInput(version('cpam/2025/phev.csv', '1', 'rejected', null, 'cpam-phev'), SITES, inputs);
    expect(inputs.kept).toEqual([]);
    await recordDroppedInput(version('cpam/2025/phev.csv', '2', 'accepted', moFacts('PACA'), 'cpam-phev'), SITES, inputs);
    // Refused before its kind could be read (an unreadable file): the earlier version's kind too.
    await recordDroppedInput(version('cpam/2025/phev.csv', '3', 'rejected', null, null), SITES, inputs);
    expect(inputs.kept.map((d) => [d.order, d.status, d.kind, d.regions])).toEqual([
      ['2', 'accepted', 'cpam-phev', ['PACA']],
      ['3', 'rejected', 'cpam-phev', ['PACA']],
    ]);
  });

  it('records nothing for a file sent from a region’s page, nor for evidence', async () => {
    const inputs = memory();
    await recordDroppedInput(version('atih/2025/CORSE/u1/mo-2025.csv', '1', 'accepted', moFacts('CORSE'), 'atih-mo'), SITES, inputs);
    await recordDroppedInput(version('evidence/2025-S2/2A0000717/plan_actions/u1-plan.pdf', '1', 'accepted', null, 'document'), SITES, inputs);
    expect(inputs.kept).toEqual([]);
  });
});

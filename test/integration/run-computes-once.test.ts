/**
 * `caqes run` drops a whole folder: the referential, the extracts, the evidence. The indicators of a
 * region and year are computed once, after the last file is ingested, not for every file (a
 * computation before the region's extract arrives would be thrown away). The results are those of
 * computing after every drop.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadDropZone } from '../../lib/cli/run';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';

let embedded: Embedded;
const computed: string[] = [];
let ingestedBeforeFirstCompute: number | null = null;

beforeAll(async () => {
  embedded = await startEmbedded();
  const rt = embedded.runtime;
  const replace = rt.results.replace.bind(rt.results);
  vi.spyOn(rt.results, 'replace').mockImplementation(async (region, year, results, indicators) => {
    if (ingestedBeforeFirstCompute === null) ingestedBeforeFirstCompute = (await rt.referential.listRegions()).length;
    computed.push(`${region}#${year}`);
    return replace(region, year, results, indicators);
  });
  await loadDropZone(embedded, 'events/sample', '2026-02-23');
}, 120_000);

afterAll(async () => {
  await embedded?.stop();
});

describe('caqes run on a whole folder', () => {
  it('computes each region and year once, after the drops', async () => {
    const regions = await embedded.runtime.referential.listRegions();
    const expected = regions.flatMap((r) => r.years.map((y) => `${r.region}#${y}`)).sort();
    expect(expected).toEqual(['CORSE#2024', 'CORSE#2025', 'PACA#2024', 'PACA#2025']);
    expect([...computed].sort()).toEqual(expected);
    // Every region's extracts were in when the first computation ran.
    expect(ingestedBeforeFirstCompute).toBe(2);
    expect(embedded.deadLetters()).toEqual([]);
  });
});

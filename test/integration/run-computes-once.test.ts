/**
 * `caqes run` drops a whole folder: the referential, the extracts, the evidence. The indicators of a
 * region and year are computed once, after the last file is ingested, not for every file (a
 * computation before the region's extract arrives would be thrown away), and the day's summary job
 * does not compute them again. The results are those of computing after every drop.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runOnEmbedded, type RunResult } from '../../lib/cli/run';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';

let embedded: Embedded;
let out: string;
let run: RunResult;
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
  out = await mkdtemp(join(tmpdir(), 'caqes-run-once-'));
  run = await runOnEmbedded(embedded, { dataDir: 'events/sample', today: '2026-02-23', outDir: out });
}, 120_000);

afterAll(async () => {
  await embedded?.stop();
  await rm(out, { recursive: true, force: true });
});

describe('caqes run on a whole folder', () => {
  it('computes each region and year once in the whole run, after the drops: the summary job does not compute them again', async () => {
    const regions = await embedded.runtime.referential.listRegions();
    const expected = regions.flatMap((r) => r.years.map((y) => `${r.region}#${y}`)).sort();
    expect(expected).toEqual(['CORSE#2024', 'CORSE#2025', 'PACA#2024', 'PACA#2025']);
    expect([...computed].sort()).toEqual(expected);
    // Every region's extracts were in when the first computation ran.
    expect(ingestedBeforeFirstCompute).toBe(2);
    expect(embedded.deadLetters()).toEqual([]);
  });

  it('still lists every summary of the day, each region and year with a targeting', () => {
    expect(run.summaries.map((s) => `${s.region}#${s.year}`).sort()).toEqual(['CORSE#2024', 'CORSE#2025', 'PACA#2024', 'PACA#2025']);
    expect(run.indicators.length).toBeGreaterThan(0);
  });
});

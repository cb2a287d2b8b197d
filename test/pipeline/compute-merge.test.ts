import { describe, expect, it } from 'vitest';
import { batchRuns, mergeComputeBodies } from '../../lib/pipeline/compute';
import type { ComputeMessage } from '../../lib/store/compute-queue';

const body = (value: unknown) => JSON.stringify(value);

describe('mergeComputeBodies', () => {
  it('asks once per region and year for the union of the indicators asked', () => {
    const merged = mergeComputeBodies([
      body({ region: 'PACA', year: 2025, indicators: ['MO'] }),
      body({ region: 'CORSE', year: 2025, indicators: ['IPP'] }),
      body({ region: 'PACA', year: 2025, indicators: ['IPP', 'MO'] }),
      body({ region: 'PACA', year: 2024, indicators: ['MO'] }),
    ]);
    expect(merged.map((b) => JSON.parse(b))).toEqual([
      { region: 'PACA', year: 2025, indicators: ['MO', 'IPP'] },
      { region: 'CORSE', year: 2025, indicators: ['IPP'] },
      { region: 'PACA', year: 2024, indicators: ['MO'] },
    ]);
  });

  it('asks for every indicator when one message named none', () => {
    const merged = mergeComputeBodies([body({ region: 'PACA', year: 2025, indicators: ['MO'] }), body({ region: 'PACA', year: 2025 })]);
    expect(merged.map((b) => JSON.parse(b))).toEqual([{ region: 'PACA', year: 2025 }]);
  });

  it('keeps a body that is not a compute message as it is, to fail on its own', () => {
    expect(mergeComputeBodies(['not json', body({ region: 'PACA' }), body({ region: 'PACA', year: 2025 })])).toEqual([
      body({ region: 'PACA', year: 2025 }),
      'not json',
      body({ region: 'PACA' }),
    ]);
  });
});

describe('batchRuns: a batch of compute messages as the compute function receives it', () => {
  it('runs each region and year once for all its messages, with the union of the indicators asked, and fails an unreadable message alone', async () => {
    const runs: ComputeMessage[] = [];
    const bodies = [
      JSON.stringify({ region: 'PACA', year: 2025, indicators: ['MO'] }),
      JSON.stringify({ region: 'CORSE', year: 2025 }),
      JSON.stringify({ region: 'PACA', year: 2025, indicators: ['DMI'] }),
      '{"region": "PACA"',
    ];
    const runFor = batchRuns(bodies, async (merged) => {
      runs.push(merged);
    });
    const outcomes = await Promise.allSettled(bodies.map(runFor));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    expect(runs).toEqual([{ region: 'PACA', year: 2025, indicators: ['MO', 'DMI'] }, { region: 'CORSE', year: 2025 }]);
  });

  it('hands a failed computation back to every message of its region and year, and to those only', async () => {
    const bodies = [JSON.stringify({ region: 'PACA', year: 2025 }), JSON.stringify({ region: 'PACA', year: 2025, indicators: ['MO'] }), JSON.stringify({ region: 'CORSE', year: 2025 })];
    const runFor = batchRuns(bodies, async (merged) => {
      if (merged.region === 'PACA') throw new Error('DynamoDB indisponible');
    });
    expect((await Promise.allSettled(bodies.map(runFor))).map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
  });
});

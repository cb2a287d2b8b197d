import { describe, expect, it } from 'vitest';
import { mergeComputeBodies } from '../../lib/pipeline/compute';

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

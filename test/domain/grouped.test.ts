import { describe, expect, it } from 'vitest';
import { grouped } from '../../lib/domain/grouped';

describe('grouped', () => {
  it('keeps the groups, and the items in each, in the order they first appear', () => {
    const lines = [
      { finess: '130000011', month: 2 },
      { finess: '2A0000717', month: 1 },
      { finess: '130000011', month: 1 },
    ];
    expect([...grouped(lines, (l) => l.finess)]).toEqual([
      ['130000011', [lines[0], lines[2]]],
      ['2A0000717', [lines[1]]],
    ]);
  });

  it('gives no group for no items', () => {
    expect(grouped([], String).size).toBe(0);
  });
});

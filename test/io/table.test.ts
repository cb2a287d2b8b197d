import { describe, expect, it } from 'vitest';
import { inBatches, oneByOne, TableReadError, type TableRow } from '../../lib/io/table';

const row = (line: number): TableRow => ({ line, cells: [String(line)] });

describe('inBatches and oneByOne', () => {
  it('gather rows in arrays of up to 512, the error of the reader after the rows before it', async () => {
    async function* rows(): AsyncGenerator<TableRow> {
      for (let line = 2; line < 1002; line++) yield row(line);
      throw new TableReadError('too-many-rows', 'More than 1000 data rows', 1002);
    }
    const sizes: number[] = [];
    const error = await (async () => {
      try {
        for await (const batch of inBatches(rows())) sizes.push(batch.length);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(sizes).toEqual([512, 488]);
    expect(error).toBeInstanceOf(TableReadError);
  });

  it('give the rows of batches one by one, and close the batches when the reader stops early', async () => {
    let closed = false;
    async function* batches(): AsyncGenerator<TableRow[]> {
      try {
        yield [row(2), row(3)];
        yield [row(4)];
        yield [row(5)];
      } finally {
        closed = true;
      }
    }
    const seen: number[] = [];
    for await (const r of oneByOne(batches())) {
      seen.push(r.line);
      if (r.line === 4) break;
    }
    expect(seen).toEqual([2, 3, 4]);
    expect(closed).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { LocalQueue } from '../../lib/local/local-queue';

describe('LocalQueue with a merge', () => {
  it('delivers the fresh messages merged, once, when a drain starts', async () => {
    const delivered: string[][] = [];
    const queue = new LocalQueue('q', async (bodies) => (delivered.push(bodies), new Set<number>()), 10, 5, (bodies) => [...new Set(bodies)]);
    for (const body of ['a', 'b', 'a', 'a']) queue.push(body);
    await queue.drain();
    expect(delivered).toEqual([['a', 'b']]);
    expect(queue.size).toBe(0);
  });

  it('keeps a message handed back apart, with its receive count, until it is dead-lettered', async () => {
    let calls = 0;
    const queue = new LocalQueue('q', async (bodies) => (calls++, new Set(bodies.flatMap((b, i) => (b === 'bad' ? [i] : [])))), 10, 2, (bodies) => [...new Set(bodies)]);
    queue.push('bad');
    queue.push('bad');
    await queue.drain();
    // Merged into one message, delivered twice (maxReceiveCount 2), then dead-lettered once.
    expect(calls).toBe(2);
    expect(queue.deadLetters).toEqual([{ queue: 'q', body: 'bad', receiveCount: 2 }]);
  });
});

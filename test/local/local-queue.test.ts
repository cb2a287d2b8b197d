import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalQueue } from '../../lib/local/local-queue';
import { QueueJournal } from '../../lib/local/queue-journal';

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

describe('LocalQueue with a journal (the S3 events kept in a state folder)', () => {
  const made: string[] = [];
  afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  const journalDir = () => join(made[made.push(mkdtempSync(join(tmpdir(), 'caqes-journal-'))) - 1]!, 'queue', 'ingest');
  const kept = (dir: string) => new QueueJournal(dir).load().map((m) => m.body);

  it('keeps each message until it is delivered; a queue of the next process gets the rest, in their order', async () => {
    const dir = journalDir();
    const first = new LocalQueue('ingest', async () => new Set<number>(), 1, 5, undefined, new QueueJournal(dir));
    for (const body of ['a', 'b', 'c']) first.push(body);
    expect(kept(dir)).toEqual(['a', 'b', 'c']);

    // Stopped before a drain: the next process's queue delivers them.
    const delivered: string[] = [];
    const next = new LocalQueue('ingest', async (bodies) => (delivered.push(...bodies), new Set<number>()), 1, 5, undefined, new QueueJournal(dir));
    expect(next.restore()).toEqual(['a', 'b', 'c']);
    await next.drain();
    expect(delivered).toEqual(['a', 'b', 'c']);
    expect(kept(dir)).toEqual([]);
  });

  it('keeps a failing message while it is retried, and lets it go once dead-lettered', async () => {
    const dir = journalDir();
    let attempts = 0;
    const queue = new LocalQueue('ingest', async () => (attempts++, attempts === 1 ? new Set([0]) : new Set<number>()), 1, 5, undefined, new QueueJournal(dir));
    queue.push('retried');
    await queue.drain();
    expect(attempts).toBe(2);
    expect(kept(dir)).toEqual([]);

    const failing = new LocalQueue('ingest', async () => new Set([0]), 1, 2, undefined, new QueueJournal(dir));
    failing.push('bad');
    await failing.drain();
    expect(failing.deadLetters).toEqual([{ queue: 'ingest', body: 'bad', receiveCount: 2 }]);
    expect(kept(dir)).toEqual([]);
  });

  it('removes a message file a crash left half-written', () => {
    const dir = journalDir();
    new QueueJournal(dir).add('whole');
    writeFileSync(join(dir, '000000000000001-000000000-abcdef.json.tmp'), '{"Rec');
    expect(kept(dir)).toEqual(['whole']);
    expect(readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('is refused on a merged queue, whose messages are not those pushed', () => {
    expect(() => new LocalQueue('compute', async () => new Set<number>(), 10, 5, (b) => b, new QueueJournal(journalDir()))).toThrow(/journal/);
  });
});

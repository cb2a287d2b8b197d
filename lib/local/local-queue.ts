import type { QueueJournal } from './queue-journal';

/** A message that failed `maxReceiveCount` times, kept as SQS would keep it in its dead-letter queue. */
export interface DeadLetter {
  queue: string;
  body: string;
  receiveCount: number;
}

/**
 * The embedded default's stand-in for an SQS queue with a redrive policy: messages are delivered in
 * batches of the deployed event source's size, up to `concurrency` batches at a time as Lambda
 * would run several invocations, and a message reported as a batch item failure is delivered again
 * until it lands in the dead-letter list, from which `replay` takes it back. With `merge`, the
 * messages never delivered yet are merged when a drain starts (the compute queue asks once per
 * region and year for what many uploads asked). With a `journal` (not with `merge`, whose messages
 * are not those pushed), each message is kept in the state folder until delivered or dead-lettered,
 * and those a stopped process left are pushed again by `restore`.
 */
export class LocalQueue {
  private readonly pending: { body: string; receiveCount: number; id?: string }[] = [];
  readonly deadLetters: DeadLetter[] = [];

  constructor(
    readonly name: string,
    private readonly deliver: (bodies: string[]) => Promise<Set<number>>,
    private readonly batchSize = 1,
    private readonly maxReceiveCount = 5,
    private readonly merge?: (bodies: string[]) => string[],
    private readonly journal?: QueueJournal,
  ) {
    if (merge && journal) throw new Error(`${name}: a merged queue cannot keep a journal`);
  }

  push(body: string): void {
    const id = this.journal?.add(body);
    this.pending.push({ body, receiveCount: 0, ...(id === undefined ? {} : { id }) });
  }

  /** Pushes again the messages the journal kept from a process that stopped before delivering them; returns their bodies. */
  restore(): string[] {
    const kept = this.journal?.load() ?? [];
    for (const { id, body } of kept) this.pending.push({ body, receiveCount: 0, id });
    return kept.map((m) => m.body);
  }

  get size(): number {
    return this.pending.length;
  }

  /** Delivers every pending message (and every one a failure puts back) until none is left. */
  async drain(concurrency = 1): Promise<void> {
    if (this.merge) {
      // Messages already delivered keep their receive count: only fresh ones are merged.
      const fresh = this.pending.filter((m) => m.receiveCount === 0);
      const merged = this.merge(fresh.map((m) => m.body));
      this.pending.splice(0, this.pending.length, ...this.pending.filter((m) => m.receiveCount > 0), ...merged.map((body) => ({ body, receiveCount: 0 })));
    }
    const worker = async (): Promise<void> => {
      for (let batch = this.pending.splice(0, this.batchSize); batch.length > 0; batch = this.pending.splice(0, this.batchSize)) {
        for (const message of batch) message.receiveCount++;
        const failed = await this.deliver(batch.map((m) => m.body));
        batch.forEach((message, index) => {
          if (failed.has(index) && message.receiveCount < this.maxReceiveCount) {
            this.pending.push(message);
            return;
          }
          if (failed.has(index)) this.deadLetters.push({ queue: this.name, body: message.body, receiveCount: message.receiveCount });
          if (message.id !== undefined) this.journal?.remove(message.id);
        });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  }

  /** Moves the dead letters back to the queue, their receive count reset, as SQS's redrive does. */
  replay(): number {
    const moved = this.deadLetters.splice(0);
    for (const letter of moved) this.push(letter.body);
    return moved.length;
  }
}

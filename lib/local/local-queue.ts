/** A message that failed `maxReceiveCount` times, kept as SQS would keep it in its dead-letter queue. */
export interface DeadLetter {
  queue: string;
  body: string;
  receiveCount: number;
}

/**
 * The embedded default's stand-in for an SQS queue with a redrive policy: messages are delivered in
 * order, one per batch like the deployed event source (batch size 1), and a message reported as a
 * batch item failure is delivered again until it lands in the dead-letter list.
 */
export class LocalQueue {
  private readonly pending: { body: string; receiveCount: number }[] = [];
  readonly deadLetters: DeadLetter[] = [];

  constructor(
    readonly name: string,
    private readonly deliver: (bodies: string[]) => Promise<Set<number>>,
    private readonly maxReceiveCount = 5,
  ) {}

  push(body: string): void {
    this.pending.push({ body, receiveCount: 0 });
  }

  get size(): number {
    return this.pending.length;
  }

  async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const message = this.pending.shift()!;
      message.receiveCount++;
      const failed = await this.deliver([message.body]);
      if (!failed.has(0)) continue;
      if (message.receiveCount >= this.maxReceiveCount) {
        this.deadLetters.push({ queue: this.name, body: message.body, receiveCount: message.receiveCount });
      } else {
        this.pending.push(message);
      }
    }
  }
}

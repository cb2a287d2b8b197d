import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The messages of a local queue kept as files of the state folder until they are delivered: on AWS,
 * SQS keeps a message that no Lambda has processed yet; the embedded default's queues live in the
 * process, and one stopped or killed with an S3 event still waiting (a file put, not yet ingested)
 * lost it. Its next start delivers what the journal holds.
 */
export class QueueJournal {
  private sequence = 0;

  constructor(private readonly dir: string) {}

  /**
   * Keeps a message, whole or not at all, before the queue takes it; returns its id. Synchronous:
   * s3rver announces an object from an event handler, and the message must be kept before any await.
   */
  add(body: string): string {
    mkdirSync(this.dir, { recursive: true });
    // Named in the order of arrival, across processes (the time) and within one (the sequence).
    const id = `${String(Date.now()).padStart(15, '0')}-${String(this.sequence++).padStart(9, '0')}-${randomBytes(3).toString('hex')}`;
    const path = join(this.dir, `${id}.json`);
    writeFileSync(`${path}.tmp`, body);
    renameSync(`${path}.tmp`, path);
    return id;
  }

  /** Forgets a message delivered (or dead-lettered: its file's record says why). */
  remove(id: string): void {
    rmSync(join(this.dir, `${id}.json`), { force: true });
  }

  /** The messages kept, in the order they arrived; a file a crash left half-written is removed. */
  load(): { id: string; body: string }[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    for (const name of names.filter((n) => n.endsWith('.tmp'))) rmSync(join(this.dir, name), { force: true });
    return names
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((name) => ({ id: name.slice(0, -'.json'.length), body: readFileSync(join(this.dir, name), 'utf8') }));
  }
}

import { ComputeMessage } from '../store/compute-queue';
import type { FileEventStore } from '../store/file-event-store';
import { createdObjects } from './s3-event';

/** A dead-lettered message as the account shows it: what it carried and why it kept failing. */
export interface DeadLetterCause {
  queue: string;
  receiveCount: number;
  /** The file (ingest) or region and year (compute) the message was about, in French. */
  subject: string;
  /** The last failure the file record kept; null when the message itself could not be read. */
  lastError: string | null;
  attempts: number | null;
}

/**
 * What each dead-lettered message was about, with the reason its file record kept: the operator
 * fixes that cause, then replays the queue (`caqes replay`, `Embedded.replayDeadLetters`).
 */
export async function deadLetterCauses(
  letters: readonly { queue: string; body: string; receiveCount: number }[],
  fileEvents: Pick<FileEventStore, 'list'>,
): Promise<DeadLetterCause[]> {
  const out: DeadLetterCause[] = [];
  for (const letter of letters) {
    const base = { queue: letter.queue, receiveCount: letter.receiveCount };
    if (letter.queue === 'compute') {
      const message = ComputeMessage.safeParse(safeJson(letter.body));
      out.push({ ...base, subject: message.success ? `calcul ${message.data.region} ${message.data.year}` : 'message de calcul illisible', lastError: null, attempts: null });
      continue;
    }
    let objects: ReturnType<typeof createdObjects>;
    try {
      objects = createdObjects(letter.body);
    } catch {
      out.push({ ...base, subject: 'message illisible (ce n’est pas une notification S3)', lastError: null, attempts: null });
      continue;
    }
    for (const object of objects) {
      const failing = (await fileEvents.list(object.key)).filter((e) => e.status === 'processing').at(-1);
      out.push({ ...base, subject: object.key, lastError: failing?.lastError ?? null, attempts: failing?.attempts ?? null });
    }
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** One line per cause, in French. */
export function renderDeadLetterCause(c: DeadLetterCause): string {
  const tries = c.attempts === null ? `${c.receiveCount} réception(s)` : `${c.attempts} tentative(s)`;
  return `${c.subject} (file ${c.queue}, ${tries})${c.lastError ? ` : ${c.lastError}` : ''}`;
}

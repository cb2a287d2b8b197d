import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { IndicatorCode } from '../domain/schemas';

/** A region and year whose indicators must be computed again: those named, or all when none are. */
export const ComputeMessage = z.object({ region: z.string(), year: z.number().int(), indicators: z.array(IndicatorCode).optional() });
export type ComputeMessage = z.infer<typeof ComputeMessage>;

export interface ComputeQueue {
  send(messages: readonly ComputeMessage[]): Promise<void>;
}

/** In-process queues of the embedded default, registered under `local:` URLs. */
const localQueues = new Map<string, (messages: readonly ComputeMessage[]) => Promise<void>>();

export function registerLocalQueue(url: string, deliver: (messages: readonly ComputeMessage[]) => Promise<void>): () => void {
  localQueues.set(url, deliver);
  return () => localQueues.delete(url);
}

/** The compute queue named by its URL: SQS on AWS, an in-process queue for a `local:` URL. */
export function computeQueue(url: string | undefined, sqs: SQSClient): ComputeQueue {
  if (!url) {
    return {
      async send() {
        throw new Error('CAQES_COMPUTE_QUEUE_URL is not set: only the ingest function sends compute messages');
      },
    };
  }
  if (url.startsWith('local:')) {
    return {
      async send(messages) {
        const deliver = localQueues.get(url);
        if (!deliver) throw new Error(`no local queue registered for ${url}`);
        await deliver(messages);
      },
    };
  }
  return {
    async send(messages) {
      for (let i = 0; i < messages.length; i += 10) {
        const batch = messages.slice(i, i + 10);
        const out = await sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: url,
            Entries: batch.map((m, n) => ({ Id: String(n), MessageBody: JSON.stringify(m) })),
          }),
        );
        if (out.Failed && out.Failed.length > 0) throw new Error(`SQS refused ${out.Failed.length} compute message(s)`);
      }
    },
  };
}

import { z } from 'zod';
import type { ReceivedObject } from './ingest';

const S3Record = z.object({
  eventName: z.string(),
  eventTime: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({
      key: z.string(),
      size: z.number().optional(),
      eTag: z.string().optional(),
      versionId: z.string().optional(),
      sequencer: z.string().optional(),
    }),
  }),
});

const S3Notification = z.object({ Records: z.array(z.unknown()).optional() });

/**
 * The created objects announced by an S3 notification body (as SQS delivers it). S3's test event and
 * other event names give nothing; S3 URL-encodes keys with `+` for spaces.
 */
export function createdObjects(body: string): ReceivedObject[] {
  const parsed = S3Notification.parse(JSON.parse(body));
  const out: ReceivedObject[] = [];
  for (const raw of parsed.Records ?? []) {
    const record = S3Record.parse(raw);
    if (!record.eventName.startsWith('ObjectCreated')) continue;
    const o = record.s3.object;
    out.push({
      key: decodeURIComponent(o.key.replace(/\+/g, ' ')),
      eTag: o.eTag ?? '',
      size: o.size ?? 0,
      sequencer: o.sequencer ?? '0',
      eventTime: record.eventTime,
      versionId: o.versionId || undefined,
    });
  }
  return out;
}

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
 * A key as S3 writes it in an event notification: "The object key name value is URL encoded. For
 * example, "red flower.jpg" becomes "red+flower.jpg"" (form encoding: UTF-8 bytes as `%XX`, space
 * as `+`, letters, digits, `-_.*` and the `/` separators as they are).
 */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+')
    .replace(/%2F/g, '/');
}

/** The key an event names, or null when its encoding is broken (a `%` not followed by UTF-8 bytes in hex). */
export function decodeEventKey(encoded: string): string | null {
  try {
    return decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/**
 * The created objects announced by an S3 notification body (as SQS delivers it). S3's test event and
 * other event names give nothing. A key that cannot be decoded is announced as received, flagged
 * `undecodableKey`, so that ingest reports it instead of failing the message again and again.
 */
export function createdObjects(body: string): ReceivedObject[] {
  const parsed = S3Notification.parse(JSON.parse(body));
  const out: ReceivedObject[] = [];
  for (const raw of parsed.Records ?? []) {
    const record = S3Record.parse(raw);
    if (!record.eventName.startsWith('ObjectCreated')) continue;
    const o = record.s3.object;
    const key = decodeEventKey(o.key);
    out.push({
      key: key ?? o.key,
      eTag: o.eTag ?? '',
      size: o.size ?? 0,
      sequencer: o.sequencer ?? '0',
      eventTime: record.eventTime,
      versionId: o.versionId || undefined,
      ...(key === null ? { undecodableKey: true } : {}),
    });
  }
  return out;
}

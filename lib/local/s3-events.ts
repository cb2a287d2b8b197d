import { z } from 'zod';
import { encodeEventKey } from '../pipeline/s3-event';
import { DROP_PREFIXES } from '../store/keys';

const S3rverEvent = z.object({
  Records: z.array(
    z.object({ s3: z.object({ object: z.object({ key: z.string() }).loose() }).loose() }).loose(),
  ),
}).loose();

/**
 * An s3rver notification made to look as AWS's: s3rver writes keys as they are, S3 URL-encodes them
 * (`+` for spaces), and its records are stamped with the embedded clock's time (`at`).
 */
export function awsShapedEvent(event: unknown, at: Date): unknown {
  const parsed = S3rverEvent.safeParse(event);
  if (!parsed.success) return event;
  return {
    ...parsed.data,
    Records: parsed.data.Records.map((r) => ({
      ...r,
      eventTime: at.toISOString(),
      s3: { ...r.s3, object: { ...r.s3.object, key: encodeEventKey(r.s3.object.key) } },
    })),
  };
}

/**
 * Whether ingest is told of an s3rver notification: on AWS the bucket notifies the ingest queue of
 * objects created under the drop zones only (infra/queues.ts), not of the archive copies, reports
 * and summaries the pipeline writes. A notification of another shape is passed on, for ingest to refuse.
 */
export function notifiesIngest(event: unknown): boolean {
  const parsed = S3rverEvent.safeParse(event);
  return !parsed.success || parsed.data.Records.some((r) => DROP_PREFIXES.some((p) => r.s3.object.key.startsWith(p)));
}

/** Bytes s3rver adds to the last segment of a key for the files it keeps beside the object (`._S3rver_metadata.json`). */
const S3RVER_SUFFIX_BYTES = '._S3rver_metadata.json'.length;
const FILE_NAME_MAX_BYTES = 255;

/**
 * Why the embedded default's S3 cannot keep an object under this key, in French, or null: s3rver
 * stores each key segment as a file or folder name, which the file system limits to 255 bytes.
 */
export function localKeyProblem(key: string): string | null {
  const longest = Math.max(...key.split('/').map((segment) => Buffer.byteLength(segment, 'utf8')));
  const limit = FILE_NAME_MAX_BYTES - S3RVER_SUFFIX_BYTES;
  if (longest <= limit) return null;
  return `le nom fait ${longest} octets et le stockage local n’en garde que ${limit} par nom de fichier ; raccourcissez-le`;
}

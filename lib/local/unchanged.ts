import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { Runtime } from '../runtime';

/** The MD5 of a file, read as a stream: the ETag S3 gives an object put in one part. */
async function md5(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The ETag of the bucket's object at `key`, without its quotes, or null when there is none. */
async function etagOf(rt: Runtime, key: string): Promise<string | null> {
  try {
    const head = await rt.clients.s3.send(new HeadObjectCommand({ Bucket: rt.objects.bucket, Key: key }));
    return head.ETag?.replace(/"/g, '') ?? null;
  } catch (error) {
    if ((error as Error).name === 'NotFound' || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return null;
    throw error;
  }
}

/**
 * The keys of a drop-zone folder that the bucket does not already hold with the same content (key and
 * ETag): what a day's `caqes run --state` drops, the rest having been received on an earlier day.
 */
export async function newOrChangedKeys(rt: Runtime, dataDir: string, keys: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const key of keys) {
    const held = await etagOf(rt, key);
    if (held === null || held !== (await md5(join(dataDir, ...key.split('/'))))) out.push(key);
  }
  return out;
}

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Runtime } from '../runtime';
import { objectVersion } from '../store/keys';

/** The MD5 of a file, read as a stream: the ETag S3 gives an object put in one part. */
async function md5(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Whether ingest read this version of the key to its end, accepting or refusing it. */
async function ingested(rt: Runtime, key: string, version: string): Promise<boolean> {
  return (await rt.fileEvents.list(key)).some((event) => event.version === version && event.status !== 'processing');
}

/**
 * The keys of a drop-zone folder that the bucket does not already hold with the same content (key and
 * ETag), read by ingest to its end: what a day's `caqes run --state` drops, the rest having been
 * received on an earlier day. A file whose ingest a stopped or killed process never finished (its
 * event waited in memory, or was left `processing`) is dropped again.
 */
export async function newOrChangedKeys(rt: Runtime, dataDir: string, keys: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const key of keys) {
    const held = await rt.objects.head(key);
    if (!held?.etag || held.etag !== (await md5(join(dataDir, ...key.split('/')))) || !(await ingested(rt, key, objectVersion(held.versionId, held.etag)))) out.push(key);
  }
  return out;
}

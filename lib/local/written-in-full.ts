import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waits until the file at `path` holds at least `size` bytes, for at most `timeoutMs`: s3rver
 * answers a put, and announces the object, once it has hashed the bytes, not once its write stream
 * has put the last of them in the file, which the archive copy and ingest then read.
 *
 * @returns whether the file reached the size in time (a later put may have replaced it: the ETag
 * check before the archive copy then decides).
 */
export async function writtenInFull(path: string, size: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
    const held = await stat(path).then((s) => s.size, () => -1);
    if (held >= size) return true;
    if (Date.now() >= deadline) return false;
    await sleep(wait);
  }
}

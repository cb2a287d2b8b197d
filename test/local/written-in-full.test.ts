/**
 * s3rver announces an object once it has hashed its bytes, not once the last of them is in its file:
 * the embedded default waits for the file before the archive copy and ingest read it, so an extract
 * is never read short.
 */
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writtenInFull } from '../../lib/local/written-in-full';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caqes-written-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('waiting for an object file to hold all its bytes', () => {
  it('answers at once for a file already whole', async () => {
    const path = join(dir, 'mo.csv._S3rver_object');
    await writeFile(path, 'finess;annee\n');
    expect(await writtenInFull(path, 13)).toBe(true);
  });

  it('waits for the last bytes of a file still being written, and not longer', async () => {
    const path = join(dir, 'mo.csv._S3rver_object');
    await writeFile(path, 'finess;');
    let done = false;
    const waiting = writtenInFull(path, 13).then((whole) => {
      done = true;
      return whole;
    });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(done).toBe(false);
    await appendFile(path, 'annee\n');
    expect(await waiting).toBe(true);
  });

  it('waits for a file not created yet', async () => {
    const path = join(dir, 'later._S3rver_object');
    const waiting = writtenInFull(path, 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeFile(path, 'abc');
    expect(await waiting).toBe(true);
  });

  it('gives up after its time when the file never gets there (a later put replaced it), saying so', async () => {
    const path = join(dir, 'short._S3rver_object');
    await writeFile(path, 'ab');
    const started = Date.now();
    expect(await writtenInFull(path, 10, 60)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
  });
});

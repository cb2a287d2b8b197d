import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, link, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3rverStore } from 's3rver';

const PART_SUFFIX = '._S3rver_part';

/**
 * A file of the store being written, in the folder of the object it will replace: listings only see
 * `._S3rver_object` files, and a name of its own keeps within the 255 bytes a key's last segment
 * already nearly fills.
 */
function partPath(objectPath: string): string {
  return join(dirname(objectPath), `.${randomBytes(6).toString('hex')}${PART_SUFFIX}`);
}

/**
 * Removes from s3rver's folder `directory` the files of puts and copies that a process killed midway
 * left unfinished: no listing shows them, and a state folder kept for years would only fill up.
 * Call it before s3rver serves the folder, while no put can be under way (the state's lock): only
 * after a crash (`LocalState.afterCrash`), since it walks the whole folder.
 *
 * @returns how many were removed.
 */
export async function removeUnfinishedParts(directory: string): Promise<number> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  const parts = entries.filter((e) => e.isFile() && e.name.endsWith(PART_SUFFIX));
  await Promise.all(parts.map((e) => rm(join(e.parentPath, e.name), { force: true })));
  return parts.length;
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    // A file system without hard links (some network or FAT volumes) gets a copy.
    if (!['EPERM', 'ENOTSUP', 'EXDEV', 'EMLINK'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    await copyFile(from, to);
  }
}

/** Copies a small file of the store (an object's ETag, its metadata); a missing one is rebuilt by s3rver when read. */
async function copyIfPresent(from: string, to: string): Promise<void> {
  await copyFile(from, to).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/**
 * Changes how s3rver's store (3.7) writes object files, for the embedded default's archive copy:
 *
 * - a put writes a new file beside the object's and renames it over, once every byte is in it. s3rver
 *   truncated and rewrote the object's own file, and answered the put (and announced the object)
 *   before its write stream had put the last bytes there;
 * - a copy is a hard link to the source's file, which no later put changes any more. s3rver copied
 *   the whole file: for a 755 MB extract, 1.5 s of every ingest spent waiting for the disk.
 *
 * Objects read, listed, headed and deleted as s3rver does; its ETags are the same MD5s.
 */
export function wholeObjectFiles(store: S3rverStore): void {
  store.putObject = async (object) => {
    const path = store.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(path), { recursive: true });
    const part = partPath(path);
    const md5 = createHash('md5');
    let size = 0;
    try {
      if (Buffer.isBuffer(object.content)) {
        md5.update(object.content);
        size = object.content.length;
        await writeFile(part, object.content);
      } else {
        const hashed = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            md5.update(chunk);
            size += chunk.length;
            done(null, chunk);
          },
        });
        await pipeline(object.content, hashed, createWriteStream(part));
      }
      await rename(part, path);
    } catch (error) {
      await rm(part, { force: true });
      throw error;
    }
    const etag = md5.digest('hex');
    await store.putMetadata(object.bucket, object.key, object.metadata, etag);
    return { size, md5: etag };
  };

  store.copyObject = async (srcBucket, srcKey, destBucket, destKey, replacementMetadata) => {
    const source = store.getResourcePath(srcBucket, srcKey, 'object');
    const destination = store.getResourcePath(destBucket, destKey, 'object');
    if (source !== destination) {
      await mkdir(dirname(destination), { recursive: true });
      const part = partPath(destination);
      await linkOrCopy(source, part);
      await rename(part, destination);
      await copyIfPresent(store.getResourcePath(srcBucket, srcKey, 'object.md5'), store.getResourcePath(destBucket, destKey, 'object.md5'));
      if (!replacementMetadata) await copyIfPresent(store.getResourcePath(srcBucket, srcKey, 'metadata.json'), store.getResourcePath(destBucket, destKey, 'metadata.json'));
    }
    if (replacementMetadata) await store.putMetadata(destBucket, destKey, replacementMetadata);
    return store.getMetadata(destBucket, destKey);
  };
}

/**
 * The embedded default's S3 keeps every archived extract as it was received, even when the drop-zone
 * key is overwritten or deleted afterwards, and an object's file holds all its bytes as soon as its
 * put is answered: ingest reads those files directly (ObjectStore.localFile).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { removeUnfinishedParts, wholeObjectFiles } from '../../lib/local/s3rver-files';

const BUCKET = 'caqes-local';
let dir: string;
let server: S3rver;
let s3: S3Client;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caqes-s3rver-files-'));
  server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, allowMismatchedSignatures: true });
  wholeObjectFiles(server.store);
  const { port } = await server.run();
  s3 = new S3Client({
    region: 'eu-west-3',
    endpoint: `http://127.0.0.1:${port}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterEach(async () => {
  s3.destroy();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

const md5 = (text: string | Buffer): string => `"${createHash('md5').update(text).digest('hex')}"`;
const body = async (key: string): Promise<string> => (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToString();
const objectFile = (key: string): string => join(dir, BUCKET, ...key.split('/').slice(0, -1), `${key.split('/').pop()}._S3rver_object`);

describe("the embedded default's S3 files", () => {
  it('keeps the archived copy as received when the dropped key is overwritten, then deleted', async () => {
    const drop = 'atih/2025/mo été+2025 %.csv';
    const archive = 'archive/atih/2025/abc/mo été+2025 %.csv';
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: drop, Body: 'finess;ucd\n130786049;9400001\n' }));
    const copied = await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: archive, CopySource: `${BUCKET}/${encodeURI(drop)}` }));
    expect(copied.CopyObjectResult?.ETag).toBe(md5('finess;ucd\n130786049;9400001\n'));

    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: drop, Body: 'finess;ucd\n' }));
    expect(await body(drop)).toBe('finess;ucd\n');
    expect(await body(archive)).toBe('finess;ucd\n130786049;9400001\n');
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: archive }))).ETag).toBe(md5('finess;ucd\n130786049;9400001\n'));

    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: drop }));
    expect(await body(archive)).toBe('finess;ucd\n130786049;9400001\n');
  });

  it('has every byte of a streamed object in its file when the put is answered, with its MD5 as ETag', async () => {
    const content = Buffer.alloc(8 << 20, 'x;1\n');
    const put = await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'atih/2025/mo.csv', Body: Readable.from([content.subarray(0, 3 << 20), content.subarray(3 << 20)]), ContentLength: content.length }));
    expect((await stat(objectFile('atih/2025/mo.csv'))).size).toBe(content.length);
    expect(put.ETag).toBe(md5(content));
    expect((await readFile(objectFile('atih/2025/mo.csv'))).equals(content)).toBe(true);
  });

  it('lists only the objects, never a file being written, and leaves none behind', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cpam/2025/phev.csv', Body: 'a' }));
    await s3.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'archive/cpam/2025/phev.csv', CopySource: `${BUCKET}/cpam/2025/phev.csv` }));
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    expect(listed.Contents?.map((o) => o.Key)).toEqual(['archive/cpam/2025/phev.csv', 'cpam/2025/phev.csv']);
    expect((await readdir(join(dir, BUCKET, 'cpam', '2025'))).filter((name) => name.endsWith('_S3rver_part'))).toEqual([]);
  });

  it('keeps the object it had when a put fails midway, and no partial file', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'atih/2025/mo.csv', Body: 'finess;ucd\n' }));
    const failing = new Readable({
      read() {
        this.push('finess;ucd\n130');
        this.destroy(new Error('connexion coupée'));
      },
    });
    await expect(server.store.putObject({ bucket: BUCKET, key: 'atih/2025/mo.csv', content: failing, metadata: {} })).rejects.toThrow('connexion coupée');
    expect(await body('atih/2025/mo.csv')).toBe('finess;ucd\n');
    expect((await readdir(join(dir, BUCKET, 'atih', '2025'))).filter((name) => name.endsWith('_S3rver_part'))).toEqual([]);
  });

  it('removes what a process killed in the middle of a put left, and nothing else', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'atih/2025/mo.csv', Body: 'finess;ucd\n' }));
    const folder = join(dir, BUCKET, 'atih', '2025');
    await writeFile(join(folder, '.0a1b2c3d4e5f._S3rver_part'), 'finess;ucd\n130');
    expect(await removeUnfinishedParts(dir)).toBe(1);
    expect((await readdir(folder)).filter((name) => name.endsWith('_S3rver_part'))).toEqual([]);
    expect(await body('atih/2025/mo.csv')).toBe('finess;ucd\n');
    expect(await removeUnfinishedParts(join(dir, 'absent'))).toBe(0);
  });
});

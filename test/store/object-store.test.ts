/**
 * The embedded default's object store: ingest reads an object from the local S3's own file, and
 * archives it with the local S3's copy, with the same bytes, keys and answers as over HTTP.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';

let embedded: Embedded;

/** Keys that broke ingest before: `%`, `+`, `#`, `?`, accents, and 230 bytes in one segment. */
const ODD_KEYS = [
  'atih/2025/mo-2025.csv',
  'evidence/2025-S2/130780018/plan_actions/plan 100% + annexe #2 ?.pdf',
  'evidence/2025-S2/130780018/plan_actions/plan%2Fv2 é 東京.pdf',
  `evidence/2025-S2/130780018/plan_actions/${'p'.repeat(226)}.pdf`,
];

const contentOf = (key: string) => Buffer.from(`finess;montant\r\n130780018;1 234,56\r\n# ${key} éàü\r\n`, 'latin1');

async function bytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  embedded = await startEmbedded();
  const rt = embedded.runtime;
  for (const key of ODD_KEYS) await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: contentOf(key) }));
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
});

describe('reading an object on the embedded default', () => {
  it.each(ODD_KEYS)('streams %s from its file with the bytes GetObject serves', async (key) => {
    const rt = embedded.runtime;
    const stream = await rt.objects.read(key);
    expect(stream).toBeInstanceOf(ReadStream);
    const served = await rt.clients.s3.send(new GetObjectCommand({ Bucket: rt.objects.bucket, Key: key }));
    const read = await bytes(stream);
    expect(read).toEqual(contentOf(key));
    expect(read).toEqual(await bytes(served.Body as Readable));
  });

  it('says NoSuchKey for a key the bucket does not hold, as GetObject does', async () => {
    await expect(embedded.runtime.objects.read('atih/2025/absent.csv')).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});

describe('archiving an object on the embedded default', () => {
  it.each(ODD_KEYS)('copies %s inside the local S3 (HeadObject, CopyObject: never read and written again)', async (key) => {
    const rt = embedded.runtime;
    const etag = (await rt.objects.etag(key)) as string;
    const archiveKey = `archive/${key}/${etag}`;
    const send = vi.spyOn(rt.clients.s3, 'send');
    try {
      expect(await rt.objects.archive(key, `"${etag}"`, archiveKey)).toBe(true);
      expect(send.mock.calls.map(([command]) => command.constructor.name)).toEqual(['HeadObjectCommand', 'CopyObjectCommand']);
    } finally {
      send.mockRestore();
    }
    expect(await bytes(await rt.objects.read(archiveKey))).toEqual(contentOf(key));
    const copied = await rt.clients.s3.send(new HeadObjectCommand({ Bucket: rt.objects.bucket, Key: archiveKey }));
    expect(copied.ETag).toBe(`"${etag}"`);
  });

  it('copies nothing when the object no longer has the ETag the event announced', async () => {
    const rt = embedded.runtime;
    const [key] = ODD_KEYS as [string];
    const archiveKey = 'archive/stale-copy.csv';
    expect(await rt.objects.archive(key, '"0123456789abcdef0123456789abcdef"', archiveKey)).toBe(false);
    await expect(rt.objects.read(archiveKey)).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});

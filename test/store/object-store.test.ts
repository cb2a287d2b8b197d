/**
 * The embedded default's object store: ingest reads an object from the local S3's own file, and
 * archives it with the local S3's copy, with the same bytes, keys and answers as over HTTP.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

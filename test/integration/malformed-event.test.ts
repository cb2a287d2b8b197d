/**
 * "A malformed key in an event is reported and the message completed, not retried five times": an
 * event whose key is not valid URL encoding, given to the running ingest handler.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';
import { invokeSqsHandler } from '../../lib/local/invoke';
import { ValidationReport } from '../../lib/formats/report';

let embedded: Embedded;
const RAW_KEY = 'atih/2025/mo+100%+.csv';

function event(key: string): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventTime: '2026-02-23T06:00:00.000Z',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: 'caqes-local' }, object: { key, size: 10, eTag: '0123456789abcdef0123456789abcdef', sequencer: '0A1B' } },
      },
    ],
  });
}

beforeAll(async () => {
  embedded = await startEmbedded();
  const rt = embedded.runtime;
  await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: 'atih/2025/mo 100%.csv', Body: 'x' }));
  await embedded.drain();
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
});

describe('an event whose key cannot be decoded', () => {
  it('completes the message (no retry) and gives the raw key a record and an unsafe-name report', async () => {
    const ingest = await import('../../functions/ingest/handler');
    const failed = await invokeSqsHandler(ingest.handler, 'caqes-ingest', [event(RAW_KEY)]);
    expect([...failed]).toEqual([]);
    const records = await embedded.runtime.fileEvents.list(RAW_KEY);
    expect(records.map((r) => r.status)).toEqual(['rejected']);
    const report = ValidationReport.parse(JSON.parse((await embedded.runtime.objects.readBuffer(records[0]!.reportKey!)).toString('utf8')));
    expect(report.issues[0]).toMatchObject({ code: 'unsafe-name', message: expect.stringMatching(/mal encodé/) });
  });

  it('leaves the file put under the decoded name to its own event, read under its own name', async () => {
    const [record] = await embedded.runtime.fileEvents.list('atih/2025/mo 100%.csv');
    expect(record?.status).toBe('rejected');
    expect(embedded.deadLetters()).toEqual([]);
  });
});

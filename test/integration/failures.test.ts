/**
 * Failure paths: an AWS call that fails never loses work silently. aws-sdk-client-mock stands in
 * only for the failing service; everything else is the embedded default.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';
import { localContext } from '../../lib/local/invoke';
import { runReminders, type RemindDeps } from '../../lib/pipeline/remind';
import { computeQueue } from '../../lib/store/compute-queue';

const A = '130780018';
let embedded: Embedded;

function s3Event(key: string, eTag: string, sequencer: string): SQSEvent {
  const body = JSON.stringify({
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        eventTime: '2027-05-01T10:00:00.000Z',
        s3: { bucket: { name: 'caqes-local' }, object: { key, eTag, size: 10, sequencer } },
      },
    ],
  });
  return { Records: [{ messageId: 'm1', body } as SQSEvent['Records'][number]] };
}

beforeAll(async () => {
  embedded = await startEmbedded();
  const rt = embedded.runtime;
  const put = (Key: string, Body: string) => rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key, Body }));
  await put('referential/etablissements.csv', `finess;finess_juridique;raison_sociale;region;categorie;contrat;emails\n${A};130780000;CHU Test;PACA;ex-DG;C1;a@chu.example\n`);
  await put('referential/ciblage-2025.csv', `finess;indicateur\n${A};MO\n`);
  await put('referential/calendrier-2025.csv', 'campagne;echeance;date;indicateur;documents;libelle\n2025-S2;retour_preuves;09/03/2026;MO;plan_actions;Retour des preuves\n');
  await put('atih/2025/mo-x.csv', `finess;annee;ucd;code_indication;nb_ucd;montant\n${A};2025;9412631;I999;10;100\n`);
  await embedded.drain();
}, 60_000);

afterAll(async () => {
  await embedded?.stop();
});

describe('when DynamoDB throttles', () => {
  it('hands the message back to the queue instead of dropping it', async () => {
    const ingest = await import('../../functions/ingest/handler');
    const etag = (await embedded.runtime.objects.etag('atih/2025/mo-x.csv'))!;
    const dynamo = mockClient(DynamoDBDocumentClient);
    dynamo.on(PutCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' }));
    try {
      const response = await ingest.handler(s3Event('atih/2025/mo-x.csv', etag, 'F1'), localContext('caqes-ingest')).catch((e: Error) => e);
      // Powertools reports a batch whose every record failed by throwing: Lambda then retries it.
      expect(response).toBeInstanceOf(Error);
      expect((response as Error).message).toMatch(/All records failed processing/);
    } finally {
      dynamo.restore();
    }
    // Retried once DynamoDB answers again, the event is processed as new: nothing was half-recorded.
    const retried = await ingest.handler(s3Event('atih/2025/mo-x.csv', etag, 'F1'), localContext('caqes-ingest'));
    expect(retried).toEqual({ batchItemFailures: [] });
    const events = await embedded.runtime.fileEvents.list('atih/2025/mo-x.csv');
    expect(events.map((e) => e.status)).toEqual(['accepted', 'accepted']);
  });
});

describe('when the compute queue refuses a message', () => {
  it('throws, so the ingest record fails and is delivered again (the duplicate then asks again)', async () => {
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [{ Id: '0', SenderFault: false, Code: 'InternalError' }], Successful: [] });
    const queue = computeQueue('https://sqs.eu-west-3.amazonaws.com/000000000000/compute', new SQSClient({ region: 'eu-west-3' }));
    await expect(queue.send([{ region: 'PACA', year: 2025 }])).rejects.toThrow(/refused 1 compute message/);
    sqs.restore();
  });
});

describe('when SES fails after the reminder was claimed', () => {
  const deps = (now: string): RemindDeps => ({
    referential: embedded.runtime.referential,
    results: embedded.runtime.results,
    evidence: embedded.runtime.evidence,
    reminders: embedded.runtime.reminders,
    reports: embedded.runtime.reports,
    ses: new SESv2Client({ region: 'eu-west-3', endpoint: embedded.endpoints.ses, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
    sender: { from: 'omedit@example.org' },
    personalLink: async () => ({ id: 'lien', url: 'https://portail.example/depot#jeton', token: 'jeton', expiresAt: '2026-03-25T06:00:00.000Z' }),
    now: () => new Date(now),
  });

  it('sends neither twice nor never: the failure is recorded, the next run sends it, once', async () => {
    const ses = mockClient(SESv2Client);
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));
    const failed = await runReminders('2026-02-23', deps('2026-02-23T06:00:00Z'));
    ses.restore();
    expect(failed.reminders.map((r) => r.outcome)).toEqual(['failed']);
    expect(await embedded.sentEmails()).toHaveLength(0);

    // SES refused it: nothing was sent, so the next run need not wait for the stale delay.
    const next = await runReminders('2026-02-23', deps('2026-02-23T06:05:00Z'));
    expect(next.reminders.map((r) => `${r.finess}:${r.step}:${r.outcome}`)).toEqual([`${A}:J-14:sent`]);
    const again = await runReminders('2026-02-23', deps('2026-02-23T07:30:00Z'));
    expect(again.reminders.map((r) => r.outcome)).toEqual(['already-sent']);
    expect(await embedded.sentEmails()).toHaveLength(1);
  });
});

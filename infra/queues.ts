import { Duration } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.js';

/** Drop-zone prefixes whose ObjectCreated events feed the ingest queue. */
export const INGEST_PREFIXES = ['referential/', 'cpam/', 'atih/', 'evidence/'] as const;

/** What SQS keeps at most: a dead-letter queue holds its messages that long. */
export const DLQ_RETENTION_DAYS = 14;

/** The ingest function's timeout, which its queue's visibility follows. */
export const INGEST_TIMEOUT = Duration.minutes(15);
/** The timeout of compute, remind and summarize, which the compute queue's visibility follows. */
export const SHORT_TIMEOUT = Duration.minutes(5);

/**
 * A dead-letter queue: encrypted, TLS only, keeping its messages 14 days (SQS's maximum); its
 * alarms (infra/alarms.ts) fire long before.
 *
 * @param redriveOfOtherService true for the dead letters of EventBridge, Lambda or SNS, which
 *   cdk-nag cannot see (it knows SQS redrive only).
 */
export function deadLetterQueue(scope: Construct, id: string, redriveOfOtherService = false): sqs.Queue {
  const queue = new sqs.Queue(scope, id, { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(DLQ_RETENTION_DAYS) });
  if (redriveOfOtherService) acknowledge(queue, 'AwsSolutions-SQS3', 'It is itself a dead-letter queue (of EventBridge targets, Lambda asynchronous invocations or an SNS subscription), alarmed on depth and age.');
  return queue;
}

function queuePair(scope: Construct, name: string, fnTimeout: Duration): [sqs.Queue, sqs.Queue] {
  const dlq = deadLetterQueue(scope, `${name}Dlq`);
  const queue = new sqs.Queue(scope, `${name}Queue`, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    // AWS guidance: at least six times the consumer function's timeout.
    visibilityTimeout: Duration.seconds(fnTimeout.toSeconds() * 6),
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
  });
  return [queue, dlq];
}

/**
 * The ingest and compute queues, each with its dead-letter queue after five receives, and the drop
 * zone's ObjectCreated notifications (one per prefix) into the ingest queue.
 *
 * @example
 * const queues = new Queues(stack, { bucket: storage.bucket });
 * queues.computeQueue.grantSendMessages(ingest);
 */
export class Queues {
  readonly ingestQueue: sqs.Queue;
  readonly ingestDlq: sqs.Queue;
  readonly computeQueue: sqs.Queue;
  readonly computeDlq: sqs.Queue;

  constructor(scope: Construct, { bucket }: { readonly bucket: s3.Bucket }) {
    [this.ingestQueue, this.ingestDlq] = queuePair(scope, 'Ingest', INGEST_TIMEOUT);
    [this.computeQueue, this.computeDlq] = queuePair(scope, 'Compute', SHORT_TIMEOUT);
    for (const prefix of INGEST_PREFIXES) {
      bucket.addEventNotification(s3.EventType.OBJECT_CREATED, new s3n.SqsDestination(this.ingestQueue), { prefix });
    }
  }
}

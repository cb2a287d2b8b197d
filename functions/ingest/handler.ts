import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { ingestObject } from '../../lib/pipeline/ingest';
import { createdObjects } from '../../lib/pipeline/s3-event';
import { redactErrors } from '../../lib/log/redact';
import { runtime } from '../../lib/runtime';

const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  const rt = runtime();
  try {
    await ingestRecord(record);
  } catch (error) {
    // Handed back to the queue: the batch response says only which message, this line says why.
    rt.logger.error('message failed', { messageId: record.messageId, receiveCount: record.attributes.ApproximateReceiveCount, error: error as Error });
    throw error;
  }
}

async function ingestRecord(record: SQSRecord): Promise<void> {
  const rt = runtime();
  for (const object of createdObjects(record.body)) {
    const outcome = await ingestObject(object, rt);
    rt.logger.info('object ingested', {
      key: outcome.key,
      duplicate: outcome.duplicate,
      status: outcome.report?.status,
      errors: outcome.report?.errorCount,
      compute: outcome.compute.length,
    });
    if (outcome.compute.length > 0) await rt.computeQueue.send(outcome.compute);
  }
}

/** S3 ObjectCreated (through SQS) → validate, report, store facts, ask for computation. */
export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
).use(injectLambdaContext(runtime().logger)).use(redactErrors(runtime().logger));

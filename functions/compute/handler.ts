import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { computeRegionYear } from '../../lib/pipeline/compute';
import { ComputeMessage } from '../../lib/store/compute-queue';
import { runtime } from '../../lib/runtime';
import { todayOf } from '../../lib/domain/clock';

const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  const rt = runtime();
  const request = ComputeMessage.parse(JSON.parse(record.body));
  const results = await computeRegionYear(request, rt.store, todayOf(rt.now()));
  rt.logger.info('indicators computed', { ...request, results: results.length });
}

/** `{ region, year }` messages → every indicator of that region and year computed again. */
export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
).use(injectLambdaContext(runtime().logger));

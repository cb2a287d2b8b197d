import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { computeRegionYear } from '../../lib/pipeline/compute';
import { buildSummaries } from '../../lib/pipeline/summarize';
import { ComputeMessage } from '../../lib/store/compute-queue';
import { runtime } from '../../lib/runtime';
import { todayOf } from '../../lib/domain/clock';

const processor = new BatchProcessor(EventType.SQS);

async function recordHandler(record: SQSRecord): Promise<void> {
  const rt = runtime();
  const request = ComputeMessage.parse(JSON.parse(record.body));
  const results = await computeRegionYear(request, rt.store, todayOf(rt.now()));
  // The region's summary follows its indicators at once, not only at the daily run.
  const built = await buildSummaries(rt, { region: request.region, year: request.year });
  rt.logger.info('indicators computed', { ...request, results: results.length, summaries: built.length });
}

/** `{ region, year }` messages → the indicators of that region and year computed again, and its summary rebuilt. */
export const handler = middy((event: SQSEvent, context: Context) =>
  processPartialResponse(event, recordHandler, processor, { context }),
).use(injectLambdaContext(runtime().logger));

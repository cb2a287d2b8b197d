import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { batchRuns, computeRegionYear } from '../../lib/pipeline/compute';
import { buildSummaries } from '../../lib/pipeline/summarize';
import type { ComputeMessage } from '../../lib/store/compute-queue';
import { redactErrors } from '../../lib/log/redact';
import { runtime } from '../../lib/runtime';
import { todayOf } from '../../lib/domain/clock';

const processor = new BatchProcessor(EventType.SQS);

/** The indicators of one region and year computed again, then its summary rebuilt at once, not only at the daily run. */
async function computeAndSummarize(request: ComputeMessage): Promise<void> {
  const rt = runtime();
  const results = await computeRegionYear(request, rt, todayOf(rt.now()));
  const built = await buildSummaries(rt, { region: request.region, year: request.year });
  rt.logger.info('indicators computed', { ...request, results: results.length, summaries: built.length });
}

/**
 * `{ region, year }` messages → each region and year of the batch computed once for all its
 * messages; a message that cannot be read, or whose computation fails, is handed back alone.
 */
export const handler = middy((event: SQSEvent, context: Context) => {
  const runFor = batchRuns(event.Records.map((r) => r.body), computeAndSummarize);
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    try {
      await runFor(record.body);
    } catch (error) {
      runtime().logger.error('message failed', { messageId: record.messageId, receiveCount: record.attributes.ApproximateReceiveCount, error: error as Error });
      throw error;
    }
  };
  return processPartialResponse(event, recordHandler, processor, { context });
}).use(injectLambdaContext(runtime().logger)).use(redactErrors(runtime().logger));

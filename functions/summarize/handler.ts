import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { ScheduledEvent } from 'aws-lambda';
import { todayOf } from '../../lib/domain/clock';
import { computeAll } from '../../lib/pipeline/compute';
import { buildSummaries } from '../../lib/pipeline/summarize';
import { runtime } from '../../lib/runtime';

/**
 * Daily schedule or on demand → every indicator computed again for the day (evidence becomes late
 * as deadlines pass, with no file arriving), then one summary workbook per region and year in S3.
 */
export const handler = middy(async (event: Partial<ScheduledEvent>) => {
  const rt = runtime();
  const today = todayOf(event.time ?? rt.now());
  const results = await computeAll(rt.store, today);
  const built = await buildSummaries(rt);
  rt.logger.info('summaries built', { today, results, count: built.length });
  return built;
}).use(injectLambdaContext(runtime().logger));

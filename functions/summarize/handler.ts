import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { ScheduledEvent } from 'aws-lambda';
import { todayOf } from '../../lib/domain/clock';
import { SummaryRequest, summarizeDay } from '../../lib/pipeline/summarize';
import { redactErrors } from '../../lib/log/redact';
import { runtime } from '../../lib/runtime';

/**
 * Daily schedule → every indicator computed again for the day, then each region and year's summary
 * (workbook, page, CSV) in S3. On demand, an event whose `detail` names `{ region, year }` builds
 * only that one.
 */
export const handler = middy(async (event: Partial<ScheduledEvent>) => {
  const rt = runtime();
  const today = todayOf(event.time ?? rt.now());
  const { results, built } = await summarizeDay(rt, today, SummaryRequest.parse(event.detail ?? {}));
  rt.logger.info('summaries built', { today, results, count: built.length });
  return built;
}).use(injectLambdaContext(runtime().logger)).use(redactErrors(runtime().logger));

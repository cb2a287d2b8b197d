import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { buildSummaries } from '../../lib/pipeline/summarize';
import { runtime } from '../../lib/runtime';

/** Daily schedule or on demand → one summary workbook per region and campaign year in S3. */
export const handler = middy(async () => {
  const rt = runtime();
  const built = await buildSummaries(rt);
  rt.logger.info('summaries built', { count: built.length });
  return built;
}).use(injectLambdaContext(runtime().logger));

import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SNSEvent } from 'aws-lambda';
import { suppressionsOf } from '../../lib/notify/ses-feedback';
import { redactErrors } from '../../lib/log/redact';
import { runtime } from '../../lib/runtime';

/** SES bounces and complaints (configuration set → SNS) → the suppression list later reminders respect. */
export const handler = middy(async (event: SNSEvent) => {
  const rt = runtime();
  let added = 0;
  for (const record of event.Records) {
    for (const entry of suppressionsOf(record.Sns.Message)) if (await rt.reminders.suppressAddress(entry)) added++;
  }
  // Addresses are personal data: counted, never logged.
  rt.logger.info('SES feedback', { records: event.Records.length, suppressed: added });
  return { suppressed: added };
}).use(injectLambdaContext(runtime().logger)).use(redactErrors(runtime().logger));

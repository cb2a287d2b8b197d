import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { ScheduledEvent } from 'aws-lambda';
import { todayOf } from '../../lib/domain/clock';
import { outcomeOf, remindDeps, runReminders } from '../../lib/pipeline/remind';
import { redactErrors } from '../../lib/log/redact';
import { runtime } from '../../lib/runtime';

/** Daily schedule → the reminders due on the schedule's date, each sent once, and OMéDIT's digest. */
export const handler = middy(async (event: ScheduledEvent) => {
  const rt = runtime();
  const today = todayOf(event.time);
  const run = await runReminders(today, remindDeps(rt));
  const outcome = outcomeOf(today, run);
  const count = (o: string) => outcome.reminders.filter((r) => r.outcome === o).length;
  rt.logger.info('reminders run', { today, sent: count('sent'), alreadySent: count('already-sent'), suppressed: count('suppressed'), failed: count('failed'), digests: outcome.digests.length });
  // Every other e-mail went out; failing now makes Lambda run the job again (its retries, then the
  // schedule's dead-letter queue), and that run sends what SES refused.
  if (run.errors.length > 0) throw run.errors[0];
  return outcome;
}).use(injectLambdaContext(runtime().logger)).use(redactErrors(runtime().logger));

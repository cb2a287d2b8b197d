import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { ScheduledEvent } from 'aws-lambda';
import { runReminders } from '../../lib/pipeline/remind';
import { issueLink, linkDeps } from '../../lib/portal/links';
import { runtime } from '../../lib/runtime';
import { todayOf } from '../../lib/domain/clock';

/** Daily schedule → the reminders due on the schedule's date, each sent once. */
export const handler = middy(async (event: ScheduledEvent) => {
  const rt = runtime();
  const today = todayOf(event.time);
  const sent = await runReminders(today, {
    store: rt.store,
    ses: rt.clients.ses,
    sender: { from: rt.config.CAQES_SENDER, replyTo: rt.config.CAQES_REPLY_TO, configurationSet: rt.config.CAQES_SES_CONFIGURATION_SET },
    personalLink: (request) => issueLink(linkDeps(rt), request),
    now: rt.now,
  });
  rt.logger.info('reminders run', { today, sent: sent.filter((s) => s.outcome === 'sent').length, alreadySent: sent.filter((s) => s.outcome === 'already-sent').length });
  return sent.map(({ region, campaign, deadline, finess, step, outcome, messageId }) => ({ region, campaign, deadline, finess, step, outcome, messageId }));
}).use(injectLambdaContext(runtime().logger));

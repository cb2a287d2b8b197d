import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { scheduleInstant } from '../domain/clock';

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/** The Lambda context the embedded default gives a handler: the fields Powertools and middy read. */
export function localContext(functionName: string): Context {
  const deadline = Date.now() + 15 * 60 * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-3:000000000000:function:${functionName}`,
    memoryLimitInMB: '1769',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Calls an SQS-triggered handler as the Lambda event source would; returns the failed indices. */
export async function invokeSqsHandler(handler: SqsHandler, functionName: string, bodies: string[]): Promise<Set<number>> {
  const event: SQSEvent = {
    Records: bodies.map((body, index) => ({
      messageId: `local-${index}-${randomUUID()}`,
      receiptHandle: randomUUID(),
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:eu-west-3:000000000000:${functionName}`,
      awsRegion: 'eu-west-3',
    })),
  };
  let response: SQSBatchResponse | void;
  try {
    response = await handler(event, localContext(functionName));
  } catch {
    // Powertools throws when every record of the batch failed: Lambda then retries the whole batch.
    return new Set(bodies.map((_, index) => index));
  }
  const failed = new Set<number>();
  for (const failure of response?.batchItemFailures ?? []) {
    const index = event.Records.findIndex((r) => r.messageId === failure.itemIdentifier);
    if (index >= 0) failed.add(index);
  }
  return failed;
}

/** The EventBridge schedule's event for a day, as the deployed rules send it to the daily jobs. */
export function scheduledEvent(today: string, id = `local-${today}`): ScheduledEvent {
  return {
    version: '0',
    id,
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: scheduleInstant(today),
    region: 'eu-west-3',
    resources: [],
    detail: {},
  };
}

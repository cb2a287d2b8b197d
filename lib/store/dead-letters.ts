import { ListMessageMoveTasksCommand, StartMessageMoveTaskCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Where a redrive of a dead-letter queue stands. */
export interface Redrive {
  taskHandle: string | null;
  status: string;
  moved: number;
  toMove: number | null;
  failureReason: string | null;
}

/**
 * Sends the messages of a dead-letter queue back to the queue each came from (SQS's own redrive,
 * `StartMessageMoveTask` without a destination), once the cause of their failure is fixed. The
 * pipeline processes each again exactly once: a file already processed is recognised by its record.
 */
export async function startRedrive(sqs: SQSClient, deadLetterQueueArn: string): Promise<string | null> {
  const out = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: deadLetterQueueArn }));
  return out.TaskHandle ?? null;
}

/** The latest redrive of a dead-letter queue, as SQS reports it. */
export async function latestRedrive(sqs: SQSClient, deadLetterQueueArn: string): Promise<Redrive | null> {
  const out = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: deadLetterQueueArn, MaxResults: 1 }));
  const task = out.Results?.[0];
  if (!task) return null;
  return {
    taskHandle: task.TaskHandle ?? null,
    status: task.Status ?? 'UNKNOWN',
    moved: task.ApproximateNumberOfMessagesMoved ?? 0,
    toMove: task.ApproximateNumberOfMessagesToMove ?? null,
    failureReason: task.FailureReason ?? null,
  };
}

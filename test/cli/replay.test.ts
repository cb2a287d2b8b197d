import { ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { renderRedrive, replayDeadLetters } from '../../lib/cli/replay';
import { UsageError } from '../../lib/cli/usage';

const DLQ = 'arn:aws:sqs:eu-west-3:123456789012:CaqesStack-IngestDlq1A2B3C';
const sqs = mockClient(SQSClient);

afterEach(() => sqs.reset());

describe('caqes replay', () => {
  it('asks SQS to move the dead letters back to their source queue, then says how the move stands', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ TaskHandle: 'task-1', Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 2, ApproximateNumberOfMessagesToMove: 7 }] });
    const redrive = await replayDeadLetters(DLQ, new SQSClient({ region: 'eu-west-3' }));
    // No destination: SQS sends each message back to the queue it came from.
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]?.args[0].input).toEqual({ SourceArn: DLQ });
    expect(redrive).toEqual({ taskHandle: 'task-1', status: 'RUNNING', moved: 2, toMove: 7, failureReason: null });
    expect(renderRedrive(redrive)).toContain('2 message(s) renvoyé(s) sur 7 (état RUNNING)');
  });

  it('reports a move SQS refused, with its reason', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-2' });
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ TaskHandle: 'task-2', Status: 'FAILED', FailureReason: 'AccessDenied', ApproximateNumberOfMessagesMoved: 0 }] });
    expect(renderRedrive(await replayDeadLetters(DLQ, new SQSClient({ region: 'eu-west-3' })))).toContain('échec : AccessDenied');
  });

  it('lets the SQS error through when a move is already running', async () => {
    sqs.on(StartMessageMoveTaskCommand).rejects(Object.assign(new Error('There is already a task running'), { name: 'UnsupportedOperation' }));
    await expect(replayDeadLetters(DLQ, new SQSClient({ region: 'eu-west-3' }))).rejects.toThrow('already a task running');
  });

  it('refuses what is not a queue ARN before calling AWS', async () => {
    await expect(replayDeadLetters('https://sqs.eu-west-3.amazonaws.com/123456789012/dlq')).rejects.toBeInstanceOf(UsageError);
    expect(sqs.calls()).toHaveLength(0);
  });
});

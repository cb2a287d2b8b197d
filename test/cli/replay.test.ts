import { ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main';
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

  describe('says in French, without a stack trace, why AWS could not be asked', () => {
    const cases: [string, Error, RegExp][] = [
      ['no credentials', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), /^aucun identifiant AWS trouvé : donnez un profil \(AWS_PROFILE/],
      ['AWS out of reach', Object.assign(new Error('getaddrinfo ENOTFOUND sqs.eu-west-3.amazonaws.com'), { code: 'ENOTFOUND' }), /^AWS est injoignable depuis cette machine \(ENOTFOUND\)/],
      ['a request refused', Object.assign(new Error('User is not authorized to perform: sqs:StartMessageMoveTask'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }), /^AWS a refusé la demande \(AccessDenied, HTTP 403\) : User is not authorized/],
    ];
    it.each(cases)('%s', async (_case, error, message) => {
      sqs.on(StartMessageMoveTaskCommand).rejects(error);
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        expect(await main(['replay', '--dlq-arn', DLQ])).toBe(4);
        const written = stderr.mock.calls.map((c) => String(c[0])).join('');
        expect(written).toMatch(message);
        expect(written).not.toMatch(/\bat .*\.(m?js|ts):\d+/);
      } finally {
        stderr.mockRestore();
      }
    });

    it('lets any other error through, as the bug it is', async () => {
      sqs.on(StartMessageMoveTaskCommand).rejects(new TypeError('Cannot read properties of undefined'));
      await expect(main(['replay', '--dlq-arn', DLQ])).rejects.toThrow(TypeError);
    });
  });
});

import { Template } from 'aws-cdk-lib/assertions';
import * as logs from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { Functions } from '../../infra/functions.js';
import { Mail } from '../../infra/mail.js';
import { Portal } from '../../infra/portal.js';
import { Queues } from '../../infra/queues.js';
import { Storage } from '../../infra/storage.js';
import { partStack } from '../helpers/cdk.js';

describe('Functions', () => {
  const stack = partStack();
  const { bucket, table } = new Storage(stack, { retentionDays: 30 });
  const queues = new Queues(stack, { bucket });
  const mail = new Mail(stack);
  const portal = new Portal(stack, { bucket });
  const functions = new Functions(stack, {
    table, bucket, queues, mail, portal,
    senderEmail: 'rappels@omedit.example.fr', replyToEmail: 'omedit@example.fr', logRetention: logs.RetentionDays.ONE_YEAR,
  });
  const template = Template.fromStack(stack);

  function fnProps(name: string) {
    const id = stack.getLogicalId(functions.byName[name as keyof typeof functions.byName].node.defaultChild as never);
    return template.toJSON().Resources[id].Properties as { MemorySize: number; Timeout: number; Architectures: string[]; Environment: { Variables: Record<string, unknown> } };
  }

  it('makes the six functions on arm64, with the memory and timeout of each', () => {
    expect(Object.keys(functions.byName)).toEqual(['ingest', 'compute', 'remind', 'summarize', 'api', 'feedback']);
    expect(fnProps('ingest')).toMatchObject({ MemorySize: 1769, Timeout: 900, Architectures: ['arm64'] });
    expect(fnProps('api')).toMatchObject({ MemorySize: 512, Timeout: 15 });
    expect(fnProps('feedback')).toMatchObject({ MemorySize: 256, Timeout: 30 });
    expect(fnProps('remind').Environment.Variables).toMatchObject({ CAQES_SENDER: 'rappels@omedit.example.fr', CAQES_REPLY_TO: 'omedit@example.fr', POWERTOOLS_SERVICE_NAME: 'caqes-remind' });
    expect(fnProps('ingest').Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps --max-semi-space-size=8');
  });

  it('reads the ingest queue one message at a time and the compute queue by ten within 10 s', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map((m) => m.Properties as { BatchSize: number; MaximumBatchingWindowInSeconds?: number });
    expect(mappings.map((m) => [m.BatchSize, m.MaximumBatchingWindowInSeconds ?? 0]).sort()).toEqual([[1, 0], [10, 10]]);
  });

  it('runs the reminders at 06:00 UTC and the summaries at 06:30, their failures kept in the schedules dead-letter queue', () => {
    const rules = Object.values(template.findResources('AWS::Events::Rule')).map((r) => r.Properties as { ScheduleExpression: string; Targets: { DeadLetterConfig: unknown; RetryPolicy: { MaximumRetryAttempts: number } }[] });
    expect(rules.map((r) => r.ScheduleExpression).sort()).toEqual(['cron(0 6 * * ? *)', 'cron(30 6 * * ? *)']);
    for (const r of rules) {
      expect(r.Targets[0]!.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [stack.getLogicalId(functions.schedulesDlq.node.defaultChild as never), 'Arn'] } });
      expect(r.Targets[0]!.RetryPolicy.MaximumRetryAttempts).toBe(8);
    }
  });

  it('subscribes the feedback function to the SES feedback topic, undeliverable notifications kept', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [stack.getLogicalId(functions.feedbackDlq.node.defaultChild as never), 'Arn'] } },
    });
  });
});

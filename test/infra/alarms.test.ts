import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { Alarms } from '../../infra/alarms.js';
import { partStack } from '../helpers/cdk.js';

describe('Alarms', () => {
  const stack = partStack({ alarmEmail: 'astreinte@omedit.example.fr' });
  const dlq = new sqs.Queue(stack, 'Dlq');
  const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('export const handler = () => {};') });
  new Alarms(stack, { deadLetterQueues: { Ingest: dlq }, functions: { ingest: fn } });
  const template = Template.fromStack(stack);
  const alarms = template.findResources('AWS::CloudWatch::Alarm');

  it('alarms when a dead letter arrives, when one has waited 3 days (259 200 s), and on a function error', () => {
    expect(Object.keys(alarms).map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort()).toEqual(['IngestDlqNotEmpty', 'IngestDlqOldestMessage', 'IngestErrors']);
    const byMetric = Object.fromEntries(Object.values(alarms).map((a) => [(a.Properties as { MetricName: string }).MetricName, (a.Properties as { Threshold: number }).Threshold]));
    expect(byMetric).toEqual({ ApproximateNumberOfMessagesVisible: 1, ApproximateAgeOfOldestMessage: 259_200, Errors: 1 });
  });

  it('sends every alarm to the alarm topic, which e-mails the address given', () => {
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
    for (const a of Object.values(alarms)) expect((a.Properties as { AlarmActions: unknown[] }).AlarmActions).toEqual([{ Ref: topicId }]);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'astreinte@omedit.example.fr' });
  });
});

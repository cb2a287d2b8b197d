import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { contextString } from './context.js';
import { DLQ_RETENTION_DAYS } from './queues.js';

/** A dead letter this old alarms, leaving the rest of the 14 days to fix its cause and replay it. */
const DLQ_AGE_ALARM_DAYS = 3;

export interface AlarmsProps {
  /** Each dead-letter queue by the name its alarms carry (`Ingest` → `IngestDlqNotEmpty`). */
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  /** Each function by its name (`ingest` → `IngestErrors`). */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
}

/**
 * Every alarm goes to one encrypted topic; `-c alarmEmail=…` subscribes an address to it. A
 * dead-letter queue alarms when it holds a message and when one has waited 3 days; a function
 * alarms on its first error.
 *
 * @example
 * new Alarms(stack, { deadLetterQueues: { Ingest: queues.ingestDlq }, functions: functions.byName });
 */
export class Alarms {
  readonly topic: sns.Topic;
  private readonly action: cloudwatchActions.SnsAction;

  constructor(private readonly scope: Construct, { deadLetterQueues, functions }: AlarmsProps) {
    // The key is our own: CloudWatch cannot publish to a topic under the AWS-managed SNS key.
    const alarmKey = new kms.Key(scope, 'AlarmTopicKey', { description: 'CAQES: encrypts the alarm notifications', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    alarmKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchPublishesAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
      }),
    );
    this.topic = new sns.Topic(scope, 'AlarmTopic', { masterKey: alarmKey, enforceSSL: true, displayName: 'CAQES alarms' });
    const alarmEmail = contextString(scope, 'alarmEmail');
    if (alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));
    this.action = new cloudwatchActions.SnsAction(this.topic);

    for (const [name, dlq] of Object.entries(deadLetterQueues)) this.watchDeadLetters(name, dlq);
    for (const [name, fn] of Object.entries(functions)) {
      this.alarm(`${name.charAt(0).toUpperCase()}${name.slice(1)}Errors`, {
        alarmDescription: `Errors in the ${name} function`,
        metric: fn.metricErrors({ period: Duration.minutes(5) }),
      });
    }
  }

  private watchDeadLetters(name: string, dlq: sqs.IQueue): void {
    this.alarm(`${name}DlqNotEmpty`, {
      alarmDescription: `Messages in the ${name.toLowerCase()} dead-letter queue`,
      metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
    });
    // Still there after DLQ_AGE_ALARM_DAYS: 11 days are left to fix the cause and replay it.
    this.alarm(`${name}DlqOldestMessage`, {
      alarmDescription: `A message has waited ${DLQ_AGE_ALARM_DAYS} days in the ${name.toLowerCase()} dead-letter queue (kept ${DLQ_RETENTION_DAYS} days)`,
      metric: dlq.metricApproximateAgeOfOldestMessage({ period: Duration.hours(1), statistic: 'Maximum' }),
      threshold: DLQ_AGE_ALARM_DAYS * 24 * 3600,
    });
  }

  /** Fires on one evaluation period at or above the threshold (1 unless said); no data is not a breach. */
  private alarm(id: string, props: Pick<cloudwatch.AlarmProps, 'alarmDescription' | 'metric'> & { threshold?: number }): void {
    new cloudwatch.Alarm(this.scope, id, {
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...props,
    }).addAlarmAction(this.action);
  }
}

import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { Queues } from '../../infra/queues.js';
import { partStack } from '../helpers/cdk.js';

describe('Queues', () => {
  const stack = partStack();
  const bucket = new s3.Bucket(stack, 'Bucket');
  new Queues(stack, { bucket });
  const template = Template.fromStack(stack);

  it('gives each queue six times its consumer timeout of visibility (ingest 15 min, compute 5 min) and five receives', () => {
    const queues = Object.values(template.findResources('AWS::SQS::Queue')).map((q) => q.Properties as Record<string, unknown>);
    const withRedrive = queues.filter((q) => q.RedrivePolicy);
    expect(withRedrive.map((q) => q.VisibilityTimeout).sort()).toEqual([1800, 5400]);
    for (const q of withRedrive) expect((q.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount).toBe(5);
  });

  it('keeps dead letters 14 days (1 209 600 s), SQS maximum', () => {
    const queues = Object.values(template.findResources('AWS::SQS::Queue')).map((q) => q.Properties as Record<string, unknown>);
    const dead = queues.filter((q) => !q.RedrivePolicy);
    expect(dead).toHaveLength(2);
    for (const q of dead) expect(q.MessageRetentionPeriod).toBe(1_209_600);
  });

  it('sends the drop zone ObjectCreated events of the four prefixes, and no other, to the ingest queue', () => {
    const [notifications] = Object.values(template.findResources('Custom::S3BucketNotifications'));
    const config = (notifications!.Properties as { NotificationConfiguration: { QueueConfigurations: { Filter: { Key: { FilterRules: { Value: string }[] } } }[] } }).NotificationConfiguration;
    expect(config.QueueConfigurations.map((c) => c.Filter.Key.FilterRules[0]!.Value)).toEqual(['referential/', 'cpam/', 'atih/', 'evidence/']);
  });
});

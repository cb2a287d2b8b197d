import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdkApp as makeApp } from '../helpers/cdk.js';
import { CaqesStack, INGEST_PREFIXES, LAMBDA_RUNTIME, PORTAL_THROTTLE, STAFF_ROUTE_PATHS } from '../../infra/caqes-stack.js';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

function arrayOf<T>(v: T | T[]): T[] {
  return Array.isArray(v) ? v : [v];
}

let app: App;
let stack: CaqesStack;
let template: Template;

beforeAll(() => {
  app = makeApp();
  stack = new CaqesStack(app, 'CaqesPipeline', {
    env: { region: 'eu-west-3' },
    senderEmail: 'rappels@omedit-paca.example.fr',
  });
  // As in infra/app.ts: any unacknowledged finding makes synthesis (hence Template.fromStack) throw.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  template = Template.fromStack(stack);
});

/** The HTTP API's own endpoint (`https://<api id>.execute-api.<region>.amazonaws.com`). */
function portalEndpoint() {
  return { 'Fn::GetAtt': [stack.getLogicalId(stack.portalApi.node.defaultChild as never), 'ApiEndpoint'] };
}

function policyStatementsOf(fnLogicalIdPrefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, Resource>;
  const entry = Object.entries(policies).find(([id]) =>
    id.startsWith(`${fnLogicalIdPrefix}ServiceRoleDefaultPolicy`),
  );
  expect(entry, `default policy of ${fnLogicalIdPrefix}`).toBeDefined();
  const doc = entry![1].Properties!.PolicyDocument as { Statement: Statement[] };
  return doc.Statement;
}

describe('CaqesStack', () => {
  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    const result = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);
    const findings = result.violations.map(
      (v) => `${v.ruleName} on ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(result.success).toBe(true);
  });

  it('still reports findings that nobody acknowledged (the check is live)', () => {
    const other = makeApp();
    const s = new CaqesStack(other, 'Probe', { env: { region: 'eu-west-3' } });
    // Strip the acknowledgements recorded on the ingest function: its findings must come back.
    for (const m of s.functions.ingest.node.metadata) {
      if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY) {
        for (const k of Object.keys(m.data as object)) delete (m.data as Record<string, unknown>)[k];
      }
    }
    const result = new AwsSolutionsChecks(undefined).validateScope(other);
    expect(result.violations.map((v) => v.ruleName)).toContain('AwsSolutions-IAM5[Resource::*]');
  });

  it('makes the drop zone versioned, encrypted, private, TLS-only, logged and retained', () => {
    const buckets = template.findResources('AWS::S3::Bucket', {
      Properties: { VersioningConfiguration: { Status: 'Enabled' } },
    }) as Record<string, Resource & { DeletionPolicy?: string }>;
    const ids = Object.keys(buckets);
    expect(ids).toHaveLength(1);
    const dropZoneId = ids[0]!;
    expect(buckets[dropZoneId]!.DeletionPolicy).toBe('Retain');

    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: Match.stringLikeRegexp('AES256|aws:kms') } },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { DestinationBucketName: Match.anyValue() },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Status: 'Enabled',
            NoncurrentVersionExpiration: { NoncurrentDays: 3650 },
          }),
        ]),
      },
    });

    // Both buckets (drop zone and access logs) are private, encrypted and TLS-only.
    const all = template.findResources('AWS::S3::Bucket') as Record<string, Resource>;
    expect(Object.keys(all)).toHaveLength(2);
    for (const b of Object.values(all)) {
      expect(b.Properties!.BucketEncryption).toBeDefined();
      expect(b.Properties!.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
    const tlsOnly = Match.objectLike({
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      }),
    });
    const policies = template.findResources('AWS::S3::BucketPolicy', { Properties: tlsOnly });
    expect(Object.keys(policies)).toHaveLength(2);
    expect(
      Object.values(policies as Record<string, Resource>).map((p) => p.Properties!.Bucket),
    ).toContainEqual({ Ref: dropZoneId });
  });

  it('sends ObjectCreated events of the four prefixes to the ingest queue, EventBridge off', () => {
    const notif = template.findResources('Custom::S3BucketNotifications') as Record<string, Resource>;
    const [config] = Object.values(notif);
    const props = config!.Properties!.NotificationConfiguration as {
      QueueConfigurations: Array<{
        Events: string[];
        QueueArn: unknown;
        Filter: { Key: { FilterRules: Array<{ Name: string; Value: string }> } };
      }>;
      EventBridgeConfiguration?: unknown;
    };
    expect(props.EventBridgeConfiguration).toBeUndefined();
    expect(props.QueueConfigurations).toHaveLength(INGEST_PREFIXES.length);
    const prefixes = props.QueueConfigurations.map((q) => {
      expect(q.Events).toEqual(['s3:ObjectCreated:*']);
      expect(q.QueueArn).toEqual({
        'Fn::GetAtt': [stack.getLogicalId(stack.ingestQueue.node.defaultChild as never), 'Arn'],
      });
      return q.Filter.Key.FilterRules.find((r) => r.Name === 'prefix')?.Value;
    });
    expect(prefixes.sort()).toEqual(['atih/', 'cpam/', 'evidence/', 'referential/']);
  });

  it('gives both queues SSE, a dead-letter queue (5 receives) kept 14 days, and a long visibility', () => {
    const ingestDlq = stack.getLogicalId(stack.ingestDlq.node.defaultChild as never);
    const computeDlq = stack.getLogicalId(stack.computeDlq.node.defaultChild as never);
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 5400, // 6 × 15 min
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [ingestDlq, 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 1800, // 6 × 5 min
      SqsManagedSseEnabled: true,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [computeDlq, 'Arn'] }, maxReceiveCount: 5 },
    });
    for (const dlq of [ingestDlq, computeDlq]) {
      expect(template.toJSON().Resources[dlq].Properties).toMatchObject({
        MessageRetentionPeriod: 14 * 24 * 3600,
        SqsManagedSseEnabled: true,
      });
    }
    // Every queue (4) refuses non-TLS access.
    const queuePolicies = template.findResources('AWS::SQS::QueuePolicy', {
      Properties: {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      },
    });
    // The two queues, their dead-letter queues, and those of the schedules and of the feedback subscription.
    expect(Object.keys(queuePolicies)).toHaveLength(6);
  });

  it('keys the table on pk/sk, on demand, with point-in-time recovery, retained', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ]),
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      }),
    });
  });

  it('deploys six ARM Node.js functions on the newest runtime, traced, with their settings', () => {
    const fns = template.findResources('AWS::Lambda::Function', {
      Properties: { Runtime: LAMBDA_RUNTIME.name },
    });
    expect(Object.keys(fns)).toHaveLength(6);
    expect(LAMBDA_RUNTIME.name).toBe('nodejs24.x');
    const expected: Array<[string, number, number, Record<string, unknown>]> = [
      ['caqes-ingest', 1769, 900, { CAQES_COMPUTE_QUEUE_URL: Match.anyValue(), NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=8' }],
      ['caqes-compute', 1024, 300, {}],
      [
        'caqes-remind',
        512,
        300,
        {
          CAQES_SENDER: 'rappels@omedit-paca.example.fr',
          CAQES_REPLY_TO: 'rappels@omedit-paca.example.fr',
          // No portalUrl context: the portal's address is the HTTP API's own endpoint.
          CAQES_PORTAL_URL: portalEndpoint(),
          CAQES_LINK_KEY_SECRET_ARN: { Ref: stack.getLogicalId(stack.linkKeySecret.node.defaultChild as never) },
          CAQES_SES_CONFIGURATION_SET: Match.anyValue(),
        },
      ],
      ['caqes-summarize', 1024, 300, {}],
      [
        'caqes-api',
        512,
        15,
        {
          CAQES_PORTAL_URL: portalEndpoint(),
          CAQES_LINK_KEY_SECRET_ARN: { Ref: stack.getLogicalId(stack.linkKeySecret.node.defaultChild as never) },
          CAQES_USER_POOL_ID: { Ref: stack.getLogicalId(stack.userPool.node.defaultChild as never) },
          CAQES_USER_POOL_CLIENT_ID: { Ref: stack.getLogicalId(stack.userPoolClient.node.defaultChild as never) },
          CAQES_AUTH_URL: Match.anyValue(),
        },
      ],
    ];
    for (const [service, memory, timeout, env] of expected) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: memory,
        Timeout: timeout,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogGroup: Match.anyValue() },
        Environment: {
          Variables: Match.objectLike({
            CAQES_TABLE: Match.anyValue(),
            CAQES_BUCKET: Match.anyValue(),
            POWERTOOLS_SERVICE_NAME: service,
            NODE_OPTIONS: '--enable-source-maps',
            ...env,
          }),
        },
      });
    }
  });

  it('gives every function its own log group with a retention, and the portal API its access log', () => {
    const groups = template.findResources('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365 },
    });
    // Six functions and the portal API.
    expect(Object.keys(groups)).toHaveLength(7);
  });

  it('honours the retentionDays and logRetentionDays context', () => {
    const other = makeApp({ retentionDays: 4000, logRetentionDays: 731 });
    const t = Template.fromStack(new CaqesStack(other, 'Ctx', { env: { region: 'eu-west-3' } }));
    t.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 4000 } }),
        ]),
      },
    });
    t.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 731 }, 7);
    expect(
      () => new CaqesStack(makeApp({ logRetentionDays: 42 }), 'Bad', { env: { region: 'eu-west-3' } }),
    ).toThrow(/logRetentionDays/);
  });

  it('feeds ingest (batch 1) and compute (batches of 10 gathered up to 10 s) from SQS with partial batch responses', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: {
        'Fn::GetAtt': [stack.getLogicalId(stack.ingestQueue.node.defaultChild as never), 'Arn'],
      },
      FunctionName: { Ref: stack.getLogicalId(stack.functions.ingest.node.defaultChild as never) },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: {
        'Fn::GetAtt': [stack.getLogicalId(stack.computeQueue.node.defaultChild as never), 'Arn'],
      },
      FunctionName: { Ref: stack.getLogicalId(stack.functions.compute.node.defaultChild as never) },
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('schedules remind at 06:00 UTC and summarize at 06:30 UTC every day', () => {
    for (const [cron, fn] of [
      ['cron(0 6 * * ? *)', stack.functions.remind],
      ['cron(30 6 * * ? *)', stack.functions.summarize],
    ] as const) {
      template.hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: cron,
        State: 'ENABLED',
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [stack.getLogicalId(fn.node.defaultChild as never), 'Arn'] },
          }),
        ],
      });
    }
  });

  it('alarms on every dead-letter queue and on every function error', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    const byMetric = (name: string) =>
      alarms.filter(
        (a) =>
          a.Properties!.MetricName === name &&
          a.Properties!.Threshold === 1 &&
          a.Properties!.ComparisonOperator === 'GreaterThanOrEqualToThreshold',
      );
    // Ingest, compute, the daily schedules and the SNS feedback subscription.
    expect(byMetric('ApproximateNumberOfMessagesVisible')).toHaveLength(4);
    expect(byMetric('Errors')).toHaveLength(6);
  });

  it('alarms when a dead letter has waited 3 days, of the 14 every dead-letter queue keeps', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    const age = alarms.filter((a) => a.Properties!.MetricName === 'ApproximateAgeOfOldestMessage');
    expect(age.map((a) => [a.Properties!.Threshold, a.Properties!.Statistic])).toEqual(Array.from({ length: 4 }, () => [3 * 24 * 3600, 'Maximum']));
    for (const dlq of [stack.ingestDlq, stack.computeDlq, stack.schedulesDlq, stack.feedbackDlq]) {
      const queue = template.findResources('AWS::SQS::Queue')[stack.getLogicalId(dlq.node.defaultChild as never)] as Resource;
      expect(queue.Properties!.MessageRetentionPeriod).toBe(14 * 24 * 3600);
      expect(queue.Properties!.SqsManagedSseEnabled).toBe(true);
    }
  });

  it('sends every alarm to an encrypted topic, and to the address given with -c alarmEmail', () => {
    const topicId = stack.getLogicalId(stack.alarmTopic.node.defaultChild as never);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(alarms).toHaveLength(14);
    for (const a of alarms) expect(a.Properties!.AlarmActions).toEqual([{ Ref: topicId }]);
    expect((template.findResources('AWS::SNS::Topic')[topicId] as Resource).Properties!.KmsMasterKeyId).toBeDefined();
    template.resourceCountIs('AWS::SNS::Subscription', 1); // the feedback function's only
    const withEmail = Template.fromStack(new CaqesStack(makeApp({ alarmEmail: 'astreinte@omedit-paca.example.fr' }), 'Alarmed', { env: { region: 'eu-west-3' } }));
    withEmail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'astreinte@omedit-paca.example.fr' });
  });

  it('gives the daily schedules EventBridge retries and a dead-letter queue, and their failed runs Lambda retries into it', () => {
    const dlqArn = { 'Fn::GetAtt': [stack.getLogicalId(stack.schedulesDlq.node.defaultChild as never), 'Arn'] };
    const rules = Object.values(template.findResources('AWS::Events::Rule')) as Resource[];
    expect(rules).toHaveLength(2);
    for (const rule of rules) {
      expect((rule.Properties!.Targets as Record<string, unknown>[])[0]).toMatchObject({ RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 6 * 3600 }, DeadLetterConfig: { Arn: dlqArn } });
    }
    const invokeConfigs = Object.values(template.findResources('AWS::Lambda::EventInvokeConfig')) as Resource[];
    expect(invokeConfigs).toHaveLength(2);
    for (const c of invokeConfigs) expect(c.Properties).toMatchObject({ MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: dlqArn } } });
  });

  it('keeps the SES feedback notifications SNS cannot deliver in a dead-letter queue', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [stack.getLogicalId(stack.feedbackDlq.node.defaultChild as never), 'Arn'] } },
    });
  });

  it('gives the portal function no Scan and no DeleteItem but on session and failed-login keys', () => {
    const dynamo = policyStatementsOf('ApiFunction').filter((st) => arrayOf(st.Action).some((a) => a.startsWith('dynamodb:')));
    const actions = dynamo.flatMap((st) => arrayOf(st.Action));
    expect(actions).not.toContain('dynamodb:Scan');
    expect(actions).not.toContain('dynamodb:BatchWriteItem');
    const deletes = dynamo.filter((st) => arrayOf(st.Action).includes('dynamodb:DeleteItem'));
    expect(deletes).toHaveLength(1);
    expect(arrayOf(deletes[0]!.Action)).toEqual(['dynamodb:DeleteItem']);
    expect(deletes[0]!.Condition).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SESSION#*', 'LOGIN#*'] } });
  });

  it('sends SES bounces and complaints through an encrypted, TLS-only topic to the feedback function, which may only write the table', () => {
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayEquals(['bounce', 'complaint']),
        SnsDestination: { TopicARN: { Ref: stack.getLogicalId(stack.feedbackTopic.node.defaultChild as never) } },
      }),
    });
    // The alarms have their own topic (see below).
    const topic = Object.entries(template.findResources('AWS::SNS::Topic')).filter(([id]) => id !== stack.getLogicalId(stack.alarmTopic.node.defaultChild as never)).map(([, r]) => r as Resource);
    expect(topic).toHaveLength(1);
    expect(topic[0]!.Properties!.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Sid: 'SesPublishesFeedback', Principal: { Service: 'ses.amazonaws.com' }, Action: Match.arrayEquals(['kms:Decrypt', 'kms:GenerateDataKey*']) })]),
      }),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({ Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) }),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
    const actions = policyStatementsOf('FeedbackFunction').flatMap((st) => arrayOf(st.Action));
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(
      ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable', 'dynamodb:PutItem', 'dynamodb:UpdateItem'].sort(),
    );
    expect(actions.some((a) => a.startsWith('s3:') || a.startsWith('ses:') || a.startsWith('secretsmanager:'))).toBe(false);
  });

  it('grants ingest only explicit actions, and S3 only on its prefixes', () => {
    const statements = policyStatementsOf('IngestFunction');
    const actions = statements.flatMap((s) => arrayOf(s.Action));
    expect(actions).not.toContain('s3:*');
    expect(actions).not.toContain('dynamodb:*');
    expect(actions.filter((a) => a.includes('*'))).toEqual([]);
    for (const s of statements) {
      const resources = arrayOf(s.Resource);
      if (arrayOf(s.Action).some((a) => a.startsWith('s3:'))) {
        expect(resources).not.toContain('*');
      }
      // Only X-Ray, which has no resource-level permissions, may use Resource "*".
      if (resources.includes('*')) {
        expect(arrayOf(s.Action).every((a) => a.startsWith('xray:'))).toBe(true);
      }
    }
    const s3Objects = JSON.stringify(
      statements.filter((s) => arrayOf(s.Action).includes('s3:GetObject')).map((s) => s.Resource),
    );
    for (const p of ['referential/', 'cpam/', 'atih/', 'evidence/', 'archive/']) {
      expect(s3Objects).toContain(`/${p}*`);
    }
    expect(s3Objects).not.toContain('/reports/*');
    const puts = JSON.stringify(
      statements.filter((s) => arrayOf(s.Action).includes('s3:PutObject')).map((s) => s.Resource),
    );
    expect(puts).toContain('/archive/*');
    expect(puts).toContain('/reports/*');
    expect(puts).not.toContain('/evidence/*');
    const lists = statements.filter((s) => arrayOf(s.Action).includes('s3:ListBucket'));
    expect(lists.map((s) => s.Resource)).toEqual([
      { 'Fn::GetAtt': [stack.getLogicalId(stack.bucket.node.defaultChild as never), 'Arn'] },
    ]);
    expect(actions).toContain('sqs:SendMessage');
    expect(actions).toContain('dynamodb:PutItem');
  });

  it('lets remind send e-mail only as the sender identity and through its configuration set', () => {
    const statements = policyStatementsOf('RemindFunction');
    const ses = statements.filter((s) => arrayOf(s.Action).some((a) => a.startsWith('ses:')));
    expect(ses).toHaveLength(1);
    expect(arrayOf(ses[0]!.Action)).toEqual(['ses:SendEmail']);
    const resources = JSON.stringify(ses[0]!.Resource);
    expect(resources).toContain(':identity/omedit-paca.example.fr');
    expect(resources).toContain(':configuration-set/');
    expect(arrayOf(ses[0]!.Resource)).not.toContain('*');
    template.resourceCountIs('AWS::SES::ConfigurationSet', 1);
  });

  it('lets summarize and compute write results to the table and, in S3, only summaries/', () => {
    // Both compute indicators (summarize again for the day each morning) and write summaries.
    for (const fn of ['SummarizeFunction', 'ComputeFunction']) {
      const statements = policyStatementsOf(fn);
      const actions = statements.flatMap((s) => arrayOf(s.Action));
      expect(actions).toContain('dynamodb:BatchWriteItem');
      expect(actions).toContain('dynamodb:Query');
      const s3 = statements.filter((s) => arrayOf(s.Action).some((a) => a.startsWith('s3:')));
      expect(s3.flatMap((s) => arrayOf(s.Action)).sort()).toEqual(['s3:AbortMultipartUpload', 's3:PutObject']);
      expect(JSON.stringify(s3.map((s) => s.Resource))).toContain('/summaries/*');
      expect(JSON.stringify(s3.map((s) => s.Resource))).not.toMatch(/evidence|reports|archive|referential/);
      expect(actions.some((a) => a.startsWith('ses:') || a.startsWith('secretsmanager:'))).toBe(false);
    }
  });

  it('exports the bucket, table, ingest queue, dead-letter queues (for caqes replay), portal address, user pool and sign-in address', () => {
    const outputs = template.toJSON().Outputs as Record<string, unknown>;
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining(['BucketName', 'TableName', 'IngestQueueUrl', 'IngestDlqArn', 'ComputeDlqArn', 'PortalUrl', 'UserPoolId', 'SignInUrl']),
    );
    expect(Object.keys(outputs)).not.toContain('StaffSecretArn');
  });

  it('puts the portal function behind a throttled HTTP API with access logs that hold no credential', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$default',
      Target: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [stack.getLogicalId(stack.functions.api.node.defaultChild as never), 'Arn'] },
    });
    const stages = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')) as Resource[];
    expect(stages).toHaveLength(1);
    const stage = stages[0]!.Properties!;
    expect(stage).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: PORTAL_THROTTLE.rateLimit, ThrottlingBurstLimit: PORTAL_THROTTLE.burstLimit },
    });
    const format = (stage.AccessLogSettings as { Format: string }).Format;
    expect(format).toContain('$context.requestId');
    // Tokens ride in a header or a fragment: neither headers nor query strings are logged.
    expect(format).not.toMatch(/header|querystring|authorizer/i);
  });

  it('keeps the link key in Secrets Manager, generated, retained; no shared staff credential any more', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true } }),
    });
    // Staff are Cognito accounts: the stack keeps one secret, the link key.
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
  });

  it('lets the portal sign only evidence uploads and summary downloads, read reports, and read the link key', () => {
    const statements = policyStatementsOf('ApiFunction');
    const s3 = statements.filter((st) => arrayOf(st.Action).some((a) => a.startsWith('s3:')));
    const byAction = (action: string) => JSON.stringify(s3.filter((st) => arrayOf(st.Action).includes(action)).map((st) => st.Resource));
    expect([...new Set(s3.flatMap((st) => arrayOf(st.Action)))].sort()).toEqual(['s3:GetObject', 's3:ListBucket', 's3:PutObject']);
    // Uploads (the pre-signed POST carries this permission) only under evidence/, and OMéDIT's under a region and an upload id.
    expect(byAction('s3:PutObject')).toContain('/evidence/*');
    for (const prefix of ['/referential/*/*', '/atih/*/*/*', '/cpam/*/*/*']) expect(byAction('s3:PutObject')).toContain(prefix);
    expect(byAction('s3:PutObject')).not.toMatch(/reports|summaries|archive|referential\/\*"|atih\/\*"|cpam\/\*"/);
    expect(byAction('s3:GetObject')).toContain('/reports/*');
    expect(byAction('s3:GetObject')).toContain('/summaries/*');
    // A dropped file's version is downloaded from its archive copy: OMéDIT's zones only, never evidence's.
    for (const prefix of ['/archive/referential/*', '/archive/atih/*', '/archive/cpam/*']) expect(byAction('s3:GetObject')).toContain(prefix);
    expect(byAction('s3:GetObject')).not.toMatch(/evidence|archive\/\*"|"\/referential\/\*"|"\/atih\/\*"|"\/cpam\/\*"/);
    const list = s3.find((st) => arrayOf(st.Action).includes('s3:ListBucket'))!;
    expect(list.Condition).toEqual({ StringLike: { 's3:prefix': ['summaries/*'] } });
    const secrets = statements.filter((st) => arrayOf(st.Action).some((a) => a.startsWith('secretsmanager:')));
    expect(JSON.stringify(secrets.map((st) => st.Resource)).match(/\w+Secret[A-Z0-9]+/g)).toEqual([stack.getLogicalId(stack.linkKeySecret.node.defaultChild as never)]);
    expect(statements.flatMap((st) => arrayOf(st.Action))).toContain('dynamodb:PutItem');
    // The reminder job may read the link key, to sign links.
    const remindSecrets = JSON.stringify(policyStatementsOf('RemindFunction').filter((st) => arrayOf(st.Action).some((a) => a.startsWith('secretsmanager:'))).map((st) => st.Resource));
    expect(remindSecrets).toContain(stack.getLogicalId(stack.linkKeySecret.node.defaultChild as never));
  });

  it('accepts browser uploads into the drop zone from the portal’s origin only', () => {
    const dropZone = Object.values(template.findResources('AWS::S3::Bucket', { Properties: { VersioningConfiguration: { Status: 'Enabled' } } }))[0] as Resource;
    expect(dropZone.Properties!.CorsConfiguration).toEqual({
      CorsRules: [{ AllowedMethods: ['POST', 'PUT'], AllowedOrigins: [portalEndpoint()], AllowedHeaders: ['*'], ExposedHeaders: ['ETag'], MaxAge: 600 }],
    });
    const custom = Template.fromStack(new CaqesStack(makeApp(), 'Custom', { env: { region: 'eu-west-3' }, portalUrl: 'https://caqes.omedit-paca.example.fr/portail' }));
    custom.hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ['https://caqes.omedit-paca.example.fr'] })] },
    });
    custom.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'caqes-remind', CAQES_PORTAL_URL: 'https://caqes.omedit-paca.example.fr/portail' }) },
    });
  });

  it('keeps staff accounts in a Cognito user pool: no self sign-up, TOTP required, strong passwords, threat protection, retained', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
        // Cognito's MFA is pool-wide: required for every account, readers included.
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Policies: {
          PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }),
        },
        UserPoolTier: 'PLUS',
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        DeletionProtection: 'ACTIVE',
        AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      }),
    });
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('gives the portal an app client for the hosted sign-in only: code flow with PKCE, no secret, no password flow, short tokens', () => {
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    const client = (Object.values(template.findResources('AWS::Cognito::UserPoolClient')) as Resource[])[0]!.Properties!;
    expect(client).toMatchObject({
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: expect.arrayContaining(['openid', 'email']),
      GenerateSecret: false,
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AccessTokenValidity: 30,
    });
    expect(client.ExplicitAuthFlows).toEqual(expect.arrayContaining(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']));
    expect(client.ExplicitAuthFlows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
    expect(client.ExplicitAuthFlows).not.toContain('ALLOW_ADMIN_USER_PASSWORD_AUTH');
    expect(JSON.stringify(client.CallbackURLs)).toContain('/connexion');
  });

  it('creates a group per role and region (context regions), and the administrators’ group', () => {
    const names = (t: Template) => (Object.values(t.findResources('AWS::Cognito::UserPoolGroup')) as Resource[]).map((g) => g.Properties!.GroupName as string).sort();
    expect(names(template)).toEqual(
      ['admin', 'ars-CORSE', 'ars-PACA', 'assurance_maladie-CORSE', 'assurance_maladie-PACA', 'omedit-CORSE', 'omedit-PACA'].sort(),
    );
    const idf = Template.fromStack(new CaqesStack(makeApp({ regions: 'IDF' }), 'Idf', { env: { region: 'eu-west-3' } }));
    expect(names(idf)).toEqual(['admin', 'ars-IDF', 'assurance_maladie-IDF', 'omedit-IDF']);
  });

  it('puts the Cognito JWT authorizer on the staff routes, and none on the pages and the establishments’ link routes', () => {
    const authorizers = Object.entries(template.findResources('AWS::ApiGatewayV2::Authorizer')) as [string, Resource][];
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0]!;
    expect(authorizer.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Audience: [{ Ref: stack.getLogicalId(stack.userPoolClient.node.defaultChild as never) }] },
    });
    expect(JSON.stringify(authorizer.Properties!.JwtConfiguration)).toContain('cognito-idp.');
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    const byKey = new Map(routes.map((r) => [r.Properties!.RouteKey as string, r.Properties!]));
    expect([...byKey.keys()].sort()).toEqual(['$default', 'ANY /api/admin/{proxy+}', 'ANY /api/auth/me', 'ANY /api/omedit/{proxy+}']);
    for (const path of STAFF_ROUTE_PATHS) {
      expect(byKey.get(`ANY ${path}`), path).toMatchObject({ AuthorizationType: 'JWT', AuthorizerId: { Ref: authorizerId } });
    }
    // /api/depot/* (personal links), /api/auth/login|logout|config and the pages fall to $default: no authorizer.
    expect(byKey.get('$default')!.AuthorizerId).toBeUndefined();
    expect(['NONE', undefined]).toContain(byKey.get('$default')!.AuthorizationType);
    expect(STAFF_ROUTE_PATHS.some((p) => p.startsWith('/api/depot'))).toBe(false);
  });

  it('lets only the portal manage staff accounts, on its own pool, with the actions its administrator’s page uses', () => {
    const statements = policyStatementsOf('ApiFunction').filter((st) => arrayOf(st.Action).some((a) => a.startsWith('cognito-idp:')));
    expect(statements).toHaveLength(1);
    expect(arrayOf(statements[0]!.Action).sort()).toEqual(
      [
        'cognito-idp:AdminAddUserToGroup',
        'cognito-idp:AdminCreateUser',
        'cognito-idp:AdminDisableUser',
        'cognito-idp:AdminGetUser',
        'cognito-idp:AdminListGroupsForUser',
        'cognito-idp:AdminResetUserPassword',
        'cognito-idp:AdminUserGlobalSignOut',
        'cognito-idp:GetGroup',
        'cognito-idp:ListUsers',
      ].sort(),
    );
    expect(statements[0]!.Resource).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(stack.userPool.node.defaultChild as never), 'Arn'] });
    for (const fn of ['IngestFunction', 'ComputeFunction', 'RemindFunction', 'SummarizeFunction', 'FeedbackFunction']) {
      expect(policyStatementsOf(fn).flatMap((st) => arrayOf(st.Action)).some((a) => a.startsWith('cognito-idp:')), fn).toBe(false);
    }
  });

  it('uses no context lookups (synthesises offline)', () => {
    const missing = app.synth().manifest.missing ?? [];
    expect(missing).toEqual([]);
  });
});

import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as ses from 'aws-cdk-lib/aws-ses';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { Alarms } from './alarms.js';
import { contextNumber, contextString, toRetentionDays } from './context.js';
import { type FunctionName, Functions } from './functions.js';
import { Mail } from './mail.js';
import { acknowledgeStackFindings } from './nag.js';
import { grantLeastPrivilege } from './permissions.js';
import { Portal } from './portal.js';
import { Queues } from './queues.js';
import { Storage } from './storage.js';

export { LAMBDA_RUNTIME } from './functions.js';
export { PORTAL_THROTTLE, STAFF_ROUTE_PATHS } from './portal.js';
export { INGEST_PREFIXES } from './queues.js';

export interface CaqesStackProps extends StackProps {
  /** From address of reminders (context `senderEmail`). Its domain must be a verified SES identity. */
  readonly senderEmail?: string;
  /** Reply-To address of reminders (context `replyToEmail`). */
  readonly replyToEmail?: string;
  /**
   * Public URL of the portal (context `portalUrl`), for a custom domain in front of the HTTP API;
   * by default the API's own endpoint. Reminder links point to it, and the drop zone accepts
   * browser uploads from its origin only.
   */
  readonly portalUrl?: string;
}

const DEFAULT_SENDER = 'caqes@omedit.example.fr';
const DEFAULT_RETENTION_DAYS = 3650;
const DEFAULT_LOG_RETENTION_DAYS = 365;

/**
 * The whole pipeline: it reads the context, wires its parts (infra/storage.ts, queues.ts, mail.ts,
 * portal.ts, functions.ts, permissions.ts, alarms.ts) and says what it outputs. Each part adds its
 * resources to this stack's own scope, so every logical id is the one the single constructor gave
 * (README, The CDK app).
 */
export class CaqesStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly accessLogBucket: s3.Bucket;
  readonly table: dynamodb.Table;
  readonly ingestQueue: sqs.Queue;
  readonly ingestDlq: sqs.Queue;
  readonly computeQueue: sqs.Queue;
  readonly computeDlq: sqs.Queue;
  readonly configurationSet: ses.ConfigurationSet;
  readonly feedbackTopic: sns.Topic;
  /** Notifications SNS could not deliver to the feedback function. */
  readonly feedbackDlq: sqs.Queue;
  /** The daily runs EventBridge could not deliver, or that kept failing. */
  readonly schedulesDlq: sqs.Queue;
  /** Every alarm's action (`-c alarmEmail=…` subscribes an address). */
  readonly alarmTopic: sns.Topic;
  readonly functions: Record<FunctionName, NodejsFunction>;
  readonly portalApi: apigwv2.HttpApi;
  /** The HMAC key of personal upload links. */
  readonly linkKeySecret: secretsmanager.Secret;
  /** Staff accounts: OMéDIT, ARS and Assurance Maladie readers, administrators (groups per role and region). */
  readonly userPool: cognito.UserPool;
  /** The portal's app client: hosted sign-in, authorization code with PKCE, no secret. */
  readonly userPoolClient: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: CaqesStackProps = {}) {
    super(scope, id, props);
    // Access logs are delivered through a bucket policy, never ACLs (the buckets have ACLs disabled).
    // cdk.json sets this flag too; setting it here keeps the stack valid in any app that embeds it.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    const senderEmail = props.senderEmail ?? contextString(this, 'senderEmail') ?? DEFAULT_SENDER;
    const replyToEmail = props.replyToEmail ?? contextString(this, 'replyToEmail') ?? senderEmail;
    const logRetention = toRetentionDays(contextNumber(this, 'logRetentionDays', DEFAULT_LOG_RETENTION_DAYS));

    const storage = new Storage(this, { retentionDays: contextNumber(this, 'retentionDays', DEFAULT_RETENTION_DAYS) });
    const { bucket, table } = storage;
    const queues = new Queues(this, { bucket });
    const mail = new Mail(this);
    const portal = new Portal(this, { bucket, portalUrl: props.portalUrl ?? contextString(this, 'portalUrl') });
    const functions = new Functions(this, { table, bucket, queues, mail, portal, senderEmail, replyToEmail, logRetention });
    const portalRoute = portal.serve(functions.byName.api, logRetention);
    grantLeastPrivilege({ bucket, table, queues, mail, portal, functions: functions.byName, senderEmail });
    const alarms = new Alarms(this, {
      deadLetterQueues: { Ingest: queues.ingestDlq, Compute: queues.computeDlq, Schedules: functions.schedulesDlq, Feedback: functions.feedbackDlq },
      functions: functions.byName,
    });

    ({ bucket: this.bucket, accessLogBucket: this.accessLogBucket, table: this.table } = storage);
    ({ ingestQueue: this.ingestQueue, ingestDlq: this.ingestDlq, computeQueue: this.computeQueue, computeDlq: this.computeDlq } = queues);
    ({ configurationSet: this.configurationSet, feedbackTopic: this.feedbackTopic } = mail);
    ({ byName: this.functions, feedbackDlq: this.feedbackDlq, schedulesDlq: this.schedulesDlq } = functions);
    ({ httpApi: this.portalApi, linkKeySecret: this.linkKeySecret, userPool: this.userPool, userPoolClient: this.userPoolClient } = portal);
    this.alarmTopic = alarms.topic;

    this.addOutputs(portal);
    acknowledgeStackFindings(this, { bucket, functions: functions.byName, portalRoute, linkKeySecret: portal.linkKeySecret });
  }

  private addOutputs(portal: Portal): void {
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'IngestQueueUrl', { value: this.ingestQueue.queueUrl });
    // `caqes replay --dlq-arn` sends their messages back once the cause is fixed.
    new CfnOutput(this, 'IngestDlqArn', { value: this.ingestDlq.queueArn });
    new CfnOutput(this, 'ComputeDlqArn', { value: this.computeDlq.queueArn });
    new CfnOutput(this, 'PortalUrl', { value: portal.url, description: 'Establishments: <url>/depot#<link>; OMEDIT: <url>/omedit' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId, description: 'Staff accounts (the first administrator is created here: aws cognito-idp admin-create-user, group admin)' });
    new CfnOutput(this, 'SignInUrl', { value: portal.signIn.baseUrl(), description: 'Cognito hosted sign-in of the portal' });
  }
}

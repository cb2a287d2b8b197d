import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3n from 'aws-cdk-lib/aws-s3-notifications';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/** Repository root: infra/ sits directly under it. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The newest Node.js runtime this aws-cdk-lib knows. Kept next to the esbuild target so both move
 * together when aws-cdk-lib is upgraded.
 */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;
const ESBUILD_TARGET = 'node24';

/** Drop-zone prefixes whose ObjectCreated events feed the ingest queue. */
export const INGEST_PREFIXES = ['referential/', 'cpam/', 'atih/', 'evidence/'] as const;

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

/**
 * The staff routes, behind the Cognito JWT authorizer: OMéDIT's and the readers' regional API, the
 * administrator's, and who is signed in. Everything else (the pages, the establishments' routes,
 * which carry their personal link, and the sign-in configuration) has no authorizer.
 */
export const STAFF_ROUTE_PATHS = ['/api/omedit/{proxy+}', '/api/admin/{proxy+}', '/api/auth/me'] as const;

/** The regions whose Cognito groups the stack creates (`-c regions=PACA,CORSE`); the administrator's page creates the others. */
const DEFAULT_REGIONS = ['PACA', 'CORSE'];

/** Where OMéDIT's inputs page writes: a region's and an upload's folder, under the drop zones' prefixes (lib/store/keys.ts, regionalInput). */
const OMEDIT_INPUT_PREFIXES = ['referential/*/', 'atih/*/*/', 'cpam/*/*/'] as const;

/** Steady rate and burst of the portal's HTTP API, for all routes together (requests per second). */
export const PORTAL_THROTTLE = { rateLimit: 20, burstLimit: 50 } as const;

type FunctionName = 'ingest' | 'compute' | 'remind' | 'summarize' | 'api' | 'feedback';

const DEFAULT_SENDER = 'caqes@omedit.example.fr';
const DEFAULT_RETENTION_DAYS = 3650;
/** What SQS keeps at most: a dead-letter queue holds its messages that long. */
const DLQ_RETENTION_DAYS = 14;
/** A dead letter this old alarms, leaving the rest of the 14 days to fix its cause and replay it. */
const DLQ_AGE_ALARM_DAYS = 3;
const DEFAULT_LOG_RETENTION_DAYS = 365;

function contextNumber(scope: Construct, key: string, fallback: number): number {
  const raw: unknown = scope.node.tryGetContext(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(n) || n <= 0) {
    throw new Error(`context ${key} must be a positive integer number of days, got ${String(raw)}`);
  }
  return n;
}

function contextString(scope: Construct, key: string): string | undefined {
  const raw: unknown = scope.node.tryGetContext(key);
  return typeof raw === 'string' && raw.length > 0 ? raw : undefined;
}

/** Maps a number of days to the CloudWatch Logs retention enum; only the values Logs accepts. */
function toRetentionDays(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) {
    throw new Error(
      `context logRetentionDays=${days} is not a CloudWatch Logs retention; use one of ${allowed.join(', ')}`,
    );
  }
  return days as logs.RetentionDays;
}

function emailDomain(email: string): string {
  const at = email.lastIndexOf('@');
  const domain = at >= 0 ? email.slice(at + 1) : '';
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/i.test(domain)) {
    throw new Error(`senderEmail "${email}" has no usable domain`);
  }
  return domain.toLowerCase();
}

/**
 * Acknowledges one cdk-nag finding on one construct (and its children). cdk-nag 3 runs as a CDK
 * policy-validation plugin and reads these acknowledgements; `id` may name a single finding, as in
 * `AwsSolutions-IAM5[Resource::*]`, which is how the old `appliesTo` is spelt now.
 */
function acknowledge(scope: Construct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

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
    const requestedPortalUrl = props.portalUrl ?? contextString(this, 'portalUrl');
    const retentionDays = contextNumber(this, 'retentionDays', DEFAULT_RETENTION_DAYS);
    const logRetention = toRetentionDays(
      contextNumber(this, 'logRetentionDays', DEFAULT_LOG_RETENTION_DAYS),
    );

    // ---------------------------------------------------------------- storage
    this.accessLogBucket = new s3.Bucket(this, 'AccessLogBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED, // log delivery only supports SSE-S3
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: Duration.days(retentionDays) }],
    });
    // AwsSolutions-S1 (access logs) does not fire here: cdk-nag recognises a log-destination bucket.

    this.bucket = new s3.Bucket(this, 'DropZone', {
      versioned: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'drop-zone/',
      eventBridgeEnabled: false,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          id: 'legal-retention-of-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(retentionDays),
        },
        { id: 'abort-incomplete-multipart', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ],
    });

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      // Sessions and failed-login counters of local accounts carry their expiry here (the code checks it too).
      timeToLiveAttribute: 'ttl',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // ---------------------------------------------------------------- queues
    const ingestTimeout = Duration.minutes(15);
    const shortTimeout = Duration.minutes(5);

    /** Every dead-letter queue keeps its messages 14 days (SQS's maximum); its alarms fire long before. */
    const makeDeadLetterQueue = (id: string): sqs.Queue => {
      const queue = new sqs.Queue(this, id, { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(DLQ_RETENTION_DAYS) });
      // cdk-nag sees only SQS redrive: these are the dead-letter queues of EventBridge, Lambda and SNS.
      if (id === 'SchedulesDlq' || id === 'FeedbackDlq') acknowledge(queue, 'AwsSolutions-SQS3', 'It is itself a dead-letter queue (of EventBridge targets, Lambda asynchronous invocations or an SNS subscription), alarmed on depth and age.');
      return queue;
    };
    const makeQueuePair = (name: string, fnTimeout: Duration): [sqs.Queue, sqs.Queue] => {
      const dlq = makeDeadLetterQueue(`${name}Dlq`);
      const queue = new sqs.Queue(this, `${name}Queue`, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        // AWS guidance: at least six times the consumer function's timeout.
        visibilityTimeout: Duration.seconds(fnTimeout.toSeconds() * 6),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
      });
      return [queue, dlq];
    };
    [this.ingestQueue, this.ingestDlq] = makeQueuePair('Ingest', ingestTimeout);
    [this.computeQueue, this.computeDlq] = makeQueuePair('Compute', shortTimeout);

    for (const prefix of INGEST_PREFIXES) {
      this.bucket.addEventNotification(
        s3.EventType.OBJECT_CREATED,
        new s3n.SqsDestination(this.ingestQueue),
        { prefix },
      );
    }

    // ---------------------------------------------------------------- SES
    this.configurationSet = new ses.ConfigurationSet(this, 'ReminderConfigurationSet', {
      tlsPolicy: ses.ConfigurationSetTlsPolicy.REQUIRE,
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // Bounces and complaints reach the feedback function through SNS. The topic is encrypted with a
    // key of our own: SES cannot publish to a topic under the AWS-managed SNS key.
    const feedbackKey = new kms.Key(this, 'FeedbackTopicKey', {
      description: 'CAQES: encrypts the SES bounce and complaint notifications',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    feedbackKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SesPublishesFeedback',
        principals: [new iam.ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.feedbackTopic = new sns.Topic(this, 'FeedbackTopic', { masterKey: feedbackKey, enforceSSL: true, displayName: 'CAQES SES feedback' });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(this.feedbackTopic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });

    // ---------------------------------------------------------------- portal: secrets and HTTP API
    this.linkKeySecret = new secretsmanager.Secret(this, 'LinkKeySecret', {
      description: 'CAQES: HMAC key signing the personal upload links of establishments',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Created before the functions: its endpoint is the portal's address by default.
    this.portalApi = new apigwv2.HttpApi(this, 'PortalApi', {
      description: 'CAQES portal: establishment and OMEDIT pages, upload forms, results, summaries',
      createDefaultStage: false,
    });
    const portalUrl = requestedPortalUrl ?? this.portalApi.apiEndpoint;
    const portalOrigin = Token.isUnresolved(portalUrl) ? portalUrl : new URL(portalUrl).origin;

    // ---------------------------------------------------------------- portal: staff accounts
    // MFA is a setting of the whole pool in Cognito: required for everyone, readers included.
    this.userPool = new cognito.UserPool(this, 'StaffUserPool', {
      selfSignUpEnabled: false,
      // Accounts are created with their e-mail address as user name: the audit log names them by it.
      signInAliases: { username: true },
      signInCaseSensitive: false,
      standardAttributes: { email: { required: true, mutable: true } },
      autoVerify: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Plus: threat protection blocks risky sign-ins and compromised passwords.
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      userInvitation: {
        emailSubject: 'Votre compte sur le portail CAQES',
        emailBody:
          'Bonjour,<br><br>Un compte a été créé pour vous sur le portail CAQES. Identifiant : {username}<br>Mot de passe provisoire : {####}<br><br>' +
          'À la première connexion, vous choisirez votre mot de passe et enregistrerez une application d’authentification (code à usage unique).',
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const signIn = this.userPool.addDomain('StaffSignIn', {
      cognitoDomain: { domainPrefix: contextString(this, 'authDomainPrefix') ?? `caqes-${this.account}` },
    });
    this.userPoolClient = this.userPool.addClient('PortalClient', {
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [`${portalUrl}/connexion`],
        logoutUrls: [`${portalUrl}/omedit`],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // Short-lived: a disabled account's access token still passes the authorizer until it expires.
      accessTokenValidity: Duration.minutes(30),
      idTokenValidity: Duration.minutes(30),
      refreshTokenValidity: Duration.hours(1),
    });
    const regions = (contextString(this, 'regions')?.split(',') ?? DEFAULT_REGIONS).map((r) => r.trim()).filter(Boolean);
    const groups = ['admin', ...regions.flatMap((region) => ['omedit', 'ars', 'assurance_maladie'].map((role) => `${role}-${region}`))];
    for (const group of groups) {
      new cognito.CfnUserPoolGroup(this, `Group-${group}`, { userPoolId: this.userPool.userPoolId, groupName: group, description: `CAQES: ${group}` });
    }
    // Browsers post uploads straight to the bucket with their pre-signed POST, from the portal only.
    this.bucket.addCorsRule({
      // PUT: the parts of a large file's multipart upload, whose ETag the page reads to complete it.
      allowedMethods: [s3.HttpMethods.POST, s3.HttpMethods.PUT],
      allowedOrigins: [portalOrigin],
      allowedHeaders: ['*'],
      exposedHeaders: ['ETag'],
      maxAge: 600,
    });

    // ---------------------------------------------------------------- functions
    const commonEnv = {
      CAQES_TABLE: this.table.tableName,
      CAQES_BUCKET: this.bucket.bucketName,
      NODE_OPTIONS: '--enable-source-maps',
    };

    const makeFunction = (
      name: FunctionName,
      memorySize: number,
      timeout: Duration,
      environment: Record<string, string>,
      afterBundling: (inputDir: string, outputDir: string) => string[] = () => [],
    ): NodejsFunction => {
      const cap = name.charAt(0).toUpperCase() + name.slice(1);
      const logGroup = new logs.LogGroup(this, `${cap}Logs`, {
        retention: logRetention,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      return new NodejsFunction(this, `${cap}Function`, {
        entry: path.join(REPO_ROOT, 'functions', name, 'handler.ts'),
        handler: 'handler',
        projectRoot: REPO_ROOT,
        depsLockFilePath: path.join(REPO_ROOT, 'package-lock.json'),
        runtime: LAMBDA_RUNTIME,
        architecture: lambda.Architecture.ARM_64,
        memorySize,
        timeout,
        tracing: lambda.Tracing.ACTIVE,
        logGroup,
        environment: {
          ...commonEnv,
          POWERTOOLS_SERVICE_NAME: `caqes-${name}`,
          ...environment,
        },
        bundling: {
          format: OutputFormat.ESM,
          target: ESBUILD_TARGET,
          minify: true,
          sourceMap: true,
          mainFields: ['module', 'main'],
          banner:
            "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
          // Bundle the AWS SDK too: the deployed code runs the exact SDK versions of package-lock.json,
          // the same ones the embedded runtime and the tests use.
          externalModules: [],
          forceDockerBundling: false,
          commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling },
        },
      });
    };

    const ingest = makeFunction('ingest', 1769, ingestTimeout, {
      CAQES_COMPUTE_QUEUE_URL: this.computeQueue.queueUrl,
      // A capped young generation keeps memory flat in file size at the same speed (README, Benchmarks).
      NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=8',
    });
    const compute = makeFunction('compute', 1024, shortTimeout, {});
    const remind = makeFunction('remind', 512, shortTimeout, {
      CAQES_SENDER: senderEmail,
      CAQES_REPLY_TO: replyToEmail,
      CAQES_PORTAL_URL: portalUrl,
      CAQES_LINK_KEY_SECRET_ARN: this.linkKeySecret.secretArn,
      CAQES_SES_CONFIGURATION_SET: this.configurationSet.configurationSetName,
    });
    const summarize = makeFunction('summarize', 1024, shortTimeout, {});
    const api = makeFunction(
      'api',
      512,
      Duration.seconds(15),
      {
        CAQES_PORTAL_URL: portalUrl,
        CAQES_LINK_KEY_SECRET_ARN: this.linkKeySecret.secretArn,
        CAQES_USER_POOL_ID: this.userPool.userPoolId,
        CAQES_USER_POOL_CLIENT_ID: this.userPoolClient.userPoolClientId,
        CAQES_AUTH_URL: signIn.baseUrl(),
      },
      // The pages' files, beside the bundle where lib/portal/assets.ts looks for them: the HTML and CSS
      // as they are, the scripts bundled from lib/portal/web by esbuild here, at synth (never at run time).
      (inputDir, outputDir) => [
        `cp -R "${inputDir}/lib/portal/assets" "${outputDir}/assets"`,
        `cd "${inputDir}" && npx --no-install tsx lib/portal/build-page-scripts.ts "${outputDir}/assets"`,
      ],
    );
    const feedback = makeFunction('feedback', 256, Duration.seconds(30), {});
    // A notification SNS cannot deliver to the function (after its retries) is kept, not dropped.
    this.feedbackDlq = makeDeadLetterQueue('FeedbackDlq');
    this.feedbackTopic.addSubscription(new subscriptions.LambdaSubscription(feedback, { deadLetterQueue: this.feedbackDlq }));
    this.functions = { ingest, compute, remind, summarize, api, feedback };

    // A catch-all route for the pages, the establishments' API (their personal link) and signing
    // in; the staff routes behind Cognito's JWT authorizer. The function checks every caller again.
    const integration = new HttpLambdaIntegration('PortalIntegration', api);
    const portalRoute = new apigwv2.HttpRoute(this, 'PortalRoute', {
      httpApi: this.portalApi,
      routeKey: apigwv2.HttpRouteKey.DEFAULT,
      integration,
    });
    const authorizer = new HttpUserPoolAuthorizer('StaffAuthorizer', this.userPool, { userPoolClients: [this.userPoolClient] });
    STAFF_ROUTE_PATHS.forEach((routePath, i) => {
      new apigwv2.HttpRoute(this, `StaffRoute${i}`, {
        httpApi: this.portalApi,
        routeKey: apigwv2.HttpRouteKey.with(routePath, apigwv2.HttpMethod.ANY),
        integration,
        authorizer,
      });
    });
    const accessLogs = new logs.LogGroup(this, 'PortalAccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.RETAIN });
    new apigwv2.HttpStage(this, 'PortalStage', {
      httpApi: this.portalApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: PORTAL_THROTTLE,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        // No query string and no header: nothing that could carry a credential is logged.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            path: '$context.path',
            status: '$context.status',
            latency: '$context.responseLatency',
            error: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    // ---------------------------------------------------------------- event sources, schedules
    ingest.addEventSource(
      new SqsEventSource(this.ingestQueue, { batchSize: 1, reportBatchItemFailures: true }),
    );
    compute.addEventSource(
      // A burst of uploads asks for the same region many times: waiting a few seconds gathers the
      // requests, and the handler computes each region and year of a batch once.
      new SqsEventSource(this.computeQueue, { batchSize: 10, maxBatchingWindow: Duration.seconds(10), reportBatchItemFailures: true }),
    );

    // A daily run that cannot be delivered (EventBridge's retries) or that keeps failing (Lambda's
    // retries of an asynchronous invocation: the reminder job fails when SES refused an e-mail) ends
    // in this queue, alarmed, instead of being lost.
    this.schedulesDlq = makeDeadLetterQueue('SchedulesDlq');
    for (const fn of [remind, summarize]) {
      fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new lambdaDestinations.SqsDestination(this.schedulesDlq) });
    }
    const scheduleTarget = (fn: lambda.IFunction) =>
      new targets.LambdaFunction(fn, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue: this.schedulesDlq });
    new events.Rule(this, 'RemindSchedule', {
      description: 'Daily CAQES reminders to establishments (06:00 UTC)',
      schedule: events.Schedule.cron({ minute: '0', hour: '6' }),
      targets: [scheduleTarget(remind)],
    });
    new events.Rule(this, 'SummarizeSchedule', {
      description: 'Daily CAQES regional summaries (06:30 UTC)',
      schedule: events.Schedule.cron({ minute: '30', hour: '6' }),
      targets: [scheduleTarget(summarize)],
    });

    // ---------------------------------------------------------------- least-privilege grants
    const objectArns = (...prefixes: string[]): string[] =>
      prefixes.map((p) => this.bucket.arnForObjects(`${p}*`));
    const readPrefixes = ['referential/', 'cpam/', 'atih/', 'evidence/', 'archive/'];

    ingest.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadDropZonePrefixes',
        // Tagging reads let CopyObject (the archive copy) carry an object's tags over.
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'],
        resources: objectArns(...readPrefixes),
      }),
    );
    ingest.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ListDropZoneKeys',
        // Without s3:ListBucket, HeadObject/CopyObject on a key that has gone answer 403 instead of
        // 404/NoSuchKey, and ingest could not tell "object replaced or deleted" (skip) from a real
        // permission error (retry). It reveals key names only, never content.
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
      }),
    );
    ingest.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'WriteArchiveAndReports',
        actions: ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'],
        resources: objectArns('archive/', 'reports/'),
      }),
    );
    this.table.grantReadWriteData(ingest);
    this.computeQueue.grantSendMessages(ingest);

    this.table.grantReadWriteData(compute);

    this.table.grantReadWriteData(remind);
    // The suppression list only: one conditional put per address reported.
    this.table.grantWriteData(feedback);
    const senderDomain = emailDomain(senderEmail);
    remind.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendRemindersFromSenderIdentity',
        actions: ['ses:SendEmail'],
        resources: [
          this.formatArn({ service: 'ses', resource: 'identity', resourceName: senderDomain }),
          this.formatArn({ service: 'ses', resource: 'identity', resourceName: senderEmail }),
          this.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: this.configurationSet.configurationSetName,
          }),
        ],
      }),
    );

    this.linkKeySecret.grantRead(remind);

    // Summarize computes every indicator again for the day (statuses move with deadlines) before
    // building the summaries; compute rebuilds the summary of the region and year it computed.
    this.table.grantReadWriteData(summarize);
    for (const fn of [summarize, compute]) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'WriteSummaries',
          actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
          resources: objectArns('summaries/'),
        }),
      );
    }

    // The portal: links and views in the table; S3 only through what it signs for browsers.
    // Reads, conditional puts and updates; no Scan. Deleting is needed only for the local-account
    // sessions and failed-login counters, so only on their keys.
    api.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PortalTableReadsAndWrites',
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'],
        resources: [this.table.tableArn],
      }),
    );
    api.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PortalDeletesSessionsOnly',
        actions: ['dynamodb:DeleteItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SESSION#*', 'LOGIN#*'] } },
      }),
    );
    this.linkKeySecret.grantRead(api);
    api.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ManageStaffAccounts',
        // The administrator's page: list, create (and place in its groups), disable, reset; this pool only.
        actions: [
          'cognito-idp:ListUsers',
          'cognito-idp:AdminGetUser',
          'cognito-idp:AdminListGroupsForUser',
          'cognito-idp:AdminCreateUser',
          'cognito-idp:AdminAddUserToGroup',
          'cognito-idp:GetGroup',
          'cognito-idp:AdminDisableUser',
          'cognito-idp:AdminUserGlobalSignOut',
          'cognito-idp:AdminResetUserPassword',
        ],
        resources: [this.userPool.userPoolArn],
      }),
    );
    api.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PresignEvidenceUploads',
        // A pre-signed POST carries the function's permission: uploads can only land under evidence/.
        actions: ['s3:PutObject'],
        resources: objectArns('evidence/'),
      }),
    );
    api.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PresignOmeditInputs',
        // OMéDIT's files, under a region and an upload id only (referential/<region>/<id>/<file>,
        // atih|cpam/<year>/<region>/<id>/<file>): never the drop zone's own files of every region.
        // The form or the parts carry this permission; the version's download is signed with it.
        actions: ['s3:PutObject', 's3:GetObject'],
        resources: objectArns(...OMEDIT_INPUT_PREFIXES),
      }),
    );
    api.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReadReportsAndPresignSummaries',
        actions: ['s3:GetObject'],
        resources: objectArns('reports/', 'summaries/'),
      }),
    );
    api.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ListSummaries',
        actions: ['s3:ListBucket'],
        resources: [this.bucket.bucketArn],
        conditions: { StringLike: { 's3:prefix': ['summaries/*'] } },
      }),
    );

    // ---------------------------------------------------------------- alarms
    // Every alarm goes to one encrypted topic; `-c alarmEmail=…` subscribes an address to it. The key
    // is our own: CloudWatch cannot publish to a topic under the AWS-managed SNS key.
    const alarmKey = new kms.Key(this, 'AlarmTopicKey', { description: 'CAQES: encrypts the alarm notifications', enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
    alarmKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchPublishesAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { masterKey: alarmKey, enforceSSL: true, displayName: 'CAQES alarms' });
    const alarmEmail = contextString(this, 'alarmEmail');
    if (alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(alarmEmail));
    const alarmAction = new cloudwatchActions.SnsAction(this.alarmTopic);
    const alarm = (id: string, props: cloudwatch.AlarmProps): void => {
      new cloudwatch.Alarm(this, id, props).addAlarmAction(alarmAction);
    };

    for (const [name, dlq] of [
      ['Ingest', this.ingestDlq],
      ['Compute', this.computeDlq],
      ['Schedules', this.schedulesDlq],
      ['Feedback', this.feedbackDlq],
    ] as const) {
      alarm(`${name}DlqNotEmpty`, {
        alarmDescription: `Messages in the ${name.toLowerCase()} dead-letter queue`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      // Still there after DLQ_AGE_ALARM_DAYS: 11 days are left to fix the cause and replay it.
      alarm(`${name}DlqOldestMessage`, {
        alarmDescription: `A message has waited ${DLQ_AGE_ALARM_DAYS} days in the ${name.toLowerCase()} dead-letter queue (kept ${DLQ_RETENTION_DAYS} days)`,
        metric: dlq.metricApproximateAgeOfOldestMessage({ period: Duration.hours(1), statistic: 'Maximum' }),
        threshold: DLQ_AGE_ALARM_DAYS * 24 * 3600,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    for (const [name, fn] of Object.entries(this.functions)) {
      alarm(`${name.charAt(0).toUpperCase()}${name.slice(1)}Errors`, {
        alarmDescription: `Errors in the ${name} function`,
        metric: fn.metricErrors({ period: Duration.minutes(5) }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    // ---------------------------------------------------------------- outputs
    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'IngestQueueUrl', { value: this.ingestQueue.queueUrl });
    // `caqes replay --dlq-arn` sends their messages back once the cause is fixed.
    new CfnOutput(this, 'IngestDlqArn', { value: this.ingestDlq.queueArn });
    new CfnOutput(this, 'ComputeDlqArn', { value: this.computeDlq.queueArn });
    new CfnOutput(this, 'PortalUrl', { value: portalUrl, description: 'Establishments: <url>/depot#<link>; OMEDIT: <url>/omedit' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId, description: 'Staff accounts (the first administrator is created here: aws cognito-idp admin-create-user, group admin)' });
    new CfnOutput(this, 'SignInUrl', { value: signIn.baseUrl(), description: 'Cognito hosted sign-in of the portal' });

    this.addNagAcknowledgements(portalRoute);
  }

  /** Every acknowledgement is scoped to one construct and, for IAM5, to one finding. */
  private addNagAcknowledgements(portalRoute: apigwv2.HttpRoute): void {
    const bucketArn = `<${this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    const basicExecutionRole =
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

    for (const fn of Object.values(this.functions)) {
      acknowledge(
        fn,
        basicExecutionRole,
        'AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch Logs, which every Lambda needs.',
      );
      acknowledge(
        fn,
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions, so active tracing needs Resource *.',
      );
    }
    for (const prefix of ['referential/', 'cpam/', 'atih/', 'evidence/', 'archive/', 'reports/']) {
      acknowledge(
        this.functions.ingest,
        `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`,
        `Ingest is limited to the ${prefix} prefix of the drop zone, whose object keys are not known in advance.`,
      );
    }
    for (const fn of [this.functions.summarize, this.functions.compute]) {
      acknowledge(
        fn,
        `AwsSolutions-IAM5[Resource::${bucketArn}/summaries/*]`,
        'Writes only under summaries/: the workbook, page and CSV of each campaign and region, keys not known in advance.',
      );
    }
    for (const prefix of OMEDIT_INPUT_PREFIXES) {
      acknowledge(
        this.functions.api,
        `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`,
        'The portal signs OMéDIT’s upload forms and downloads pinned to one key under a region it holds and an upload id chosen per upload; object keys are not known in advance.',
      );
    }
    for (const [prefix, why] of [
      ['evidence/', 'signs upload forms whose policy pins one key under the establishment’s own evidence/<campaign>/<finess>/<kind>/ prefix, chosen per upload'],
      ['reports/', 'reads the validation report of an establishment’s own upload, after checking the key is its own'],
      ['summaries/', 'signs download addresses of the summary workbooks of the caller’s regions'],
    ] as const) {
      acknowledge(this.functions.api, `AwsSolutions-IAM5[Resource::${bucketArn}/${prefix}*]`, `The portal ${why}; object keys are not known in advance.`);
    }
    acknowledge(
      portalRoute,
      'AwsSolutions-APIG4',
      'The catch-all route serves the public pages, signing in, and the establishments’ API, whose caller is a personal link (HMAC token whose record can be revoked) checked by the function against the FINESS and campaign touched (lib/portal/caller.ts); establishments have no accounts. The staff routes have their own Cognito JWT authorizer.',
    );
    acknowledge(
      this.linkKeySecret,
      'AwsSolutions-SMG4',
      'Rotated by hand (README): rotating the link key invalidates every link already e-mailed, so it is changed between campaigns.',
    );

    // CDK's singleton Lambda behind the bucket-notification custom resource.
    const notificationsHandler = this.node.children.find((c) =>
      c.node.id.startsWith('BucketNotificationsHandler'),
    );
    if (notificationsHandler) {
      acknowledge(
        notificationsHandler,
        basicExecutionRole,
        "CDK's BucketNotificationsHandler custom resource uses AWSLambdaBasicExecutionRole only for its own logs.",
      );
    }
  }
}

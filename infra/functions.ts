import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { Mail } from './mail.js';
import type { Portal } from './portal.js';
import { INGEST_TIMEOUT, type Queues, SHORT_TIMEOUT, deadLetterQueue } from './queues.js';

/** Repository root: infra/ sits directly under it. */
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The newest Node.js runtime this aws-cdk-lib knows. Kept next to the esbuild target so both move
 * together when aws-cdk-lib is upgraded.
 */
export const LAMBDA_RUNTIME = lambda.Runtime.NODEJS_24_X;
const ESBUILD_TARGET = 'node24';

export type FunctionName = 'ingest' | 'compute' | 'remind' | 'summarize' | 'api' | 'feedback';

export interface FunctionsProps {
  readonly table: dynamodb.Table;
  readonly bucket: s3.Bucket;
  readonly queues: Queues;
  readonly mail: Mail;
  readonly portal: Portal;
  /** From address of reminders; Reply-To. */
  readonly senderEmail: string;
  readonly replyToEmail: string;
  readonly logRetention: logs.RetentionDays;
}

type AfterBundling = (inputDir: string, outputDir: string) => string[];

/**
 * The six Lambda functions (`functions/<name>/handler.ts`, bundled by esbuild), what starts each
 * (the two queues, the SES feedback topic, the daily schedules) and where a failed start ends
 * (`SchedulesDlq`, `FeedbackDlq`). Their permissions are infra/permissions.ts's.
 *
 * @example
 * const functions = new Functions(stack, { table, bucket, queues, mail, portal, senderEmail, replyToEmail, logRetention });
 * functions.byName.ingest.functionArn;
 */
export class Functions {
  readonly byName: Record<FunctionName, NodejsFunction>;
  /** Notifications SNS could not deliver to the feedback function. */
  readonly feedbackDlq: sqs.Queue;
  /** The daily runs EventBridge could not deliver, or that kept failing. */
  readonly schedulesDlq: sqs.Queue;

  constructor(private readonly scope: Construct, private readonly props: FunctionsProps) {
    const { queues, mail, portal } = props;
    const ingest = this.make('ingest', 1769, INGEST_TIMEOUT, {
      CAQES_COMPUTE_QUEUE_URL: queues.computeQueue.queueUrl,
      // A capped young generation keeps memory flat in file size at the same speed (README, Benchmarks).
      NODE_OPTIONS: '--enable-source-maps --max-semi-space-size=8',
    });
    const compute = this.make('compute', 1024, SHORT_TIMEOUT, {});
    const remind = this.make('remind', 512, SHORT_TIMEOUT, {
      CAQES_SENDER: props.senderEmail,
      CAQES_REPLY_TO: props.replyToEmail,
      CAQES_PORTAL_URL: portal.url,
      CAQES_LINK_KEY_SECRET_ARN: portal.linkKeySecret.secretArn,
      CAQES_SES_CONFIGURATION_SET: mail.configurationSet.configurationSetName,
    });
    const summarize = this.make('summarize', 1024, SHORT_TIMEOUT, {});
    const api = this.make(
      'api',
      512,
      Duration.seconds(15),
      {
        CAQES_PORTAL_URL: portal.url,
        CAQES_LINK_KEY_SECRET_ARN: portal.linkKeySecret.secretArn,
        CAQES_USER_POOL_ID: portal.userPool.userPoolId,
        CAQES_USER_POOL_CLIENT_ID: portal.userPoolClient.userPoolClientId,
        CAQES_AUTH_URL: portal.signIn.baseUrl(),
      },
      // The pages' files, beside the bundle where lib/portal/assets.ts looks for them: the HTML and CSS
      // as they are, the scripts bundled from lib/portal/web by esbuild here, at synth (never at run time).
      (inputDir, outputDir) => [
        `cp -R "${inputDir}/lib/portal/assets" "${outputDir}/assets"`,
        `cd "${inputDir}" && npx --no-install tsx lib/portal/build-page-scripts.ts "${outputDir}/assets"`,
      ],
    );
    const feedback = this.make('feedback', 256, Duration.seconds(30), {});
    // A notification SNS cannot deliver to the function (after its retries) is kept, not dropped.
    this.feedbackDlq = deadLetterQueue(scope, 'FeedbackDlq', true);
    mail.feedbackTopic.addSubscription(new subscriptions.LambdaSubscription(feedback, { deadLetterQueue: this.feedbackDlq }));
    this.byName = { ingest, compute, remind, summarize, api, feedback };

    ingest.addEventSource(new SqsEventSource(queues.ingestQueue, { batchSize: 1, reportBatchItemFailures: true }));
    compute.addEventSource(
      // A burst of uploads asks for the same region many times: waiting a few seconds gathers the
      // requests, and the handler computes each region and year of a batch once.
      new SqsEventSource(queues.computeQueue, { batchSize: 10, maxBatchingWindow: Duration.seconds(10), reportBatchItemFailures: true }),
    );
    this.schedulesDlq = this.schedule(remind, summarize);
  }

  /**
   * Reminders at 06:00 UTC, summaries at 06:30. A daily run that cannot be delivered (EventBridge's
   * retries) or that keeps failing (Lambda's retries of an asynchronous invocation: the reminder
   * job fails when SES refused an e-mail) ends in the queue returned, alarmed, instead of being lost.
   */
  private schedule(remind: lambda.IFunction, summarize: lambda.IFunction): sqs.Queue {
    const dlq = deadLetterQueue(this.scope, 'SchedulesDlq', true);
    for (const fn of [remind, summarize]) {
      fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new lambdaDestinations.SqsDestination(dlq) });
    }
    const target = (fn: lambda.IFunction) =>
      new targets.LambdaFunction(fn, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue: dlq });
    new events.Rule(this.scope, 'RemindSchedule', {
      description: 'Daily CAQES reminders to establishments (06:00 UTC)',
      schedule: events.Schedule.cron({ minute: '0', hour: '6' }),
      targets: [target(remind)],
    });
    new events.Rule(this.scope, 'SummarizeSchedule', {
      description: 'Daily CAQES regional summaries (06:30 UTC)',
      schedule: events.Schedule.cron({ minute: '30', hour: '6' }),
      targets: [target(summarize)],
    });
    return dlq;
  }

  /** One function and its retained log group; `<Name>Function` and `<Name>Logs` are its ids. */
  private make(
    name: FunctionName,
    memorySize: number,
    timeout: Duration,
    environment: Record<string, string>,
    afterBundling: AfterBundling = () => [],
  ): NodejsFunction {
    const cap = name.charAt(0).toUpperCase() + name.slice(1);
    const logGroup = new logs.LogGroup(this.scope, `${cap}Logs`, {
      retention: this.props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    return new NodejsFunction(this.scope, `${cap}Function`, {
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
        CAQES_TABLE: this.props.table.tableName,
        CAQES_BUCKET: this.props.bucket.bucketName,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: `caqes-${name}`,
        ...environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // Bundle the AWS SDK too: the deployed code runs the exact SDK versions of package-lock.json,
        // the same ones the embedded runtime and the tests use.
        externalModules: [],
        forceDockerBundling: false,
        commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling },
      },
    });
  }
}

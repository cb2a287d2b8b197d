import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { localTable } from './table-shape';
import S3rver from 's3rver';
import dynalite from 'dynalite';
import { registerLocalQueue, type ComputeMessage } from '../store/compute-queue';
import { resetRuntime, runtime, type Runtime } from '../runtime';
import { mergeComputeBodies } from '../pipeline/compute';
import { createdObjects } from '../pipeline/s3-event';
import { inProcessHandler } from './in-process-http';
import { LocalQueue, type DeadLetter } from './local-queue';
import { invokeSqsHandler } from './invoke';
import { directoryOutbox, memoryOutbox, startMailGateway, type KeptEmail } from './mail-gateway';
import { openSmtpRelay, smtpConfig } from './smtp-relay';
import { StateError, type LocalState } from './state';
import { awsShapedEvent, notifiesIngest } from './s3-events';
import { QueueJournal } from './queue-journal';
import { removeUnfinishedParts, wholeObjectFiles } from './s3rver-files';
import { markOwner, removeDeadStates, STATE_PREFIX } from './stale-state';

export const LOCAL_BUCKET = 'caqes-local';
export const LOCAL_TABLE = 'caqes-local';
const COMPUTE_QUEUE_URL = 'local:compute';

export interface Embedded {
  runtime: Runtime;
  endpoints: { s3: string; dynamodb: string; ses: string };
  /**
   * Processes every queued S3 event and compute request, to the end (one drain at a time); with a
   * `concurrency`, that many messages of a queue at once, as Lambda runs concurrent invocations.
   * With `compute: false`, the S3 events only: the compute requests wait, merged per region and
   * year, for the next drain (`caqes run` computes once after every file is dropped).
   */
  drain(options?: { concurrency?: number; compute?: boolean }): Promise<void>;
  /** Moves the dead-lettered messages back to their queues and processes them again; how many. */
  replayDeadLetters(): Promise<number>;
  /**
   * Drains in the background every `intervalMs`, as Lambda would consume the queues, and calls
   * `afterWork` after each drain that processed something (`caqes serve`). Returns a stop function.
   */
  autoDrain(intervalMs: number, afterWork?: () => Promise<void>): () => Promise<void>;
  /** The machine credential generated for this run: `caqes link`'s bearer token (staff sign in with accounts). */
  staffToken: string;
  /**
   * Sets the clock the handlers read and S3 events are stamped with (`caqes run --today` simulates
   * that day: a file dropped then was received then). Without an argument, back to the real time.
   */
  setClock(now?: () => Date): void;
  deadLetters(): DeadLetter[];
  /** The e-mails the local SES received (kept, or relayed through SMTP), oldest first. */
  sentEmails(): Promise<KeptEmail[]>;
  /** The SMTP relay e-mails go through (`host:port`), or null when they are only kept here. */
  relay: string | null;
  /**
   * The keys of the S3 events an earlier process on the state left waiting (put, not ingested to
   * the end), queued again at start; given once, then empty.
   */
  takeRestored(): string[];
  stop(): Promise<void>;
}

/** Whether the state's table exists; a store dynalite cannot read is said, with its folder, not recreated. */
async function tableExists(rt: Runtime, state: LocalState): Promise<boolean> {
  try {
    await rt.clients.dynamo.send(new DescribeTableCommand({ TableName: LOCAL_TABLE }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw new StateError(`état local endommagé : la base DynamoDB locale ${state.paths.dynamodb} ne s’ouvre pas (${(error as Error).message}) ; restaurez la dernière sauvegarde (caqes restore) dans un dossier vide`);
  }
}

/**
 * Listens on a port the system gives (port 0) and says which: a port probed free then bound later
 * can be taken in between by another process (two test files, two commands), which crashed the run.
 */
function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}

/**
 * The environment the handlers build their runtime from (`lib/runtime.ts`): the emulators' endpoints
 * where AWS has its own, the local table, bucket and compute queue, and the link key.
 */
function setLocalEnvironment(
  endpoints: Embedded['endpoints'],
  s3Directory: string,
  staffToken: string,
  state: LocalState | undefined,
  portalUrl: string | undefined,
  relayConfig: { from?: string | undefined; replyTo?: string | undefined } | null,
): void {
  Object.assign(process.env, {
    CAQES_TABLE: LOCAL_TABLE,
    CAQES_BUCKET: LOCAL_BUCKET,
    CAQES_COMPUTE_QUEUE_URL: COMPUTE_QUEUE_URL,
    CAQES_S3_ENDPOINT: endpoints.s3,
    // The handlers read objects from s3rver's files (on Windows it renames some characters of keys).
    ...(process.platform === 'win32' ? {} : { CAQES_S3_DIRECTORY: s3Directory }),
    CAQES_DYNAMODB_ENDPOINT: endpoints.dynamodb,
    CAQES_SES_ENDPOINT: endpoints.ses,
    AWS_REGION: process.env.AWS_REGION ?? 'eu-west-3',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_SERVICE_NAME: 'caqes-local',
    // The lock file pins SDK versions that support the machine's Node 20 (README, limits).
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // The link key, where AWS keeps it in Secrets Manager (new for each run without a state folder);
    // and the machine credential of `caqes link`.
    CAQES_LINK_KEY: state?.secrets.linkKey ?? randomBytes(32).toString('base64url'),
    CAQES_STAFF_CREDENTIALS: JSON.stringify({ name: 'omedit-local', token: staffToken, regions: ['*'] }),
    ...(portalUrl ? { CAQES_PORTAL_URL: portalUrl } : {}),
    ...(relayConfig?.from ? { CAQES_SENDER: relayConfig.from } : {}),
    ...(relayConfig?.replyTo ? { CAQES_REPLY_TO: relayConfig.replyTo } : {}),
  });
}

/** The bucket (with the portal's CORS rule) and the table, unless a state folder already has them. */
async function createBucketAndTable(rt: Runtime, state: LocalState | undefined): Promise<void> {
  await rt.clients.s3.send(new CreateBucketCommand({ Bucket: LOCAL_BUCKET })).catch((error: Error) => {
    // A state folder already has its bucket.
    if (!state || !/BucketAlready/.test(error.name)) throw error;
  });
  // Browsers post uploads straight to the bucket (pre-signed POST) from the portal's origin, as on
  // AWS; any origin here, since only loopback reaches the emulator.
  await rt.clients.s3.send(
    new PutBucketCorsCommand({
      Bucket: LOCAL_BUCKET,
      CORSConfiguration: { CORSRules: [{ AllowedOrigins: ['*'], AllowedMethods: ['POST', 'GET', 'PUT'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 600 }] },
    }),
  );
  const tableKept = state ? await tableExists(rt, state) : false;
  if (!tableKept) await rt.clients.dynamo.send(new CreateTableCommand(localTable(LOCAL_TABLE)));
}


/**
 * Drains the queues every `intervalMs` while work waits, one drain at a time, then runs `afterWork`;
 * the returned function stops it after the drain under way.
 */
function autoDrainer(drain: () => Promise<void>, pending: () => number, rt: Runtime, intervalMs: number, afterWork?: () => Promise<void>): () => Promise<void> {
  let stopped = false;
  let busy = false;
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    if (stopped || busy || pending() === 0) return;
    busy = true;
    running = (async () => {
      await drain();
      if (!stopped) await afterWork?.();
    })()
      .catch((error: unknown) => rt.logger.error('background drain failed', { error: error as Error }))
      .finally(() => (busy = false));
  }, intervalMs);
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

/**
 * Starts S3 (s3rver), DynamoDB (dynalite) and SES (mail-gateway.ts's SendEmail endpoint) in this
 * process on free loopback ports (over a state folder when given, else a temporary one), points the runtime's real AWS SDK clients at them, creates the bucket and table,
 * and wires S3's ObjectCreated events through a local queue to the very handlers Lambda runs.
 */
export async function startEmbedded(options: { portalUrl?: string; state?: LocalState } = {}): Promise<Embedded> {
  const { state } = options;
  // A relay badly configured is said before any emulator starts.
  const relayConfig = await smtpConfig(process.env, state ? join(state.paths.dir, 'smtp.json') : null);
  const relay = relayConfig ? await openSmtpRelay(relayConfig) : null;
  // Without a state folder, everything lives in a temporary one removed at the end; what a killed
  // run left behind goes first (its folder can hold hundreds of MB).
  if (!state) await removeDeadStates(tmpdir());
  const stateDir = state ? null : await mkdtemp(join(tmpdir(), STATE_PREFIX));
  if (stateDir) await markOwner(stateDir);
  const staffToken = state?.secrets.staffToken ?? randomBytes(32).toString('base64url');
  let clock: () => Date = () => new Date();

  const s3Directory = state?.paths.s3 ?? join(stateDir!, 's3');
  if (state?.afterCrash) await removeUnfinishedParts(s3Directory);
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: s3Directory, allowMismatchedSignatures: true });
  // The archive copy and ingest read s3rver's files (ObjectStore.localFile): whole, and linked, not copied.
  wholeObjectFiles(s3.store);
  const { port: s3Port } = await s3.run();
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(state ? { path: state.paths.dynamodb } : {}) });
  const dynamoPort = await listen(dynamo);
  const ses = await startMailGateway({ outbox: state ? directoryOutbox(state.paths.mail) : memoryOutbox(), relay, now: () => clock() });

  const endpoints = {
    s3: `http://127.0.0.1:${s3Port}`,
    dynamodb: `http://127.0.0.1:${dynamoPort}`,
    ses: ses.url,
  };
  setLocalEnvironment(endpoints, s3Directory, staffToken, state, options.portalUrl, relayConfig);
  resetRuntime();
  const rt = runtime();
  // The handlers' DynamoDB requests reach dynalite in this process without the loopback socket; its
  // port stays open for the portal's and the tools' other clients.
  const answer = dynamo.listeners('request')[0] as RequestListener;
  rt.clients.dynamo.config.requestHandler = inProcessHandler(answer) as unknown as typeof rt.clients.dynamo.config.requestHandler;

  await createBucketAndTable(rt, state);

  // Handlers are imported only now: they build their runtime from the environment set above.
  const ingest = await import('../../functions/ingest/handler');
  const compute = await import('../../functions/compute/handler');
  // Over a state folder, the S3 events wait in it until ingested: a process stopped or killed
  // before ingest finished leaves them to the next start, as SQS keeps them on AWS.
  const journal = state ? new QueueJournal(state.paths.ingestQueue) : undefined;
  const ingestQueue = new LocalQueue('ingest', (bodies) => invokeSqsHandler(ingest.handler, 'caqes-ingest', bodies), 1, 5, undefined, journal);
  let restored = [...new Set(ingestQueue.restore().flatMap((body) => createdObjects(body).map((o) => o.key)))];
  if (restored.length > 0) rt.logger.info('S3 events of an earlier process restored', { keys: restored.length });
  // Batch sizes as the deployed event sources (infra): one S3 event per ingest, up to ten computations.
  const computeQueue = new LocalQueue('compute', (bodies) => invokeSqsHandler(compute.handler, 'caqes-compute', bodies), 10, undefined, mergeComputeBodies);
  rt.now = () => clock();
  s3.on('event', (event: unknown) => {
    if (notifiesIngest(event)) ingestQueue.push(JSON.stringify(awsShapedEvent(event, clock())));
  });
  const unregister = registerLocalQueue(COMPUTE_QUEUE_URL, async (messages: readonly ComputeMessage[]) => {
    for (const m of messages) computeQueue.push(JSON.stringify(m));
  });

  // Drains run one after the other: a test's drain and the background one never take the same message.
  let draining: Promise<void> = Promise.resolve();
  const drain = (options: { concurrency?: number; compute?: boolean } = {}): Promise<void> => {
    const compute = options.compute ?? true;
    const next = draining.then(async () => {
      while (ingestQueue.size > 0 || (compute && computeQueue.size > 0)) {
        await ingestQueue.drain(options.concurrency);
        if (compute) await computeQueue.drain(options.concurrency);
      }
    });
    draining = next.catch(() => undefined);
    return next;
  };

  return {
    runtime: rt,
    endpoints,
    staffToken,
    setClock(now) {
      clock = now ?? (() => new Date());
    },
    drain,
    async replayDeadLetters() {
      const moved = ingestQueue.replay() + computeQueue.replay();
      await drain();
      return moved;
    },
    autoDrain: (intervalMs, afterWork) => autoDrainer(drain, () => ingestQueue.size + computeQueue.size, rt, intervalMs, afterWork),
    deadLetters: () => [...ingestQueue.deadLetters, ...computeQueue.deadLetters],
    sentEmails: () => ses.outbox.list(),
    relay: relay?.label ?? null,
    takeRestored() {
      const keys = restored;
      restored = [];
      return keys;
    },
    async stop() {
      unregister();
      rt.clients.s3.destroy();
      rt.clients.dynamo.destroy();
      rt.clients.ses.destroy();
      relay?.close();
      await s3.close();
      await close(dynamo);
      await ses.close();
      resetRuntime();
      if (stateDir) await rm(stateDir, { recursive: true, force: true });
    },
  };
}

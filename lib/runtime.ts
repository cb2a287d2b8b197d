import { Logger } from '@aws-lambda-powertools/logger';
import { RedactingLogFormatter } from './log/redact';
import { AccountStore } from './store/account-store';
import { AuditStore } from './store/audit-log';
import { readConfig, type RuntimeConfig } from './store/config';
import { createClients, type Clients } from './store/clients';
import { computeQueue, type ComputeQueue } from './store/compute-queue';
import { EvidenceStore } from './store/evidence-store';
import { FactStore } from './store/fact-store';
import { FileEventStore } from './store/file-event-store';
import { InputStore } from './store/input-store';
import { LinkStore } from './store/link-store';
import { ObjectStore } from './store/object-store';
import { ReferentialStore } from './store/referential-store';
import { ReminderStore } from './store/reminder-store';
import { ResultStore } from './store/result-store';
import { SelfEvaluationStore } from './store/self-evaluation-store';
import { WaitingFileStore } from './store/waiting-store';
import { portalSecrets, type PortalSecrets } from './store/secrets';
import { LoginAttemptStore, SessionStore } from './store/session-store';

/** What a handler needs, built once per cold start from the environment (same code in both runtimes). */
export interface Runtime {
  config: RuntimeConfig;
  clients: Clients;
  /** Establishments, targetings, objectives, calendars, parameters, and the regions and years known. */
  referential: ReferentialStore;
  /** What the extracts give: MO, CPAM, Open PHMEV and DMI facts. */
  facts: FactStore;
  /** The indicators' results of each region and year. */
  results: ResultStore;
  /** The establishments' evidence uploads and their outcome. */
  evidence: EvidenceStore;
  /** One record per received file's event: claimed, finished or failed (lib/pipeline/ingest.ts). */
  fileEvents: FileEventStore;
  /** Reminder and digest markers, and the addresses SES said not to write to. */
  reminders: ReminderStore;
  objects: ObjectStore;
  /** Personal upload links (lib/portal). */
  links: LinkStore;
  secrets: PortalSecrets;
  /** Every write's who, when, what, before and after (lib/store/audit-log.ts). */
  audit: AuditStore;
  /** The self-evaluation reports and their versions (lib/domain/self-evaluation.ts). */
  reports: SelfEvaluationStore;
  /** Local accounts, their sessions and failed logins (embedded default; Cognito on AWS). */
  accounts: AccountStore;
  sessions: SessionStore;
  loginAttempts: LoginAttemptStore;
  /** Extracts that named establishments before the referential did (lib/pipeline/ingest.ts). */
  waiting: WaitingFileStore;
  /** OMéDIT's inputs: sent from its page, or dropped by script (lib/portal/inputs.ts). */
  inputs: InputStore;
  computeQueue: ComputeQueue;
  logger: Logger;
  now: () => Date;
}

export function createRuntime(env: NodeJS.ProcessEnv = process.env): Runtime {
  const config = readConfig(env);
  const clients = createClients(config);
  return {
    config,
    clients,
    referential: new ReferentialStore(clients.dynamo, config.CAQES_TABLE),
    facts: new FactStore(clients.dynamo, config.CAQES_TABLE),
    results: new ResultStore(clients.dynamo, config.CAQES_TABLE),
    evidence: new EvidenceStore(clients.dynamo, config.CAQES_TABLE),
    fileEvents: new FileEventStore(clients.dynamo, config.CAQES_TABLE),
    reminders: new ReminderStore(clients.dynamo, config.CAQES_TABLE),
    objects: new ObjectStore(clients.s3, config.CAQES_BUCKET, { copySourceAsUri: Boolean(config.CAQES_S3_ENDPOINT), localDirectory: config.CAQES_S3_DIRECTORY }),
    links: new LinkStore(clients.dynamo, config.CAQES_TABLE),
    secrets: portalSecrets(config, clients.secrets),
    audit: new AuditStore(clients.dynamo, config.CAQES_TABLE),
    reports: new SelfEvaluationStore(clients.dynamo, config.CAQES_TABLE),
    accounts: new AccountStore(clients.dynamo, config.CAQES_TABLE),
    sessions: new SessionStore(clients.dynamo, config.CAQES_TABLE),
    loginAttempts: new LoginAttemptStore(clients.dynamo, config.CAQES_TABLE),
    waiting: new WaitingFileStore(clients.dynamo, config.CAQES_TABLE),
    inputs: new InputStore(clients.dynamo, config.CAQES_TABLE),
    computeQueue: computeQueue(config.CAQES_COMPUTE_QUEUE_URL, clients.sqs),
    logger: new Logger({ serviceName: 'caqes', logFormatter: new RedactingLogFormatter() }),
    now: () => new Date(),
  };
}

let cached: Runtime | undefined;

/** The runtime of this process, created on first use (after the embedded default set the environment). */
export function runtime(): Runtime {
  cached ??= createRuntime();
  return cached;
}

/** Forgets the cached runtime: the embedded default restarts emulators on new ports between runs. */
export function resetRuntime(): void {
  cached = undefined;
}

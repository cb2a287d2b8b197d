/**
 * The single-machine runtime's state folder (`--state DIR`): what the embedded default keeps between
 * processes. The emulators' own stores hold the data (s3rver's folder, dynalite's LevelDB, so accounts,
 * sessions, links, markers and reports live in the table as on AWS); beside them, the secrets AWS
 * keeps in Secrets Manager, the e-mails kept when no relay is configured, and the daily jobs' last
 * runs. One process at a time opens it (a lock file); a state it cannot read is refused with which
 * file and what to do, never reset.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { assertLevelStoreOpens } from './level-check';
import { alive } from './stale-state';
import { StateError } from './state-error';

export { StateError };

export const STATE_FORMAT = 'caqes-state';
export const STATE_VERSION = 1;

export const StateManifest = z.object({
  format: z.literal(STATE_FORMAT),
  version: z.number().int().positive(),
  createdAt: z.string(),
  /** The portal's address the last `caqes serve` gave: personal links issued by other commands point there. */
  portalUrl: z.string().url().optional(),
  /**
   * How far the state's clock is from real time (`caqes serve --today`): every command on the state
   * reads the same simulated time, so what one writes (an account, a session) the others date alike.
   */
  clockOffsetMs: z.number().int().optional(),
});
export type StateManifest = z.infer<typeof StateManifest>;

/** What AWS keeps in Secrets Manager: the link-signing key and the machine credential of `caqes link`. */
export const StateSecrets = z.object({ linkKey: z.string().min(32), staffToken: z.string().min(32) });
export type StateSecrets = z.infer<typeof StateSecrets>;

/** Who holds the state: a `caqes serve` says where its portal and emulators answer, for `user`, `link`, `report`. */
export const StateLock = z.object({
  pid: z.number().int().positive(),
  command: z.string(),
  startedAt: z.string(),
  portalUrl: z.string().url().optional(),
  dynamodb: z.string().url().optional(),
  s3: z.string().url().optional(),
});
export type StateLock = z.infer<typeof StateLock>;

/** The daily jobs' last run, by job: the Paris day it ran for. */
export const JobRuns = z.record(z.string(), z.string().regex(/^\d{4}-\d{2}-\d{2}$/));
export type JobRuns = z.infer<typeof JobRuns>;

export interface StatePaths {
  dir: string;
  manifest: string;
  secrets: string;
  lock: string;
  jobs: string;
  s3: string;
  dynamodb: string;
  mail: string;
  /** The S3 events not yet ingested (lib/local/queue-journal.ts). */
  ingestQueue: string;
}

export function statePaths(dir: string): StatePaths {
  const root = resolve(dir);
  return {
    dir: root,
    manifest: join(root, 'caqes-state.json'),
    secrets: join(root, 'secrets.json'),
    lock: join(root, 'lock.json'),
    jobs: join(root, 'jobs.json'),
    s3: join(root, 's3'),
    dynamodb: join(root, 'dynamodb'),
    mail: join(root, 'mail'),
    ingestQueue: join(root, 'queue', 'ingest'),
  };
}

/** `caqes serve`'s state folder when none is given: `CAQES_STATE`, else the user's data folder. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CAQES_STATE) return env.CAQES_STATE;
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'caqes', 'etat');
}

const RESTORE_HINT = 'restaurez la dernière sauvegarde (caqes restore --state DOSSIER_VIDE --from SAUVEGARDE) ou indiquez un autre dossier avec --state';

/** A JSON file of the state read against its schema; a missing one is `null`, an unreadable one a StateError. */
export async function readStateFile<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StateError(`état local illisible : impossible de lire ${path} (${(error as NodeJS.ErrnoException).code ?? 'erreur'}) ; vérifiez ses droits`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StateError(`état local endommagé : ${path} n’est pas du JSON valide ; ${RESTORE_HINT}`);
  }
  const checked = schema.safeParse(parsed);
  if (!checked.success) throw new StateError(`état local endommagé : ${path} n’a pas le contenu attendu ; ${RESTORE_HINT}`);
  return checked.data;
}

/** Written whole or not at all: a crash mid-write leaves the previous content. */
export async function writeStateFile(path: string, value: unknown, mode = 0o600): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(value, null, 2) + '\n', { mode });
  await rename(temporary, path);
}

/** The process holding the state (this one included), if it is alive: a lock left by a crashed one is not. */
export async function stateHolder(dir: string): Promise<StateLock | null> {
  const lock = await readStateFile(statePaths(dir).lock, StateLock).catch(() => null);
  return lock && (lock.pid === process.pid || alive(lock.pid)) ? lock : null;
}

/** Checks the folder is a CAQES state (or empty, then makes it one) and returns its manifest. */
async function ensureManifest(paths: StatePaths): Promise<StateManifest> {
  const existing = await readStateFile(paths.manifest, StateManifest);
  if (existing) {
    if (existing.version > STATE_VERSION) {
      throw new StateError(`état local d’une version plus récente (${existing.version}) que ce caqes (${STATE_VERSION}) : ${paths.manifest} ; mettez caqes à jour`);
    }
    return existing;
  }
  const entries = await readdir(paths.dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw new StateError(`dossier d’état inaccessible : ${paths.dir} (${error.code ?? 'erreur'})`);
  });
  if (entries.length > 0) {
    throw new StateError(
      `${paths.dir} n’est pas un dossier d’état CAQES (il contient d’autres fichiers et pas de caqes-state.json) : indiquez un dossier vide ou inexistant, ou le dossier d’état déjà créé par caqes`,
    );
  }
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  const manifest: StateManifest = { format: STATE_FORMAT, version: STATE_VERSION, createdAt: new Date().toISOString() };
  await writeStateFile(paths.manifest, manifest);
  return manifest;
}

async function ensureSecrets(paths: StatePaths, fresh: boolean): Promise<StateSecrets> {
  const existing = await readStateFile(paths.secrets, StateSecrets);
  if (existing) return existing;
  if (!fresh) {
    // A state with data but no key: a new key would silently refuse every link already sent.
    throw new StateError(`état local incomplet : ${paths.secrets} manque (la clé des liens personnels) ; ${RESTORE_HINT}`);
  }
  const secrets: StateSecrets = { linkKey: randomBytes(32).toString('base64url'), staffToken: randomBytes(32).toString('base64url') };
  await writeStateFile(paths.secrets, secrets);
  return secrets;
}

/** A state folder opened by this process, which holds its lock until `release`. */
export interface LocalState {
  paths: StatePaths;
  manifest: StateManifest;
  secrets: StateSecrets;
  /**
   * Whether the last process that held the state ended without releasing it (killed, or the machine
   * stopped): what it was writing may be left half done.
   */
  afterCrash: boolean;
  /** Says in the lock where this process's portal and DynamoDB answer (`caqes serve`). */
  announce(details: Pick<StateLock, 'portalUrl' | 'dynamodb' | 's3'>): Promise<void>;
  /** Records the portal's address in the manifest: links issued later by other commands point there. */
  setPortalUrl(url: string): Promise<void>;
  /** Records the state's clock offset from real time (0: the real clock). */
  setClockOffset(offsetMs: number): Promise<void>;
  readJobRuns(): Promise<JobRuns>;
  writeJobRuns(runs: JobRuns): Promise<void>;
  release(): Promise<void>;
}

async function takeLock(paths: StatePaths, command: string): Promise<StateLock> {
  const holder = await stateHolder(paths.dir);
  if (holder) {
    throw new StateError(
      `l’état ${paths.dir} est utilisé par « caqes ${holder.command} » (processus ${holder.pid}, depuis ${holder.startedAt}) : attendez sa fin ou arrêtez-le${holder.portalUrl ? ` ; pendant qu’il tourne, déposez les fichiers par le portail ${holder.portalUrl}` : ''}`,
    );
  }
  const lock: StateLock = { pid: process.pid, command, startedAt: new Date().toISOString() };
  await writeStateFile(paths.lock, lock);
  return lock;
}

/**
 * Opens (or creates, when missing or empty) a state folder for `command` and takes its lock.
 * @throws StateError for a folder that is not a CAQES state, a damaged or missing file, or a state in use by another process.
 */
export async function openState(dir: string, command: string): Promise<LocalState> {
  const paths = statePaths(dir);
  let manifest = await ensureManifest(paths);
  const fresh = !(await readdir(paths.dynamodb).then((e) => e.length > 0).catch(() => false));
  const secrets = await ensureSecrets(paths, fresh);
  // A lock file still there once no live process holds it was left by one that never released it.
  const afterCrash = await stat(paths.lock).then(() => true, () => false);
  let lock = await takeLock(paths, command);
  try {
    await assertLevelStoreOpens(paths.dynamodb);
  } catch (error) {
    await rm(paths.lock, { force: true });
    throw error;
  }
  await mkdir(paths.s3, { recursive: true });
  await mkdir(paths.mail, { recursive: true });
  return {
    paths,
    manifest,
    secrets,
    afterCrash,
    async announce(details) {
      lock = { ...lock, ...details };
      await writeStateFile(paths.lock, lock);
    },
    async setPortalUrl(url) {
      manifest = { ...manifest, portalUrl: url };
      await writeStateFile(paths.manifest, manifest);
    },
    async setClockOffset(offsetMs) {
      manifest = { ...manifest, clockOffsetMs: offsetMs };
      await writeStateFile(paths.manifest, manifest);
    },
    async readJobRuns() {
      return (await readStateFile(paths.jobs, JobRuns)) ?? {};
    },
    writeJobRuns: (runs) => writeStateFile(paths.jobs, runs),
    async release() {
      const current = await readStateFile(paths.lock, StateLock).catch(() => null);
      if (current?.pid === process.pid) await rm(paths.lock, { force: true });
    },
  };
}

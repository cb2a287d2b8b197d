import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { campaignYear } from '../domain/campaign';
import { ANNUAL_DEADLINE } from '../domain/evidence';
import { deadlineRequirements } from '../domain/owed';
import { formatFrenchDate } from '../io/french';
import { LOCAL_BUCKET, LOCAL_TABLE, type Embedded } from '../local/embedded';
import { clockBanner } from '../local/clock-banner';
import { scheduleDailyJobs, type JobScheduler } from '../local/daily-jobs';
import { serveHttpApi } from '../local/http-api';
import { localContext, scheduledEvent } from '../local/invoke';
import { offsetClock, simulatedOffset } from '../local/simulated-clock';
import { startLocal } from '../local/single-machine';
import type { JobRuns } from '../local/state';
import { createAccount, localDirectory } from '../portal/accounts';
import { auditLog } from '../store/audit-log';
import { deadlineGroups } from '../portal/deadline-status';
import { issueLink, linkDeps, LINK_VALIDITY_DAYS } from '../portal/links';
import { ROLE_LABELS } from '../portal/permissions';
import { openRegionReports } from '../pipeline/self-evaluation';
import type { StaffRole } from '../store/account-store';
import { runOnEmbedded } from './run';
import { UsageError } from './usage';

/** Where a running `caqes serve` says how to reach it, for `caqes link` and `caqes user` (readable by its user only). */
export function serveStatePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CAQES_SERVE_STATE ?? join(tmpdir(), 'caqes-serve.json');
}

/**
 * What `caqes serve` writes there: its address and machine credential (`caqes link`), its local
 * DynamoDB (`caqes user`).
 */
export const ServeState = z.object({
  url: z.string().url(),
  staffToken: z.string().min(1),
  dynamodb: z.string().url(),
  table: z.string().min(1),
  bucket: z.string().min(1),
});
export type ServeState = z.infer<typeof ServeState>;

/**
 * The running `caqes serve`'s state.
 * @throws UsageError when none is running, saying `otherwise` what else to do.
 */
export async function readServeState(otherwise: string, env: NodeJS.ProcessEnv = process.env): Promise<ServeState> {
  let raw: string;
  try {
    raw = await readFile(serveStatePath(env), 'utf8');
  } catch {
    throw new UsageError(`aucun portail local en cours : lancez d’abord « caqes serve »${otherwise}`);
  }
  return ServeState.parse(JSON.parse(raw));
}

export interface ServeOptions {
  /** 0 picks a free port. */
  port: number;
  /** A folder laid out like the drop zone, loaded first as `caqes run` does. */
  dataDir?: string;
  /** The day the loaded folder is processed on (its reminders are sent for that day). */
  today: string;
  /** `--today` given: the portal's clock starts on that day and moves forward with real time. */
  simulated?: boolean;
  /** The state folder (`--state`): data, accounts, links and markers kept between runs. Without it, a temporary one. */
  stateDir?: string;
  /** Runs the daily jobs (reminders 06:00, summaries 06:30, Paris) inside the process, as `caqes serve` does. */
  dailyJobs?: boolean;
  /** How often the daily jobs are checked (tests shorten it). */
  jobsIntervalMs?: number;
}

export interface ServedLink {
  finess: string;
  name: string;
  campaign: string;
  url: string;
}

/** An account `caqes serve` made for the session, with its password (printed once). */
export interface ServedAccount {
  email: string;
  role: StaffRole;
  regions: string[];
  password: string;
}

export interface Serving {
  url: string;
  /** The staff page (OMéDIT, readers, administrator), where one signs in. */
  omeditUrl: string;
  /** The machine credential of `caqes link` (in the state file, never printed). */
  staffToken: string;
  /** An OMéDIT account over the regions loaded (when there are some), and an administrator, unless the state already has them. */
  accounts: ServedAccount[];
  /** The state folder, or null when everything is removed at the end. */
  stateDir: string | null;
  /** The day the portal's clock started on, when simulated (`--today`). */
  simulatedFrom: string | null;
  /** The SMTP relay e-mails go through, or null when they are kept in the state folder (`caqes mail list`). */
  relay: string | null;
  /** The daily jobs (reminders 06:00, summaries 06:30, Paris), when asked for: `tick` runs what is due now. */
  jobs: JobScheduler | null;
  /** A personal link for each establishment that owes something for the latest campaign. */
  links: ServedLink[];
  /** The self-evaluation reports opened for the session: per year, how many contracts. */
  reports: { year: number; contracts: number }[];
  embedded: Embedded;
  stop(): Promise<void>;
}

/** How often the background drain looks for uploads: a file is checked within a second or two. */
const DRAIN_INTERVAL_MS = 250;


/**
 * A link for each establishment owing documents for the latest campaign that asks for any (the
 * calendar may end with a deadline that asks for no file, such as the annual self-evaluation).
 */
async function linksToShow(embedded: Embedded): Promise<ServedLink[]> {
  const rt = embedded.runtime;
  const deadlines = await rt.referential.listDeadlines();
  const campaigns = [...new Set(deadlineGroups(deadlines).reverse().map((rows) => rows[0]!.campaign))];
  const regions = await rt.referential.listRegions();
  for (const campaign of campaigns) {
    const groups = deadlineGroups(deadlines.filter((d) => d.campaign === campaign)).map((rows) => rows[0]!);
    const owing = [];
    for (const { region } of regions) {
      const targetings = await rt.referential.listTargetings(region, campaignYear(campaign));
      for (const e of await rt.referential.listEstablishments(region)) {
        const mine = new Set(targetings.filter((t) => t.finess === e.finess).map((t) => t.indicator));
        if (groups.some((d) => deadlineRequirements(d, deadlines, mine).length > 0)) owing.push({ region, establishment: e });
      }
    }
    if (owing.length === 0) continue;
    const out: ServedLink[] = [];
    for (const { region, establishment: e } of owing) {
      const link = await issueLink(linkDeps(rt), { region, campaign, finess: e.finess, issuedBy: 'caqes serve' });
      out.push({ finess: e.finess, name: e.raisonSociale, campaign, url: link.url });
    }
    return out;
  }
  return [];
}

/**
 * Opens the self-evaluation reports of every year the calendar gives an `auto_evaluation` deadline,
 * in every region loaded, as OMéDIT would at the start of the evaluation (recorded as `caqes serve`).
 */
async function openReports(embedded: Embedded): Promise<Serving['reports']> {
  const rt = embedded.runtime;
  const years = [...new Set((await rt.referential.listDeadlines()).filter((d) => d.id === ANNUAL_DEADLINE).map((d) => d.year))].sort();
  const audit = auditLog(rt.audit, rt.now);
  const out: Serving['reports'] = [];
  for (const year of years) {
    let contracts = 0;
    for (const { region } of await rt.referential.listRegions()) {
      const opened = await openRegionReports(rt, region, year, { kind: 'machine', id: 'caqes serve', finess: null }, rt.now().toISOString());
      if (opened.length > 0) await audit.record({ region, actor: { kind: 'machine', id: 'caqes serve' }, action: 'report.opened', target: String(year), after: { year, opened: opened.length } });
      contracts += opened.length;
    }
    if (contracts > 0) out.push({ year, contracts });
  }
  return out;
}

/**
 * Accounts to sign in with right away: an OMéDIT pharmacist of every region loaded, and the
 * platform's administrator (who creates the others, or `caqes user add`). Recorded in the platform's
 * audit log as made by `caqes serve`.
 */
async function sessionAccounts(embedded: Embedded): Promise<ServedAccount[]> {
  const rt = embedded.runtime;
  const deps = { directory: localDirectory(rt.accounts, rt.now), audit: auditLog(rt.audit, rt.now) };
  const regions = (await rt.referential.listRegions()).map((r) => r.region).sort();
  // A state kept from an earlier run has its accounts already: their passwords were printed then.
  const existing = new Set((await deps.directory.list()).map((a) => a.email));
  const wanted: { email: string; role: StaffRole; regions: string[] }[] = [
    ...(regions.length > 0 ? [{ email: 'omedit@caqes.test', role: 'omedit' as const, regions }] : []),
    { email: 'admin@caqes.test', role: 'admin' as const, regions: [] },
  ].filter((a) => !existing.has(a.email));
  const out: ServedAccount[] = [];
  for (const account of wanted) {
    const created = await createAccount(deps, account, { kind: 'machine', id: 'caqes serve' });
    out.push({ ...account, password: created.temporaryPassword! });
  }
  return out;
}

/**
 * Serves the portal (both pages and the API) on 127.0.0.1 over the embedded default: the same API
 * function Lambda runs, behind a local stand-in for API Gateway; uploads go from the browser
 * straight to the local S3 with their pre-signed POST and are ingested by a background drain.
 *
 * @example
 * const serving = await startServe({ port: 0, dataDir: 'events/sample', today: '2026-02-23' });
 * console.log(serving.omeditUrl);
 * await serving.stop();
 * @throws UsageError when the port is taken.
 */
export async function startServe(options: ServeOptions): Promise<Serving> {
  const http = await serveHttpApi(options.port).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') throw new UsageError(`le port ${options.port} est déjà utilisé : choisissez-en un autre avec --port`);
    throw error;
  });
  const local = await startLocal({ stateDir: options.stateDir, command: 'serve', portalUrl: http.url }).catch((error: unknown) => {
    http.server.close();
    throw error;
  });
  const { embedded, state } = local;
  const workDir = await mkdtemp(join(tmpdir(), 'caqes-serve-'));
  let stopDrain: () => Promise<void> = async () => undefined;
  let jobs: JobScheduler | undefined;
  try {
    await state?.setPortalUrl(http.url);
    await state?.announce({ portalUrl: http.url, dynamodb: embedded.endpoints.dynamodb, s3: embedded.endpoints.s3 });
    // Imported once the environment points at the emulators, as the embedded default does for its handlers.
    const api = await import('../../functions/api/handler');
    http.setHandler((event, context) => api.handler(event, context));
    if (options.dataDir) {
      await runOnEmbedded(embedded, { dataDir: options.dataDir, today: options.today, outDir: join(workDir, 'run'), onlyNew: state !== null });
    }
    // The folder was processed on `today`; from now on the clock moves: from `today` when simulated, else the real one.
    const offset = options.simulated ? simulatedOffset(options.today) : 0;
    embedded.setClock(offset ? offsetClock(offset) : undefined);
    await state?.setClockOffset(offset);
    if (options.simulated) http.setPageNotice(() => clockBanner(embedded.runtime.now(), options.today));
    if (options.dailyJobs) jobs = dailyJobs(embedded, options.jobsIntervalMs, state ? { read: () => state.readJobRuns(), write: (r) => state.writeJobRuns(r) } : undefined);
    // Uploads are ingested as Lambda would consume the queues; compute rebuilds the touched summaries.
    stopDrain = embedded.autoDrain(DRAIN_INTERVAL_MS);
    const links = await linksToShow(embedded);
    const accounts = await sessionAccounts(embedded);
    const reports = await openReports(embedded);
    const statePath = serveStatePath();
    const serveState: ServeState = { url: http.url, staffToken: embedded.staffToken, dynamodb: embedded.endpoints.dynamodb, table: LOCAL_TABLE, bucket: LOCAL_BUCKET };
    await writeFile(statePath, JSON.stringify(serveState), { mode: 0o600 });
    return {
      url: http.url,
      omeditUrl: `${http.url}/omedit`,
      staffToken: embedded.staffToken,
      accounts,
      links,
      reports,
      embedded,
      stateDir: state?.paths.dir ?? null,
      simulatedFrom: options.simulated ? options.today : null,
      relay: embedded.relay,
      jobs: jobs ?? null,
      async stop() {
        await jobs?.stop();
        await stopDrain();
        await new Promise<void>((resolve) => {
          http.server.closeAllConnections();
          http.server.close(() => resolve());
        });
        await local.stop();
        await rm(statePath, { force: true });
        await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await jobs?.stop();
    await stopDrain();
    http.server.close();
    await local.stop();
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

/** How often `caqes serve` looks whether a daily job is due. */
const JOBS_INTERVAL_MS = 30_000;

/**
 * The daily reminder and summary jobs, invoked as EventBridge invokes the functions on AWS, on the
 * runtime's clock; their last runs are kept in the state folder (in memory without one).
 */
function dailyJobs(embedded: Embedded, intervalMs = JOBS_INTERVAL_MS, kept?: { read(): Promise<JobRuns>; write(runs: JobRuns): Promise<void> }): JobScheduler {
  let memory: JobRuns = {};
  const rt = embedded.runtime;
  return scheduleDailyJobs({
    now: rt.now,
    intervalMs,
    runs: kept ?? { read: async () => memory, write: async (runs) => void (memory = runs) },
    onError: (job, error) => rt.logger.error('daily job failed', { job, error: error as Error }),
    jobs: [
      {
        name: 'remind',
        at: '06:00',
        async run(day) {
          const remind = await import('../../functions/remind/handler');
          await remind.handler(scheduledEvent(day), localContext('caqes-remind'));
        },
      },
      {
        name: 'summarize',
        at: '06:30',
        async run(day) {
          const summarize = await import('../../functions/summarize/handler');
          await summarize.handler(scheduledEvent(day), localContext('caqes-summarize'));
        },
      },
    ],
  });
}

/** What `caqes serve` prints, in French. */
export function renderServing(serving: Serving, shown = 10): string {
  const lines = [
    `Portail CAQES local (S3, DynamoDB et SES locaux) : ${serving.url}`,
    '',
    serving.stateDir
      ? `État conservé entre les lancements (données, comptes, liens, relances) : ${serving.stateDir}`
      : 'État temporaire : tout est effacé à l’arrêt (--state DOSSIER pour le conserver).',
    ...(serving.simulatedFrom
      ? [`Horloge simulée : partie du ${formatFrenchDate(serving.simulatedFrom)} à l’heure réelle, elle avance avec le temps réel (sans --today : la date du jour).`]
      : []),
    ...(serving.jobs ? ['Tâches quotidiennes (heure de Paris) : relances à 6 h 00, synthèses à 6 h 30 ; un jour manqué pendant un arrêt est rattrapé une fois.'] : []),
    serving.relay
      ? `E-mails envoyés par le relais SMTP ${serving.relay}.`
      : `Aucun relais SMTP configuré : les e-mails sont conservés localement (caqes mail list${serving.stateDir ? ` --state ${serving.stateDir}` : ''}).`,
    '',
    `Espace OMéDIT, ARS, Assurance Maladie et administration : ${serving.omeditUrl}`,
    `Fichiers de la campagne (référentiel, calendrier, extraits, modèles) : ${serving.omeditUrl}/fichiers`,
    ...(serving.accounts.length > 0
      ? [
          'Comptes créés (mots de passe affichés une seule fois) :',
          ...serving.accounts.map((a) => `  ${ROLE_LABELS[a.role]}${a.regions.length > 0 ? ` (${a.regions.join(', ')})` : ''} : ${a.email} / ${a.password}`),
        ]
      : ['Comptes : ceux de l’état (mot de passe oublié : caqes user reset --email E).']),
    '  D’autres comptes : caqes user add --role omedit|ars|assurance_maladie|admin --region R --email E',
    '',
  ];
  if (serving.links.length === 0) {
    lines.push('Aucun établissement n’a de document attendu : chargez un dossier avec --data, ou créez un lien avec caqes link.');
  } else {
    lines.push(`Liens de dépôt personnels (campagne ${serving.links[0]!.campaign}, valables ${LINK_VALIDITY_DAYS} jours) :`);
    for (const link of serving.links.slice(0, shown)) lines.push(`  ${link.name} (${link.finess}) :`, `    ${link.url}`);
    if (serving.links.length > shown) lines.push(`  … et ${serving.links.length - shown} autre(s) : caqes link --finess F --campaign C`);
  }
  for (const r of serving.reports) {
    lines.push('', `Rapports annuels d’auto-évaluation ${r.year} ouverts pour ${r.contracts} contrat(s) : chaque lien de dépôt d’une campagne ${r.year} mène au rapport de son contrat ; l’OMéDIT les suit, les évalue et les rouvre depuis son espace.`);
  }
  lines.push('', 'Les fichiers déposés sont vérifiés dans la seconde ; les synthèses sont refaites après chaque dépôt.', 'Arrêt : Ctrl+C');
  return lines.join('\n');
}

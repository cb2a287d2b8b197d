import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { campaignYear } from '../domain/campaign';
import { ANNUAL_DEADLINE } from '../domain/evidence';
import { deadlineRequirements } from '../domain/owed';
import { LOCAL_BUCKET, LOCAL_TABLE, startEmbedded, type Embedded } from '../local/embedded';
import { serveHttpApi } from '../local/http-api';
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
  /** An OMéDIT account over the regions loaded (when there are some), and an administrator. */
  accounts: ServedAccount[];
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
  const deadlines = await rt.store.listDeadlines();
  const campaigns = [...new Set(deadlineGroups(deadlines).reverse().map((rows) => rows[0]!.campaign))];
  const regions = await rt.store.listRegions();
  for (const campaign of campaigns) {
    const groups = deadlineGroups(deadlines.filter((d) => d.campaign === campaign)).map((rows) => rows[0]!);
    const owing = [];
    for (const { region } of regions) {
      const targetings = await rt.store.listTargetings(region, campaignYear(campaign));
      for (const e of await rt.store.listEstablishments(region)) {
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
  const years = [...new Set((await rt.store.listDeadlines()).filter((d) => d.id === ANNUAL_DEADLINE).map((d) => d.year))].sort();
  const audit = auditLog(rt.audit, rt.now);
  const out: Serving['reports'] = [];
  for (const year of years) {
    let contracts = 0;
    for (const { region } of await rt.store.listRegions()) {
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
  const regions = (await rt.store.listRegions()).map((r) => r.region).sort();
  const wanted: { email: string; role: StaffRole; regions: string[] }[] = [
    ...(regions.length > 0 ? [{ email: 'omedit@caqes.test', role: 'omedit' as const, regions }] : []),
    { email: 'admin@caqes.test', role: 'admin', regions: [] },
  ];
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
  const embedded = await startEmbedded({ portalUrl: http.url });
  const workDir = await mkdtemp(join(tmpdir(), 'caqes-serve-'));
  let stopDrain: () => Promise<void> = async () => undefined;
  try {
    // Imported once the environment points at the emulators, as the embedded default does for its handlers.
    const api = await import('../../functions/api/handler');
    http.setHandler((event, context) => api.handler(event, context));
    if (options.dataDir) {
      await runOnEmbedded(embedded, { dataDir: options.dataDir, today: options.today, outDir: join(workDir, 'run') });
      // The folder was processed on `today`; what the browser sends from now on arrives now.
      embedded.setClock();
    }
    // Uploads are ingested as Lambda would consume the queues; compute rebuilds the touched summaries.
    stopDrain = embedded.autoDrain(DRAIN_INTERVAL_MS);
    const links = await linksToShow(embedded);
    const accounts = await sessionAccounts(embedded);
    const reports = await openReports(embedded);
    const statePath = serveStatePath();
    const state: ServeState = { url: http.url, staffToken: embedded.staffToken, dynamodb: embedded.endpoints.dynamodb, table: LOCAL_TABLE, bucket: LOCAL_BUCKET };
    await writeFile(statePath, JSON.stringify(state), { mode: 0o600 });
    return {
      url: http.url,
      omeditUrl: `${http.url}/omedit`,
      staffToken: embedded.staffToken,
      accounts,
      links,
      reports,
      embedded,
      async stop() {
        await stopDrain();
        await new Promise<void>((resolve) => {
          http.server.closeAllConnections();
          http.server.close(() => resolve());
        });
        await embedded.stop();
        await rm(statePath, { force: true });
        await rm(workDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopDrain();
    http.server.close();
    await embedded.stop();
    await rm(workDir, { recursive: true, force: true });
    throw error;
  }
}

/** What `caqes serve` prints, in French. */
export function renderServing(serving: Serving, shown = 10): string {
  const lines = [
    `Portail CAQES local (S3, DynamoDB et SES locaux) : ${serving.url}`,
    '',
    `Espace OMéDIT, ARS, Assurance Maladie et administration : ${serving.omeditUrl}`,
    'Comptes créés pour cette session (mots de passe affichés une seule fois) :',
    ...serving.accounts.map((a) => `  ${ROLE_LABELS[a.role]}${a.regions.length > 0 ? ` (${a.regions.join(', ')})` : ''} : ${a.email} / ${a.password}`),
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

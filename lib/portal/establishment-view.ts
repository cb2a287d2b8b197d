/**
 * What an establishment's page shows: who it is, what it owes for which deadline of its link's
 * campaign, what it may upload, what it sent, and each file's validation result.
 */
import { campaignYear } from '../domain/campaign';
import { todayOf } from '../domain/clock';
import { daysBetween } from '../domain/reminders';
import { formatFrenchDate } from '../io/french';
import { ValidationReport } from '../formats/report';
import { documentKindLabel } from '../report/labels';
import type { EvidenceStore } from '../store/evidence-store';
import type { FileEventStore } from '../store/file-event-store';
import type { ObjectStore } from '../store/object-store';
import type { ReferentialStore } from '../store/referential-store';
import type { ResultStore } from '../store/result-store';
import { assertOwnEvidenceKey } from './access';
import type { EstablishmentCaller } from './caller';
import { deadlineGroups, deadlineStatuses, type DeadlineStatus } from './deadline-status';
import { apiErrors } from './errors';
import { kindRules, type KindRule } from './upload-policy';

/** What the pages read of the pipeline's stores: they never write there. */
export interface ViewDeps {
  referential: Pick<ReferentialStore, 'listRegions' | 'listEstablishments' | 'allEstablishments' | 'listTargetings' | 'listDeadlines' | 'listParameters'>;
  results: Pick<ResultStore, 'list'>;
  evidence: Pick<EvidenceStore, 'list'>;
  fileEvents: Pick<FileEventStore, 'list'>;
  objects: ObjectStore;
  /** The keys of the bucket under a prefix (lib/store/listing.ts). */
  listKeys(prefix: string): Promise<string[]>;
  now: () => Date;
}

export interface SentFile {
  key: string;
  kind: string;
  kindLabel: string;
  fileName: string;
  receivedAt: string;
  status: 'accepted' | 'rejected';
  errorCount: number;
}

export interface EstablishmentPage {
  establishment: { finess: string; name: string; region: string };
  campaign: string;
  link: { expiresAt: string; expiresOn: string };
  today: string;
  deadlines: (DeadlineStatus & { dateLabel: string; daysLeft: number })[];
  kinds: KindRule[];
  history: SentFile[];
}

/**
 * The establishment's page, for its own FINESS and campaign only (both from its link).
 * @throws ApiError 404 when the establishment has left the referential.
 */
export async function establishmentPage(caller: EstablishmentCaller, deps: ViewDeps): Promise<EstablishmentPage> {
  const { referential } = deps;
  const establishment = (await referential.listEstablishments(caller.region)).find((e) => e.finess === caller.finess);
  if (!establishment) throw apiErrors.unknownEstablishment(caller.finess);
  const today = todayOf(deps.now());
  const [deadlines, targetings, evidence] = await Promise.all([
    referential.listDeadlines(caller.region),
    referential.listTargetings(caller.region, campaignYear(caller.campaign)),
    deps.evidence.list(caller.region, caller.campaign),
  ]);
  const mine = evidence.filter((e) => e.finess === caller.finess);
  const targetedOn = new Set(targetings.filter((t) => t.finess === caller.finess).map((t) => t.indicator));
  const statuses = deadlineStatuses(deadlineGroups(deadlines.filter((d) => d.campaign === caller.campaign)), deadlines, targetedOn, mine, today);
  return {
    establishment: { finess: establishment.finess, name: establishment.raisonSociale, region: establishment.region },
    campaign: caller.campaign,
    link: { expiresAt: caller.expiresAt, expiresOn: formatFrenchDate(todayOf(new Date(caller.expiresAt))) },
    today,
    deadlines: statuses.map((s) => ({ ...s, dateLabel: formatFrenchDate(s.date), daysLeft: daysBetween(today, s.date) })),
    kinds: kindRules(),
    history: mine
      .sort((a, b) => b.order.localeCompare(a.order))
      .map((e) => ({
        key: e.source.key,
        kind: e.kind,
        kindLabel: documentKindLabel(e.kind),
        fileName: e.fileName,
        receivedAt: e.receivedAt,
        status: e.status,
        errorCount: e.errorCount,
      })),
  };
}

export interface FileResultIssue {
  severity: 'error' | 'warning';
  row: number | null;
  column: string | null;
  message: string;
}

export type FileResult =
  | { state: 'pending' }
  | {
      state: 'done';
      status: 'accepted' | 'rejected';
      fileName: string;
      kindLabel: string | null;
      rowsRead: number;
      rowsAccepted: number;
      errorCount: number;
      warningCount: number;
      /** More issues than listed: the counts stay exact. */
      truncated: boolean;
      issues: FileResultIssue[];
    };

/**
 * The validation result of one of the establishment's uploads: `pending` until ingest has written
 * the report of its newest event, then the report's outcome and issues (line, column, message).
 * @throws ApiError 403 for a key that is not one of the caller's own uploads.
 */
export async function fileResult(caller: EstablishmentCaller, key: string, deps: ViewDeps): Promise<FileResult> {
  assertOwnEvidenceKey(caller, key);
  return readFileResult(key, deps);
}

/**
 * The validation result of any drop-zone file, for a caller already checked: the establishment
 * itself (`fileResult`) or OMéDIT of the establishment's region.
 */
export async function readFileResult(key: string, deps: Pick<ViewDeps, 'fileEvents' | 'objects'>): Promise<FileResult> {
  const events = await deps.fileEvents.list(key);
  const done = events.filter((e) => e.status !== 'processing' && e.reportKey !== null).sort((a, b) => b.order.localeCompare(a.order))[0];
  if (!done?.reportKey) return { state: 'pending' };
  return reportResult(done.reportKey, deps);
}

/** The outcome and issues of one validation report, as the pages show them. */
export async function reportResult(reportKey: string, deps: Pick<ViewDeps, 'objects'>): Promise<FileResult> {
  const report = ValidationReport.parse(JSON.parse((await deps.objects.readBuffer(reportKey)).toString('utf8')));
  return {
    state: 'done',
    status: report.status,
    fileName: report.fileName,
    kindLabel: report.kindLabel,
    rowsRead: report.rowsRead,
    rowsAccepted: report.rowsAccepted,
    errorCount: report.errorCount,
    warningCount: report.warningCount,
    truncated: report.truncated,
    issues: report.issues.map((i) => ({ severity: i.severity, row: i.row, column: i.column, message: i.message })),
  };
}

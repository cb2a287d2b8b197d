/**
 * The self-evaluation report on the portal: an establishment reads, fills in and submits its
 * contract's report of its link's year; OMéDIT opens a year's reports, reads each (the ARS and the
 * Assurance Maladie too), evaluates it indicator by indicator and as a whole, reopens one with a
 * reason, and reads its history. Every write is a new version guarded by the version the page read.
 */
import { z } from 'zod';
import { campaignYear } from '../domain/campaign';
import { todayOf } from '../domain/clock';
import {
  checkDeclarations,
  Declarations,
  DmiReview,
  FinalResult,
  lockedMessage,
  recordFinal,
  reopenReport,
  reviewIndicator,
  saveDeclarations,
  SelfEvaluationError,
  type ReportActor,
  type SelfEvaluationReport,
} from '../domain/self-evaluation';
import type { ReportModel } from '../domain/self-evaluation-model';
import { IndicatorCode, IsoDate, Region } from '../domain/schemas';
import { contractReport, evidenceLock, openRegionReports, readRegionYear, regionReports, sourceFiles, type RegionYearReports } from '../pipeline/self-evaluation';
import { REPORT_CHANGE_LABELS, REPORT_STATUS_LABELS, reportActorLabel } from '../report/labels';
import { blockerText, instantLabel, reportView, type ReportView } from '../report/self-evaluation-view';
import { buildReportPage } from '../report/self-evaluation-page';
import type { SelfEvaluationStore } from '../store/self-evaluation-store';
import { assertRegion, can, visibleRegions } from './access';
import { actorOf } from './audit';
import { type AuditLog } from '../store/audit-log';
import type { Caller, EstablishmentCaller, StaffCaller } from './caller';
import type { ViewDeps } from './establishment-view';
import { apiErrors } from './errors';
import { attachment, type ApiResponse } from './http';

export interface ReportDeps extends ViewDeps {
  reports: SelfEvaluationStore;
  audit: AuditLog;
}

/** Who wrote a version: an establishment by its link (and the site it belongs to), staff by its account. */
function reportActor(caller: Caller): ReportActor {
  return { ...actorOf(caller), finess: caller.kind === 'establishment' ? caller.finess : null };
}

/** Domain refusals as the API answers them. */
function refusal(error: unknown): unknown {
  if (!(error instanceof SelfEvaluationError)) return error;
  switch (error.code) {
    case 'not-opened':
      return apiErrors.reportNotOpened(error.message);
    case 'locked':
      return apiErrors.reportLocked(error.message);
    case 'incomplete':
      return apiErrors.reportIncomplete(error.message, error.blockers);
    case 'invalid':
      return apiErrors.badRequest(error.message);
    default:
      return apiErrors.reportConflict(error.message);
  }
}

async function refused<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw refusal(error);
  }
}

interface Loaded {
  data: RegionYearReports;
  model: ReportModel;
  view: ReportView;
}

/** A contract's report as it stands today, what it was derived from, and its view. */
async function loadReport(deps: ReportDeps, region: string, year: number, contrat: string): Promise<Loaded> {
  const data = await readRegionYear(deps, region, year, todayOf(deps.now()));
  if (!regionReports(data).some((m) => m.contrat === contrat)) throw apiErrors.unknownContract(contrat, region, year);
  const model = contractReport(data, contrat);
  return { data, model, view: reportView(model, await sourceFiles(deps.fileEvents, model)) };
}

/** The establishment's contract and year: its link's FINESS and campaign say which. */
async function ownReport(caller: EstablishmentCaller, deps: ReportDeps) {
  const site = (await deps.referential.listEstablishments(caller.region)).find((e) => e.finess === caller.finess);
  if (!site) throw apiErrors.unknownEstablishment(caller.finess);
  return loadReport(deps, caller.region, campaignYear(caller.campaign), site.contrat);
}

function establishmentAnswer({ model, view }: Loaded) {
  const editable = model.status === 'not_started' || model.status === 'draft';
  return { ...view, audience: 'establishment' as const, editable, canSubmit: editable && view.blockers.length === 0 };
}

/**
 * The establishment's report (its contract's, of its link's year).
 * @throws ApiError 404 when its contract has no report that year (nothing targeted).
 */
export async function establishmentReport(caller: EstablishmentCaller, deps: ReportDeps) {
  return establishmentAnswer(await ownReport(caller, deps));
}

/** What the establishment's page sends: the version it read and everything it declares. */
export const SaveBody = z.object({ version: z.number().int().min(1), declarations: Declarations }).strict();

/**
 * Saves the establishment's declarations as a draft, or submits them (`submit`), as the next version.
 * @throws ApiError 404 not opened, 409 locked, submitted or saved meanwhile by another tab, 422
 * incomplete (with what is still empty), 400 a declaration the report does not ask.
 */
export async function saveEstablishmentReport(caller: EstablishmentCaller, body: z.infer<typeof SaveBody>, submit: boolean, deps: ReportDeps) {
  const { data, model } = await ownReport(caller, deps);
  const next = await refused(async () => {
    checkDeclarations(body.declarations, model.sections.map((s) => s.indicator));
    // What blocks a submission is judged on what is being submitted, with today's evidence.
    const blockers = submit && model.report ? blockersOf(data, { ...model.report, declarations: body.declarations }) : [];
    const saved = saveDeclarations(model.report, { declarations: body.declarations, expectedVersion: body.version, submit, blockers }, model.lock, reportActor(caller), deps.now().toISOString());
    await deps.reports.save(saved);
    return saved;
  });
  if (submit) {
    await deps.audit.record({ region: model.region, actor: actorOf(caller), action: 'report.submitted', target: model.contrat, after: { year: model.year, version: next.version, finess: caller.finess } });
  }
  return establishmentAnswer(await ownReport(caller, deps));
}

/** What keeps a report from being submitted, in French, were it as `candidate` says. */
function blockersOf(data: RegionYearReports, candidate: SelfEvaluationReport): string[] {
  const model = contractReport({ ...data, reports: new Map([[candidate.contrat, candidate]]) }, candidate.contrat);
  return model.sections.flatMap((s) => s.blockers.map((b) => blockerText(b, s.indicator)));
}

/** The establishment's report as a printable page, to save or print. */
export async function establishmentReportExport(caller: EstablishmentCaller, deps: ReportDeps): Promise<ApiResponse> {
  return exportOf((await ownReport(caller, deps)).view);
}

function exportOf(view: ReportView): ApiResponse {
  return attachment(buildReportPage(view), 'text/html; charset=utf-8', `CAQES-auto-evaluation-${view.year}-${view.contrat}.html`);
}

/** How staff names a report. */
export const ReportQuery = z.object({ region: Region, year: z.coerce.number().int().min(2000).max(2100), contrat: z.string().min(1).max(120) }).strict();
export type ReportQuery = z.infer<typeof ReportQuery>;

export const ReportsQuery = z.object({ region: Region.optional(), year: z.coerce.number().int().min(2000).max(2100) }).strict();

/**
 * Where every report of a year stands in the caller's regions (one region when asked).
 * @throws ApiError 403 for a region the caller may not see.
 */
export async function staffReports(caller: StaffCaller, query: z.infer<typeof ReportsQuery>, deps: ReportDeps) {
  if (query.region) assertRegion(caller, query.region);
  const regions = query.region ? [query.region] : visibleRegions(caller, (await deps.referential.listRegions()).map((r) => r.region));
  const today = todayOf(deps.now());
  const out = [];
  for (const region of regions.sort()) {
    for (const model of regionReports(await readRegionYear(deps, region, query.year, today))) {
      out.push({
        region,
        contrat: model.contrat,
        sites: model.sites.map((s) => ({ finess: s.finess, name: s.raisonSociale })),
        status: model.status,
        statusLabel: REPORT_STATUS_LABELS[model.status],
        blockers: model.report ? model.blockers.length : null,
        saved: model.report ? { by: reportActorLabel(model.report.savedBy), at: instantLabel(model.report.savedAt) } : null,
        deadline: model.lock.deadline,
      });
    }
  }
  return { year: query.year, reports: out, canOpen: can(caller, 'reports.open') && out.some((r) => r.status === 'not_opened') };
}

/**
 * One report, for staff of its region: what the establishment sees, and what OMéDIT may do with it.
 * @throws ApiError 403 for another region, 404 for a contract without a report that year.
 */
export async function staffReport(caller: StaffCaller, query: ReportQuery, deps: ReportDeps) {
  assertRegion(caller, query.region);
  const { model, view } = await loadReport(deps, query.region, query.year, query.contrat);
  const reviewable = model.report !== null && (model.report.state === 'submitted' || model.lock.locked);
  return {
    ...view,
    audience: 'staff' as const,
    reviewable,
    may: { review: can(caller, 'reports.review'), reopen: can(caller, 'reports.reopen'), history: can(caller, 'reports.history') },
  };
}

export async function staffReportExport(caller: StaffCaller, query: ReportQuery, deps: ReportDeps): Promise<ApiResponse> {
  assertRegion(caller, query.region);
  return exportOf((await loadReport(deps, query.region, query.year, query.contrat)).view);
}

/** Every version of a report, newest first: who, when, what it did, and what was declared then. */
export async function reportHistory(caller: StaffCaller, query: ReportQuery, deps: ReportDeps) {
  assertRegion(caller, query.region);
  await loadReport(deps, query.region, query.year, query.contrat);
  const versions = await deps.reports.versions(query.region, query.year, query.contrat);
  return {
    versions: versions.reverse().map((v: SelfEvaluationReport) => ({
      version: v.version,
      change: v.change,
      changeLabel: REPORT_CHANGE_LABELS[v.change],
      by: reportActorLabel(v.savedBy),
      at: v.savedAt,
      atLabel: instantLabel(v.savedAt),
      state: v.state,
      declarations: v.declarations,
      reopened: v.change === 'reopened' ? v.reopened : null,
    })),
  };
}

export const OpenBody = z.object({ region: Region, year: z.number().int().min(2000).max(2100) }).strict();

/** Opens a region's reports of a year for every contract with a targeted site (those already open stay as they are). */
export async function openReports(caller: StaffCaller, body: z.infer<typeof OpenBody>, deps: ReportDeps) {
  assertRegion(caller, body.region);
  const opened = await openRegionReports(deps, body.region, body.year, reportActor(caller), deps.now().toISOString());
  if (opened.length > 0) {
    await deps.audit.record({ region: body.region, actor: actorOf(caller), action: 'report.opened', target: String(body.year), after: { year: body.year, opened: opened.length } });
  }
  return { opened };
}

const Versioned = ReportQuery.extend({ version: z.number().int().min(1) });

export const ReopenBody = Versioned.extend({ reason: z.string().min(1).max(1000), until: IsoDate }).strict();

/** Reopens one report until a day, with the reason recorded on the report and in the audit log. */
export async function reopen(caller: StaffCaller, body: z.infer<typeof ReopenBody>, deps: ReportDeps) {
  assertRegion(caller, body.region);
  const { model } = await loadReport(deps, body.region, body.year, body.contrat);
  const next = await refused(async () => {
    const reopened = reopenReport(model.report, { reason: body.reason, until: body.until, expectedVersion: body.version }, model.today, reportActor(caller), deps.now().toISOString());
    await deps.reports.save(reopened);
    return reopened;
  });
  await deps.audit.record({
    region: body.region,
    actor: actorOf(caller),
    action: 'report.reopened',
    target: body.contrat,
    before: { year: body.year, status: model.status, version: body.version },
    after: { year: body.year, until: body.until, reason: body.reason.slice(0, 500), version: next.version },
  });
  return staffReport(caller, body, deps);
}

export const ReviewBody = Versioned.extend({
  indicator: IndicatorCode,
  decision: z.enum(['computed', 'set']),
  status: z.enum(['met', 'not_met']).optional(),
  dmi: DmiReview.optional(),
  comment: z.string().max(4000).default(''),
}).strict();

/** Records OMéDIT's evaluation of one indicator of a report. */
export async function review(caller: StaffCaller, body: z.infer<typeof ReviewBody>, deps: ReportDeps) {
  assertRegion(caller, body.region);
  const { model } = await loadReport(deps, body.region, body.year, body.contrat);
  const section = model.sections.find((s) => s.indicator === body.indicator);
  if (!section) throw apiErrors.badRequest(`le contrat n’est pas ciblé sur l’indicateur ${body.indicator} en ${body.year}`);
  const computed = { status: section.headline?.status ?? 'no_data', value: section.headline?.value ?? null, target: section.headline?.target ?? null };
  const next = await refused(async () => {
    const reviewed = reviewIndicator(model.report, { ...body, expectedVersion: body.version }, computed, model.lock, reportActor(caller), deps.now().toISOString());
    await deps.reports.save(reviewed);
    return reviewed;
  });
  const recorded = next.review?.indicators[body.indicator];
  await deps.audit.record({
    region: body.region,
    actor: actorOf(caller),
    action: 'review.recorded',
    target: body.contrat,
    after: { year: body.year, indicator: body.indicator, decision: body.decision, status: recorded?.status ?? null, value: recorded?.value ?? null, version: next.version },
  });
  return staffReport(caller, body, deps);
}

export const FinalBody = Versioned.extend({ result: FinalResult, comment: z.string().max(4000).default('') }).strict();

/** Records the contract's final result, once every indicator is evaluated. */
export async function finalResult(caller: StaffCaller, body: z.infer<typeof FinalBody>, deps: ReportDeps) {
  assertRegion(caller, body.region);
  const { model } = await loadReport(deps, body.region, body.year, body.contrat);
  const next = await refused(async () => {
    const reviewed = recordFinal(model.report, { ...body, expectedVersion: body.version }, model.sections.map((s) => s.indicator), model.lock, reportActor(caller), deps.now().toISOString());
    await deps.reports.save(reviewed);
    return reviewed;
  });
  await deps.audit.record({ region: body.region, actor: actorOf(caller), action: 'review.recorded', target: body.contrat, after: { year: body.year, final: body.result, version: next.version } });
  return staffReport(caller, body, deps);
}

/**
 * Why the establishment may no longer send evidence for its link's campaign (its report of that
 * year is locked), or null: the page says it before anything is sent.
 */
export async function uploadLock(caller: EstablishmentCaller, deps: Pick<ReportDeps, 'referential' | 'reports' | 'now'>): Promise<string | null> {
  const site = (await deps.referential.listEstablishments(caller.region)).find((e) => e.finess === caller.finess);
  if (!site) throw apiErrors.unknownEstablishment(caller.finess);
  const lock = await evidenceLock(deps, site, caller.campaign, todayOf(deps.now()));
  return lock.locked ? lockedMessage(lock.year, lock) : null;
}

/**
 * Refuses an upload form once the establishment's report of the link's year is locked (ingest
 * refuses such a file anyway).
 * @throws ApiError 409 `report-locked`.
 */
export async function assertEvidenceOpen(caller: EstablishmentCaller, deps: Pick<ReportDeps, 'referential' | 'reports' | 'now'>): Promise<void> {
  const locked = await uploadLock(caller, deps);
  if (locked) throw apiErrors.reportLocked(locked);
}

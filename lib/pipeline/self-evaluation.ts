/**
 * The self-evaluation reports over the store: what a report's page, export, reminders and summary
 * are read from, the opening of a year's reports, and the lock ingest and the upload form check.
 */
import { campaignsOfYear, campaignYear } from '../domain/campaign';
import type { Deadline, Establishment } from '../domain/schemas';
import { deadlinesForRegion } from '../domain/regional';
import { openedReport, reportLock, type ReportActor, type ReportLock } from '../domain/self-evaluation';
import { reportContracts, reportModel, type ReportModel, type SelfEvaluationInputs } from '../domain/self-evaluation-model';
import { sourceId, type SourceFile, type SourceFiles } from '../report/self-evaluation-view';
import type { EvidenceStore } from '../store/evidence-store';
import type { FileEventStore } from '../store/file-event-store';
import { parseDropKey } from '../store/keys';
import type { ReferentialStore } from '../store/referential-store';
import type { ResultStore } from '../store/result-store';
import type { SelfEvaluationStore } from '../store/self-evaluation-store';

/** The store reads a report needs: its region's sites, targeting and calendar, results and evidence. */
export interface ReportReads {
  referential: Pick<ReferentialStore, 'listEstablishments' | 'listTargetings' | 'listDeadlines'>;
  results: Pick<ResultStore, 'list'>;
  evidence: Pick<EvidenceStore, 'list'>;
}

export interface SelfEvaluationDeps extends ReportReads {
  reports: Pick<SelfEvaluationStore, 'get' | 'list'>;
}

/** A region's year, read once: every contract's report is derived from it. */
export type RegionYearReports = Omit<SelfEvaluationInputs, 'contrat' | 'report'> & { reports: ReadonlyMap<string, SelfEvaluationInputs['report']> };

/**
 * Reads what the reports of a region's year are built from.
 * @example const data = await readRegionYear(deps, 'PACA', 2025, '2026-02-23');
 */
export async function readRegionYear(deps: SelfEvaluationDeps, region: string, year: number, today: string): Promise<RegionYearReports> {
  const { referential } = deps;
  const [establishments, targetings, results, evidence, deadlines, reports] = await Promise.all([
    referential.listEstablishments(region),
    referential.listTargetings(region, year),
    deps.results.list(region, year),
    Promise.all(campaignsOfYear(year).map((c) => deps.evidence.list(region, c))).then((lists) => lists.flat()),
    referential.listDeadlines(region),
    deps.reports.list(region, year),
  ]);
  return { region, year, today, establishments, targetings, results, evidence, deadlines: deadlinesForRegion(deadlines, region), reports: new Map(reports.map((r) => [r.contrat, r])) };
}

/** One contract's report from its region's year. */
export function contractReport(data: RegionYearReports, contrat: string): ReportModel {
  return reportModel({ ...data, contrat, report: data.reports.get(contrat) ?? null });
}

/** Every report of the region's year: one per contract with a targeted site, opened or not. */
export function regionReports(data: RegionYearReports): ReportModel[] {
  return reportContracts(data.establishments, data.targetings, data.region, data.year).map((c) => contractReport(data, c));
}

/**
 * The name and arrival of each file a report's results were computed from: the file record of the
 * version read (its event order starts with the event's time).
 */
export async function sourceFiles(fileEvents: Pick<FileEventStore, 'list'>, model: ReportModel): Promise<SourceFiles> {
  const refs = new Map(model.sections.flatMap((s) => [...s.sites, ...(s.contract ? [s.contract] : [])]).flatMap((r) => r.inputs).map((ref) => [sourceId(ref), ref]));
  const files = new Map<string, SourceFile>();
  await Promise.all(
    [...refs.values()].map(async (ref) => {
      const event = (await fileEvents.list(ref.key)).filter((e) => e.version === ref.version).sort((a, b) => a.order.localeCompare(b.order))[0];
      const drop = parseDropKey(ref.key);
      files.set(sourceId(ref), { fileName: drop?.fileName ?? ref.key.split('/').pop() ?? ref.key, receivedAt: event ? (event.order.split('|')[0] ?? null) : null });
    }),
  );
  return files;
}

/**
 * Opens the reports of a region's year for every contract with a targeted site; those already opened
 * stay as they are. Returns the contracts opened now.
 */
export async function openRegionReports(
  deps: { referential: Pick<ReferentialStore, 'listEstablishments' | 'listTargetings'>; reports: Pick<SelfEvaluationStore, 'open'> },
  region: string,
  year: number,
  by: ReportActor,
  at: string,
): Promise<string[]> {
  const [establishments, targetings] = await Promise.all([deps.referential.listEstablishments(region), deps.referential.listTargetings(region, year)]);
  const opened: string[] = [];
  for (const contrat of reportContracts(establishments, targetings, region, year)) {
    if (await deps.reports.open(openedReport({ region, year, contrat }, by, at))) opened.push(contrat);
  }
  return opened;
}

/**
 * Whether a site's report of a campaign's year is locked on `day`: its evidence for that year is then
 * refused, by the upload form and by ingest alike.
 */
export async function evidenceLock(
  deps: { referential: Pick<ReferentialStore, 'listDeadlines'>; reports: Pick<SelfEvaluationStore, 'get'> },
  site: Pick<Establishment, 'region' | 'contrat'>,
  campaign: string,
  day: string,
): Promise<ReportLock & { year: number; deadlines: Deadline[] }> {
  const year = campaignYear(campaign);
  const [deadlines, report] = await Promise.all([deps.referential.listDeadlines(site.region), deps.reports.get(site.region, year, site.contrat)]);
  // The deadlines read are given back: ingest then finds in them the indicators the evidence serves.
  return { ...reportLock(year, deadlinesForRegion(deadlines, site.region), report?.reopened ?? null, day), year, deadlines };
}

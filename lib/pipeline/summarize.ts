import { z } from 'zod';
import { regionMoTotals } from '../domain/mo';
import { Region } from '../domain/schemas';
import { settingsFor } from '../domain/settings';
import { buildRegionSummary, SUMMARY_CONTENT_TYPES, type SummaryFiles } from '../report/region-summary';
import type { SummaryInput } from '../report/summary-model';
import { todayOf } from '../domain/clock';
import { reportSummaryRows } from '../report/self-evaluation-view';
import type { FactStore } from '../store/fact-store';
import { s3Keys } from '../store/keys';
import type { ObjectStore } from '../store/object-store';
import type { ReferentialStore } from '../store/referential-store';
import type { SelfEvaluationStore } from '../store/self-evaluation-store';
import { computeAll, computeRegionYear, includesRegionYear, type ComputeStores } from './compute';
import { readRegionYear, regionReports, type ReportReads } from './self-evaluation';

/** The store reads a summary needs: results, ATIH facts, parameters, and what its reports are derived from. */
export interface SummaryReads extends ReportReads {
  referential: ReportReads['referential'] & Pick<ReferentialStore, 'listRegions' | 'listParameters'>;
  facts: Pick<FactStore, 'listMoFacts'>;
}

/** Where a summary reads: the table, and the self-evaluation reports in it. */
export interface SummaryDeps extends SummaryReads {
  reports: Pick<SelfEvaluationStore, 'get' | 'list'>;
}

/** A region and year. */
const RegionYear = z.object({ region: Region, year: z.number().int() });

/**
 * Which summaries to build: every region and year the store knows, or only those named (on demand).
 * `upToDate`: regions and years computed for the day, their summary built, since their last input
 * (`caqes run` computes every one once after its drops): neither is done again, their summary is
 * listed.
 */
export const SummaryRequest = z.object({ region: Region.optional(), year: z.number().int().optional(), upToDate: z.array(RegionYear).default([]) });
export type SummaryRequest = z.infer<typeof SummaryRequest>;

/** The S3 keys of one region and year's summary files. */
export interface BuiltSummary {
  region: string;
  year: number;
  /** The workbook. */
  key: string;
  /** The one-page visual report. */
  pageKey: string;
  /** The CSV export of the indicator table. */
  csvKey: string;
}

/**
 * Reads what the summary of one region and year is built from: its results and the year before's,
 * the region's ATIH totals over every year it has facts for (jumps flagged with the year's factor),
 * the budgets of the year's parameters, and its contracts' self-evaluation reports as they stand.
 */
async function readSummaryInput(deps: SummaryDeps, region: string, year: number, generatedAt: string): Promise<SummaryInput> {
  const { referential } = deps;
  const [regions, results, previousResults, parameters, reportData] = await Promise.all([
    referential.listRegions(),
    deps.results.list(region, year),
    deps.results.list(region, year - 1),
    referential.listParameters(),
    readRegionYear(deps, region, year, todayOf(generatedAt)),
  ]);
  const years = regions.find((r) => r.region === region)?.years ?? [];
  const facts = (await Promise.all(years.map((y) => deps.facts.listMoFacts(region, y)))).flat();
  const settings = settingsFor(parameters, region, year);
  return {
    region,
    year,
    generatedAt,
    results,
    previousResults,
    regionTotals: regionMoTotals(region, facts, settings.amountJumpFactor),
    budgets: { interessement_mo: settings.moIncentive.budget, budget_dmi: settings.dmiBudget.budget },
    reports: reportSummaryRows(regionReports(reportData)),
  };
}

/**
 * The workbook, page and CSV of one region and year, from the store's current results.
 * @example
 * const files = await buildSummary(runtime, 'PACA', 2025, new Date().toISOString());
 */
export async function buildSummary(deps: SummaryDeps, region: string, year: number, generatedAt: string): Promise<SummaryFiles> {
  return buildRegionSummary(await readSummaryInput(deps, region, year, generatedAt));
}

/**
 * Builds the summary of every region and campaign year that has a targeting (or only the region and
 * year requested), and writes its workbook, page and CSV to `summaries/<year>/<region>.xlsx`,
 * `.html` and `.csv`.
 */
export async function buildSummaries(
  deps: SummaryDeps & { objects: Pick<ObjectStore, 'putBuffer'>; now: () => Date },
  request: Partial<SummaryRequest> = {},
): Promise<BuiltSummary[]> {
  const { referential, objects } = deps;
  const built: BuiltSummary[] = [];
  for (const { region, years } of await referential.listRegions()) {
    if (request.region !== undefined && request.region !== region) continue;
    for (const year of years) {
      if (request.year !== undefined && request.year !== year) continue;
      if ((await referential.listTargetings(region, year)).length === 0) continue;
      const summary: BuiltSummary = { region, year, key: s3Keys.summary(year, region), pageKey: s3Keys.summaryPage(year, region), csvKey: s3Keys.summaryCsv(year, region) };
      built.push(summary);
      if (includesRegionYear(request.upToDate, region, year)) continue;
      const files = await buildSummary(deps, region, year, deps.now().toISOString());
      await objects.putBuffer(summary.key, files.xlsx, SUMMARY_CONTENT_TYPES.xlsx);
      await objects.putBuffer(summary.pageKey, files.html, SUMMARY_CONTENT_TYPES.html);
      await objects.putBuffer(summary.csvKey, files.csv, SUMMARY_CONTENT_TYPES.csv);
    }
  }
  return built;
}

/**
 * What the summary job does each day, or on demand: every indicator computed again for `today`
 * (statuses move as deadlines pass, with no file arriving), or only the region and year asked for
 * when both are named, then the summaries built.
 * @returns how many results were computed, and the summaries written.
 */
export async function summarizeDay(
  deps: SummaryDeps & ComputeStores & { objects: Pick<ObjectStore, 'putBuffer'>; now: () => Date },
  today: string,
  request: Partial<SummaryRequest> = {},
): Promise<{ results: number; built: BuiltSummary[] }> {
  const { region, year } = request;
  const results =
    region !== undefined && year !== undefined
      ? includesRegionYear(request.upToDate, region, year) ? 0 : (await computeRegionYear({ region, year }, deps, today)).length
      : await computeAll(deps, today, request.upToDate);
  return { results, built: await buildSummaries(deps, request) };
}

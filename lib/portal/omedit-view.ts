/**
 * What OMéDIT's page shows: for the regions the caller may see, every establishment's status per
 * deadline (documents owed, received, refused) and per indicator (status, value, target, an ex-OQN
 * site's suggested neutralisation), filtered by year, region and indicator, and the summary workbooks
 * to download.
 */
import { z } from 'zod';
import { INDICATOR_CODES, IndicatorCode, type IndicatorResult } from '../domain/schemas';
import { formatFrenchDate, formatFrenchNumber } from '../io/french';
import { indicatorLabel, LATE_LABEL, objectiveLabel, STATUS_LABELS } from '../report/labels';
import { s3Keys } from '../store/keys';
import { assertRegion, visibleRegions } from './access';
import type { StaffCaller } from './caller';
import { todayOf } from '../domain/clock';
import { neutralisationSuggestion } from '../domain/neutralisation-suggestion';
import { settingsFor } from '../domain/settings';
import { deadlineGroups, deadlineStatuses, type DeadlineStatus } from './deadline-status';
import type { ViewDeps } from './establishment-view';
import { lateBoard, regionFigures, type DeadlineBoard, type RegionFigures } from './late-board';

/** The page's filters, as query parameters. */
export const OverviewQuery = z
  .object({
    year: z.coerce.number().int().min(2000).max(2100).optional(),
    region: z.string().regex(/^[A-Z][A-Z0-9_-]{1,31}$/).optional(),
    indicator: IndicatorCode.optional(),
  })
  .strict();
export type OverviewQuery = z.infer<typeof OverviewQuery>;

export interface IndicatorCell {
  indicator: string;
  status: string;
  statusLabel: string;
  valueLabel: string | null;
  targetLabel: string | null;
  /** An ex-OQN site's neutralisation the parameters suggest, in French: shown, never applied (issue 18). */
  suggestion: string | null;
}

export interface EstablishmentRow {
  region: string;
  finess: string;
  name: string;
  contrat: string;
  /** Indicators it is targeted on for the year, with their result (or `no_data` before any). */
  indicators: IndicatorCell[];
  deadlines: DeadlineStatus[];
}

export interface Overview {
  filters: { years: number[]; regions: string[]; indicators: { code: string; label: string }[] };
  year: number | null;
  region: string | null;
  indicator: string | null;
  deadlines: { campaign: string; id: string; label: string; date: string; dateLabel: string }[];
  establishments: EstablishmentRow[];
  /** ISO, Paris: the day the board is judged on. */
  today: string;
  todayLabel: string;
  /** The word for late, the same as the digest's and the reminders'. */
  lateLabel: string;
  /** Who is late, for what, since when: per deadline shown. */
  board: DeadlineBoard[];
  figures: RegionFigures[];
  /** The summaries of the year and regions shown, with the formats of each: workbook, one-page report, CSV. */
  summaries: { region: string; year: number; formats: SummaryFormat[] }[];
}

export const SummaryFormat = z.enum(['xlsx', 'html', 'csv']);
export type SummaryFormat = z.infer<typeof SummaryFormat>;

/**
 * The S3 key of a region's summary in one format (`summaries/<year>/<region>.<format>`): the
 * region is in the key, and routes check it against the caller before signing anything.
 */
export function summaryKey(year: number, region: string, format: SummaryFormat): string {
  if (format === 'html') return s3Keys.summaryPage(year, region);
  if (format === 'csv') return s3Keys.summaryCsv(year, region);
  return s3Keys.summary(year, region);
}

/** Shows a result with the only fields the page relies on: indicator, status, value, target, and the suggestion beside them. */
function indicatorCell(indicator: string, result: IndicatorResult | undefined, suggestion: string | null): IndicatorCell {
  if (!result) return { indicator, status: 'no_data', statusLabel: STATUS_LABELS.no_data, valueLabel: null, targetLabel: null, suggestion };
  const unit = result.unit === '%' ? ' %' : ' pts';
  const target = result.target ? objectiveLabel(result.target) : null;
  return {
    indicator,
    status: result.status,
    statusLabel: STATUS_LABELS[result.status] ?? result.status,
    valueLabel: result.value === null ? null : `${formatFrenchNumber(result.value, 1)}${unit}`,
    // objectiveLabel writes targets as percentages; a points target keeps its number and comparator.
    targetLabel: target && result.unit !== '%' ? target.replace(/ %$/, unit) : target,
    suggestion,
  };
}

/**
 * The overview for a staff caller. Regions it may not see are never read; asking for one is refused.
 * @throws ApiError 403 when `query.region` is not one of the caller's regions.
 */
export async function omeditOverview(caller: StaffCaller, query: OverviewQuery, deps: ViewDeps): Promise<Overview> {
  const { referential } = deps;
  if (query.region) assertRegion(caller, query.region);
  const known = await referential.listRegions();
  const visible = known.filter((r) => visibleRegions(caller, [r.region]).length > 0);
  const years = [...new Set(visible.flatMap((r) => r.years))].sort((a, b) => b - a);
  const year = query.year ?? years[0] ?? null;
  const regions = visible.filter((r) => !query.region || r.region === query.region);

  const deadlines = year === null ? [] : (await referential.listDeadlines()).filter((d) => d.year === year);
  const groups = deadlineGroups(deadlines);
  const campaigns = [...new Set(deadlines.map((d) => d.campaign))];
  const targetedCodes = new Set<string>();
  const establishments: EstablishmentRow[] = [];
  const parameters = year === null ? [] : await referential.listParameters();

  for (const { region } of regions) {
    if (year === null) break;
    const [people, targetings, results, evidence] = await Promise.all([
      referential.listEstablishments(region),
      referential.listTargetings(region, year),
      deps.results.list(region, year),
      Promise.all(campaigns.map((c) => deps.evidence.list(region, c))).then((lists) => lists.flat()),
    ]);
    for (const t of targetings) targetedCodes.add(t.indicator);
    const suggested = settingsFor(parameters, region, year).suggestedNeutralisations;
    for (const e of people.sort((a, b) => a.raisonSociale.localeCompare(b.raisonSociale, 'fr'))) {
      const targetedOn = new Set(targetings.filter((t) => t.finess === e.finess).map((t) => t.indicator));
      if (query.indicator && !targetedOn.has(query.indicator)) continue;
      const shown = INDICATOR_CODES.filter((c) => targetedOn.has(c) && (!query.indicator || c === query.indicator));
      establishments.push({
        region,
        finess: e.finess,
        name: e.raisonSociale,
        contrat: e.contrat,
        indicators: shown.map((c) => {
          const result = results.find((r) => r.scope === 'site' && r.finess === e.finess && r.indicator === c);
          return indicatorCell(c, result, neutralisationSuggestion(e.categorie, c, suggested, result?.status ?? 'no_data'));
        }),
        deadlines: deadlineStatuses(
          groups,
          deadlines,
          targetedOn,
          evidence.filter((x) => x.finess === e.finess),
          todayOf(deps.now()),
        ),
      });
    }
  }

  // Deadlines nobody shown owes anything for (a self-evaluation without files) take no column.
  const shownDeadlines = groups
    .map((rows) => rows[0]!)
    .filter((d) => establishments.some((e) => e.deadlines.some((s) => s.campaign === d.campaign && s.id === d.id)))
    .map((d) => ({ campaign: d.campaign, id: d.id, label: d.label, date: d.date, dateLabel: formatFrenchDate(d.date) }));
  const today = todayOf(deps.now());
  return {
    filters: {
      years,
      regions: visible.map((r) => r.region).sort(),
      indicators: INDICATOR_CODES.filter((c) => targetedCodes.has(c)).map((code) => ({ code, label: indicatorLabel(code) })),
    },
    year,
    region: query.region ?? null,
    indicator: query.indicator ?? null,
    deadlines: shownDeadlines,
    establishments,
    today,
    todayLabel: formatFrenchDate(today),
    lateLabel: LATE_LABEL,
    board: lateBoard(establishments, shownDeadlines, today),
    figures: regionFigures(establishments, regions.map((r) => r.region).sort(), today),
    summaries: await writtenSummaries(deps, regions.map((r) => r.region), year),
  };
}

/**
 * The summaries of the year and regions shown that exist: the summary job writes them once a day
 * (and after each ingest on `caqes serve`).
 */
async function writtenSummaries(deps: ViewDeps, regions: readonly string[], year: number | null): Promise<Overview['summaries']> {
  if (year === null) return [];
  const written = new Set(await deps.listKeys(s3Keys.summaryPrefix()));
  return [...regions]
    .sort((a, b) => a.localeCompare(b))
    .map((region) => ({ region, year, formats: SummaryFormat.options.filter((f) => written.has(summaryKey(year, region, f))) }))
    .filter((s) => s.formats.length > 0);
}

import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { campaignYear } from '../domain/campaign';
import { Campaign } from '../domain/schemas';
import { formatFrenchDate } from '../io/french';
import { scheduleInstant } from '../domain/clock';
import { startLocal } from '../local/single-machine';
import { buildSummary, summarizeDay } from '../pipeline/summarize';
import { runOnEmbedded } from './run';
import { UsageError } from './usage';

/** What `caqes summary` is asked for, as typed. */
export interface SummaryOptions {
  campaign?: string;
  region?: string;
  /** The workbook's path (`.xlsx`). */
  out?: string;
  /** Where the page and the CSV go; beside the workbook by default. */
  html?: string;
  csv?: string;
  /** Processed first as `caqes run` does; optional with a state folder, which may already hold the campaign. */
  dataDir?: string;
  /** A state folder (`--state`) the folder's new files are added to, and the summary read from. */
  stateDir?: string;
  today: string;
}

/** What `caqes summary` wrote. */
export interface SummaryWritten {
  region: string;
  year: number;
  today: string;
  files: { xlsx: string; html: string; csv: string };
  /** Work that ended in the dead-letter queue while the folder was processed. */
  deadLetters: number;
}

/**
 * The year a campaign stands for: summaries are per region and year, evidence per campaign.
 * @throws UsageError when `campaign` is not `AAAA`, `AAAA-S1` or `AAAA-S2`.
 * @example summaryYear('2025-S2') // 2025
 */
export function summaryYear(campaign: string | undefined): number {
  if (!campaign) throw new UsageError('--campaign est obligatoire (2025, 2025-S1 ou 2025-S2)');
  if (!Campaign.safeParse(campaign).success) throw new UsageError(`--campaign attend une campagne AAAA, AAAA-S1 ou AAAA-S2 (reçu « ${campaign} »)`);
  return campaignYear(campaign);
}

/**
 * The three files' paths: the workbook where `--out` says, the page and the CSV beside it unless
 * `--html` or `--csv` say otherwise.
 * @throws UsageError when `--out` is missing or does not name an `.xlsx` file.
 */
export function summaryPaths(options: Pick<SummaryOptions, 'out' | 'html' | 'csv'>): SummaryWritten['files'] {
  if (!options.out) throw new UsageError('--out est obligatoire (le classeur à écrire, FICHIER.xlsx)');
  if (!/\.xlsx$/i.test(options.out)) throw new UsageError(`--out attend un classeur .xlsx (reçu « ${options.out} »)`);
  const base = options.out.slice(0, -'.xlsx'.length);
  return { xlsx: options.out, html: options.html ?? `${base}.html`, csv: options.csv ?? `${base}.csv` };
}

/**
 * Builds one region and campaign's summary on the embedded default: the folder is processed as
 * `caqes run` does (the reminder job included, on the local SES), then the workbook, page and CSV of
 * that region and year are written.
 *
 * @throws UsageError for a missing or malformed option, a folder that does not exist, or a region
 * or year the folder has no data for (the regions and years it has are listed).
 * @example
 * const written = await writeSummary({ campaign: '2025-S2', region: 'PACA', out: 'out/PACA.xlsx', dataDir: 'events/sample', today: '2026-02-23' });
 */
export async function writeSummary(options: SummaryOptions): Promise<SummaryWritten> {
  const year = summaryYear(options.campaign);
  if (!options.region) throw new UsageError('--region est obligatoire (PACA, CORSE…)');
  const region = options.region.toUpperCase();
  const files = summaryPaths(options);
  const dataDir = options.dataDir;
  if (dataDir === undefined && !options.stateDir) throw new UsageError('--data ou --state est obligatoire');
  if (dataDir !== undefined && (!existsSync(dataDir) || !statSync(dataDir).isDirectory())) throw new UsageError(`--data : dossier introuvable « ${dataDir} »`);

  const local = await startLocal({ stateDir: options.stateDir, command: 'summary' });
  const embedded = local.embedded;
  const workDir = await mkdtemp(join(tmpdir(), 'caqes-summary-'));
  try {
    const rt = embedded.runtime;
    const run = dataDir
      ? await runOnEmbedded(embedded, { dataDir, today: options.today, outDir: join(workDir, 'run'), onlyNew: local.state !== null })
      : await (async () => {
          // The state alone: every indicator computed again for the day, as the daily summary job does.
          embedded.setClock(() => new Date(scheduleInstant(options.today)));
          await summarizeDay(rt, options.today, { region, year });
          return { deadLetters: [] };
        })();
    const regions = await rt.referential.listRegions();
    const known = regions.find((r) => r.region === region);
    if (!known) throw new UsageError(`région inconnue : « ${options.region} » (régions du dossier : ${regions.map((r) => r.region).join(', ') || 'aucune'})`);
    if (!known.years.includes(year)) throw new UsageError(`aucune donnée pour ${region} en ${year} (années du dossier : ${known.years.join(', ')})`);

    const built = await buildSummary(rt, region, year, rt.now().toISOString());
    for (const [format, path] of Object.entries(files) as [keyof typeof files, string][]) {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, built[format]);
    }
    return { region, year, today: options.today, files, deadLetters: run.deadLetters.length };
  } finally {
    await local.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** What `caqes summary` prints, in French. */
export function renderSummaryWritten(written: SummaryWritten): string {
  return [
    `Synthèse CAQES ${written.year} – ${written.region}, situation au ${formatFrenchDate(written.today)} :`,
    `  Classeur : ${written.files.xlsx}`,
    `  Page visuelle (une page A4) : ${written.files.html}`,
    `  Export CSV des indicateurs : ${written.files.csv}`,
    ...(written.deadLetters > 0 ? [`⚠ ${written.deadLetters} message(s) en file d’erreurs (dead-letter) : la synthèse peut être incomplète`] : []),
  ].join('\n');
}

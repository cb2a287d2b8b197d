import { grouped } from '../domain/grouped';
import { formatFrenchDate, formatFrenchNumber } from '../io/french';
import { objectiveLabel, statusLabel } from '../report/labels';
import { budgetDetail } from '../report/summary-page';
import { INDICATOR_CODES, type IndicatorResult, type IndicatorStatus } from '../domain/schemas';
import { renderDeadLetterCause } from '../pipeline/dead-letter-causes';
import { renderFileReport } from './report-text';
import type { RunResult } from './run';

function pad(text: string, width: number): string {
  return text.length >= width ? text.slice(0, width - 1) + '…' : text + ' '.repeat(width - text.length);
}
function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

const OVERVIEW_STATUSES: readonly IndicatorStatus[] = ['met', 'not_met', 'pending', 'neutralised', 'no_data', 'no_target'];

/** Per indicator targeted in a region and year: how many sites are in each status. */
function renderOverview(title: string, results: readonly IndicatorResult[]): string[] {
  const lines = [`Indicateurs – ${title} (établissements ciblés par statut)`];
  lines.push(`  ${pad('Indicateur', 24)} ${padLeft('Ciblés', 7)} ${OVERVIEW_STATUSES.map((s) => padLeft(statusLabel(s), 15)).join('')}`);
  for (const code of INDICATOR_CODES) {
    const sites = results.filter((r) => r.indicator === code && r.scope === 'site' && r.status !== 'not_targeted');
    if (sites.length === 0) continue;
    const counts = OVERVIEW_STATUSES.map((s) => padLeft(String(sites.filter((r) => r.status === s).length), 15));
    lines.push(`  ${pad(code, 24)} ${padLeft(String(sites.length), 7)} ${counts.join('')}`);
  }
  return lines;
}

/**
 * How far the MO incentive is decided, in the summary's words (`budgetDetail`): "prévisionnel", with
 * how much is undecided and for whom, while a share depends on a `pending` status; final otherwise.
 * The budget is the sites' shares added up: largest remainders make them add up to it exactly.
 */
function incentiveLine(sites: readonly IndicatorResult[]): string | null {
  const shared = sites.filter((r) => r.allocation !== null);
  if (shared.length === 0) return null;
  const cents = (rows: readonly IndicatorResult[]) => rows.reduce((a, r) => a + Math.round((r.allocation?.amount ?? 0) * 100), 0);
  if (cents(shared) === 0) return '  Intéressement MO : aucun établissement éligible, rien n’est réparti';
  const open = shared.filter((r) => r.allocation?.undecided === true);
  const provisional = shared.some((r) => r.allocation?.provisional === true);
  const detail = budgetDetail({ amount: cents(shared) / 100, provisional, undecided: { amount: cents(open) / 100, names: open.map((r) => r.name) } });
  const rule = shared[0]?.allocation?.rule ?? '';
  return provisional
    ? `  Intéressement MO ${detail} ; * part non décidée, comptée comme si l’objectif était atteint : les autres parts sont un minimum (${rule})`
    : `  Intéressement MO ${detail} (${rule})`;
}

/**
 * The MO table: share, target, status and incentive per site and contract (an undecided share marked
 * `*`), how far the incentive is decided, then the anomalies found.
 */
export function renderMo(title: string, results: readonly IndicatorResult[]): string[] {
  const rows = [...results].sort((a, b) => (a.scope === b.scope ? a.name.localeCompare(b.name, 'fr') : a.scope === 'site' ? -1 : 1));
  const lines = [`Indicateur MO (part des UCD codées I999) – ${title}`];
  lines.push(`  ${pad('Établissement', 52)} ${pad('FINESS', 10)} ${padLeft('UCD', 9)} ${padLeft('I999', 8)} ${padLeft('Part', 8)} ${pad('Objectif', 9)} ${pad('Statut', 15)} ${padLeft('Intéressement', 14)}`);
  for (const r of rows) {
    const share = r.value === null ? '–' : `${formatFrenchNumber(r.value, 1)} %`;
    const incentive = r.allocation ? `${formatFrenchNumber(r.allocation.amount, 2)} €${r.allocation.undecided ? ' *' : ''}` : '–';
    lines.push(
      `  ${pad(r.name, 52)} ${pad(r.finess ?? 'contrat', 10)} ${padLeft(r.denominator === null ? '–' : formatFrenchNumber(r.denominator), 9)} ${padLeft(r.numerator === null ? '–' : formatFrenchNumber(r.numerator), 8)} ${padLeft(share, 8)} ${pad(r.target ? objectiveLabel(r.target) : '–', 9)} ${pad(statusLabel(r.status), 15)} ${padLeft(incentive, 14)}`,
    );
  }
  const incentive = incentiveLine(rows.filter((r) => r.scope === 'site'));
  if (incentive) lines.push(incentive);
  for (const r of rows.filter((x) => x.anomalies.length > 0)) {
    for (const a of r.anomalies) lines.push(`  ⚠ ${r.name} : ${a.message}`);
  }
  return lines;
}

/** The readable French account of a run that `npm start` and `caqes run` print. */
export function renderAccount(result: RunResult): string {
  const lines: string[] = [];
  const accepted = result.files.filter((f) => f.report?.status === 'accepted');
  const rejected = result.files.filter((f) => f.report?.status !== 'accepted');
  lines.push(`CAQES – exécution du pipeline au ${formatFrenchDate(result.today)} (S3, DynamoDB et SES locaux)`, '');
  lines.push(`Fichiers reçus : ${result.files.length} – ${accepted.length} accepté(s), ${rejected.length} refusé(s)`);
  if (result.unchanged > 0) lines.push(`  ${result.unchanged} fichier(s) du dossier déjà reçu(s) à l’identique lors d’une exécution précédente : non redéposé(s)`);
  for (const { key, report } of result.files) {
    if (!report) lines.push(`  ✘ ${key} : aucun rapport (traitement interrompu)`);
    else lines.push(...renderFileReport(key, report, { indent: '  ' }));
  }

  const byRegionYear = grouped(result.indicators, (r) => `${r.year}#${r.region}`);
  for (const id of [...byRegionYear.keys()].sort()) {
    const [year, region] = id.split('#');
    lines.push('', ...renderOverview(`${region} ${year}`, byRegionYear.get(id) ?? []));
    lines.push('', ...renderMo(`${region} ${year}`, (byRegionYear.get(id) ?? []).filter((r) => r.indicator === 'MO')));
  }

  lines.push('', `E-mails de relance envoyés : ${result.emails.length}${result.alreadySent ? ` (${result.alreadySent} déjà envoyé(s) lors d’une exécution précédente)` : ''}`);
  for (const e of result.emails) {
    lines.push(`  → ${e.to.join(', ')} [${e.step}] ${e.subject}`);
  }
  if (result.suppressed > 0) lines.push(`  ⚠ ${result.suppressed} relance(s) non envoyée(s) : toutes les adresses de l’établissement sont en liste de suppression`);
  for (const d of result.digests) lines.push(`  ✉ synthèse OMéDIT ${d.region} → ${d.to.join(', ')} : ${d.subject}`);
  if (result.deadLetters.length > 0) {
    lines.push('', `⚠ ${result.deadLetters.length} message(s) en file d’erreurs (dead-letter), à corriger puis rejouer :`);
    lines.push(...result.deadLetters.map((c) => `  ${renderDeadLetterCause(c)}`));
  }
  lines.push('', 'Synthèses régionales (classeur, page visuelle, export CSV) :', ...result.summaries.map((s) => `  ${s.path}\n  ${s.pagePath}\n  ${s.csvPath}`));
  lines.push('', `Résultats détaillés : ${result.outDir} (indicators.json, emails.json, reports/)`);
  return lines.join('\n');
}

import { formatFrenchDate, formatFrenchNumber } from '../io';
import { delimiterLabel } from '../formats/report';
import { objectiveLabel, statusLabel } from '../report/labels';
import type { RunResult } from './run';

const ENCODINGS: Record<string, string> = { 'utf-8': 'UTF-8', 'utf-8-bom': 'UTF-8 avec BOM', 'windows-1252': 'Windows-1252' };

function pad(text: string, width: number): string {
  return text.length >= width ? text.slice(0, width - 1) + '…' : text + ' '.repeat(width - text.length);
}
function padLeft(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

/** The readable French account of a run that `npm start` and `caqes run` print. */
export function renderAccount(result: RunResult): string {
  const lines: string[] = [];
  const accepted = result.files.filter((f) => f.report?.status === 'accepted');
  const rejected = result.files.filter((f) => f.report?.status !== 'accepted');
  lines.push(`CAQES – exécution du pipeline au ${formatFrenchDate(result.today)} (S3, DynamoDB et SES locaux)`, '');
  lines.push(`Fichiers reçus : ${result.files.length} – ${accepted.length} accepté(s), ${rejected.length} refusé(s)`);
  for (const { key, report } of result.files) {
    if (!report) {
      lines.push(`  ✘ ${key} : aucun rapport (traitement interrompu)`);
      continue;
    }
    const how = report.encoding ? `, ${ENCODINGS[report.encoding] ?? report.encoding}, séparateur ${delimiterLabel(report.delimiter)}` : '';
    const rows = report.rowsRead > 0 ? `, ${formatFrenchNumber(report.rowsAccepted)}/${formatFrenchNumber(report.rowsRead)} lignes retenues` : '';
    const warnings = report.warningCount > 0 ? `, ${report.warningCount} avertissement(s)` : '';
    if (report.status === 'accepted') {
      lines.push(`  ✔ ${key} – ${report.kindLabel ?? 'fichier'}${rows}${how}${warnings}`);
      for (const issue of report.issues.filter((i) => i.severity === 'warning').slice(0, 3)) {
        lines.push(`      ⚠ ${issue.row ? `ligne ${issue.row} : ` : ''}${issue.message}`);
      }
    } else {
      lines.push(`  ✘ ${key} – refusé : ${report.errorCount} erreur(s)${report.kindLabel ? ` (${report.kindLabel})` : ''}`);
      for (const issue of report.issues.filter((i) => i.severity === 'error').slice(0, 6)) {
        const where = [issue.row ? `ligne ${issue.row}` : null, issue.column ? `colonne « ${issue.column} »` : null].filter(Boolean).join(', ');
        lines.push(`      • ${where ? `${where} : ` : ''}${issue.message}`);
      }
      if (report.errorCount > 6) lines.push(`      … et ${report.errorCount - 6} autre(s) erreur(s), voir le rapport JSON`);
    }
  }

  const byRegionYear = new Map<string, typeof result.indicators>();
  for (const r of result.indicators) {
    if (r.indicator !== 'MO') continue;
    const id = `${r.year}#${r.region}`;
    byRegionYear.set(id, [...(byRegionYear.get(id) ?? []), r]);
  }
  for (const id of [...byRegionYear.keys()].sort()) {
    const [year, region] = id.split('#');
    const rows = byRegionYear.get(id)!.sort((a, b) => (a.scope === b.scope ? a.name.localeCompare(b.name, 'fr') : a.scope === 'site' ? -1 : 1));
    lines.push('', `Indicateur MO (part des UCD codées I999) – ${region} ${year}`);
    lines.push(`  ${pad('Établissement', 52)} ${pad('FINESS', 10)} ${padLeft('UCD', 9)} ${padLeft('I999', 8)} ${padLeft('Part', 8)} ${pad('Objectif', 9)} Statut`);
    for (const r of rows) {
      const share = r.value === null ? '–' : `${formatFrenchNumber(r.value, 1)} %`;
      lines.push(
        `  ${pad(r.name, 52)} ${pad(r.finess ?? 'contrat', 10)} ${padLeft(r.denominator === null ? '–' : formatFrenchNumber(r.denominator), 9)} ${padLeft(r.numerator === null ? '–' : formatFrenchNumber(r.numerator), 8)} ${padLeft(share, 8)} ${pad(r.target ? objectiveLabel(r.target) : '–', 9)} ${statusLabel(r.status)}`,
      );
    }
  }

  lines.push('', `E-mails de relance envoyés : ${result.emails.length}${result.alreadySent ? ` (${result.alreadySent} déjà envoyé(s) lors d’une exécution précédente)` : ''}`);
  for (const e of result.emails) {
    lines.push(`  → ${e.to.join(', ')} [${e.step}] ${e.subject}`);
  }
  if (result.deadLetters.length > 0) {
    lines.push('', `⚠ ${result.deadLetters.length} message(s) en file d’erreurs (dead-letter) : à examiner`);
  }
  lines.push('', 'Classeurs de synthèse :', ...result.summaries.map((s) => `  ${s.path}`));
  lines.push('', `Résultats détaillés : ${result.outDir} (indicators.json, emails.json, reports/)`);
  return lines.join('\n');
}

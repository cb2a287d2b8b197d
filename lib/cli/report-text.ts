import { formatFrenchNumber } from '../io/french';
import { delimiterLabel, issuePlace, type ValidationReport } from '../formats/report';

const ENCODINGS: Record<string, string> = { 'utf-8': 'UTF-8', 'utf-8-bom': 'UTF-8 avec BOM', 'windows-1252': 'Windows-1252' };

/** How the file was read, in French: `CSV, Windows-1252, séparateur point-virgule`. */
export function readingLabel(report: ValidationReport): string | null {
  if (report.format === 'xlsx') return `classeur Excel, feuille « ${report.sheet ?? '?'} »`;
  if (report.format === 'ods') return `classeur OpenDocument, feuille « ${report.sheet ?? '?'} »`;
  if (report.format === 'csv') return `CSV, ${report.encoding ? (ENCODINGS[report.encoding] ?? report.encoding) : 'encodage inconnu'}, séparateur ${delimiterLabel(report.delimiter)}`;
  if (report.format === 'document') return 'document';
  return null;
}

/**
 * One received file in a few French lines: accepted (with its first warnings) or refused (with its
 * first errors, their line and column), indented by `indent`.
 */
export function renderFileReport(title: string, report: ValidationReport, options: { indent?: string; errors?: number; warnings?: number; reading?: boolean } = {}): string[] {
  const indent = options.indent ?? '';
  const maxErrors = options.errors ?? 6;
  const maxWarnings = options.warnings ?? 3;
  const lines: string[] = [];
  const reading = readingLabel(report);
  const how = report.format === 'document' || !reading || options.reading === false ? '' : `, ${reading}`;
  const rows = report.rowsRead > 0 ? `, ${formatFrenchNumber(report.rowsAccepted)}/${formatFrenchNumber(report.rowsRead)} lignes retenues` : '';
  const warnings = report.warningCount > 0 ? `, ${report.warningCount} avertissement(s)` : '';
  if (report.status === 'accepted') {
    lines.push(`${indent}✔ ${title} – ${report.kindLabel ?? 'fichier'}${rows}${how}${warnings}`);
    for (const issue of report.issues.filter((i) => i.severity === 'warning').slice(0, maxWarnings)) {
      lines.push(`${indent}    ⚠ ${issue.row ? `ligne ${issue.row} : ` : ''}${issue.message}`);
    }
    if (report.warningCount > maxWarnings) lines.push(`${indent}    … et ${report.warningCount - maxWarnings} autre(s) avertissement(s)`);
  } else {
    lines.push(`${indent}✘ ${title} – refusé : ${report.errorCount} erreur(s)${report.kindLabel ? ` (${report.kindLabel})` : ''}`);
    for (const issue of report.issues.filter((i) => i.severity === 'error').slice(0, maxErrors)) {
      const where = issuePlace(issue);
      lines.push(`${indent}    • ${where ? `${where} : ` : ''}${issue.message}`);
    }
    if (report.errorCount > maxErrors) lines.push(`${indent}    … et ${report.errorCount - maxErrors} autre(s) erreur(s), voir le rapport JSON`);
  }
  return lines;
}

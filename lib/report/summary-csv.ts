import { LEVEL_LABELS, SOURCE_LABELS, STATUS_LABELS } from './labels';
import type { RegionSummary, SummaryRow, IndicatorSection } from './summary-model';

/** The CSV export's columns, in order: plain names, for tools that load the file elsewhere. */
export const CSV_COLUMNS = [
  'annee',
  'region',
  'code_indicateur',
  'indicateur',
  'niveau',
  'perimetre',
  'ciblee',
  'finess',
  'contrat',
  'etablissement',
  'categorie',
  'source',
  'numerateur',
  'denominateur',
  'valeur',
  'unite',
  'objectif_comparateur',
  'objectif_valeur',
  'statut',
  'code_statut',
  'valeur_annee_precedente',
  'evolution_points',
  'pieces_dues',
  'pieces_a_temps',
  'pieces_en_retard',
  'pieces_refusees',
  'pieces_manquantes',
  'pieces_attendues',
  'part_budget_eur',
  'remarque',
] as const;

/**
 * What a spreadsheet would take for a formula at the start of a cell (OWASP, CSV injection):
 * `=`, `+`, `-`, `@`, tab and carriage return.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text field: prefixed with a single quote when it starts like a formula, as OWASP advises, so
 * that Excel and LibreOffice show it as text; always quoted, inner quotes doubled.
 */
export function csvText(value: string | null): string {
  if (value === null) return '';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/**
 * A number with a decimal comma and no thousands separator, exactly as JavaScript holds it (the
 * shortest form that reads back to the same number); never quoted, never prefixed: a negative number
 * is a number to a spreadsheet, not a formula.
 */
export function csvNumber(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '';
  const plain = /e/i.test(String(value)) ? value.toFixed(12).replace(/\.?0+$/, '') : String(value);
  return plain.replace('.', ',');
}

/** Amounts in euros, to the cent: the sums of floating-point amounts carry noise beyond it. */
const cents = (value: number | null): number | null => (value === null ? null : Math.round(value * 100) / 100);

/** Rates, growths, points and their changes as the page and the workbook show them: one decimal. */
const oneDecimal = (value: number | null): number | null => (value === null ? null : Math.round(value * 10) / 10);

function line(summary: RegionSummary, section: IndicatorSection, row: SummaryRow): string {
  const r = row.result;
  const d = section.definition;
  return [
    csvNumber(summary.year),
    csvText(summary.region),
    csvText(section.code),
    csvText(d.label),
    csvText(LEVEL_LABELS[d.level]),
    csvText(r.scope === 'site' ? 'site' : 'contrat'),
    csvText(row.informative ? 'non' : 'oui'),
    csvText(r.finess),
    csvText(r.contrat),
    csvText(row.label),
    csvText(r.categorie),
    csvText(r.source ? SOURCE_LABELS[r.source] : null),
    csvNumber(d.measure === 'growth' ? cents(r.numerator) : r.numerator),
    csvNumber(d.measure === 'growth' ? cents(r.denominator) : r.denominator),
    csvNumber(oneDecimal(r.value)),
    csvText(r.unit),
    csvText(r.target?.comparator ?? null),
    csvNumber(r.target?.value ?? null),
    csvText(STATUS_LABELS[r.status]),
    csvText(r.status),
    csvNumber(oneDecimal(row.previous)),
    csvNumber(oneDecimal(row.change)),
    // A site's own documents: a contract's are its sites'.
    ...(row.informative || r.scope === 'contract'
      ? ['', '', '', '', '', '']
      : [row.evidence.owed, row.evidence.inTime, row.evidence.late, row.evidence.refused, row.evidence.missing, row.evidence.awaited].map(csvNumber)),
    csvNumber(cents(r.allocation?.amount ?? null)),
    csvText(row.remark),
  ].join(';');
}

/**
 * The indicator table of a regional summary as a CSV a French Excel opens as it is: UTF-8 with a
 * BOM, `;` between fields, decimal comma, CRLF line ends. One line per row of every indicator
 * sheet (targeted sites, targeted contracts, sites not targeted that have a value); values in the
 * result's unit (`%` or `points`, not fractions). Text fields starting like a formula get a
 * leading single quote (OWASP); numbers are left as they are.
 *
 * @returns the file's bytes.
 * @example
 * const csv = buildSummaryCsv(summaryModel(input));
 * csv.subarray(0, 3) // <Buffer ef bb bf>
 */
export function buildSummaryCsv(summary: RegionSummary): Buffer {
  const lines = [CSV_COLUMNS.join(';')];
  for (const section of summary.sections) for (const row of section.rows) lines.push(line(summary, section, row));
  return Buffer.from(`\ufeff${lines.join('\r\n')}\r\n`, 'utf8');
}

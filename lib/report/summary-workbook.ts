import type * as ExcelJS from 'exceljs';
import { CATALOGUE, type IndicatorDefinition, type Measure } from '../domain/catalogue';
import type { IndicatorStatus, RegionMoTotals } from '../domain/schemas';
import { formatFrenchNumber } from '../io/french';
import {
  ANOMALY_LABELS,
  ATIH_ROWS,
  BUDGET_LABELS,
  DMI_STATE_LABELS,
  eurosLabel,
  FINAL_RESULT_LABELS,
  INDICATOR_SHEET_NAMES,
  LEVEL_LABELS,
  MEASURE_HEADINGS,
  MO_HEADINGS,
  objectiveLabel,
  REPORT_STATUS_LABELS,
  SELF_ASSESSMENT_LABELS,
  SOURCE_LABELS,
  STATUS_LABELS,
  VOLET_LABELS,
} from './labels';
import type { BudgetSplit, IndicatorSection, RegionSummary, ReportSummaryRow, SummaryRow } from './summary-model';
import { jumpFactor } from '../domain/mo';

/** Sheet names, exported so tests and readers of the file do not repeat literals. */
export const SUMMARY_SHEETS = {
  overview: 'Synthèse',
  /** One sheet per indicator, in the catalogue's order (national, then regional, as the seed). */
  indicators: INDICATOR_SHEET_NAMES,
  budgets: 'Intéressement et budget DMI',
  reports: 'Rapports d’auto-évaluation',
} as const;

/**
 * Number formats. Rates are stored as a fraction (0.1536) with a percent format, so the cell shows
 * "15,4 %" in a French Excel and stays a true ratio for any formula a reader writes; a growth is
 * signed. Counts use `#,##0`: Excel and LibreOffice swap in the reader's separators, so French
 * users see `496 871`. Changes of a rate are in points.
 */
export const NUM_FMT = {
  count: '#,##0',
  decimal: '#,##0.00',
  amount: '#,##0.00 "€"',
  share: '0.0 %',
  growth: '+0.0 %;-0.0 %;0.0 %',
  points: '0.0',
  change: '+0.0" points";-0.0" points";0.0" points"',
  year: '0',
  date: 'dd/mm/yyyy',
  text: '@',
} as const;

/** What `partiellement rempli` counts until OMéDIT reviews the plans: said on the DMI sheet and the page. */
export const DMI_PARTLY_NOTE =
  '« Partiellement rempli » relève de l’appréciation de l’OMéDIT à la lecture du plan (revue à venir) : compté 0 ici, tout plan transmis étant compté « totalement rempli » en attendant. « Non transmis » : pièce manquante, ou refusée, après l’échéance ; une pièce refusée avant l’échéance est « en attente ».';

const WIDTH_MIN = 8;
const WIDTH_MAX = 60;

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
/** Met, not met and pending in Excel's own "good / bad / neutral" colours. */
const STATUS_STYLES: readonly { status: IndicatorStatus; fill: string; font: string }[] = [
  { status: 'met', fill: 'FFC6EFCE', font: 'FF006100' },
  { status: 'not_met', fill: 'FFFFC7CE', font: 'FF9C0006' },
  { status: 'pending', fill: 'FFFFEB9C', font: 'FF9C5700' },
];

type Kind = keyof typeof NUM_FMT;
interface CellSpec {
  kind: Kind;
  /** A number, a text, or for `date` an ISO day `yyyy-mm-dd`. */
  value: string | number | null;
  /** A long text left out of its column's width: it spills over the empty cells to its right. */
  spill?: true;
}

const text = (value: string | null): CellSpec => ({ kind: 'text', value });
const spill = (value: string | null): CellSpec => ({ kind: 'text', value, spill: true });
const num = (kind: Exclude<Kind, 'text' | 'date'>, value: number | null): CellSpec => ({ kind, value });

/**
 * Characters XML 1.0 forbids: a file name or a message carrying one would make the whole
 * workbook unreadable, so each becomes U+FFFD. Tab, line feed and carriage return are allowed.
 */
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/**
 * Sets a cell's value without ever producing a formula. Strings may come from uploaded files
 * (names, contract ids, file names, anomaly examples): exceljs stores a plain string value as a
 * shared string, never as a formula, and the text format `@` keeps Excel from re-reading `=…`,
 * `+33…`, `-2+3` or `@SUM(…)` as a formula or a number if a user edits the cell and presses Enter.
 */
function writeCell(cell: ExcelJS.Cell, spec: CellSpec): void {
  if (spec.value === null || (typeof spec.value === 'number' && !Number.isFinite(spec.value))) {
    cell.value = null;
    return;
  }
  if (spec.kind === 'text') {
    cell.value = String(spec.value).replace(XML_INVALID, '\ufffd');
    cell.numFmt = NUM_FMT.text;
    return;
  }
  if (spec.kind === 'date') {
    const [y, m, d] = String(spec.value).split('-').map(Number);
    // A day, not an instant: midnight UTC is the serial number of that day whatever the machine's zone.
    cell.value = new Date(Date.UTC(y as number, (m as number) - 1, d));
    cell.numFmt = NUM_FMT.date;
    return;
  }
  cell.value = Number(spec.value);
  cell.numFmt = NUM_FMT[spec.kind];
}

/** Roughly how many characters the cell shows, for column widths. */
function displayLength(spec: CellSpec): number {
  if (spec.value === null) return 0;
  if (typeof spec.value === 'string') return spec.kind === 'date' ? 10 : Math.max(0, ...spec.value.split(/\r?\n/).map((line) => line.length));
  switch (spec.kind) {
    case 'count':
      return formatFrenchNumber(Math.round(spec.value)).length;
    case 'amount':
      return formatFrenchNumber(spec.value, 2).length + 2;
    case 'decimal':
      return formatFrenchNumber(spec.value, 2).length;
    case 'share':
    case 'growth':
      return (spec.value * 100).toFixed(1).length + 3;
    case 'change':
      return spec.value.toFixed(1).length + 4;
    default:
      return String(spec.value).length;
  }
}

/**
 * Writes the cells of one sheet (the one cell writer of the workbook) and remembers the longest
 * displayed text per column, so widths are fitted once every table of the sheet is written.
 */
class SheetWriter {
  private readonly widths: number[] = [];

  constructor(readonly ws: ExcelJS.Worksheet) {}

  row(rowNumber: number, cells: readonly CellSpec[], options: { header?: boolean; measure?: boolean; bold?: boolean } = {}): ExcelJS.Row {
    const row = this.ws.getRow(rowNumber);
    cells.forEach((spec, index) => {
      const cell = row.getCell(index + 1);
      writeCell(cell, spec);
      if (options.header) {
        cell.font = { bold: true };
        cell.fill = HEADER_FILL;
        cell.alignment = { vertical: 'middle', wrapText: false };
      } else if (options.bold) cell.font = { bold: true };
      if (options.measure !== false && !spec.spill) {
        const length = displayLength(spec) + (options.header ? 2 : 0);
        this.widths[index] = Math.max(this.widths[index] ?? 0, length);
      }
    });
    return row;
  }

  /** A title or a note alone on its row: not measured, or column A would be absurdly wide. */
  title(rowNumber: number, value: string, size = 14): void {
    const row = this.row(rowNumber, [text(value)], { measure: false });
    row.getCell(1).font = { bold: true, size };
  }

  note(rowNumber: number, value: string): void {
    const row = this.row(rowNumber, [text(value)], { measure: false });
    row.getCell(1).font = { italic: true, color: { argb: 'FF595959' } };
  }

  /** Met, not met and pending coloured by conditional formatting, so a status typed over is recoloured. */
  statusColours(column: number, fromRow: number, toRow: number): void {
    if (toRow < fromRow) return;
    const letter = this.ws.getColumn(column).letter;
    this.ws.addConditionalFormatting({
      ref: `${letter}${fromRow}:${letter}${toRow}`,
      rules: STATUS_STYLES.map((s, i) => ({
        type: 'cellIs',
        operator: 'equal',
        // Equality, not "contains": "Non atteint" contains "atteint", and Excel compares without case.
        formulae: [`"${STATUS_LABELS[s.status]}"`],
        priority: i + 1,
        style: {
          fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: s.fill }, bgColor: { argb: s.fill } },
          font: { color: { argb: s.font } },
        },
      })),
    });
  }

  fitColumns(): void {
    this.widths.forEach((length, index) => {
      this.ws.getColumn(index + 1).width = Math.min(WIDTH_MAX, Math.max(WIDTH_MIN, length + 2));
    });
  }
}

/**
 * A page set up to print on A4 landscape, `pagesWide` sheets of paper wide (twenty columns on one
 * would be unreadable), the header row and the names repeated on every page.
 */
function printSetup(ws: ExcelJS.Worksheet, headerRow: number | null, pagesWide: 1 | 2): void {
  ws.pageSetup = {
    paperSize: 9,
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: pagesWide,
    fitToHeight: 0,
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
    ...(headerRow ? { printTitlesRow: `${headerRow}:${headerRow}`, printTitlesColumn: 'A:A' } : {}),
  };
}

/** A value of a result in its unit, as the cell stores it: rates and growths as fractions. */
function valueCell(measure: Measure, value: number | null): CellSpec {
  if (value === null) return text(null);
  if (measure === 'points') return num('points', value);
  return num(measure === 'growth' ? 'growth' : 'share', value / 100);
}

function partsCell(measure: Measure, value: number | null): CellSpec {
  return num(measure === 'growth' ? 'decimal' : 'count', value);
}

interface Column {
  header: string;
  cell: (row: SummaryRow) => CellSpec;
  status?: true;
}

function indicatorColumns(section: IndicatorSection, summary: RegionSummary): Column[] {
  const { year } = summary;
  const { measure } = section.definition;
  const headings = section.code === 'MO' ? MO_HEADINGS : MEASURE_HEADINGS[measure];
  const columns: Column[] = [
    { header: 'Établissement', cell: (r) => text(r.label) },
    { header: 'FINESS', cell: (r) => text(r.result.finess) },
    { header: 'Contrat', cell: (r) => text(r.result.contrat) },
    { header: 'Catégorie', cell: (r) => text(r.result.categorie) },
    { header: 'Source', cell: (r) => text(r.result.source ? SOURCE_LABELS[r.result.source] : null) },
    { header: headings.numerator, cell: (r) => partsCell(measure, r.result.numerator) },
    { header: headings.denominator, cell: (r) => partsCell(measure, r.result.denominator) },
    { header: headings.value, cell: (r) => valueCell(measure, r.result.value) },
    { header: 'Objectif', cell: (r) => text(r.result.target ? objectiveLabel(r.result.target, section.definition.unit) : null) },
    { header: 'Statut', cell: (r) => text(STATUS_LABELS[r.result.status]), status: true },
  ];
  if (measure === 'growth') {
    // A growth is already a change: the previous year's growth is shown beside it.
    columns.push({ header: `Évolution ${year - 1} (%)`, cell: (r) => valueCell(measure, r.previous) });
  } else {
    columns.push(
      { header: `Valeur ${year - 1}`, cell: (r) => valueCell(measure, r.previous) },
      { header: `Évolution depuis ${year - 1}`, cell: (r) => num('change', r.change) },
    );
  }
  if (section.code === 'MO') {
    const argued = (r: SummaryRow) => r.result.components.find((c) => c.id === 'argued');
    columns.push(
      { header: 'Montant total (€)', cell: (r) => num('amount', r.result.amounts?.total ?? null) },
      { header: 'Montant hors-AMM (€)', cell: (r) => num('amount', r.result.amounts?.horsAmm ?? null) },
      { header: 'Prescriptions hors-AMM argumentées (%)', cell: (r) => valueCell('ratio', argued(r)?.value ?? null) },
      { header: 'Argumentaire hors-AMM face aux données ATIH', cell: (r) => text(argued(r)?.note ?? null) },
      { header: 'Initiations', cell: (r) => num('count', r.result.initiations?.initiations ?? null) },
      { header: 'Patients', cell: (r) => num('count', r.result.initiations?.patients ?? null) },
      { header: 'Anomalies', cell: (r) => num('count', r.result.scope === 'site' ? r.result.anomalies.length : null) },
      { header: 'Intéressement (€)', cell: (r) => num('amount', r.result.allocation?.amount ?? null) },
    );
  }
  if (section.code === 'DMI') {
    const state = (r: SummaryRow, part: 'cartographie' | 'plan' | 'audit') => {
      const site = summary.dmi.sites.find((s) => s.row === r);
      return site ? DMI_STATE_LABELS[site[part]] : null;
    };
    columns.push(
      { header: 'Cartographie', cell: (r) => text(state(r, 'cartographie')) },
      { header: "Plan d’actions", cell: (r) => text(state(r, 'plan')) },
      { header: 'Audit', cell: (r) => text(state(r, 'audit')) },
      { header: 'Budget DMI (€)', cell: (r) => num('amount', r.result.allocation?.amount ?? null) },
    );
  }
  // A site's own documents: a contract's are its sites', and a document-scored indicator already counts them.
  const owes = (r: SummaryRow) => r.result.scope === 'site' && !r.informative;
  if (measure !== 'documents') {
    columns.push(
      { header: 'Pièces dues', cell: (r) => num('count', owes(r) ? r.evidence.owed : null) },
      { header: 'Reçues à temps', cell: (r) => num('count', owes(r) ? r.evidence.inTime : null) },
    );
  }
  columns.push(
    { header: 'Détail des pièces', cell: (r) => text(r.evidenceDetail || null) },
    { header: 'Remarque', cell: (r) => text(r.remark) },
  );
  return columns;
}

/**
 * One indicator's sheet: a title, what it measures and its target, then one row per targeted site,
 * per targeted contract, and per site not targeted that has a value. Returns the next free row.
 */
function writeIndicator(sheet: SheetWriter, section: IndicatorSection, summary: RegionSummary): number {
  const d = section.definition;
  sheet.title(1, `${section.sheet} – ${d.label}`);
  const target = !section.targeted ? '' : section.mainTarget ? ` · objectif : ${section.targetText}${d.targetNote ? ` – ${d.targetNote}` : ''}` : ` · ${section.targetText}`;
  sheet.note(2, `${summary.region} ${summary.year} · indicateur ${LEVEL_LABELS[d.level].toLowerCase()} · ${VOLET_LABELS[d.volet]}${target}`);
  const columns = indicatorColumns(section, summary);
  const header = 3;
  sheet.row(header, columns.map((c) => text(c.header)), { header: true });
  let r = header + 1;
  for (const row of section.rows) {
    const written = sheet.row(r++, columns.map((c) => c.cell(row)));
    if (row.result.scope === 'contract') written.getCell(1).font = { italic: true };
    if (row.informative) written.font = { color: { argb: 'FF7F7F7F' } };
  }
  const last = r - 1;
  if (section.rows.length === 0) sheet.note(r++, `Aucun établissement ciblé en ${summary.region} pour ${summary.year}.`);
  const statusColumn = columns.findIndex((c) => c.status) + 1;
  sheet.statusColours(statusColumn, header + 1, last);
  sheet.ws.autoFilter = { from: { row: header, column: 1 }, to: { row: Math.max(header, last), column: columns.length } };
  sheet.ws.views = [{ state: 'frozen', xSplit: 1, ySplit: header }];
  printSetup(sheet.ws, header, 2);
  return r;
}

function writeOverview(sheet: SheetWriter, summary: RegionSummary): void {
  sheet.title(1, `CAQES ${summary.year} – ${summary.region} : synthèse régionale`);
  sheet.row(2, [text('Généré le'), { kind: 'date', value: summary.day }], { measure: false });
  sheet.note(3, 'Statuts calculés à cette date : provisoires jusqu’à la clôture de l’évaluation. Détail par établissement sur la feuille de chaque indicateur.');

  const header = 5;
  const statuses: readonly IndicatorStatus[] = ['met', 'not_met', 'pending', 'neutralised', 'no_data', 'no_target'];
  const headers = [
    'Indicateur',
    'Niveau',
    'Volet',
    'Établissements ciblés',
    ...statuses.map((s) => STATUS_LABELS[s]),
    'Objectif',
    'Pièces dues',
    'Reçues à temps',
    'En retard',
    'Refusées',
    'Manquantes',
    'Attendues',
  ];
  sheet.row(header, headers.map(text), { header: true });
  let r = header + 1;
  for (const s of summary.sections) {
    sheet.row(r++, [
      text(s.definition.label),
      text(LEVEL_LABELS[s.definition.level]),
      text(VOLET_LABELS[s.definition.volet]),
      num('count', s.targeted),
      ...statuses.map((status) => num('count', s.statuses[status])),
      text(s.targetText),
      num('count', s.evidence.owed),
      num('count', s.evidence.inTime),
      num('count', s.evidence.late),
      num('count', s.evidence.refused),
      num('count', s.evidence.missing),
      num('count', s.evidence.awaited),
    ]);
  }
  sheet.ws.autoFilter = { from: { row: header, column: 1 }, to: { row: r - 1, column: headers.length } };

  r++;
  sheet.title(r++, 'Pièces justificatives par établissement', 12);
  sheet.row(
    r++,
    ['Établissement', 'FINESS', 'Pièces dues', 'Reçues à temps', 'En retard', 'Refusées', 'Manquantes', 'Attendues', 'Prochaine échéance', 'En défaut'].map(text),
    { header: true },
  );
  for (const e of summary.establishments) {
    sheet.row(r++, [
      text(e.name),
      text(e.finess),
      num('count', e.counts.owed),
      num('count', e.counts.inTime),
      num('count', e.counts.late),
      num('count', e.counts.refused),
      num('count', e.counts.missing),
      num('count', e.counts.awaited),
      { kind: 'date', value: e.nextDue },
      spill(e.outstanding || null),
    ]);
  }
  sheet.ws.views = [{ state: 'frozen', xSplit: 0, ySplit: header }];
  printSetup(sheet.ws, header, 2);
}

/**
 * The seed's ATIH table: years as columns. The share is recomputed from the UCD counts, as its
 * label says (UCD/UCD). Amounts are shown as given: an out-of-line year (PACA 2024) stays visible,
 * with an alert under it.
 */
function writeAtih(sheet: SheetWriter, firstRow: number, summary: RegionSummary): number {
  let r = firstRow;
  sheet.title(r++, `Données ATIH de la région ${summary.region} (liste en sus)`, 12);
  const totals = summary.atih;
  sheet.row(r++, [text('Année'), ...totals.map((t) => num('year', t.year))], { header: true });
  const lines: [string, Exclude<Kind, 'text' | 'date'>, (t: RegionMoTotals) => number | null][] = [
    [ATIH_ROWS[0], 'count', (t) => t.totalUcd],
    [ATIH_ROWS[1], 'amount', (t) => t.totalAmount],
    [ATIH_ROWS[2], 'count', (t) => t.i999Ucd],
    [ATIH_ROWS[3], 'amount', (t) => t.i999Amount],
    [ATIH_ROWS[4], 'share', (t) => (t.totalUcd > 0 ? t.i999Ucd / t.totalUcd : null)],
  ];
  for (const [label, kind, pick] of lines) {
    const row = sheet.row(r++, [text(label), ...totals.map((t) => num(kind, pick(t)))]);
    row.getCell(1).font = { bold: true };
  }
  if (totals.some((t) => t.amountJump !== null)) {
    const row = sheet.row(r++, [
      text('Alerte'),
      ...totals.map((t) => text(t.amountJump === null ? null : `total valorisé ${jumpFactor(t.amountJump)} en un an : à vérifier`)),
    ], { measure: false });
    row.font = { bold: true, color: { argb: 'FF9C0006' } };
  }
  return r;
}

/** The seed's "Données issues du recueil déclaratif des initiations de traitements hors référentiel". */
function writeInitiations(sheet: SheetWriter, firstRow: number, summary: RegionSummary): number {
  const { initiations } = summary;
  let r = firstRow;
  sheet.title(r++, `Recueil déclaratif des initiations de traitements hors référentiel ${summary.region} ${summary.year}`, 12);
  if (initiations.establishments === 0) {
    sheet.note(r++, 'Aucun recueil des initiations reçu.');
    return r;
  }
  sheet.row(r++, [text(`Initiations (${initiations.establishments} établissements)`), num('count', initiations.initiations)]);
  sheet.row(r++, [text('Patients en initiation'), num('count', initiations.patients)]);
  r++;
  sheet.row(r++, ['Établissement', 'FINESS', 'Initiations', 'Patients'].map(text), { header: true });
  for (const s of initiations.sites) sheet.row(r++, [text(s.name), text(s.finess), num('count', s.initiations), num('count', s.patients)]);
  r++;
  sheet.row(r++, ['Top 10 DCI (patients)', 'Patients', 'Part des patients'].map(text), { header: true });
  for (const d of initiations.topDci) sheet.row(r++, [text(d.dci), num('count', d.patients), num('share', d.share / 100)]);
  return r;
}

function writeMoAnomalies(sheet: SheetWriter, firstRow: number, summary: RegionSummary): number {
  let r = firstRow;
  sheet.title(r++, 'Anomalies de codage et de montants', 12);
  if (summary.moAnomalies.length === 0) {
    sheet.note(r++, 'Aucune anomalie relevée.');
    return r;
  }
  sheet.row(r++, ['Établissement', 'FINESS', 'Anomalie', 'Détail'].map(text), { header: true });
  for (const a of summary.moAnomalies) {
    sheet.row(r++, [text(a.name), text(a.finess), text(ANOMALY_LABELS[a.code as keyof typeof ANOMALY_LABELS] ?? a.code), spill(a.message)]);
  }
  return r;
}

/** The seed's results layout: action plan not sent / partly / fully filled, audit not sent / done. */
function writeDmiResults(sheet: SheetWriter, firstRow: number, summary: RegionSummary): number {
  const { dmi } = summary;
  let r = firstRow;
  sheet.title(r++, `Résultats DMI ${summary.region} ${summary.year} (présentation du bilan OMéDIT)`, 12);
  sheet.row(r++, [text('Établissements ciblés'), num('count', dmi.targeted)]);
  sheet.row(r++, [text('Établissements ayant répondu'), num('count', dmi.answered)]);
  r++;
  sheet.row(r++, [text('Plan d’actions suite au diagnostic ANAP ou RESOMEDIT'), text("Nombre d'ES")], { header: true });
  sheet.row(r++, [text('Non transmis'), num('count', dmi.plan.notSent)]);
  sheet.row(r++, [text('Partiellement rempli'), num('count', dmi.plan.partly)]);
  sheet.row(r++, [text('Totalement rempli'), num('count', dmi.plan.fully)]);
  sheet.row(r++, [text('En attente (échéance non passée)'), num('count', dmi.plan.awaited)]);
  sheet.row(r++, [text('dont transmis en retard'), num('count', dmi.plan.late)]);
  r++;
  sheet.row(r++, [text('Audit DMI'), text("Nombre d'ES")], { header: true });
  sheet.row(r++, [text('Non transmis'), num('count', dmi.audit.notSent)]);
  sheet.row(r++, [text('Rempli'), num('count', dmi.audit.done)]);
  sheet.row(r++, [text('En attente (échéance non passée)'), num('count', dmi.audit.awaited)]);
  sheet.row(r++, [text('dont transmis en retard'), num('count', dmi.audit.late)]);
  sheet.note(r++, DMI_PARTLY_NOTE);
  return r;
}

function writeBudget(sheet: SheetWriter, firstRow: number, split: BudgetSplit, summary: RegionSummary): number {
  let r = firstRow;
  sheet.title(r++, BUDGET_LABELS[split.budget], 12);
  sheet.row(r++, [text(`Budget régional (parametres-${summary.year}.csv)`), split.amount === null ? text('non renseigné') : num('amount', split.amount)]);
  sheet.row(r++, [text('Règle de répartition'), spill(split.rule ?? '–')]);
  const mo = split.budget === 'interessement_mo';
  const header = r;
  sheet.row(
    r++,
    [
      'Établissement',
      'FINESS',
      'Contrat',
      mo ? 'Statut MO retenu' : 'Statut DMI',
      mo ? 'UCD totales' : 'Points obtenus',
      mo ? 'Montant liste en sus valorisé (€)' : 'Points possibles',
      mo ? 'Part de l’intéressement (€)' : 'Part du budget DMI (€)',
    ].map(text),
    { header: true },
  );
  for (const { row, share, status } of split.rows) {
    sheet.row(r++, [
      text(row.label),
      text(row.result.finess),
      text(row.result.contrat),
      text(STATUS_LABELS[status]),
      num('count', mo ? row.result.denominator : row.result.numerator),
      mo ? num('amount', row.result.amounts?.total ?? null) : num('count', row.result.denominator),
      num('amount', share),
    ]);
  }
  sheet.statusColours(4, header + 1, r - 1);
  sheet.row(r++, [text(split.provisional ? 'Total prévisionnel' : 'Total réparti'), text(null), text(null), text(null), text(null), text(null), num('amount', split.total)], { bold: true });
  if (split.amount !== null) {
    sheet.row(r++, [text('Écart au budget'), text(null), text(null), text(null), text(null), text(null), num('amount', Math.round((split.amount - split.total) * 100) / 100)]);
    if (split.total === 0 && split.amount > 0) sheet.note(r++, 'Aucun établissement éligible à ce jour : le budget n’est pas réparti.');
  }
  sheet.note(
    r++,
    split.provisional
      ? `Répartition prévisionnelle : ${eurosLabel(split.undecided.amount)} ne sont pas décidés, pour ${split.undecided.names.join(', ')} (statut en attente), comptés comme si l’objectif était atteint ; les autres parts sont un minimum. Les parts sont arrondies au centime, les centimes restants allant aux plus forts restes : le total égale le budget.`
      : 'Répartition définitive : tous les statuts dont elle dépend sont décidés. Les parts sont arrondies au centime, les centimes restants allant aux plus forts restes : le total égale le budget.',
  );
  return r + 1;
}

/**
 * The region's self-evaluation reports: one row per contract and targeted indicator, what the
 * establishment declared, what the pipeline computed, what OMéDIT evaluated, and the contract's final
 * result. Comments are the users' own text: written as text, like every cell.
 */
function writeReports(sheet: SheetWriter, summary: RegionSummary): void {
  sheet.title(1, `Rapports d’auto-évaluation ${summary.year} – ${summary.region}`);
  sheet.note(2, 'Une ligne par contrat et indicateur ciblé. Valeur calculée : celle du contrat entier pour un contrat de plusieurs sites (sommes des numérateurs et dénominateurs).');
  const header = 3;
  const columns: { header: string; cell: (row: ReportSummaryRow, d: IndicatorDefinition) => CellSpec; status?: true }[] = [
    { header: 'Contrat', cell: (r) => text(r.contrat) },
    { header: 'Établissements', cell: (r) => text(r.sites) },
    { header: 'Indicateur', cell: (r) => text(INDICATOR_SHEET_NAMES[r.indicator]) },
    { header: 'État du rapport', cell: (r) => text(REPORT_STATUS_LABELS[r.status]) },
    { header: 'Selon l’établissement', cell: (r) => text(r.selfAssessment ? SELF_ASSESSMENT_LABELS[r.selfAssessment] : null) },
    { header: 'Valeur déclarée', cell: (r, d) => valueCell(d.measure, r.declared) },
    { header: 'Valeur calculée', cell: (r, d) => valueCell(d.measure, r.computedValue) },
    { header: 'Statut calculé', cell: (r) => text(r.computedStatus ? STATUS_LABELS[r.computedStatus] : null), status: true },
    { header: 'Valeur évaluée', cell: (r, d) => valueCell(d.measure, r.evaluatedValue) },
    { header: 'Statut évalué (OMéDIT)', cell: (r) => text(r.evaluatedStatus ? STATUS_LABELS[r.evaluatedStatus] : null), status: true },
    { header: 'Commentaire de l’évaluation', cell: (r) => text(r.evaluationComment || null) },
    { header: 'Résultat final du contrat', cell: (r) => text(r.final ? FINAL_RESULT_LABELS[r.final] : null) },
    { header: 'Commentaire du résultat final', cell: (r) => text(r.finalComment || null) },
  ];
  sheet.row(header, columns.map((c) => text(c.header)), { header: true });
  let r = header + 1;
  for (const row of summary.reports) sheet.row(r++, columns.map((c) => c.cell(row, CATALOGUE.get(row.indicator) as IndicatorDefinition)));
  const last = r - 1;
  if (summary.reports.length === 0) sheet.note(r, `Aucun contrat ciblé en ${summary.region} pour ${summary.year}.`);
  columns.forEach((c, i) => {
    if (c.status) sheet.statusColours(i + 1, header + 1, last);
  });
  sheet.ws.autoFilter = { from: { row: header, column: 1 }, to: { row: Math.max(header, last), column: columns.length } };
  sheet.ws.views = [{ state: 'frozen', xSplit: 1, ySplit: header }];
  printSetup(sheet.ws, header, 2);
}

/**
 * Builds the regional summary workbook of one CAQES campaign year:
 * - `Synthèse`: per indicator (national, then regional, with its volet, as the seed's tables) the
 *   establishments targeted, how many met, missed or await their target, the target, and the
 *   evidence owed, returned in time, late, refused, missing and awaited; then the same evidence per
 *   establishment, with its next deadline;
 * - one sheet per indicator: one row per targeted site, per targeted contract, and per site not
 *   targeted that has a value, with numerator, denominator, value, target, status, the previous
 *   year's value and the change, and the evidence; `MO` adds amounts, lines argued, initiations,
 *   anomalies, the incentive, the region's ATIH table (years as columns) and the anomalies; `DMI`
 *   adds the mapping, plan and audit and the seed's results layout;
 * - `Intéressement et budget DMI`: each budget, its rule, the share of every targeted site and the
 *   total, which equals the budget;
 * - `Rapports d’auto-évaluation`: one row per contract and targeted indicator, declared, computed
 *   and evaluated, and the contract's final result.
 *
 * Numbers are numbers with French-displaying formats, dates are dates (dd/mm/yyyy); headers are
 * frozen, tables filtered, statuses coloured by conditional formatting. No cell is ever a formula:
 * text from uploads is written as plain strings in text format.
 *
 * @param summary the region's summary (`summaryModel`).
 * @returns the `.xlsx` file's bytes.
 * @example
 * const xlsx = await buildSummaryWorkbook(summaryModel({
 *   region: 'PACA', year: 2025, generatedAt: '2026-02-23T08:00:00Z', results: [], regionTotals: [],
 * }));
 */
export async function buildSummaryWorkbook(summary: RegionSummary): Promise<Buffer> {
  // Loaded with the first workbook, not with the compute handler: a run without summaries (the
  // referential alone) need not load it, about a tenth of such a `caqes run`.
  const { default: Excel } = await import('exceljs');
  const workbook = new Excel.Workbook();
  const generated = new Date(summary.generatedAt);
  workbook.creator = 'OMéDIT – suivi CAQES';
  workbook.title = `CAQES ${summary.year} – ${summary.region}`;
  // Dates from the input, not the clock: the properties say when the data was summarised.
  workbook.created = generated;
  workbook.modified = generated;

  const overview = new SheetWriter(workbook.addWorksheet(SUMMARY_SHEETS.overview));
  writeOverview(overview, summary);
  overview.fitColumns();

  for (const section of summary.sections) {
    const sheet = new SheetWriter(workbook.addWorksheet(section.sheet));
    let r = writeIndicator(sheet, section, summary) + 1;
    if (section.code === 'MO') r = writeMoAnomalies(sheet, writeInitiations(sheet, writeAtih(sheet, r, summary) + 1, summary) + 1, summary);
    if (section.code === 'DMI') r = writeDmiResults(sheet, r, summary);
    sheet.fitColumns();
  }

  const budgets = new SheetWriter(workbook.addWorksheet(SUMMARY_SHEETS.budgets));
  budgets.title(1, `Intéressement MO et budget DMI – ${summary.region} ${summary.year}`);
  let r = 3;
  for (const split of summary.budgets) r = writeBudget(budgets, r, split, summary);
  budgets.ws.views = [{ state: 'frozen', xSplit: 0, ySplit: 1 }];
  printSetup(budgets.ws, null, 1);
  budgets.fitColumns();

  const reports = new SheetWriter(workbook.addWorksheet(SUMMARY_SHEETS.reports));
  writeReports(reports, summary);
  reports.fitColumns();

  const bytes = await workbook.xlsx.writeBuffer();
  return Buffer.from(bytes as ArrayBuffer);
}

import ExcelJS from 'exceljs';
import {
  INDICATOR_CODES,
  type Establishment,
  type IndicatorResult,
  type IndicatorStatus,
  type RegionMoTotals,
} from '../domain/schemas';
import { documentKindLabel, indicatorLabel, objectiveLabel, STATUS_LABELS } from './labels';

/** What a regional summary is built from: one region, one campaign year. */
export interface SummaryInput {
  /** Region short name, e.g. `PACA`. */
  region: string;
  /** Campaign year, e.g. 2025. */
  year: number;
  /** ISO timestamp of the generation; shown as dd/mm/yyyy (Europe/Paris) and stored as the file's dates. */
  generatedAt: string;
  /** The region's establishments, used to name establishments in the evidence table. */
  establishments: Establishment[];
  /** MO results of that region and year: scope `site` and `contract`. */
  results: IndicatorResult[];
  /** The region's ATIH totals, one per year (several years). */
  regionTotals: RegionMoTotals[];
  /** Per establishment, evidence owed and received for the campaign; `missing` holds document kinds. */
  evidence: { finess: string; owed: number; received: number; missing: string[] }[];
}

/** The statuses counted per indicator on the overview, in the order of its columns. */
const OVERVIEW_STATUSES: readonly IndicatorStatus[] = ['met', 'not_met', 'pending', 'no_data', 'neutralised', 'no_target'];

/** Sheet names, exported so tests and readers of the file do not repeat literals. */
export const SUMMARY_SHEETS = { overview: 'Synthèse', mo: 'MO' } as const;

/**
 * Number formats. Shares are stored as a fraction (0.1536) with a percent format, so the cell
 * shows "15,4 %" in a French Excel and stays a true ratio for any formula a reader writes.
 * Counts use `#,##0`: Excel swaps in the reader's separators, so French users see `496 871`.
 */
export const NUM_FMT = {
  count: '#,##0',
  amount: '#,##0.00 "€"',
  share: '0.0 %',
  year: '0',
  text: '@',
} as const;

/** MO sheet columns, in order. */
export const MO_COLUMNS = [
  'Établissement',
  'FINESS',
  'Contrat',
  'UCD totales',
  'UCD hors-AMM (I999)',
  'Part I999 (%)',
  'Montant total (€)',
  'Montant hors-AMM (€)',
  'Objectif',
  'Statut',
] as const;

/** The ATIH table's row labels, in the seed's order. */
export const ATIH_ROWS = [
  "Nombre total d'UCD",
  'Total valorisé',
  "Nombre d'UCD hors-AMM",
  'Montant hors-AMM',
  'Hors-AMM/Total (UCD/UCD)',
] as const;

const WIDTH_MIN = 8;
const WIDTH_MAX = 60;

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const STATUS_FILLS: Record<'green' | 'red' | 'grey', { fill: string; font: string }> = {
  green: { fill: 'FFC6EFCE', font: 'FF006100' },
  red: { fill: 'FFFFC7CE', font: 'FF9C0006' },
  grey: { fill: 'FFE7E6E6', font: 'FF3A3A3A' },
};

type Kind = 'text' | 'count' | 'amount' | 'share' | 'year';
interface CellSpec {
  kind: Kind;
  value: string | number | null;
}

const text = (value: string | null): CellSpec => ({ kind: 'text', value });
const count = (value: number | null): CellSpec => ({ kind: 'count', value });
const amount = (value: number | null): CellSpec => ({ kind: 'amount', value });
const share = (value: number | null): CellSpec => ({ kind: 'share', value });

/**
 * Writes cells into one sheet and remembers the longest displayed text per column, so widths can
 * be fitted once all tables of the sheet are written.
 */
class SheetWriter {
  private readonly widths: number[] = [];

  constructor(readonly ws: ExcelJS.Worksheet) {}

  row(rowNumber: number, cells: readonly CellSpec[], options: { header?: boolean; measure?: boolean } = {}): ExcelJS.Row {
    const row = this.ws.getRow(rowNumber);
    cells.forEach((spec, index) => {
      const cell = row.getCell(index + 1);
      writeCell(cell, spec);
      if (options.header) {
        cell.font = { bold: true };
        cell.fill = HEADER_FILL;
        cell.alignment = { vertical: 'middle', wrapText: false };
      }
      if (options.measure !== false) {
        const length = displayLength(spec) + (options.header ? 2 : 0);
        this.widths[index] = Math.max(this.widths[index] ?? 0, length);
      }
    });
    return row;
  }

  fitColumns(): void {
    this.widths.forEach((length, index) => {
      this.ws.getColumn(index + 1).width = Math.min(WIDTH_MAX, Math.max(WIDTH_MIN, length + 2));
    });
  }
}

/**
 * Sets a cell's value without ever producing a formula. Strings may come from uploaded files
 * (names, contract ids, document kinds): exceljs stores a plain string value as a shared string,
 * never as a formula, and the text format `@` keeps Excel from re-reading `=...`, `+33...` or
 * `-...` as a formula or a number if a user edits the cell and presses Enter.
 */
function writeCell(cell: ExcelJS.Cell, spec: CellSpec): void {
  if (spec.value === null || (typeof spec.value === 'number' && !Number.isFinite(spec.value))) {
    cell.value = null;
    return;
  }
  if (spec.kind === 'text') {
    cell.value = String(spec.value);
    cell.numFmt = NUM_FMT.text;
    return;
  }
  cell.value = Number(spec.value);
  cell.numFmt = NUM_FMT[spec.kind];
}

/** Roughly how many characters the cell shows, for column widths. */
function displayLength(spec: CellSpec): number {
  if (spec.value === null) return 0;
  if (typeof spec.value === 'string') return Math.max(0, ...spec.value.split(/\r?\n/).map((line) => line.length));
  switch (spec.kind) {
    case 'count':
      return Math.round(spec.value).toLocaleString('fr-FR').length;
    case 'amount':
      return spec.value.toLocaleString('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).length + 2;
    case 'share':
      return (spec.value * 100).toFixed(1).length + 2;
    default:
      return String(spec.value).length;
  }
}

function statusColour(status: IndicatorStatus): keyof typeof STATUS_FILLS {
  if (status === 'met') return 'green';
  if (status === 'not_met') return 'red';
  return 'grey';
}

/** Plain fills rather than conditional formatting: the status is known when writing, and fills survive every viewer. */
function paintStatus(cell: ExcelJS.Cell, status: IndicatorStatus): void {
  const colour = STATUS_FILLS[statusColour(status)];
  cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: colour.fill } };
  cell.font = { color: { argb: colour.font }, bold: status === 'not_met' };
}

/** dd/mm/yyyy in Paris time: a report generated at 23:30 UTC on the 31st belongs to the 1st for its readers. */
function frenchDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`generatedAt is not a valid ISO timestamp: ${iso}`);
  return new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris',
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
  }).format(date);
}

/**
 * The I999 share as a fraction. Taken from numerator/denominator when both are there, so the cell
 * never depends on whether `value` was stored in percent (`unit: '%'`); otherwise `value` is read
 * as a percentage, as its unit says.
 */
function shareOf(result: IndicatorResult): number | null {
  if (result.numerator !== null && result.denominator !== null) {
    return result.denominator > 0 ? result.numerator / result.denominator : null;
  }
  return result.value === null ? null : result.value / 100;
}

const byFrench = (a: string, b: string): number => a.localeCompare(b, 'fr', { sensitivity: 'base' });

function writeOverview(ws: ExcelJS.Worksheet, input: SummaryInput, results: IndicatorResult[]): void {
  const sheet = new SheetWriter(ws);
  // The title is long and alone on its row: measuring it would make column A absurdly wide.
  const title = sheet.row(1, [text(`CAQES ${input.year} – ${input.region} : synthèse régionale`)], { measure: false });
  title.getCell(1).font = { bold: true, size: 14 };
  sheet.row(2, [text(`Généré le ${frenchDate(input.generatedAt)}`)], { measure: false });

  let r = 4;
  sheet.row(r++, [
    text('Indicateur'),
    text('Établissements ciblés'),
    ...OVERVIEW_STATUSES.map((status) => text(STATUS_LABELS[status])),
  ], { header: true });
  for (const indicator of INDICATOR_CODES) {
    // Counts are over sites: a contract row aggregates sites already counted.
    const sites = results.filter((result) => result.indicator === indicator && result.scope === 'site' && result.status !== 'not_targeted');
    if (sites.length === 0) continue;
    sheet.row(r++, [
      text(indicatorLabel(indicator)),
      count(sites.length),
      ...OVERVIEW_STATUSES.map((status) => count(sites.filter((site) => site.status === status).length)),
    ]);
  }

  r++;
  sheet.row(r++, [
    text('Établissement'),
    text('FINESS'),
    text('Pièces attendues'),
    text('Reçues'),
    text('Manquantes'),
  ], { header: true });
  const names = new Map(input.establishments.map((e) => [e.finess, e.raisonSociale]));
  const evidence = input.evidence
    .map((item) => ({ ...item, name: names.get(item.finess) ?? item.finess }))
    .sort((a, b) => byFrench(a.name, b.name) || a.finess.localeCompare(b.finess));
  for (const item of evidence) {
    sheet.row(r++, [
      text(item.name),
      text(item.finess),
      count(item.owed),
      count(item.received),
      text(item.missing.map(documentKindLabel).join(', ')),
    ]);
  }

  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: 2 }];
  sheet.fitColumns();
}

function writeMo(ws: ExcelJS.Worksheet, input: SummaryInput, results: IndicatorResult[]): void {
  const sheet = new SheetWriter(ws);
  sheet.row(1, MO_COLUMNS.map((label) => text(label)), { header: true });

  const mo = results.filter((result) => result.indicator === 'MO');
  const sites = mo
    .filter((result) => result.scope === 'site')
    .sort((a, b) => byFrench(a.name, b.name) || (a.finess ?? '').localeCompare(b.finess ?? ''));
  const contracts = mo.filter((result) => result.scope === 'contract').sort((a, b) => byFrench(a.contrat, b.contrat));

  let r = 2;
  for (const result of [...sites, ...contracts]) {
    const name = result.scope === 'contract' ? `Contrat ${result.contrat} (ensemble des sites)` : result.name;
    const row = sheet.row(r++, [
      text(name),
      text(result.scope === 'site' ? result.finess : null),
      text(result.contrat),
      count(result.denominator),
      count(result.numerator),
      share(shareOf(result)),
      amount(result.amounts?.total ?? null),
      amount(result.amounts?.horsAmm ?? null),
      text(result.target ? objectiveLabel(result.target) : null),
      text(STATUS_LABELS[result.status]),
    ]);
    if (result.scope === 'contract') row.getCell(1).font = { italic: true };
    paintStatus(row.getCell(MO_COLUMNS.length), result.status);
  }
  const lastDataRow = r - 1;
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: lastDataRow, column: MO_COLUMNS.length } };

  writeAtih(sheet, r + 1, input);

  ws.views = [{ state: 'frozen', xSplit: 0, ySplit: 1 }];
  sheet.fitColumns();
}

/**
 * The seed's ATIH table: years as columns. The share is recomputed from the UCD counts, as its
 * label says (UCD/UCD), instead of trusting `share`, whose unit (fraction or percent) the schema
 * does not fix. Amounts are shown as given: an out-of-line year (PACA 2024) must stay visible.
 * @throws Error when two totals share a year: which one is right cannot be decided here.
 */
function writeAtih(sheet: SheetWriter, firstRow: number, input: SummaryInput): void {
  const totals = input.regionTotals.filter((t) => t.region === input.region).sort((a, b) => a.year - b.year);
  totals.forEach((t, i) => {
    if (i > 0 && totals[i - 1]?.year === t.year) {
      throw new Error(`Two ATIH totals for ${input.region} ${t.year}: cannot choose one`);
    }
  });
  let r = firstRow;
  sheet.row(r++, [text('Année'), ...totals.map((t): CellSpec => ({ kind: 'year', value: t.year }))], { header: true });
  const lines: [string, Kind, (t: RegionMoTotals) => number | null][] = [
    [ATIH_ROWS[0], 'count', (t) => t.totalUcd],
    [ATIH_ROWS[1], 'amount', (t) => t.totalAmount],
    [ATIH_ROWS[2], 'count', (t) => t.i999Ucd],
    [ATIH_ROWS[3], 'amount', (t) => t.i999Amount],
    [ATIH_ROWS[4], 'share', (t) => (t.totalUcd > 0 ? t.i999Ucd / t.totalUcd : null)],
  ];
  for (const [label, kind, pick] of lines) {
    const row = sheet.row(r++, [text(label), ...totals.map((t): CellSpec => ({ kind, value: pick(t) }))]);
    row.getCell(1).font = { bold: true };
  }
}

/**
 * Builds the regional summary workbook of one CAQES campaign: a `Synthèse` sheet (status counts per
 * indicator, evidence owed/received/missing per establishment) and an `MO` sheet (one row per site,
 * then one per multi-site contract, then the region's ATIH table with years as columns).
 *
 * Results and totals of another region, and results of another year, are left out so the sheets
 * always match their title. No cell is ever a formula: text from uploads is written as plain
 * strings in text format.
 *
 * @param input the region, year, generation time, establishments, MO results, ATIH totals and evidence.
 * @returns the `.xlsx` file's bytes.
 * @throws RangeError when `generatedAt` is not a valid timestamp.
 * @throws Error when `regionTotals` holds two entries for the same year.
 * @example
 * const xlsx = await buildSummaryWorkbook({
 *   region: 'PACA', year: 2025, generatedAt: '2026-02-23T08:00:00Z',
 *   establishments: [], results: [], regionTotals: [], evidence: [],
 * });
 */
export async function buildSummaryWorkbook(input: SummaryInput): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const generated = new Date(input.generatedAt);
  if (Number.isNaN(generated.getTime())) {
    throw new RangeError(`generatedAt is not a valid ISO timestamp: ${input.generatedAt}`);
  }
  workbook.creator = 'OMéDIT – suivi CAQES';
  // Dates from the input, not the clock: the properties say when the data was summarised.
  workbook.created = generated;
  workbook.modified = generated;

  const results = input.results.filter((result) => result.region === input.region && result.year === input.year);
  writeOverview(workbook.addWorksheet(SUMMARY_SHEETS.overview), input, results);
  writeMo(workbook.addWorksheet(SUMMARY_SHEETS.mo), input, results);

  const bytes = await workbook.xlsx.writeBuffer();
  return Buffer.from(bytes as ArrayBuffer);
}

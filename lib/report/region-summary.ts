import { buildSummaryCsv } from './summary-csv';
import { summaryModel, type SummaryInput } from './summary-model';
import { buildSummaryPage } from './summary-page';
import { buildSummaryWorkbook } from './summary-workbook';

/** The three files of a regional summary. */
export interface SummaryFiles {
  /** The workbook (`.xlsx`). */
  xlsx: Buffer;
  /** The one-page visual report (`.html`, UTF-8). */
  html: Buffer;
  /** The indicator table (`.csv`, UTF-8 with BOM, `;`). */
  csv: Buffer;
}

/** Content types of the three files, as S3 serves them. */
export const SUMMARY_CONTENT_TYPES: Readonly<Record<keyof SummaryFiles, string>> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/**
 * Builds the workbook, the visual page and the CSV of one region and campaign year from the same
 * summary, so the three always agree.
 *
 * @throws ZodError when the input does not match `SummaryInput`.
 * @throws Error when the ATIH totals hold two entries for one year.
 * @example
 * const files = await buildRegionSummary({ region: 'PACA', year: 2025, generatedAt: new Date().toISOString(), results, previousResults, regionTotals });
 * await writeFile('PACA.xlsx', files.xlsx);
 */
export async function buildRegionSummary(input: SummaryInput): Promise<SummaryFiles> {
  const summary = summaryModel(input);
  return {
    xlsx: await buildSummaryWorkbook(summary),
    html: Buffer.from(buildSummaryPage(summary), 'utf8'),
    csv: buildSummaryCsv(summary),
  };
}

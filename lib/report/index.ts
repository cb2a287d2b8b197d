export {
  DOCUMENT_KIND_LABELS,
  INDICATOR_LABELS,
  STATUS_LABELS,
  documentKindLabel,
  indicatorLabel,
  objectiveLabel,
  statusLabel,
} from './labels';
export { SummaryInput, summaryModel, type RegionSummary, type IndicatorSection, type SummaryRow } from './summary-model';
export { DMI_PARTLY_NOTE, NUM_FMT, SUMMARY_SHEETS, buildSummaryWorkbook } from './summary-workbook';
export { CSV_COLUMNS, buildSummaryCsv, csvNumber, csvText } from './summary-csv';
export { buildSummaryPage } from './summary-page';
export { SUMMARY_CONTENT_TYPES, buildRegionSummary, type SummaryFiles } from './region-summary';

export {
  DOCUMENT_KIND_LABELS,
  INDICATOR_LABELS,
  STATUS_LABELS,
  documentKindLabel,
  indicatorLabel,
  objectiveLabel,
  statusLabel,
} from './labels';
export {
  ATIH_ROWS,
  MO_COLUMNS,
  NUM_FMT,
  SUMMARY_SHEETS,
  buildSummaryWorkbook,
  type SummaryInput,
} from './summary-workbook';

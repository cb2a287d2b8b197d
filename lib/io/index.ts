/** Public API of the I/O layer shared by every file format. */
export {
  parseFrenchNumber,
  parseFrenchDate,
  formatFrenchNumber,
  formatFrenchDate,
  normalizeHeader,
} from './french';
export { detectEncoding, detectDelimiter, type CsvEncoding, type CsvDelimiter } from './encoding';
export {
  openCsv,
  CsvReadError,
  type CsvFile,
  type CsvRow,
  type CsvLimits,
  type CsvReadErrorCode,
} from './csv-reader';

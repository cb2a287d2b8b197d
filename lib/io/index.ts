/** Public API of the I/O layer shared by every file format. */
export {
  parseFrenchNumber,
  parseFrenchDate,
  formatFrenchNumber,
  formatFrenchDate,
  normalizeHeader,
} from './french';
export { detectEncoding, detectDelimiter, isUtf16, type CsvEncoding, type CsvDelimiter } from './encoding';
export { openCsv, type CsvOptions } from './csv-reader';
export { openXlsx, type XlsxOptions } from './xlsx-reader';
export { isOdsHead, openOds, type OdsOptions } from './ods-reader';
export { isOleHead, oleFormat } from './ole';
export {
  TableReadError,
  UnsupportedFormatError,
  type UnreadableFormat,
  type TableFile,
  type TableRow,
  type TableLimits,
  type TableReadErrorCode,
} from './table';

/** Protective limits of intake: each is refused with its own message rather than taking the function down. */
export interface IngestLimits {
  /** An extract (CSV): Open PHMEV is 1.2 GB a year. */
  maxBytes: number;
  maxRows: number;
  maxCellsPerRow: number;
  /** One CSV record or one workbook cell, in characters (an unclosed quote would swallow the file). */
  maxRecordChars: number;
  /** A workbook, compressed: Excel's own row limit keeps real tables far below. */
  maxWorkbookBytes: number;
  /** A workbook, inflated: every part together (zip bombs). */
  maxInflatedBytes: number;
  /** An evidence document (PDF, office file). */
  maxEvidenceBytes: number;
}

export const INGEST_LIMITS: Readonly<IngestLimits> = {
  maxBytes: 4 * 1024 ** 3,
  maxRows: 50_000_000,
  maxCellsPerRow: 500,
  maxRecordChars: 1024 * 1024,
  maxWorkbookBytes: 100 * 1024 ** 2,
  maxInflatedBytes: 256 * 1024 ** 2,
  maxEvidenceBytes: 50 * 1024 ** 2,
};

import { z } from 'zod';

/** Error and warning codes of a validation report (Frictionless-style type codes). */
export const ISSUE_CODES = [
  'empty-file',
  'binary-file',
  'encoding-error',
  'too-large',
  'too-many-rows',
  'too-many-cells',
  'unknown-kind',
  'header-row',
  'missing-column',
  'extra-column',
  'blank-row',
  'duplicate-row',
  'missing-value',
  'type-error',
  'invalid-finess',
  'unknown-finess',
  'wrong-establishment',
  'period-outside-campaign',
  'unknown-indicator',
  'inconsistent-value',
  'coding-anomaly',
  'unreadable-file',
  'unsafe-name',
  'report-locked',
  'wrong-region',
] as const;
export const IssueCode = z.enum(ISSUE_CODES);
export type IssueCode = z.infer<typeof IssueCode>;

export const Issue = z.object({
  code: IssueCode,
  severity: z.enum(['error', 'warning']),
  /** Line of the file (the header is line 1), or null for a file-level issue. */
  row: z.number().int().nullable(),
  column: z.string().nullable(),
  value: z.string().nullable(),
  message: z.string(),
});
export type Issue = z.infer<typeof Issue>;

export const ValidationReport = z.object({
  key: z.string(),
  version: z.string(),
  fileName: z.string(),
  kind: z.string().nullable(),
  kindLabel: z.string().nullable(),
  /** How the file was read: as a CSV, a workbook (first sheet, Excel or OpenDocument), or checked as a document. */
  format: z.enum(['csv', 'xlsx', 'ods', 'document']).nullable(),
  encoding: z.string().nullable(),
  delimiter: z.string().nullable(),
  sheet: z.string().nullable(),
  rowsRead: z.number().int(),
  rowsAccepted: z.number().int(),
  status: z.enum(['accepted', 'rejected']),
  errorCount: z.number().int(),
  warningCount: z.number().int(),
  /** How the file was read where the reader made a choice (codes read, data kept at entity level), in French. */
  notes: z.array(z.string()).default([]),
  /** Exact number of issues of each code, listed or not. */
  issueCounts: z.partialRecord(IssueCode, z.number().int()),
  /** Issues beyond this many are counted but not listed, so a broken 1 GB file gives a readable report. */
  truncated: z.boolean(),
  issues: z.array(Issue),
  checkedAt: z.string(),
});
export type ValidationReport = z.infer<typeof ValidationReport>;

export const MAX_LISTED_ISSUES = 200;

const DELIMITER_LABELS: Record<string, string> = { ';': 'point-virgule', ',': 'virgule', '\t': 'tabulation' };

export function delimiterLabel(delimiter: string | null): string {
  return delimiter ? (DELIMITER_LABELS[delimiter] ?? delimiter) : 'inconnu';
}

/** Collects issues for one file, keeping counts exact while listing only the first ones. */
export class IssueList {
  readonly listed: Issue[] = [];
  readonly counts: Partial<Record<IssueCode, number>> = {};
  errors = 0;
  warnings = 0;

  add(issue: Issue): void {
    if (issue.severity === 'error') this.errors++;
    else this.warnings++;
    this.counts[issue.code] = (this.counts[issue.code] ?? 0) + 1;
    if (this.listed.length < MAX_LISTED_ISSUES) this.listed.push(issue);
  }

  get truncated(): boolean {
    return this.errors + this.warnings > this.listed.length;
  }
}

/** Where an issue is, as a pharmacist looks for it: `ligne 12, colonne « nb_ucd »` (empty for a file-level issue). */
export function issuePlace(issue: Pick<Issue, 'row' | 'column'>): string {
  return [issue.row ? `ligne ${issue.row}` : null, issue.column ? `colonne « ${issue.column} »` : null].filter(Boolean).join(', ');
}

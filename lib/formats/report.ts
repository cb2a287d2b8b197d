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
  'record-too-long',
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
/** A national extract names a few thousand establishments: kept whole, far below DynamoDB's item size. */
const MAX_UNKNOWN_FINESS = 20_000;

export class IssueList {
  readonly listed: Issue[] = [];
  readonly counts: Partial<Record<IssueCode, number>> = {};
  errors = 0;
  warnings = 0;
  /** The FINESS the referential did not know (said once each): an extract is read again once it knows them. */
  readonly unknownFiness = new Set<string>();
  /** Issues other than `unknown-finess` listed, when those are all listed (`listAllUnknownFiness`). */
  private listedOthers = 0;

  /**
   * @param listAllUnknownFiness list every `unknown-finess` issue (up to the FINESS kept), beyond the
   * first MAX_LISTED_ISSUES of the others: the second part of a file read in two (lib/formats/halves.ts)
   * keeps them so, for the warnings said once per FINESS to be said once in the whole file.
   */
  constructor(private readonly listAllUnknownFiness = false) {}

  add(issue: Issue): void {
    const unknownFiness = issue.code === 'unknown-finess' && issue.value;
    if (unknownFiness && this.unknownFiness.size < MAX_UNKNOWN_FINESS) this.unknownFiness.add(issue.value as string);
    if (issue.severity === 'error') this.errors++;
    else this.warnings++;
    this.counts[issue.code] = (this.counts[issue.code] ?? 0) + 1;
    if (!this.listAllUnknownFiness) {
      if (this.listed.length < MAX_LISTED_ISSUES) this.listed.push(issue);
    } else if (unknownFiness ? this.unknownFiness.has(issue.value as string) : this.listedOthers < MAX_LISTED_ISSUES) {
      if (!unknownFiness) this.listedOthers++;
      this.listed.push(issue);
    }
  }

  /** Forgets every issue: the file is read again from its start. */
  clear(): void {
    this.listed.length = 0;
    for (const code of Object.keys(this.counts) as IssueCode[]) delete this.counts[code];
    this.errors = 0;
    this.warnings = 0;
    this.unknownFiness.clear();
    this.listedOthers = 0;
  }

  get truncated(): boolean {
    return this.errors + this.warnings > this.listed.length;
  }

  /** Whether every FINESS said unknown is in `unknownFiness` (a few thousand at most in practice). */
  get unknownFinessComplete(): boolean {
    return this.unknownFiness.size < MAX_UNKNOWN_FINESS;
  }

  /** The list as plain data, to be sent from a worker thread. */
  snapshot(): IssueSnapshot {
    return { listed: this.listed, counts: this.counts, errors: this.errors, warnings: this.warnings };
  }

  /**
   * Adds the issues of the next part of the same file, read apart (a list made with
   * `listAllUnknownFiness`), their lines moved by `lineOffset`: as if they had been added here one by
   * one after this list's own, except that a FINESS already said unknown here is not said again.
   */
  absorb(part: IssueSnapshot, lineOffset: number): void {
    const saidHere = new Set(this.unknownFiness);
    let errors = part.errors;
    let warnings = part.warnings;
    const counts: Partial<Record<IssueCode, number>> = { ...part.counts };
    for (const issue of part.listed) {
      if (issue.severity === 'error') errors--;
      else warnings--;
      counts[issue.code] = (counts[issue.code] ?? 0) - 1;
      if (issue.code === 'unknown-finess' && issue.value && saidHere.has(issue.value)) continue;
      this.add(issue.row === null ? issue : { ...issue, row: issue.row + lineOffset });
    }
    // What the part counted without listing it.
    this.errors += errors;
    this.warnings += warnings;
    for (const [code, n] of Object.entries(counts) as [IssueCode, number][]) if (n > 0) this.counts[code] = (this.counts[code] ?? 0) + n;
  }
}

/** An IssueList as plain data. */
export interface IssueSnapshot {
  listed: Issue[];
  counts: Partial<Record<IssueCode, number>>;
  errors: number;
  warnings: number;
}

/** Where an issue is, as a pharmacist looks for it: `ligne 12, colonne « nb_ucd »` (empty for a file-level issue). */
export function issuePlace(issue: Pick<Issue, 'row' | 'column'>): string {
  return [issue.row ? `ligne ${issue.row}` : null, issue.column ? `colonne « ${issue.column} »` : null].filter(Boolean).join(', ');
}

import type { Deadline, DocumentKind, Establishment, EvidenceRecord, IndicatorCode, Targeting } from './schemas';

/** Days before (negative) or after (positive) a deadline at which a reminder is due. */
export const DEFAULT_REMINDER_OFFSETS = [-30, -14, -7, -1, 1] as const;

export interface RejectedFile {
  kind: DocumentKind;
  fileName: string;
  errorCount: number;
}

export interface DueReminder {
  deadline: Deadline;
  establishment: Establishment;
  /** `J-14`, `J+1`: the step of the schedule this reminder belongs to. */
  step: string;
  daysLeft: number;
  missing: DocumentKind[];
  rejected: RejectedFile[];
}

const DAY_MS = 86_400_000;

/** Whole days from `from` to `to`, both ISO dates. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function stepName(offset: number): string {
  return offset < 0 ? `J${offset}` : `J+${offset}`;
}

/**
 * The step due on `today`: the latest offset already reached. A day the job did not run is thus
 * caught up by one e-mail, not by one per missed step.
 */
export function dueStep(deadlineDate: string, today: string, offsets: readonly number[]): number | null {
  const elapsed = -daysBetween(today, deadlineDate);
  const reached = offsets.filter((o) => o <= elapsed);
  return reached.length > 0 ? Math.max(...reached) : null;
}

/**
 * The documents an establishment owes for calendar rows, given the indicators it is targeted on: a
 * row names one indicator, or none for every indicator the establishment is targeted on.
 */
export function owedDocuments(rows: readonly Deadline[], targetedOn: ReadonlySet<IndicatorCode>): Set<DocumentKind> {
  const owed = new Set<DocumentKind>();
  for (const row of rows) {
    if (row.indicator === null ? targetedOn.size === 0 : !targetedOn.has(row.indicator)) continue;
    row.documents.forEach((kind) => owed.add(kind));
  }
  return owed;
}

export interface ReminderInputs {
  today: string;
  deadlines: readonly Deadline[];
  establishments: readonly Establishment[];
  targetings: readonly Targeting[];
  evidence: readonly EvidenceRecord[];
  offsets?: readonly number[];
}

/**
 * What each targeted establishment still owes for each deadline whose reminder step is due today.
 * Establishments that owe nothing get no reminder.
 */
export function dueReminders(inputs: ReminderInputs): DueReminder[] {
  const offsets = inputs.offsets ?? DEFAULT_REMINDER_OFFSETS;
  // A deadline may have one calendar row per indicator (formats.md): an establishment gets one
  // e-mail per deadline listing what it owes over every row that applies to it.
  const groups = new Map<string, Deadline[]>();
  for (const d of inputs.deadlines) groups.set(`${d.campaign}#${d.id}`, [...(groups.get(`${d.campaign}#${d.id}`) ?? []), d]);
  const due: DueReminder[] = [];
  for (const rows of groups.values()) {
    const deadline = rows[0]!;
    const offset = dueStep(deadline.date, inputs.today, offsets);
    if (offset === null) continue;
    for (const establishment of inputs.establishments) {
      const mine = new Set(inputs.targetings.filter((t) => t.year === deadline.year && t.finess === establishment.finess).map((t) => t.indicator));
      const owed = owedDocuments(rows, mine);
      if (owed.size === 0) continue;
      const sent = inputs.evidence.filter((e) => e.finess === establishment.finess && e.campaign === deadline.campaign);
      const accepted = new Set(sent.filter((e) => e.status === 'accepted').map((e) => e.kind));
      const missing = [...owed].filter((kind) => !accepted.has(kind));
      if (missing.length === 0) continue;
      const rejected = sent
        .filter((e) => e.status === 'rejected' && missing.includes(e.kind))
        .map((e) => ({ kind: e.kind, fileName: e.fileName, errorCount: e.errorCount }));
      due.push({
        deadline,
        establishment,
        step: stepName(offset),
        daysLeft: daysBetween(inputs.today, deadline.date),
        missing,
        rejected,
      });
    }
  }
  return due;
}

import { grouped } from './grouped';
import { ANNUAL_DEADLINE, isStrict } from './evidence';
import { deadlineRequirements, owedStates, type OwedDocument } from './owed';
import type { Deadline, Establishment, EvidenceRecord, Targeting } from './schemas';

/** Days before (negative) or after (positive) a deadline at which a reminder is due, unless `etapes_relance` says otherwise. */
export const DEFAULT_REMINDER_OFFSETS = [-30, -14, -7, -1, 1, 7] as const;

/** One thing an establishment still owes for a deadline, and why it is still owed. */
export type OwedItem = OwedDocument | OwedReportPart;

export type { OwedDocument } from './owed';

/** What the self-evaluation report of the deadline's year still lacks (lib/report/self-evaluation-view.ts, `reportGaps`). */
export interface OwedReportPart {
  kind: 'rapport_auto_evaluation';
  /** `empty`: a part still to fill in or send; `not_submitted`: complete, not submitted; `locked`: past its deadline, unsubmitted. */
  state: 'empty' | 'not_submitted' | 'locked';
  /** French: what is missing, as the report's page says it. */
  detail: string;
}

export interface DueReminder {
  deadline: Deadline;
  establishment: Establishment;
  /** `J-14`, `J+1`: the step of the schedule this reminder belongs to. */
  step: string;
  daysLeft: number;
  /** A "délai de rigueur": once passed, a file sent is kept but will not count (the e-mail says so). */
  strict: boolean;
  owed: OwedItem[];
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

export interface ReminderInputs {
  today: string;
  deadlines: readonly Deadline[];
  establishments: readonly Establishment[];
  targetings: readonly Targeting[];
  evidence: readonly EvidenceRecord[];
  /** The reminder steps of a deadline's year (from the region's settings), or the defaults. */
  offsets?: (year: number) => readonly number[];
  /** What the self-evaluation report of a year still lacks for a site's contract: listed with its `auto_evaluation` deadline. */
  reportGaps?: (year: number, finess: string) => readonly OwedReportPart[];
}

/**
 * What each targeted establishment still owes for each deadline that `stepOf` picks (it names the
 * step, or gives null to skip the deadline): its documents as `owed.ts` decides them (the same
 * answer as the indicators and the pages), and with the `auto_evaluation` deadline what its
 * self-evaluation report still lacks. Establishments that owe nothing are left out.
 */
function owedFor(inputs: ReminderInputs, stepOf: (deadline: Deadline) => string | null): DueReminder[] {
  // A deadline may have one calendar row per indicator (formats.md): an establishment gets one
  // e-mail per deadline listing what it owes over every row that applies to it.
  const groups = grouped(inputs.deadlines, (d) => `${d.campaign}#${d.id}`);
  const due: DueReminder[] = [];
  for (const rows of groups.values()) {
    const deadline = rows[0]!;
    const step = stepOf(deadline);
    if (step === null) continue;
    for (const establishment of inputs.establishments) {
      const mine = new Set(inputs.targetings.filter((t) => t.year === deadline.year && t.finess === establishment.finess).map((t) => t.indicator));
      const uploads = inputs.evidence.filter((e) => e.finess === establishment.finess);
      const items: OwedItem[] = owedStates(deadlineRequirements(deadline, inputs.deadlines, mine), uploads, inputs.today).flatMap((s) => (s.owed ? [s.owed] : []));
      if (deadline.id === ANNUAL_DEADLINE && mine.size > 0) items.push(...(inputs.reportGaps?.(deadline.year, establishment.finess) ?? []));
      if (items.length === 0) continue;
      due.push({ deadline, establishment, step, daysLeft: daysBetween(inputs.today, deadline.date), strict: rows.some(isStrict), owed: items });
    }
  }
  return due;
}

/**
 * The day after which a year's evidence is refused (the self-evaluation's lock, self-evaluation.ts):
 * its `auto_evaluation` deadline, or null when the calendar sets none.
 */
export function evidenceLockDay(year: number, deadlines: readonly Deadline[]): string | null {
  return deadlines.find((d) => d.year === year && d.id === ANNUAL_DEADLINE)?.date ?? null;
}

/**
 * What each targeted establishment still owes for each deadline whose reminder step is due today.
 * Establishments that owe nothing get no reminder, and nobody gets one once the year's evidence is
 * locked: no e-mail invites an upload that would be refused (a step caught up after the lock is not
 * sent either).
 */
export function dueReminders(inputs: ReminderInputs): DueReminder[] {
  return owedFor(inputs, (deadline) => {
    const lock = evidenceLockDay(deadline.year, inputs.deadlines);
    if (lock !== null && inputs.today > lock) return null;
    const offset = dueStep(deadline.date, inputs.today, inputs.offsets?.(deadline.year) ?? DEFAULT_REMINDER_OFFSETS);
    return offset === null ? null : stepName(offset);
  });
}

/** Who is late today: every establishment still owing something for a deadline already passed. */
export function lateEstablishments(inputs: ReminderInputs): DueReminder[] {
  return owedFor(inputs, (deadline) => (inputs.today > deadline.date ? stepName(-daysBetween(inputs.today, deadline.date)) : null));
}

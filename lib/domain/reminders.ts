import { ANNUAL_DEADLINE, isStrict } from './evidence';
import type { Deadline, DocumentKind, Establishment, EvidenceRecord, IndicatorCode, Targeting } from './schemas';

/** Days before (negative) or after (positive) a deadline at which a reminder is due, unless `etapes_relance` says otherwise. */
export const DEFAULT_REMINDER_OFFSETS = [-30, -14, -7, -1, 1, 7] as const;

/** One thing an establishment still owes for a deadline, and why it is still owed. */
export type OwedItem = OwedDocument | OwedReportPart;

/** A document owed. */
export interface OwedDocument {
  kind: DocumentKind;
  /** `missing`: nothing sent; `refused`: only refused files; `incomplete`: an accepted argumentation with lines not argued. */
  state: 'missing' | 'refused' | 'incomplete';
  /** French: the refused file and its first error, or how many lines are still to argue. */
  detail: string | null;
}

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
  /** The reminder steps of a deadline's year (from the region's settings), or the defaults. */
  offsets?: (year: number) => readonly number[];
  /** What the self-evaluation report of a year still lacks for a site's contract: listed with its `auto_evaluation` deadline. */
  reportGaps?: (year: number, finess: string) => readonly OwedReportPart[];
}

/**
 * What one establishment still owes of the documents a deadline asks of it: each kind with no
 * accepted upload (refused ones said with their first error), and an accepted argumentation whose
 * hors-AMM lines are not all argued.
 */
export function owedItems(owed: ReadonlySet<DocumentKind>, sent: readonly EvidenceRecord[]): OwedDocument[] {
  const items: OwedDocument[] = [];
  for (const kind of owed) {
    const mine = sent.filter((e) => e.kind === kind).sort((a, b) => a.order.localeCompare(b.order));
    const accepted = mine.filter((e) => e.status === 'accepted');
    const current = accepted.at(-1);
    if (current) {
      const summary = current.summary;
      if (summary?.type === 'argumentaire' && summary.argued < summary.lines) {
        const left = summary.lines - summary.argued;
        items.push({ kind, state: 'incomplete', detail: `${left} ligne${left > 1 ? 's' : ''} hors AMM sur ${summary.lines} sans argumentaire` });
      }
      continue;
    }
    const refused = mine.at(-1);
    if (refused) {
      items.push({ kind, state: 'refused', detail: `fichier « ${refused.fileName} » reçu mais refusé${refused.firstError ? ` : ${refused.firstError}` : ` (${refused.errorCount} erreur${refused.errorCount > 1 ? 's' : ''})`}` });
    } else items.push({ kind, state: 'missing', detail: null });
  }
  return items;
}

/**
 * What each targeted establishment still owes for each deadline that `stepOf` picks (it names the
 * step, or gives null to skip the deadline): documents, and with the `auto_evaluation` deadline what
 * its self-evaluation report still lacks. Establishments that owe nothing are left out.
 */
function owedFor(inputs: ReminderInputs, stepOf: (deadline: Deadline) => string | null): DueReminder[] {
  // A deadline may have one calendar row per indicator (formats.md): an establishment gets one
  // e-mail per deadline listing what it owes over every row that applies to it.
  const groups = new Map<string, Deadline[]>();
  for (const d of inputs.deadlines) groups.set(`${d.campaign}#${d.id}`, [...(groups.get(`${d.campaign}#${d.id}`) ?? []), d]);
  const due: DueReminder[] = [];
  for (const rows of groups.values()) {
    const deadline = rows[0]!;
    const step = stepOf(deadline);
    if (step === null) continue;
    for (const establishment of inputs.establishments) {
      const mine = new Set(inputs.targetings.filter((t) => t.year === deadline.year && t.finess === establishment.finess).map((t) => t.indicator));
      const owed = owedDocuments(rows, mine);
      const sent = inputs.evidence.filter((e) => e.finess === establishment.finess && e.campaign === deadline.campaign);
      const items: OwedItem[] = owed.size > 0 ? owedItems(owed, sent) : [];
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

/**
 * Where an establishment stands for each deadline: the documents it owes (`lib/domain/owed.ts`, the
 * answer the indicators, reminders and summaries give too) and, for each, whether the file that
 * counts was accepted, came late, was only refused, or nothing came. Shared by the establishment's
 * page and OMéDIT's.
 */
import { grouped } from '../domain/grouped';
import { isStrict } from '../domain/evidence';
import { deadlineRequirements, owedStates } from '../domain/owed';
import type { Deadline, DocumentKind, EvidenceRecord, IndicatorCode } from '../domain/schemas';
import { documentKindLabel } from '../report/labels';

export type DocumentState = 'accepted' | 'late' | 'refused' | 'missing';

/** A document's standing at a deadline on a page (accepted included), not what is owed (lib/domain/owed.ts's OwedDocument). */
export interface DocumentStanding {
  kind: DocumentKind;
  label: string;
  state: DocumentState;
  /** The file that gives the state: the one that counts, else the newest refused one; its S3 key. */
  fileName: string | null;
  key: string | null;
  receivedAt: string | null;
  errorCount: number | null;
  /** What is still owed for it, in the reminders' words (lines not argued, a refusal's first error, a late file), or null. */
  detail: string | null;
}

export interface DeadlineStatus {
  campaign: string;
  id: string;
  label: string;
  date: string;
  /** A "délai de rigueur": after its day, a file is kept but does not count. */
  strict: boolean;
  documents: DocumentStanding[];
}

/**
 * The calendar's deadlines, one entry per campaign and deadline id (a deadline may have one row
 * per indicator), by date.
 */
export function deadlineGroups(deadlines: readonly Deadline[]): Deadline[][] {
  return [...grouped(deadlines, (d) => `${d.campaign}#${d.id}`).values()].sort((a, b) => a[0]!.date.localeCompare(b[0]!.date) || a[0]!.id.localeCompare(b[0]!.id));
}

/**
 * For one establishment: each deadline of `groups` it owes something for, with the state of each
 * document. `deadlines` is the whole calendar (a document an indicator is made of is owed with the
 * year's self-evaluation); `evidence` is that establishment's evidence.
 *
 * @example
 * deadlineStatuses(deadlineGroups(deadlines), deadlines, new Set(['MO']), evidence, '2026-02-23')
 * // [{ id: 'retour_preuves', date: '2026-03-09', strict: false, documents: [{ kind: 'plan_actions', state: 'missing', ... }] }]
 */
export function deadlineStatuses(
  groups: readonly Deadline[][],
  deadlines: readonly Deadline[],
  targetedOn: ReadonlySet<IndicatorCode>,
  evidence: readonly EvidenceRecord[],
  today: string,
): DeadlineStatus[] {
  const out: DeadlineStatus[] = [];
  for (const rows of groups) {
    const deadline = rows[0]!;
    const requirements = deadlineRequirements(deadline, deadlines, targetedOn);
    if (requirements.length === 0) continue;
    const documents = owedStates(requirements, evidence, today).map(({ state, owed }): DocumentStanding => {
      const shown =
        evidence.find((e) => e.kind === state.kind && e.fileName === state.fileName && e.receivedAt === state.receivedAt) ?? null;
      const status: DocumentState = state.status === 'in_time' ? 'accepted' : state.status === 'late' ? 'late' : state.status === 'refused' ? 'refused' : 'missing';
      return {
        kind: state.kind,
        label: documentKindLabel(state.kind),
        state: status,
        fileName: shown?.fileName ?? null,
        key: shown?.source.key ?? null,
        receivedAt: shown?.receivedAt ?? null,
        errorCount: shown?.errorCount ?? null,
        detail: owed?.detail ?? null,
      };
    });
    out.push({ campaign: deadline.campaign, id: deadline.id, label: deadline.label, date: deadline.date, strict: rows.some(isStrict), documents });
  }
  return out;
}

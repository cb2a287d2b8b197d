/**
 * Where an establishment stands for each deadline: the documents it owes (the calendar and its
 * targeting, through `owedDocuments`, as reminders and summaries decide it) and, for each, whether
 * a file was accepted, only refused, or nothing came. Shared by the establishment's page and OMéDIT's.
 */
import { owedDocuments } from '../domain/reminders';
import type { Deadline, DocumentKind, EvidenceRecord, IndicatorCode } from '../domain/schemas';
import { documentKindLabel } from '../report/labels';

export type DocumentState = 'accepted' | 'refused' | 'missing';

export interface OwedDocument {
  kind: DocumentKind;
  label: string;
  state: DocumentState;
  /** The file that gives the state: the newest accepted one, else the newest refused one; its S3 key. */
  fileName: string | null;
  key: string | null;
  receivedAt: string | null;
  errorCount: number | null;
}

export interface DeadlineStatus {
  campaign: string;
  id: string;
  label: string;
  date: string;
  documents: OwedDocument[];
}

/**
 * The calendar's deadlines, one entry per campaign and deadline id (a deadline may have one row
 * per indicator), by date.
 */
export function deadlineGroups(deadlines: readonly Deadline[]): Deadline[][] {
  const groups = new Map<string, Deadline[]>();
  for (const d of deadlines) groups.set(`${d.campaign}#${d.id}`, [...(groups.get(`${d.campaign}#${d.id}`) ?? []), d]);
  return [...groups.values()].sort((a, b) => a[0]!.date.localeCompare(b[0]!.date) || a[0]!.id.localeCompare(b[0]!.id));
}

/**
 * For one establishment: each deadline it owes something for, with the state of each document.
 * `evidence` is that establishment's evidence (any campaign: only the deadline's campaign counts).
 *
 * @example
 * deadlineStatuses(deadlineGroups(deadlines), new Set(['MO']), evidence)
 * // [{ id: 'retour_preuves', date: '2026-03-09', documents: [{ kind: 'plan_actions', state: 'missing', ... }] }]
 */
export function deadlineStatuses(groups: readonly Deadline[][], targetedOn: ReadonlySet<IndicatorCode>, evidence: readonly EvidenceRecord[]): DeadlineStatus[] {
  const out: DeadlineStatus[] = [];
  for (const rows of groups) {
    const deadline = rows[0]!;
    const owed = owedDocuments(rows, targetedOn);
    if (owed.size === 0) continue;
    const documents = [...owed].map((kind): OwedDocument => {
      const sent = evidence.filter((e) => e.campaign === deadline.campaign && e.kind === kind).sort((a, b) => b.order.localeCompare(a.order));
      const shown = sent.find((e) => e.status === 'accepted') ?? sent[0];
      const state: DocumentState = !shown ? 'missing' : shown.status === 'accepted' ? 'accepted' : 'refused';
      return {
        kind,
        label: documentKindLabel(kind),
        state,
        fileName: shown?.fileName ?? null,
        key: shown?.source.key ?? null,
        receivedAt: shown?.receivedAt ?? null,
        errorCount: shown?.errorCount ?? null,
      };
    });
    out.push({ campaign: deadline.campaign, id: deadline.id, label: deadline.label, date: deadline.date, documents });
  }
  return out;
}

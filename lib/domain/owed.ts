/**
 * The one answer to "what does this establishment owe for this deadline": the indicators, the
 * reminders, the establishment's and OMéDIT's pages, the self-evaluation's blockers, the digest and
 * the summaries all ask it here, so that they never disagree (a self-evaluation deadline whose
 * calendar row lists no document still owes DMI's documents, and is reminded of them).
 */
import { formatFrenchDate } from '../io/french';
import { CATALOGUE } from './catalogue';
import { todayOf } from './clock';
import { ANNUAL_DEADLINE, evidenceStates, requirementsFor, uploadsFor, type Requirement } from './evidence';
import type { Deadline, DocumentKind, EvidenceRecord, EvidenceState, IndicatorCode } from './schemas';

/** One document owed, and why it is still owed. */
export interface OwedDocument {
  kind: DocumentKind;
  /**
   * `missing`: nothing accepted yet; `refused`: only refused files; `late`: accepted after the date
   * (a strict deadline's does not count); `incomplete`: an accepted argumentation with lines not argued.
   */
  state: 'missing' | 'refused' | 'late' | 'incomplete';
  /** French: the refused file and its first error, the late file, or how many lines are still to argue. */
  detail: string | null;
}

/**
 * Everything an establishment owes over a year, whatever the deadline: for each indicator it is
 * targeted on, the documents of the calendar rows naming it (or every indicator) and the documents
 * it is made of (due with the self-evaluation when no row asks for them), once per campaign,
 * deadline and kind.
 */
export function owedRequirements(year: number, deadlines: readonly Deadline[], targetedOn: ReadonlySet<IndicatorCode>): Requirement[] {
  const out = new Map<string, Requirement>();
  // In the catalogue's order, as the indicators are computed and summed: when two indicators ask for
  // the same document with different dates (a row naming one, a row naming none), the first one's
  // requirement is the document owed, whatever the order of the targeting.
  for (const [code, definition] of CATALOGUE) {
    if (!targetedOn.has(code)) continue;
    for (const r of requirementsFor(code, year, deadlines, definition.evidence)) {
      const id = `${r.campaign}#${r.deadline ?? ''}#${r.kind}`;
      if (!out.has(id)) out.set(id, r);
    }
  }
  return [...out.values()];
}

/** What one deadline (a campaign and a deadline id, over its rows) asks of an establishment. */
export function deadlineRequirements(deadline: Pick<Deadline, 'year' | 'campaign' | 'id'>, deadlines: readonly Deadline[], targetedOn: ReadonlySet<IndicatorCode>): Requirement[] {
  // A document an indicator is made of and no row asks for is owed for the year, with its self-evaluation.
  const yearly = (r: Requirement) => deadline.id === ANNUAL_DEADLINE && r.campaign === String(deadline.year);
  return owedRequirements(deadline.year, deadlines, targetedOn).filter((r) => r.deadline === deadline.id && (r.campaign === deadline.campaign || yearly(r)));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n > 1 ? 's' : ''}`;
}

/** Why one requirement is still owed, or null when an accepted upload answers it in time, whole. */
export function owedDocumentOf(state: EvidenceState, uploads: readonly EvidenceRecord[]): OwedDocument | null {
  const mine = uploadsFor(state, uploads);
  if (state.status === 'in_time') {
    const counted = mine.filter((u) => u.status === 'accepted' && u.fileName === state.fileName && u.receivedAt === state.receivedAt).at(-1);
    const summary = counted?.summary;
    if (summary?.type === 'argumentaire' && summary.argued < summary.lines) {
      const left = summary.lines - summary.argued;
      return { kind: state.kind, state: 'incomplete', detail: `${plural(left, 'ligne')} hors AMM sur ${summary.lines} sans argumentaire` };
    }
    return null;
  }
  if (state.status === 'late') {
    const late = state.lateFile ?? (state.fileName && state.receivedAt ? { fileName: state.fileName, receivedAt: state.receivedAt } : null);
    const when = late ? `fichier « ${late.fileName} » reçu le ${formatFrenchDate(todayOf(late.receivedAt))}` : 'fichier reçu';
    return { kind: state.kind, state: 'late', detail: `${when}, après l’échéance${state.due ? ` du ${formatFrenchDate(state.due)}` : ''}` };
  }
  if (state.status === 'refused') {
    const refused = mine.filter((u) => u.status === 'rejected').at(-1);
    const why = refused?.firstError ? ` : ${refused.firstError}` : refused ? ` (${plural(refused.errorCount, 'erreur')})` : '';
    return { kind: state.kind, state: 'refused', detail: refused ? `fichier « ${refused.fileName} » reçu mais refusé${why}` : null };
  }
  return { kind: state.kind, state: 'missing', detail: null };
}

/** One requirement, where it stands, and why it is still owed (null: nothing owed). */
export interface OwedState {
  requirement: Requirement;
  state: EvidenceState;
  owed: OwedDocument | null;
}

/**
 * Where each requirement stands for one establishment as of `today`, and what it still owes for
 * each: the indicators' evidence states and the reminders' items from one computation.
 */
export function owedStates(requirements: readonly Requirement[], uploads: readonly EvidenceRecord[], today: string): OwedState[] {
  const states = evidenceStates(requirements, uploads, today);
  return requirements.map((requirement, i) => {
    const state = states[i] as EvidenceState;
    return { requirement, state, owed: owedDocumentOf(state, uploads) };
  });
}

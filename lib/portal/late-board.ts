/**
 * OMéDIT's first screen: who is late, for what, since when. Per deadline of the year shown, how many
 * establishments have sent everything, have a refused file, still have time, or are late, and the
 * establishments late or refused by name with what each still owes; beside it, each region's key
 * figures. Built from the overview's rows, whose deadline statuses come from the one call of
 * `deadlineStatuses` in `omedit-view.ts`: what is owed is decided there, never again here.
 */
import { daysBetween } from '../domain/reminders';
import { daysLateLabel } from '../report/labels';
import { STANDING_LABELS, type StandingState } from '../report/plain-labels';
import type { DeadlineStatus, DocumentState } from './deadline-status';

// The words live in plain-labels.ts so that the staff page's script shows the same ones (web/suivi.ts).
export { STANDING_LABELS, type StandingState };

const OWED_LABELS: Readonly<Record<Exclude<DocumentState, 'accepted'>, string>> = { missing: 'non reçu', refused: 'refusé', late: 'reçu après l’échéance' };

export interface OwingEstablishment {
  region: string;
  finess: string;
  name: string;
  state: 'late' | 'refused';
  stateLabel: string;
  /** Days since the deadline, when it has passed. */
  daysLate: number | null;
  /** `14 jours de retard`, as the digest says it; null before the deadline. */
  delayLabel: string | null;
  /** What it still owes, each with why: `Plan d’actions (non reçu)`. */
  owes: string[];
}

export interface DeadlineBoard {
  campaign: string;
  id: string;
  label: string;
  date: string;
  dateLabel: string;
  passed: boolean;
  counts: Record<StandingState, number>;
  /** Late first, longest late first, then refused, by name. */
  owing: OwingEstablishment[];
}

export interface RegionFigures {
  region: string;
  establishments: number;
  /** Establishments late for at least one deadline. */
  late: number;
  documentsExpected: number;
  documentsAccepted: number;
  indicatorsMet: number;
  indicatorsNotMet: number;
}

/** The part of an overview row the board reads. */
export interface BoardRow {
  region: string;
  finess: string;
  name: string;
  deadlines: DeadlineStatus[];
  indicators: { status: string }[];
}

export interface BoardDeadline {
  campaign: string;
  id: string;
  label: string;
  date: string;
  dateLabel: string;
}

/** Where one establishment stands for one deadline: null when it owes nothing for it. */
export function standing(status: DeadlineStatus | undefined, today: string): StandingState | null {
  if (!status) return null;
  const owed = status.documents.filter((d) => d.state !== 'accepted');
  if (owed.length === 0) return 'received';
  // The deadline day itself is still in time: a document counts when accepted by the end of its due day.
  if (today > status.date) return 'late';
  return owed.some((d) => d.state === 'refused') ? 'refused' : 'missing';
}

function owingEntry(row: BoardRow, status: DeadlineStatus, state: 'late' | 'refused', today: string): OwingEstablishment {
  const daysLate = state === 'late' ? daysBetween(status.date, today) : null;
  return {
    region: row.region,
    finess: row.finess,
    name: row.name,
    state,
    stateLabel: STANDING_LABELS[state],
    daysLate,
    delayLabel: daysLate === null ? null : daysLateLabel(daysLate),
    owes: status.documents.filter((d) => d.state !== 'accepted').map((d) => `${d.label} (${OWED_LABELS[d.state as Exclude<DocumentState, 'accepted'>]})`),
  };
}

/**
 * Each deadline's counts and the establishments late or refused for it, on `today` (ISO, Paris).
 *
 * @example
 * lateBoard(rows, deadlines, '2026-03-10')[0].owing[0]
 * // { name: 'Hôpital de Toulon-Test', state: 'late', delayLabel: '1 jour de retard', owes: ["Plan d’actions (non reçu)"], … }
 */
export function lateBoard(rows: readonly BoardRow[], deadlines: readonly BoardDeadline[], today: string): DeadlineBoard[] {
  return deadlines.map((d) => {
    const counts: Record<StandingState, number> = { received: 0, refused: 0, missing: 0, late: 0 };
    const owing: OwingEstablishment[] = [];
    for (const row of rows) {
      const status = row.deadlines.find((s) => s.campaign === d.campaign && s.id === d.id);
      const state = standing(status, today);
      if (!status || state === null) continue;
      counts[state]++;
      if (state === 'late' || state === 'refused') owing.push(owingEntry(row, status, state, today));
    }
    owing.sort((a, b) => (b.daysLate ?? -1) - (a.daysLate ?? -1) || a.name.localeCompare(b.name, 'fr'));
    return { ...d, passed: today > d.date, counts, owing };
  });
}

/** Each region's key figures: establishments followed and late, documents accepted of those expected, indicators met. */
export function regionFigures(rows: readonly BoardRow[], regions: readonly string[], today: string): RegionFigures[] {
  return regions.map((region) => {
    const mine = rows.filter((r) => r.region === region);
    const documents = mine.flatMap((r) => r.deadlines.flatMap((s) => s.documents));
    const statuses = mine.flatMap((r) => r.indicators.map((i) => i.status));
    return {
      region,
      establishments: mine.length,
      late: mine.filter((r) => r.deadlines.some((s) => standing(s, today) === 'late')).length,
      documentsExpected: documents.length,
      documentsAccepted: documents.filter((doc) => doc.state === 'accepted').length,
      indicatorsMet: statuses.filter((s) => s === 'met').length,
      indicatorsNotMet: statuses.filter((s) => s === 'not_met').length,
    };
  });
}

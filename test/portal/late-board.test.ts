/**
 * OMéDIT's first screen: per deadline, who sent everything, who has a refused file, who still has
 * time and who is late; the late and refused by name with what each owes; each region's key figures.
 */
import { describe, expect, it } from 'vitest';
import type { DeadlineStatus, DocumentStanding } from '../../lib/portal/deadline-status';
import { lateBoard, regionFigures, standing, type BoardRow } from '../../lib/portal/late-board';

const PLAN = "Plan d’actions";

function doc(state: DocumentStanding['state'], label = PLAN): DocumentStanding {
  return { kind: 'plan_actions', label, state, fileName: null, key: null, receivedAt: null, errorCount: null, detail: null };
}

function status(id: string, date: string, documents: DocumentStanding[]): DeadlineStatus {
  return { campaign: '2025-S2', id, label: id === 'retour' ? 'Retour des preuves' : 'Argumentaire', date, strict: false, documents };
}

const RETOUR = { campaign: '2025-S2', id: 'retour', label: 'Retour des preuves', date: '2026-03-09', dateLabel: '09/03/2026' };
const ARGU = { campaign: '2025-S2', id: 'argu', label: 'Argumentaire', date: '2026-03-21', dateLabel: '21/03/2026' };

const rows: BoardRow[] = [
  { region: 'PACA', finess: '1', name: 'CHU Timone', deadlines: [status('retour', '2026-03-09', [doc('accepted')]), status('argu', '2026-03-21', [doc('refused', 'Argumentaire hors-AMM')])], indicators: [{ status: 'not_met' }] },
  { region: 'PACA', finess: '2', name: 'Hôpital de Toulon', deadlines: [status('retour', '2026-03-09', [doc('missing'), doc('refused', 'Audit')]), status('argu', '2026-03-21', [doc('missing', 'Argumentaire hors-AMM')])], indicators: [{ status: 'met' }] },
  { region: 'PACA', finess: '3', name: 'Clinique Arles', deadlines: [status('retour', '2026-03-09', [doc('refused')])], indicators: [{ status: 'no_data' }] },
  { region: 'CORSE', finess: '4', name: 'Hôpital d’Ajaccio', deadlines: [], indicators: [{ status: 'met' }] },
];

describe('who is late, for what, since when', () => {
  it('keeps the deadline day itself in time: "a document counts when accepted by the end of its due day"', () => {
    const owing = status('retour', '2026-03-09', [doc('missing')]);
    expect(standing(owing, '2026-03-09')).toBe('missing');
    expect(standing(owing, '2026-03-10')).toBe('late');
    expect(standing(status('retour', '2026-03-09', [doc('accepted')]), '2026-04-01')).toBe('received');
    expect(standing(status('retour', '2026-03-09', [doc('refused')]), '2026-03-01')).toBe('refused');
    expect(standing(undefined, '2026-03-01')).toBeNull();
  });

  it('counts each establishment once per deadline and names the late ones, longest late first, then the refused', () => {
    const [retour, argu] = lateBoard(rows, [RETOUR, ARGU], '2026-03-12');
    // Timone has everything; Toulon and Arles still owe 3 days after 09/03.
    expect(retour!.counts).toEqual({ received: 1, refused: 0, missing: 0, late: 2 });
    expect(retour!.passed).toBe(true);
    expect(retour!.owing).toEqual([
      { region: 'PACA', finess: '3', name: 'Clinique Arles', state: 'late', stateLabel: 'En retard', daysLate: 3, delayLabel: '3 jours de retard', owes: [`${PLAN} (refusé)`] },
      { region: 'PACA', finess: '2', name: 'Hôpital de Toulon', state: 'late', stateLabel: 'En retard', daysLate: 3, delayLabel: '3 jours de retard', owes: [`${PLAN} (non reçu)`, 'Audit (refusé)'] },
    ]);
    // Before 21/03: Timone's refused file is listed, Toulon still has time and is only counted.
    expect(argu!.counts).toEqual({ received: 0, refused: 1, missing: 1, late: 0 });
    expect(argu!.passed).toBe(false);
    expect(argu!.owing).toEqual([
      { region: 'PACA', finess: '1', name: 'CHU Timone', state: 'refused', stateLabel: 'Fichier refusé', daysLate: null, delayLabel: null, owes: ['Argumentaire hors-AMM (refusé)'] },
    ]);
  });

  it('sorts the longest late before the others', () => {
    const [, argu] = lateBoard(rows, [RETOUR, ARGU], '2026-03-30');
    expect(argu!.owing.map((o) => [o.name, o.delayLabel])).toEqual([
      ['CHU Timone', '9 jours de retard'],
      ['Hôpital de Toulon', '9 jours de retard'],
    ]);
    const [retour] = lateBoard(rows, [RETOUR], '2026-03-30');
    expect(retour!.owing.map((o) => o.daysLate)).toEqual([21, 21]);
  });

  it('gives each region its establishments, those late, documents accepted of those expected and indicators met', () => {
    expect(regionFigures(rows, ['CORSE', 'PACA'], '2026-03-12')).toEqual([
      { region: 'CORSE', establishments: 1, late: 0, documentsExpected: 0, documentsAccepted: 0, indicatorsMet: 1, indicatorsNotMet: 0 },
      // Documents: Timone 2, Toulon 3, Arles 1 = 6 expected, 1 accepted; late: Toulon and Arles.
      { region: 'PACA', establishments: 3, late: 2, documentsExpected: 6, documentsAccepted: 1, indicatorsMet: 1, indicatorsNotMet: 1 },
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { currentEvidence, evidenceGate, evidenceStates, indicatorsUsing, isStrict, requirementsFor } from '../../lib/domain/evidence';
import type { Deadline, EvidenceRecord } from '../../lib/domain/schemas';

const row = (indicator: Deadline['indicator'], documents: Deadline['documents'], over: Partial<Deadline> = {}): Deadline => ({
  year: 2025,
  campaign: '2025-S2',
  id: 'retour_preuves',
  date: '2026-03-09',
  indicator,
  documents,
  label: 'Retour',
  ...over,
});

let n = 0;
const record = (kind: EvidenceRecord['kind'], receivedAt: string, over: Partial<EvidenceRecord> = {}): EvidenceRecord => ({
  region: 'PACA',
  campaign: '2025-S2',
  finess: '130786049',
  kind,
  fileName: `${kind}-${++n}.pdf`,
  receivedAt,
  status: 'accepted',
  errorCount: 0,
  firstError: null,
  reportKey: 'r',
  order: `${receivedAt}|${n}`,
  summary: null,
  source: { key: `k${n}`, version: 'v' },
  ...over,
});

describe('requirementsFor', () => {
  it('takes the rows naming the indicator and the rows for every indicator, and the documents the indicator is made of', () => {
    const calendar = [
      row('DMI', ['cartographie_dmi', 'plan_actions']),
      row('MO', ['argumentaire_hors_amm']),
      row(null, ['plan_actions'], { campaign: '2025-S1', date: '2025-09-15' }),
      row(null, [], { campaign: '2025', id: 'auto_evaluation', date: '2026-03-31' }),
      row('DMI', ['audit_dmi'], { year: 2024, campaign: '2024-S2' }),
    ];
    expect(requirementsFor('DMI', 2025, calendar, ['cartographie_dmi', 'plan_actions', 'audit_dmi'])).toEqual([
      { kind: 'cartographie_dmi', campaign: '2025-S2', deadline: 'retour_preuves', due: '2026-03-09', strict: false },
      { kind: 'plan_actions', campaign: '2025-S2', deadline: 'retour_preuves', due: '2026-03-09', strict: false },
      { kind: 'plan_actions', campaign: '2025-S1', deadline: 'retour_preuves', due: '2025-09-15', strict: false },
      // No 2025 row asks for the audit: it is due with the self-evaluation.
      { kind: 'audit_dmi', campaign: '2025', deadline: 'auto_evaluation', due: '2026-03-31', strict: false },
    ]);
  });
});

describe('evidenceStates and evidenceGate', () => {
  const due = [{ kind: 'plan_actions' as const, campaign: '2025-S2', deadline: 'retour_preuves', due: '2026-03-09', strict: false }];

  it('in time up to the end of the due day in Paris (23:30 UTC on 8 March is already the 9th)', () => {
    const [s] = evidenceStates(due, [record('plan_actions', '2026-03-09T21:59:00Z')], '2026-04-01');
    expect(s!.status).toBe('in_time');
    const [late] = evidenceStates(due, [record('plan_actions', '2026-03-09T23:30:00Z')], '2026-04-01');
    expect(late!.status).toBe('late');
  });

  it('refused, awaited, missing; and the gate they give', () => {
    const refused = evidenceStates(due, [record('plan_actions', '2026-02-01T09:00:00Z', { status: 'rejected' })], '2026-03-01');
    expect(refused[0]!.status).toBe('refused');
    expect(evidenceGate(refused, '2026-03-01')).toBe('open');
    expect(evidenceGate(refused, '2026-03-10')).toBe('failed');
    expect(evidenceStates(due, [], '2026-03-09')[0]!.status).toBe('awaited');
    expect(evidenceStates(due, [], '2026-03-10')[0]!.status).toBe('missing');
    expect(evidenceGate([], '2026-03-10')).toBe('ok');
  });

  it('an upload of another campaign does not count, one of any campaign of the year counts for a yearly requirement', () => {
    const s1 = record('plan_actions', '2026-02-01T09:00:00Z', { campaign: '2025-S1' });
    expect(evidenceStates(due, [s1], '2026-03-10')[0]!.status).toBe('missing');
    const yearly = [{ kind: 'plan_actions' as const, campaign: '2025', deadline: null, due: null, strict: false }];
    expect(evidenceStates(yearly, [s1], '2026-03-10')[0]!.status).toBe('in_time');
  });
});

it('currentEvidence keeps the newest accepted upload of each kind and campaign', () => {
  const old = record('argumentaire_hors_amm', '2026-03-01T09:00:00Z');
  const newer = record('argumentaire_hors_amm', '2026-03-02T09:00:00Z');
  const refused = record('argumentaire_hors_amm', '2026-03-03T09:00:00Z', { status: 'rejected' });
  expect(currentEvidence([newer, refused, old])).toEqual([newer]);
});

it('indicatorsUsing: what an upload can change', () => {
  const calendar = [row('MO', ['plan_actions']), row('DMI', ['plan_actions', 'audit_dmi'])];
  expect(indicatorsUsing('audit_dmi', 2025, calendar)).toEqual(['DMI']);
  expect(indicatorsUsing('plan_actions', 2025, calendar)?.sort()).toEqual(['DMI', 'MO']);
  expect(indicatorsUsing('recueil_initiations', 2025, calendar)).toEqual(['MO']);
  expect(indicatorsUsing('plan_actions', 2025, [row(null, ['plan_actions'])])).toBeUndefined();
});

// Seed 000: "Délai de rigueur pour le retour de l’argumentaire des prescriptions hors-AMM S2 2025 :
// 21/03/2026". The day counts until midnight in Paris; after it, a file is kept and not counted.
describe('a "délai de rigueur" is strict', () => {
  const argumentation = row('MO', ['argumentaire_hors_amm'], { id: 'argumentaire_hors_amm', date: '2026-03-21' });
  const plan = row('MO', ['plan_actions']);

  it('the hors-AMM argumentation is strict by default; the calendar’s column says otherwise either way', () => {
    expect(isStrict(argumentation)).toBe(true);
    expect(isStrict(plan)).toBe(false);
    expect(isStrict({ ...argumentation, strict: false })).toBe(false);
    expect(isStrict({ ...plan, strict: true })).toBe(true);
    expect(requirementsFor('MO', 2025, [argumentation, plan], []).map((r) => [r.kind, r.strict])).toEqual([
      ['argumentaire_hors_amm', true],
      ['plan_actions', false],
    ]);
  });

  it('a late file after a valid one: the one of 20/03 stays current, the one of 25/03 is kept and named, not counted', () => {
    const valid = record('argumentaire_hors_amm', '2026-03-20T10:00:00Z');
    const late = record('argumentaire_hors_amm', '2026-03-25T10:00:00Z');
    expect(currentEvidence([valid, late], [argumentation])).toEqual([valid]);
    const [state] = evidenceStates(requirementsFor('MO', 2025, [argumentation], []), [valid, late], '2026-03-26');
    expect(state).toMatchObject({ status: 'in_time', fileName: valid.fileName, lateFile: { fileName: late.fileName, receivedAt: '2026-03-25T10:00:00Z' } });
  });

  it('up to midnight in Paris: 22:59 UTC on 21/03 (23:59 in Paris) counts, 23:30 UTC (00:30 on the 22nd) does not', () => {
    const lastMinute = record('argumentaire_hors_amm', '2026-03-21T22:59:00Z');
    const afterMidnight = record('argumentaire_hors_amm', '2026-03-21T23:30:00Z');
    expect(currentEvidence([lastMinute, afterMidnight], [argumentation])).toEqual([lastMinute]);
  });

  it('a late file with no earlier one: nothing counts, the state is late and names it', () => {
    const late = record('argumentaire_hors_amm', '2026-03-25T10:00:00Z');
    expect(currentEvidence([late], [argumentation])).toEqual([]);
    const [state] = evidenceStates(requirementsFor('MO', 2025, [argumentation], []), [late], '2026-03-26');
    expect(state).toMatchObject({ status: 'late', lateFile: { fileName: late.fileName } });
  });

  it('a deadline that is not strict: the file of 25/03 replaces the one of 20/03 and counts', () => {
    const lenient = { ...argumentation, strict: false };
    const valid = record('argumentaire_hors_amm', '2026-03-20T10:00:00Z');
    const late = record('argumentaire_hors_amm', '2026-03-25T10:00:00Z');
    expect(currentEvidence([valid, late], [lenient])).toEqual([late]);
    expect(evidenceStates(requirementsFor('MO', 2025, [lenient], []), [valid, late], '2026-03-26')[0]).not.toHaveProperty('lateFile');
  });
});

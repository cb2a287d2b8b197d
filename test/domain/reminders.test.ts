import { describe, expect, it } from 'vitest';
import { daysBetween, dueReminders, dueStep, stepName } from '../../lib/domain/reminders';
import type { Deadline, DocumentKind, Establishment, EvidenceRecord, IndicatorCode, Targeting } from '../../lib/domain/schemas';

const OFFSETS = [-30, -14, -7, -1, 1];
const DEADLINE = '2026-03-09'; // seed: evidence for S2 2025 due 09/03/2026

describe('dueStep around the 09/03/2026 deadline', () => {
  // February 2026 has 28 days. Days from D to 09/03: 02-06 → 31, 02-07 → 21 + 9 = 30, 02-08 → 29,
  // 02-22 → 15, 02-23 → 6 + 8 = 14, 03-01 → 8, 03-02 → 7, 03-05 → 4, 03-08 → 1, 03-10 → -1, 03-20 → -11.
  it('day counts', () => {
    expect(daysBetween('2026-02-07', DEADLINE)).toBe(30);
    expect(daysBetween('2026-02-23', DEADLINE)).toBe(14);
    expect(daysBetween('2026-03-10', DEADLINE)).toBe(-1);
  });

  it.each([
    ['2026-01-01', null], // 67 days before
    ['2026-02-06', null], // J-31: nothing yet
    ['2026-02-07', -30], // J-30
    ['2026-02-08', -30], // J-29: still the J-30 step (caught up if 02-07 was missed)
    ['2026-02-22', -30], // J-15
    ['2026-02-23', -14], // J-14
    ['2026-03-01', -14], // J-8
    ['2026-03-02', -7], // J-7
    ['2026-03-05', -7], // J-4: not run since 02-08 → J-7 only, not J-14 then J-7
    ['2026-03-08', -1], // J-1
    ['2026-03-09', -1], // the deadline itself: still J-1
    ['2026-03-10', 1], // J+1
    ['2026-03-20', 1], // J+11: J+1 stays the latest step
  ])('%s → %s', (today, step) => {
    expect(dueStep(DEADLINE, today, OFFSETS)).toBe(step);
  });

  it('step names', () => {
    expect(stepName(-30)).toBe('J-30');
    expect(stepName(1)).toBe('J+1');
  });
});

const est = (finess: string): Establishment => ({
  finess,
  finessJuridique: finess,
  raisonSociale: `Établissement ${finess}`,
  region: 'PACA',
  categorie: 'ex-DG',
  contrat: `C-${finess}`,
  emails: [`pui@${finess}.fr`],
});
const target = (finess: string, indicator: IndicatorCode, year = 2025): Targeting => ({ year, finess, indicator });
const row = (indicator: IndicatorCode | null, documents: DocumentKind[], id = 'retour_preuves', campaign = '2025-S2', date = DEADLINE): Deadline => ({
  year: Number(campaign.slice(0, 4)),
  campaign,
  id,
  date,
  indicator,
  documents,
  label: 'Retour des éléments de preuve S2 2025',
});
let upload = 0;
const evidence = (finess: string, kind: DocumentKind, status: EvidenceRecord['status'], campaign = '2025-S2', fileName = `${kind}.pdf`, errorCount = 0): EvidenceRecord => ({
  region: 'PACA',
  campaign,
  finess,
  kind,
  fileName,
  receivedAt: '2026-02-20T10:00:00Z',
  status,
  errorCount,
  firstError: null,
  reportKey: `reports/${++upload}.json`,
  order: `2026-02-20T10:00:00.000Z|${String(upload).padStart(32, '0')}|etag`,
  summary: null,
  source: { key: `evidence/${campaign}/${finess}/${kind}/${upload}-${fileName}`, version: 'v1' },
});

const A = '130786049'; // targeted MO
const B = '130001647'; // targeted on nothing
const C = '750821092'; // targeted DMI only
const D = '420787061'; // targeted MO and DMI
const E = '190000042'; // targeted PERFADOM only
const establishments = [est(A), est(B), est(C), est(D), est(E)];
const targetings = [target(A, 'MO'), target(C, 'DMI'), target(D, 'MO'), target(D, 'DMI'), target(E, 'PERFADOM'), target(B, 'MO', 2024)];
const TODAY = '2026-02-23'; // J-14

const kinds = (d: { owed: { kind: string }[] }) => d.owed.map((i) => i.kind);

describe('dueReminders', () => {
  it('only establishments targeted on the row’s indicator get a reminder', () => {
    const due = dueReminders({ today: TODAY, deadlines: [row('MO', ['argumentaire_hors_amm', 'plan_actions'])], establishments, targetings, evidence: [] });
    // A and D are targeted on MO in 2025; B only in 2024; C and E on other indicators.
    expect(due.map((d) => d.establishment.finess)).toEqual([A, D]);
    expect(due[0]).toMatchObject({
      step: 'J-14',
      daysLeft: 14,
      owed: [
        { kind: 'argumentaire_hors_amm', state: 'missing', detail: null },
        { kind: 'plan_actions', state: 'missing', detail: null },
      ],
    });
  });

  it('nothing on a day no step is due', () => {
    expect(dueReminders({ today: '2026-02-06', deadlines: [row('MO', ['plan_actions'])], establishments, targetings, evidence: [] })).toEqual([]);
  });

  it('nothing when every owed document is accepted', () => {
    const due = dueReminders({
      today: TODAY,
      deadlines: [row('MO', ['argumentaire_hors_amm', 'plan_actions'])],
      establishments: [est(A)],
      targetings,
      evidence: [evidence(A, 'argumentaire_hors_amm', 'accepted'), evidence(A, 'plan_actions', 'accepted')],
    });
    expect(due).toEqual([]);
  });

  it('a rejected file is listed with the missing kind; a rejected file later replaced by an accepted one is not', () => {
    const due = dueReminders({
      today: TODAY,
      deadlines: [row('MO', ['argumentaire_hors_amm', 'plan_actions'])],
      establishments: [est(A)],
      targetings,
      evidence: [
        evidence(A, 'argumentaire_hors_amm', 'rejected', '2025-S2', 'argumentaire.csv', 3),
        evidence(A, 'plan_actions', 'rejected', '2025-S2', 'plan-v1.pdf', 1),
        evidence(A, 'plan_actions', 'accepted', '2025-S2', 'plan-v2.pdf'),
      ],
    });
    expect(due).toHaveLength(1);
    expect(due[0]!.owed).toEqual([{ kind: 'argumentaire_hors_amm', state: 'refused', detail: 'fichier « argumentaire.csv » reçu mais refusé (3 erreurs)' }]);
  });

  it('two calendar rows for one deadline (MO and DMI) give ONE reminder with the union of documents', () => {
    const due = dueReminders({
      today: TODAY,
      deadlines: [row('MO', ['argumentaire_hors_amm', 'plan_actions']), row('DMI', ['cartographie_dmi', 'audit_dmi', 'plan_actions'])],
      establishments,
      targetings,
      evidence: [],
    });
    const byFiness = new Map(due.map((d) => [d.establishment.finess, d]));
    expect([...byFiness.keys()].sort()).toEqual([A, D, C].sort());
    expect(due.filter((d) => d.establishment.finess === D)).toHaveLength(1);
    // D, targeted on both: MO's two kinds plus DMI's two others, plan_actions once.
    expect(kinds(byFiness.get(D)!).sort()).toEqual(['argumentaire_hors_amm', 'audit_dmi', 'cartographie_dmi', 'plan_actions']);
    expect(kinds(byFiness.get(A)!).sort()).toEqual(['argumentaire_hors_amm', 'plan_actions']);
    expect(kinds(byFiness.get(C)!).sort()).toEqual(['audit_dmi', 'cartographie_dmi', 'plan_actions']);
  });

  it('a row with no indicator applies to every targeted establishment, and only to them', () => {
    const due = dueReminders({
      today: TODAY,
      deadlines: [row(null, ['plan_actions'], 'auto_evaluation')],
      establishments,
      targetings,
      evidence: [],
    });
    // B is targeted only in 2024, so not for the 2025 campaign.
    expect(due.map((d) => d.establishment.finess).sort()).toEqual([A, C, D, E].sort());
    expect(due.every((d) => d.deadline.id === 'auto_evaluation')).toBe(true);
    // DMI is made of its mapping, its own action plan (plan_actions_dmi, not MO's) and audit, owed
    // with the self-evaluation even where no row asks for them (as the indicators count them): C and
    // D are reminded of all three, besides the row's plan_actions.
    expect(Object.fromEntries(due.map((d) => [d.establishment.finess, kinds(d).sort()]))).toEqual({
      [A]: ['plan_actions'],
      [C]: ['audit_dmi', 'cartographie_dmi', 'plan_actions', 'plan_actions_dmi'],
      [D]: ['audit_dmi', 'cartographie_dmi', 'plan_actions', 'plan_actions_dmi'],
      [E]: ['plan_actions'],
    });
  });

  // The issue's case: "with a self-evaluation deadline whose calendar row lists no document, DMI is
  // pending with three documents awaited for 31/03, yet no reminder is ever sent for them".
  it('a self-evaluation deadline whose row lists no document: DMI’s three documents are reminded', () => {
    const due = dueReminders({ today: '2026-03-24', deadlines: [row(null, [], 'auto_evaluation', '2025', '2026-03-31')], establishments: [est(C)], targetings, evidence: [] });
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ step: 'J-7', owed: [
      { kind: 'cartographie_dmi', state: 'missing' },
      { kind: 'plan_actions_dmi', state: 'missing' },
      { kind: 'audit_dmi', state: 'missing' },
    ] });
  });

  it('evidence of another campaign does not count', () => {
    const due = dueReminders({
      today: TODAY,
      deadlines: [row('MO', ['plan_actions'])],
      establishments: [est(A)],
      targetings,
      evidence: [evidence(A, 'plan_actions', 'accepted', '2025-S1'), evidence(B, 'plan_actions', 'accepted', '2025-S2')],
    });
    expect(due).toHaveLength(1);
    expect(kinds(due[0]!)).toEqual(['plan_actions']);
  });

  it('J+1 after the deadline, with daysLeft -1', () => {
    const due = dueReminders({ today: '2026-03-10', deadlines: [row('MO', ['plan_actions'])], establishments: [est(A)], targetings, evidence: [] });
    expect(due[0]).toMatchObject({ step: 'J+1', daysLeft: -1 });
  });

  it('a refused file is quoted with its first error, as ingest recorded it', () => {
    const refused = { ...evidence(A, 'argumentaire_hors_amm', 'rejected', '2025-S2', 'arg.csv', 2), firstError: 'ligne 3, colonne « nb_ucd » : Valeur « trois » invalide.' };
    const [due] = dueReminders({ today: TODAY, deadlines: [row('MO', ['argumentaire_hors_amm'])], establishments: [est(A)], targetings, evidence: [refused] });
    expect(due!.owed[0]!.detail).toBe('fichier « arg.csv » reçu mais refusé : ligne 3, colonne « nb_ucd » : Valeur « trois » invalide.');
  });

  it('an accepted argumentation with hors-AMM lines not argued is still owed, with how many', () => {
    const partial = { ...evidence(A, 'argumentaire_hors_amm', 'accepted'), summary: { type: 'argumentaire' as const, lines: 5, argued: 3, ucd: 5, arguedUcd: 3, byUcd: [], ammMiroirLines: 0, excludedLines: 0, ammMiroir: [], exclusions: [] } };
    const [due] = dueReminders({ today: TODAY, deadlines: [row('MO', ['argumentaire_hors_amm'])], establishments: [est(A)], targetings, evidence: [partial] });
    expect(due!.owed).toEqual([
      { kind: 'argumentaire_hors_amm', state: 'incomplete', detail: '2 lignes hors AMM sur 5 sans argumentaire' },
    ]);
    const complete = { ...partial, summary: { ...partial.summary, argued: 5 } };
    expect(dueReminders({ today: TODAY, deadlines: [row('MO', ['argumentaire_hors_amm'])], establishments: [est(A)], targetings, evidence: [complete] })).toEqual([]);
  });

  it('J+7 by default; the steps are configuration', () => {
    expect(dueReminders({ today: '2026-03-16', deadlines: [row('MO', ['plan_actions'])], establishments: [est(A)], targetings, evidence: [] })[0]).toMatchObject({ step: 'J+7' });
    const custom = dueReminders({ today: '2026-03-04', deadlines: [row('MO', ['plan_actions'])], establishments: [est(A)], targetings, evidence: [], offsets: () => [-5, 2] });
    expect(custom[0]).toMatchObject({ step: 'J-5', daysLeft: 5 });
  });
});

// Seed 000: "Délai de rigueur pour le retour de l’argumentaire des prescriptions hors-AMM S2 2025 : 21/03/2026".
describe('reminders, a délai de rigueur and the lock', () => {
  const targetings = [target(A, 'MO')];
  const argumentation = row('MO', ['argumentaire_hors_amm'], 'argumentaire_hors_amm', '2025-S2', '2026-03-21');
  const selfEvaluation = row(null, [], 'auto_evaluation', '2025', '2026-03-31');

  it('the argumentation’s reminders say it is strict, before and after its day; the evidence return’s do not', () => {
    const before = dueReminders({ today: '2026-03-14', deadlines: [argumentation, selfEvaluation], establishments: [est(A)], targetings, evidence: [] });
    expect(before.map((r) => [r.deadline.id, r.step, r.strict])).toEqual([['argumentaire_hors_amm', 'J-7', true]]);
    const after = dueReminders({ today: '2026-03-22', deadlines: [argumentation, selfEvaluation], establishments: [est(A)], targetings, evidence: [] });
    expect(after.map((r) => [r.step, r.daysLeft, r.strict])).toEqual([['J+1', -1, true]]);
    expect(dueReminders({ today: '2026-03-10', deadlines: [row('MO', ['plan_actions'])], establishments: [est(A)], targetings, evidence: [] })[0]).toMatchObject({ step: 'J+1', strict: false });
  });

  it('after the lock (the day after the auto_evaluation of 31/03/2026) nothing is sent: a caught-up J+7 of 28/03 on 01/04 is not', () => {
    // 28/03 is J+7 of the argumentation; on 01/04 the year's evidence is refused by ingest.
    const inputs = { deadlines: [argumentation, selfEvaluation], establishments: [est(A)], targetings, evidence: [] };
    expect(dueReminders({ ...inputs, today: '2026-03-31' }).map((r) => `${r.deadline.id} ${r.step}`)).toEqual(['argumentaire_hors_amm J+7']);
    expect(dueReminders({ ...inputs, today: '2026-04-01' })).toEqual([]);
    expect(dueReminders({ ...inputs, today: '2026-04-08' })).toEqual([]);
  });
});

/**
 * One status and one reason for every indicator (lib/domain/judge.ts), in the order OMéDIT applies
 * them. Written where mutation runs showed the order and the notes had no direct assertion.
 */
import { describe, expect, it } from 'vitest';
import { judge, worstGate, type JudgeInputs } from '../../lib/domain/judge';
import type { EvidenceState, ResultComponent } from '../../lib/domain/schemas';

const below15 = { comparator: '<' as const, value: 15, source: 'default' as const };
const base: JudgeInputs = {
  targeted: true,
  neutralised: null,
  measure: 'ratio',
  value: 10,
  target: below15,
  noDataNote: 'aucune donnée ATIH reçue',
  components: [],
  gate: 'ok',
  evidence: [],
};

function state(status: EvidenceState['status'], due: string | null, kind: EvidenceState['kind'] = 'plan_actions'): EvidenceState {
  return { kind, campaign: '2025-S2', deadline: due ? 'retour_preuves' : null, due, status, fileName: null, receivedAt: null };
}

function component(status: ResultComponent['status'], label = 'Part des lignes hors AMM argumentées'): ResultComponent {
  return { id: 'argued', label, numerator: null, denominator: null, value: null, unit: '%', target: null, status, note: null };
}

describe('judge', () => {
  it('not targeted first, then neutralised (never failed), then no data with its reason, then no target', () => {
    expect(judge({ ...base, targeted: false, neutralised: 'liste de l’ARS', value: null })).toEqual({ status: 'not_targeted', note: null });
    expect(judge({ ...base, neutralised: 'liste de l’ARS', value: 99 })).toEqual({ status: 'neutralised', note: 'neutralisé : liste de l’ARS' });
    expect(judge({ ...base, value: null, target: null })).toEqual({ status: 'no_data', note: 'aucune donnée ATIH reçue' });
    expect(judge({ ...base, target: null })).toEqual({ status: 'no_target', note: 'aucun objectif fixé pour cet indicateur (objectifs-AAAA.csv)' });
  });

  it('met when the value reaches its target and the evidence came in time', () => {
    expect(judge(base)).toEqual({ status: 'met', note: null });
  });

  it('a value reached: pending while evidence can come (naming the nearest deadline still open), not met once it failed', () => {
    const evidence = [state('in_time', '2026-01-15'), state('missing', '2026-03-31'), state('awaited', '2026-03-09'), state('missing', null)];
    expect(judge({ ...base, gate: 'open', evidence })).toEqual({ status: 'pending', note: 'objectif atteint, éléments de preuve attendus (échéance le 09/03/2026)' });
    expect(judge({ ...base, gate: 'open', evidence: [state('missing', null)] })).toEqual({ status: 'pending', note: 'objectif atteint, éléments de preuve attendus' });
    expect(judge({ ...base, gate: 'failed', evidence })).toEqual({ status: 'not_met', note: 'élément de preuve non reçu ou non accepté à temps' });
  });

  it('a value missed: not met, unless it is made of documents that can still come', () => {
    const missed = { ...base, value: 20 };
    const evidence = [state('refused', '2026-03-09', 'autodiagnostic_pharmacie_clinique')];
    expect(judge({ ...missed, gate: 'open', evidence })).toEqual({ status: 'not_met', note: null });
    for (const measure of ['documents', 'points'] as const) {
      expect(judge({ ...missed, measure, gate: 'open', evidence })).toEqual({ status: 'pending', note: 'éléments de preuve encore attendus (échéance le 09/03/2026)' });
      expect(judge({ ...missed, measure, gate: 'failed', evidence })).toEqual({ status: 'not_met', note: null });
      expect(judge({ ...missed, measure, gate: 'ok' })).toEqual({ status: 'not_met', note: null });
    }
  });

  it('"Sans données ATIH pour le semestre": a part with a target and no data keeps the whole pending, with why; a part shown for information does not', () => {
    const unmeasured: ResultComponent = {
      ...component('no_data', 'Part des prescriptions hors AMM argumentées (UCD I999 de l’ATIH)'),
      target: { comparator: '>=', value: 100, source: 'default' },
      coverage: {
        campaigns: ['2025-S2'],
        withoutData: [{ campaign: '2025-S2', reason: 'aucune donnée ATIH pour S2 2025' }],
        prescribed: { units: 0, lines: 0, codes: 0 },
        covered: { units: 0, codes: 0 },
        notArgued: [],
        notInAtih: [],
        ammMiroir: { lines: 0, items: [] },
        exclusions: { lines: 0, items: [] },
      },
    };
    expect(judge({ ...base, components: [unmeasured] })).toEqual({
      status: 'pending',
      note: 'Part des prescriptions hors AMM argumentées (UCD I999 de l’ATIH) : pas encore mesurable (aucune donnée ATIH pour S2 2025)',
    });
    expect(judge({ ...base, components: [component('no_data', 'Part des génériques (Open PHMEV)')] })).toEqual({ status: 'met', note: null });
  });

  it('a part not met makes the whole not met and says which; a part pending keeps it pending', () => {
    expect(judge({ ...base, components: [component('met', 'Part I999'), component('not_met')] })).toEqual({
      status: 'not_met',
      note: 'Part des lignes hors AMM argumentées : objectif non atteint',
    });
    expect(judge({ ...base, components: [component('pending')] })).toEqual({ status: 'pending', note: 'Part des lignes hors AMM argumentées : encore en attente' });
  });
});

describe('issue 18: no status on a target the seeds and objectifs do not give', () => {
  it('a value with no target is shown, with the 2017 reference beside it as information (001_f169cbd8a7ffe659.txt), never judged', () => {
    const reference = 'référence 2017, indicative : +4,0 % (évolution pharmacie de ville + LPP dans son ensemble)';
    expect(judge({ ...base, measure: 'growth', value: 250, target: null, reference })).toEqual({
      status: 'no_target',
      note: `aucun objectif fixé pour cet indicateur (objectifs-AAAA.csv) ; ${reference}`,
    });
    expect(judge({ ...base, measure: 'growth', value: -3, target: null, reference })).toMatchObject({ status: 'no_target' });
  });

  it('PHARMACIE_CLINIQUE: "Autodiagnostic ANAP" names a tool, not a score: the document returned in time is what is judged', () => {
    const evidence = [state('awaited', '2026-03-09', 'autodiagnostic_pharmacie_clinique')];
    const documents = { ...base, measure: 'documents' as const, value: 100, target: null };
    expect(judge({ ...documents, gate: 'ok' })).toEqual({ status: 'met', note: 'autodiagnostic ANAP retourné et accepté dans les délais : c’est ce qui est jugé, les sources ne fixant pas de score' });
    expect(judge({ ...documents, value: 0, gate: 'open', evidence })).toEqual({ status: 'pending', note: 'autodiagnostic ANAP attendu (échéance le 09/03/2026) : c’est son retour dans les délais qui est jugé' });
    expect(judge({ ...documents, value: 0, gate: 'failed', evidence })).toEqual({ status: 'not_met', note: 'autodiagnostic ANAP non retourné ou non accepté dans les délais : c’est ce qui est jugé' });
  });
});

describe('worstGate: a contract is as far as its least advanced site', () => {
  it('failed over open over ok', () => {
    expect(worstGate(['ok', 'open', 'failed'])).toBe('failed');
    expect(worstGate(['open', 'ok'])).toBe('open');
    expect(worstGate(['ok', 'ok'])).toBe('ok');
    expect(worstGate([])).toBe('ok');
  });
});

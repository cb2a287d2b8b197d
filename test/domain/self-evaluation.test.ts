/**
 * The self-evaluation report's rules: when it locks, what a save, a submission, a reopening and a
 * review do to it and when they are refused, and what its page is derived from (sections, blockers,
 * the contract as a whole for a multi-site contract).
 */
import { describe, expect, it } from 'vitest';
import { reportView } from '../../lib/report/self-evaluation-view';
import type { Deadline, Establishment, EvidenceRecord, IndicatorCode, IndicatorResult, Targeting } from '../../lib/domain/schemas';
import {
  checkDeclarations,
  declarativeItems,
  declaredValue,
  dmiPoints,
  openedReport,
  recordFinal,
  reopenReport,
  lockedMessage,
  reportLock,
  reportStatus,
  reviewIndicator,
  saveDeclarations,
  SelfEvaluationError,
  type ReportActor,
  type ReportLock,
  type SelfEvaluationReport,
} from '../../lib/domain/self-evaluation';
import { reportContracts, reportModel, type SelfEvaluationInputs } from '../../lib/domain/self-evaluation-model';
import { result as resultOf } from '../report/fixtures';

const AUTO_EVALUATION: Deadline = { year: 2025, campaign: '2025', id: 'auto_evaluation', date: '2026-03-31', indicator: null, documents: [], label: 'Rapport annuel d’auto-évaluation 2025' };
const OMEDIT: ReportActor = { kind: 'account', id: 'pharmacien@omedit-paca.fr', finess: null };
const SITE: ReportActor = { kind: 'link', id: 'lien-1', finess: '130780018' };
const OPEN: ReportLock = { deadline: '2026-03-31', locked: false, reopenedUntil: null };
const LOCKED: ReportLock = { deadline: '2026-03-31', locked: true, reopenedUntil: null };
const AT = '2026-02-23T10:00:00.000Z';

const opened = () => openedReport({ region: 'PACA', year: 2025, contrat: 'C-MULTI' }, OMEDIT, AT);

/** The code a refusal carries. */
function refusal(work: () => unknown): string {
  try {
    work();
  } catch (error) {
    if (error instanceof SelfEvaluationError) return error.code;
    throw error;
  }
  throw new Error('not refused');
}

const MO_DONE = { selfAssessment: 'met' as const, actions: 'Revue des prescriptions hors-AMM en COMEDIMS', comments: '', missedReason: '', items: { lignes_argumentees: 100, anomalies_corrigees: true } };

describe('reportLock: the auto_evaluation deadline of the calendar', () => {
  it('takes edits until the end of the deadline day, Paris calendar, and locks from the next day', () => {
    expect(reportLock(2025, [AUTO_EVALUATION], null, '2026-03-30')).toEqual({ deadline: '2026-03-31', locked: false, reopenedUntil: null });
    expect(reportLock(2025, [AUTO_EVALUATION], null, '2026-03-31').locked).toBe(false);
    expect(reportLock(2025, [AUTO_EVALUATION], null, '2026-04-01').locked).toBe(true);
  });

  it('stays open during a reopening, up to its last day included, and locks again after it', () => {
    expect(reportLock(2025, [AUTO_EVALUATION], { until: '2026-04-15' }, '2026-04-15')).toEqual({ deadline: '2026-03-31', locked: false, reopenedUntil: '2026-04-15' });
    expect(reportLock(2025, [AUTO_EVALUATION], { until: '2026-04-15' }, '2026-04-16')).toEqual({ deadline: '2026-03-31', locked: true, reopenedUntil: null });
  });

  it('never locks a year whose calendar has no auto_evaluation deadline, and reads only its own year’s', () => {
    expect(reportLock(2025, [], null, '2030-01-01')).toEqual({ deadline: null, locked: false, reopenedUntil: null });
    expect(reportLock(2026, [AUTO_EVALUATION], null, '2026-04-01').deadline).toBeNull();
    // Two rows for the same deadline (one per indicator): the earliest date counts.
    expect(reportLock(2025, [{ ...AUTO_EVALUATION, date: '2026-04-10', indicator: 'MO' }, AUTO_EVALUATION], null, '2026-04-05').locked).toBe(true);
  });
});

describe('reportStatus', () => {
  it('follows the report from not opened to reviewed', () => {
    expect(reportStatus(null, OPEN)).toBe('not_opened');
    expect(reportStatus(opened(), OPEN)).toBe('not_started');
    expect(reportStatus(opened(), LOCKED)).toBe('locked');
    const draft = saveDeclarations(opened(), { declarations: {}, expectedVersion: 1, submit: false, blockers: [] }, OPEN, SITE, AT);
    expect(reportStatus(draft, OPEN)).toBe('draft');
    expect(reportStatus(draft, LOCKED)).toBe('locked');
    const submitted = saveDeclarations(draft, { declarations: { MO: MO_DONE }, expectedVersion: 2, submit: true, blockers: [] }, OPEN, SITE, AT);
    // A report submitted in time stays submitted after the deadline: it is waiting for OMéDIT.
    expect(reportStatus(submitted, LOCKED)).toBe('submitted');
    const reviewed = reviewIndicator(submitted, { indicator: 'MO', decision: 'computed', comment: '', expectedVersion: 3 }, { status: 'met', value: 8.2, target: null }, LOCKED, OMEDIT, AT);
    expect(reportStatus(reviewed, LOCKED)).toBe('submitted');
    expect(reportStatus(recordFinal(reviewed, { result: 'met', comment: '', expectedVersion: 4 }, ['MO'], LOCKED, OMEDIT, AT), LOCKED)).toBe('reviewed');
  });
});

describe('saveDeclarations', () => {
  it('writes the next version with who and when, a draft or a submission', () => {
    const draft = saveDeclarations(opened(), { declarations: { MO: MO_DONE }, expectedVersion: 1, submit: false, blockers: ['x'] }, OPEN, SITE, AT);
    expect(draft).toMatchObject({ version: 2, state: 'draft', change: 'draft', savedBy: SITE, savedAt: AT, submittedAt: null, declarations: { MO: MO_DONE } });
    const submitted = saveDeclarations(draft, { declarations: { MO: MO_DONE }, expectedVersion: 2, submit: true, blockers: [] }, OPEN, SITE, '2026-03-01T08:00:00.000Z');
    expect(submitted).toMatchObject({ version: 3, state: 'submitted', change: 'submitted', submittedAt: '2026-03-01T08:00:00.000Z', submittedBy: SITE });
  });

  it('refuses, in this order: a report not opened, a locked one, a submitted one, a stale version, an incomplete submission', () => {
    const change = { declarations: {}, expectedVersion: 1, submit: false, blockers: [] };
    expect(refusal(() => saveDeclarations(null, change, OPEN, SITE, AT))).toBe('not-opened');
    expect(refusal(() => saveDeclarations(opened(), { ...change, expectedVersion: 7 }, LOCKED, SITE, AT))).toBe('locked');
    const submitted = saveDeclarations(opened(), { ...change, submit: true }, OPEN, SITE, AT);
    expect(refusal(() => saveDeclarations(submitted, { ...change, expectedVersion: 7 }, OPEN, SITE, AT))).toBe('submitted');
    expect(refusal(() => saveDeclarations(opened(), { ...change, expectedVersion: 2 }, OPEN, SITE, AT))).toBe('conflict');
    try {
      saveDeclarations(opened(), { ...change, submit: true, blockers: ['MO : actions menées', 'DMI : audit'] }, OPEN, SITE, AT);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'incomplete', message: 'Le rapport ne peut pas encore être soumis : 2 point(s) restent à compléter.', blockers: ['MO : actions menées', 'DMI : audit'] });
    }
  });

  it('says in French since when a locked report is locked', () => {
    try {
      saveDeclarations(opened(), { declarations: {}, expectedVersion: 1, submit: false, blockers: [] }, LOCKED, SITE, AT);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        'Le rapport d’auto-évaluation 2025 est verrouillé depuis l’échéance du 31/03/2026 : plus aucune modification ni aucune pièce de l’année ne peut être prise en compte. Seule l’OMéDIT peut le rouvrir.',
      );
    }
  });
});

describe('checkDeclarations', () => {
  it('takes what the targeted indicators ask, and names what they do not', () => {
    expect(() => checkDeclarations({ MO: MO_DONE }, ['MO'])).not.toThrow();
    const invalid = (declarations: Parameters<typeof checkDeclarations>[0], indicators: IndicatorCode[]) => {
      try {
        checkDeclarations(declarations, indicators);
      } catch (error) {
        return (error as SelfEvaluationError).message;
      }
      return 'accepted';
    };
    const base = { selfAssessment: null, actions: '', comments: '', missedReason: '' };
    expect(invalid({ DMI: { ...base, items: {} } }, ['MO'])).toBe('le contrat n’est pas ciblé sur l’indicateur DMI cette année');
    expect(invalid({ MO: { ...base, items: { points_dmi: 3 } } }, ['MO'])).toBe('l’indicateur MO ne demande pas « points_dmi »');
    expect(invalid({ MO: { ...base, items: { lignes_argumentees: true } } }, ['MO'])).toBe('« Part des prescriptions hors-AMM argumentées (%) » attend un nombre');
    expect(invalid({ DMI: { ...base, items: { audit_tracabilite: 1 } } }, ['DMI'])).toBe('« Audit de traçabilité et d’information du patient réalisé (1 point) » attend oui ou non');
    // An item left empty is a draft's right.
    expect(invalid({ MO: { ...base, items: { lignes_argumentees: null } } }, ['MO'])).toBe('accepted');
  });
});

describe('reopenReport', () => {
  const submitted = () => saveDeclarations(opened(), { declarations: { MO: MO_DONE }, expectedVersion: 1, submit: true, blockers: [] }, OPEN, SITE, AT);

  it('makes a submitted report a draft again until a day, with the reason and who reopened it, and clears the final result', () => {
    let report = reviewIndicator(submitted(), { indicator: 'MO', decision: 'computed', comment: '', expectedVersion: 2 }, { status: 'met', value: 8, target: null }, LOCKED, OMEDIT, AT);
    report = recordFinal(report, { result: 'met', comment: 'RAS', expectedVersion: 3 }, ['MO'], LOCKED, OMEDIT, AT);
    const reopened = reopenReport(report, { reason: '  Audit DMI reçu par courrier  ', until: '2026-04-30', expectedVersion: 4 }, '2026-04-10', OMEDIT, '2026-04-10T09:00:00.000Z');
    expect(reopened).toMatchObject({
      version: 5,
      state: 'draft',
      change: 'reopened',
      submittedAt: null,
      reopened: { reason: 'Audit DMI reçu par courrier', until: '2026-04-30', by: OMEDIT, at: '2026-04-10T09:00:00.000Z' },
      review: { final: null, indicators: { MO: { decision: 'computed', status: 'met' } } },
    });
    // Editable again through its last day.
    expect(reportLock(2025, [AUTO_EVALUATION], reopened.reopened, '2026-04-30').locked).toBe(false);
    expect(() => saveDeclarations(reopened, { declarations: { MO: MO_DONE }, expectedVersion: 5, submit: false, blockers: [] }, reportLock(2025, [AUTO_EVALUATION], reopened.reopened, '2026-04-30'), SITE, AT)).not.toThrow();
  });

  it('needs a reason, a day not passed and the version read', () => {
    expect(refusal(() => reopenReport(submitted(), { reason: '   ', until: '2026-04-30', expectedVersion: 2 }, '2026-04-10', OMEDIT, AT))).toBe('invalid');
    expect(refusal(() => reopenReport(submitted(), { reason: 'x', until: '2026-04-09', expectedVersion: 2 }, '2026-04-10', OMEDIT, AT))).toBe('invalid');
    expect(refusal(() => reopenReport(submitted(), { reason: 'x', until: '2026-04-30', expectedVersion: 1 }, '2026-04-10', OMEDIT, AT))).toBe('conflict');
    expect(refusal(() => reopenReport(null, { reason: 'x', until: '2026-04-30', expectedVersion: 1 }, '2026-04-10', OMEDIT, AT))).toBe('not-opened');
  });
});

describe('the review', () => {
  const submitted = () => saveDeclarations(opened(), { declarations: {}, expectedVersion: 1, submit: true, blockers: [] }, OPEN, SITE, AT);
  const computed = { status: 'not_met' as const, value: 2, target: { comparator: '>=' as const, value: 3 } };

  it('waits for the submission or the deadline', () => {
    expect(refusal(() => reviewIndicator(opened(), { indicator: 'MO', decision: 'computed', comment: '', expectedVersion: 1 }, computed, OPEN, OMEDIT, AT))).toBe('not-reviewable');
    // Past the deadline, what was not submitted is evaluated as it stands.
    expect(reviewIndicator(opened(), { indicator: 'MO', decision: 'computed', comment: '', expectedVersion: 1 }, computed, LOCKED, OMEDIT, AT).review?.indicators.MO?.status).toBe('not_met');
  });

  it('accepts the computed result as it stands, or sets one with a comment', () => {
    const accepted = reviewIndicator(submitted(), { indicator: 'MO', decision: 'computed', comment: '', expectedVersion: 2 }, computed, OPEN, OMEDIT, AT);
    expect(accepted.review?.indicators.MO).toMatchObject({ decision: 'computed', status: 'not_met', value: 2, by: OMEDIT });
    expect(refusal(() => reviewIndicator(submitted(), { indicator: 'MO', decision: 'set', status: 'met', comment: ' ', expectedVersion: 2 }, computed, OPEN, OMEDIT, AT))).toBe('invalid');
    expect(refusal(() => reviewIndicator(submitted(), { indicator: 'MO', decision: 'set', comment: 'vu', expectedVersion: 2 }, computed, OPEN, OMEDIT, AT))).toBe('invalid');
    const set = reviewIndicator(submitted(), { indicator: 'MO', decision: 'set', status: 'met', comment: 'Lignes I999 recodées après contrôle', expectedVersion: 2 }, computed, OPEN, OMEDIT, AT);
    expect(set.review?.indicators.MO).toMatchObject({ decision: 'set', status: 'met', value: 2, comment: 'Lignes I999 recodées après contrôle' });
  });

  it('gives DMI its points from the mapping with its plan (2) and the audit (1), judged against the target', () => {
    expect(dmiPoints({ cartographie: true, audit: true, plan: 'fully' })).toBe(3);
    expect(dmiPoints({ cartographie: true, audit: false, plan: 'partly' })).toBe(2);
    expect(dmiPoints({ cartographie: false, audit: true, plan: 'not_sent' })).toBe(1);
    const full = reviewIndicator(submitted(), { indicator: 'DMI', decision: 'set', dmi: { cartographie: true, audit: true, plan: 'fully' }, comment: 'Pièces conformes', expectedVersion: 2 }, computed, OPEN, OMEDIT, AT);
    expect(full.review?.indicators.DMI).toMatchObject({ status: 'met', value: 3, dmi: { plan: 'fully' } });
    const partial = reviewIndicator(submitted(), { indicator: 'DMI', decision: 'set', dmi: { cartographie: true, audit: false, plan: 'partly' }, comment: 'Audit absent', expectedVersion: 2 }, computed, OPEN, OMEDIT, AT);
    expect(partial.review?.indicators.DMI).toMatchObject({ status: 'not_met', value: 2 });
    expect(refusal(() => reviewIndicator(submitted(), { indicator: 'DMI', decision: 'set', comment: 'x', expectedVersion: 2 }, computed, OPEN, OMEDIT, AT))).toBe('invalid');
  });

  it('records the final result once every indicator is evaluated', () => {
    const one = reviewIndicator(submitted(), { indicator: 'MO', decision: 'computed', comment: '', expectedVersion: 2 }, computed, OPEN, OMEDIT, AT);
    try {
      recordFinal(one, { result: 'partly_met', comment: '', expectedVersion: 3 }, ['MO', 'DMI'], OPEN, OMEDIT, AT);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'incomplete', message: 'Évaluez d’abord chaque indicateur : DMI.' });
    }
    expect(recordFinal(one, { result: 'partly_met', comment: ' MO à suivre ', expectedVersion: 3 }, ['MO'], OPEN, OMEDIT, AT).review?.final).toMatchObject({ result: 'partly_met', comment: 'MO à suivre' });
  });
});

describe('declaredValue', () => {
  const base = { selfAssessment: null, actions: '', comments: '', missedReason: '' };
  it('is the establishment’s own figure, DMI’s points from its two answers, or nothing', () => {
    expect(declaredValue('MO', { ...base, items: { valeur_declaree: 12.5 } })).toBe(12.5);
    expect(declaredValue('MO', { ...base, items: {} })).toBeNull();
    expect(declaredValue('DMI', { ...base, items: { cartographie_plan: true, audit_tracabilite: false } })).toBe(2);
    expect(declaredValue('DMI', { ...base, items: { audit_tracabilite: true } })).toBe(1);
    expect(declaredValue('DMI', { ...base, items: {} })).toBeNull();
    expect(declaredValue('MO', undefined)).toBeNull();
  });
});

// ------------------------------------------------------------------ the page's model

const A = '130780018';
const B = '130786049';
const E = '830100012';
const site = (finess: string, contrat: string, name: string, categorie: Establishment['categorie'] = 'ex-DG'): Establishment => ({
  finess,
  finessJuridique: finess,
  raisonSociale: name,
  region: 'PACA',
  categorie,
  contrat,
  emails: [],
});
const establishments = [site(A, 'C-MULTI', 'Hôpital Nord'), site(B, 'C-MULTI', 'Hôpital Est'), site(E, 'C-E', 'Clinique Sud', 'ex-OQN')];
const targetings: Targeting[] = [
  { year: 2025, finess: A, indicator: 'MO' },
  { year: 2025, finess: B, indicator: 'MO' },
  { year: 2025, finess: B, indicator: 'DMI' },
  { year: 2025, finess: E, indicator: 'IPP' },
];

const result = (indicator: IndicatorCode, scope: 'site' | 'contract', finess: string | null, contrat: string, fields: Partial<IndicatorResult>): IndicatorResult =>
  resultOf({ indicator, scope, finess, contrat, name: finess ?? contrat, categorie: null, source: 'atih', target: null, status: 'no_data', ...fields });

const MO_TARGET = { comparator: '<' as const, value: 15, source: 'region' as const };
const results: IndicatorResult[] = [
  // Nord: 10 % of 200; Est: 20 % of 50. The contract is 30 / 250 = 12 %, not the 15 % average of the rates.
  result('MO', 'site', A, 'C-MULTI', { numerator: 20, denominator: 200, value: 10, status: 'met', target: MO_TARGET }),
  result('MO', 'site', B, 'C-MULTI', { numerator: 10, denominator: 50, value: 20, status: 'not_met', target: MO_TARGET }),
  result('MO', 'contract', null, 'C-MULTI', { numerator: 30, denominator: 250, value: 12, status: 'met', target: MO_TARGET }),
  result('DMI', 'site', B, 'C-MULTI', { measure: 'points', unit: 'points', source: 'evidence', status: 'pending' }),
  result('IPP', 'site', E, 'C-E', { measure: 'growth', source: 'cpam', status: 'neutralised', note: 'neutralisé : liste de l’ARS 2025' }),
];

let uploadId = 0;
const upload = (finess: string, kind: EvidenceRecord['kind'], status: EvidenceRecord['status']): EvidenceRecord => ({
  region: 'PACA',
  campaign: '2025',
  finess,
  kind,
  fileName: `${kind}.pdf`,
  receivedAt: '2026-02-20T10:00:00Z',
  status,
  errorCount: status === 'rejected' ? 1 : 0,
  firstError: status === 'rejected' ? 'Le fichier est vide.' : null,
  reportKey: `reports/${++uploadId}.json`,
  order: `2026-02-20T10:00:00.000Z|${String(uploadId).padStart(32, '0')}|etag`,
  summary: null,
  source: { key: `evidence/2025/${finess}/${kind}/${uploadId}-${kind}.pdf`, version: 'v1' },
});

const inputs = (report: SelfEvaluationReport | null, evidence: EvidenceRecord[] = [], contrat = 'C-MULTI'): SelfEvaluationInputs => ({
  region: 'PACA',
  year: 2025,
  contrat,
  today: '2026-02-23',
  establishments,
  targetings,
  results,
  evidence,
  deadlines: [AUTO_EVALUATION],
  report,
});

describe('reportModel', () => {
  it('has one report per contract with a targeted site', () => {
    expect(reportContracts(establishments, targetings, 'PACA', 2025)).toEqual(['C-E', 'C-MULTI']);
    expect(reportContracts(establishments, targetings, 'PACA', 2024)).toEqual([]);
  });

  it('shows a multi-site contract’s sites and the contract as a whole: sums of numerators and denominators', () => {
    const model = reportModel(inputs(opened()));
    expect(model.multiSite).toBe(true);
    expect(model.sites.map((s) => s.raisonSociale)).toEqual(['Hôpital Est', 'Hôpital Nord']);
    expect(model.sections.map((s) => s.indicator)).toEqual(['MO', 'DMI']);
    const mo = model.sections.find((s) => s.indicator === 'MO')!;
    expect(mo.sites.map((r) => [r.finess, r.value])).toEqual([
      [B, 20],
      [A, 10],
    ]);
    expect(mo.headline).toMatchObject({ scope: 'contract', numerator: 30, denominator: 250, value: 12, status: 'met' });
    // DMI is targeted on one site only: only it is asked for its documents.
    const dmi = model.sections.find((s) => s.indicator === 'DMI')!;
    expect(new Set(dmi.evidence.map((e) => e.site.finess))).toEqual(new Set([B]));
  });

  it('lists what blocks the submission, and lifts each once filled in or received', () => {
    const empty = reportModel(inputs(opened()));
    expect(empty.status).toBe('not_started');
    expect(empty.blockers.filter((b) => b.indicator === 'MO').map((b) => (b.what === 'item' ? `item:${b.item.id}` : b.what))).toEqual([
      'self_assessment',
      'actions',
      'item:lignes_argumentees',
      'item:anomalies_corrigees',
    ]);
    expect(empty.blockers.filter((b) => b.indicator === 'DMI' && b.what === 'evidence').map((b) => (b.what === 'evidence' ? b.owed.kind : ''))).toEqual(['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi']);

    const filled = saveDeclarations(
      opened(),
      {
        declarations: {
          MO: MO_DONE,
          DMI: { selfAssessment: 'not_met', actions: 'Cartographie ANAP', comments: '', missedReason: '', items: { cartographie_plan: true, audit_tracabilite: false } },
        },
        expectedVersion: 1,
        submit: false,
        blockers: [],
      },
      OPEN,
      SITE,
      AT,
    );
    const evidence = [upload(B, 'cartographie_dmi', 'accepted'), upload(B, 'plan_actions_dmi', 'accepted'), upload(B, 'audit_dmi', 'rejected')];
    const model = reportModel(inputs(filled, evidence));
    expect(model.status).toBe('draft');
    // Not met in the establishment's own view: it must say why; the refused audit is still owed, with its reason.
    expect(model.blockers.map((b) => `${b.indicator}:${b.what}`)).toEqual(['DMI:missed_reason', 'DMI:evidence']);
    const audit = model.sections.find((s) => s.indicator === 'DMI')!.evidence.find((e) => e.state.kind === 'audit_dmi')!;
    expect(audit.owed).toMatchObject({ kind: 'audit_dmi', state: 'refused', detail: expect.stringContaining('Le fichier est vide.') });
  });

  it('asks nothing of a neutralised indicator, and shows it as such', () => {
    const model = reportModel(inputs(opened(), [], 'C-E'));
    expect(model.multiSite).toBe(false);
    const ipp = model.sections[0]!;
    expect(ipp).toMatchObject({ indicator: 'IPP', neutralised: true, blockers: [], headline: { status: 'neutralised' } });
    expect(model.blockers).toEqual([]);
    // Neutralised by OMéDIT's list, not by the category (IDF FAQ: the ex-OQN "sur la liste de l'ARS"): the page says whose decision and why.
    const notes = reportView(model, new Map()).sections[0]!.notes;
    expect(notes[0]).toBe('Indicateur neutralisé par l’OMéDIT (liste de l’ARS 2025) : il n’est pas évalué et rien n’est demandé ; un commentaire reste possible.');
  });

  it('is locked after the deadline unless submitted, and not opened without a report', () => {
    expect(reportModel({ ...inputs(null), today: '2026-04-01' }).status).toBe('not_opened');
    expect(reportModel({ ...inputs(opened()), today: '2026-04-01' })).toMatchObject({ status: 'locked', lock: { locked: true, deadline: '2026-03-31' } });
  });
});

// ------------------------------------------------------------------ what each rule says, exactly

describe('declarativeItems: what each indicator asks', () => {
  const shape = (code: IndicatorCode) => declarativeItems(code).map((i) => [i.id, i.type, i.unit, i.required, i.label]);
  it('MO: its own I999 share (optional), the share of hors-AMM lines argued and the coding anomalies corrected', () => {
    expect(shape('MO')).toEqual([
      ['valeur_declaree', 'number', '%', false, 'Part des UCD hors référentiel (I999) selon l’établissement (%)'],
      ['lignes_argumentees', 'number', '%', true, 'Part des prescriptions hors-AMM argumentées (%)'],
      ['anomalies_corrigees', 'yes_no', null, true, 'Anomalies de codage PMSI corrigées'],
    ]);
  });
  it('DMI: its two parts; the clinical pharmacy its self-diagnosis; a regional rate its value; PHEV nothing', () => {
    expect(shape('DMI')).toEqual([
      ['cartographie_plan', 'yes_no', null, true, 'Cartographie (ANAP ou RESOMEDIT) réalisée et plan d’actions établi (2 points)'],
      ['audit_tracabilite', 'yes_no', null, true, 'Audit de traçabilité et d’information du patient réalisé (1 point)'],
    ]);
    expect(shape('PHARMACIE_CLINIQUE')).toEqual([['autodiagnostic', 'yes_no', null, true, 'Autodiagnostic de pharmacie clinique réalisé']]);
    expect(shape('CHIRURGIE_AMBULATOIRE')).toEqual([['valeur_declaree', 'number', '%', false, 'Valeur selon l’établissement (%)']]);
    for (const phev of ['IPP', 'GENERIQUES', 'TRANSPORTS'] as const) expect(shape(phev)).toEqual([]);
  });
});

describe('the rules’ edges', () => {
  it('reads only the auto_evaluation deadline of the year', () => {
    const other: Deadline = { ...AUTO_EVALUATION, id: 'retour_preuves', date: '2026-03-01' };
    expect(reportLock(2025, [other, AUTO_EVALUATION], null, '2026-03-15')).toEqual({ deadline: '2026-03-31', locked: false, reopenedUntil: null });
    expect(lockedMessage(2025, { deadline: null })).toBe(
      'Le rapport d’auto-évaluation 2025 est verrouillé : plus aucune modification ni aucune pièce de l’année ne peut être prise en compte. Seule l’OMéDIT peut le rouvrir.',
    );
  });

  it('names each refusal by its code and says it in French', () => {
    const error = (work: () => unknown) => {
      try {
        work();
      } catch (e) {
        return e as SelfEvaluationError;
      }
      throw new Error('not refused');
    };
    const notOpened = error(() => saveDeclarations(null, { declarations: {}, expectedVersion: 1, submit: false, blockers: [] }, OPEN, SITE, AT));
    expect(notOpened).toMatchObject({ name: 'SelfEvaluationError', code: 'not-opened', message: 'Le rapport d’auto-évaluation n’a pas encore été ouvert par l’OMéDIT.', blockers: [] });
    const submitted = saveDeclarations(opened(), { declarations: {}, expectedVersion: 1, submit: true, blockers: [] }, OPEN, SITE, AT);
    expect(error(() => saveDeclarations(submitted, { declarations: {}, expectedVersion: 2, submit: false, blockers: [] }, OPEN, SITE, AT)).message).toBe(
      'Le rapport a déjà été soumis : il ne peut plus être modifié. Demandez à l’OMéDIT de le rouvrir si une correction est nécessaire.',
    );
    expect(error(() => checkDeclarations({ DMI: { selfAssessment: null, actions: '', comments: '', missedReason: '', items: {} } }, ['MO'])).code).toBe('invalid');
    expect(error(() => checkDeclarations({ MO: { selfAssessment: null, actions: '', comments: '', missedReason: '', items: { autre: 1 } } }, ['MO'])).code).toBe('invalid');
    expect(error(() => checkDeclarations({ MO: { selfAssessment: null, actions: '', comments: '', missedReason: '', items: { lignes_argumentees: true } } }, ['MO'])).code).toBe('invalid');
    expect(error(() => reopenReport(null, { reason: 'x', until: '2026-04-30', expectedVersion: 1 }, '2026-04-10', OMEDIT, AT)).message).toBe('Ce rapport n’a pas été ouvert : ouvrez d’abord les rapports de l’année.');
    expect(error(() => reopenReport(opened(), { reason: ' ', until: '2026-04-30', expectedVersion: 1 }, '2026-04-10', OMEDIT, AT)).message).toBe('la raison de la réouverture est obligatoire');
    expect(error(() => reopenReport(opened(), { reason: 'x', until: '2026-04-09', expectedVersion: 1 }, '2026-04-10', OMEDIT, AT)).message).toBe('la date de fin de réouverture est déjà passée');
    expect(error(() => reviewIndicator(null, { indicator: 'MO', decision: 'computed', comment: '', expectedVersion: 1 }, { status: 'met', value: 1, target: null }, LOCKED, OMEDIT, AT))).toMatchObject({
      code: 'not-opened',
      message: 'Ce rapport n’a pas été ouvert.',
    });
    const computed = { status: 'met' as const, value: 1, target: null };
    expect(error(() => reviewIndicator(opened(), { indicator: 'MO', decision: 'set', status: 'met', comment: '', expectedVersion: 1 }, computed, LOCKED, OMEDIT, AT)).message).toBe(
      'un résultat fixé par l’OMéDIT s’accompagne d’un commentaire',
    );
    expect(error(() => reviewIndicator(opened(), { indicator: 'DMI', decision: 'set', comment: 'x', expectedVersion: 1 }, computed, LOCKED, OMEDIT, AT)).message).toBe(
      'indiquez pour le DMI la cartographie, l’audit et le plan d’actions',
    );
    expect(error(() => reviewIndicator(opened(), { indicator: 'MO', decision: 'set', comment: 'x', expectedVersion: 1 }, computed, LOCKED, OMEDIT, AT)).message).toBe('indiquez si l’objectif est atteint ou non');
    expect(error(() => recordFinal(opened(), { result: 'met', comment: '', expectedVersion: 1 }, ['MO', 'DMI'], LOCKED, OMEDIT, AT))).toMatchObject({
      code: 'incomplete',
      message: 'Évaluez d’abord chaque indicateur : MO, DMI.',
      blockers: ['MO', 'DMI'],
    });
  });

  it('opens at version 1; a reopening may end today; an open report stays open when reopened', () => {
    expect(opened()).toMatchObject({ version: 1, state: 'open', change: 'opened', declarations: {}, review: null, reopened: null });
    expect(reopenReport(opened(), { reason: 'x', until: '2026-04-10', expectedVersion: 1 }, '2026-04-10', OMEDIT, AT)).toMatchObject({ state: 'open', review: null });
  });

  it('keeps comments without their surrounding spaces, every indicator’s evaluation, and no final result before it is recorded', () => {
    const computed = { status: 'not_met' as const, value: 2, target: null };
    let report = reviewIndicator(opened(), { indicator: 'MO', decision: 'computed', comment: '  vu  ', expectedVersion: 1 }, computed, LOCKED, OMEDIT, AT);
    expect(report).toMatchObject({ change: 'review', review: { final: null, indicators: { MO: { decision: 'computed', comment: 'vu' } } } });
    // No target computed: DMI's own, 3 points.
    report = reviewIndicator(report, { indicator: 'DMI', decision: 'set', dmi: { cartographie: true, audit: true, plan: 'fully' }, comment: ' complet ', expectedVersion: 2 }, computed, LOCKED, OMEDIT, AT);
    expect(report.review?.indicators).toMatchObject({ MO: { comment: 'vu' }, DMI: { decision: 'set', status: 'met', value: 3, comment: 'complet' } });
    const two = reviewIndicator(opened(), { indicator: 'DMI', decision: 'set', dmi: { cartographie: true, audit: false, plan: 'partly' }, comment: 'x', expectedVersion: 1 }, computed, LOCKED, OMEDIT, AT);
    expect(two.review?.indicators.DMI).toMatchObject({ status: 'not_met', value: 2 });
    const set = reviewIndicator(opened(), { indicator: 'MO', decision: 'set', status: 'met', comment: ' recodé ', expectedVersion: 1 }, computed, LOCKED, OMEDIT, AT);
    expect(set.review?.indicators.MO).toMatchObject({ decision: 'set', comment: 'recodé' });
    expect(recordFinal(report, { result: 'met', comment: ' ok ', expectedVersion: 3 }, ['MO', 'DMI'], LOCKED, OMEDIT, AT)).toMatchObject({ change: 'review', version: 4, review: { final: { comment: 'ok' } } });
  });
});

describe('reportModel: what it leaves out and how it reads what it keeps', () => {
  const noise = {
    // Another year, another contract, another region with the same contract id, another site's evidence.
    results: [
      ...results,
      result('MO', 'site', A, 'C-MULTI', { value: 99, numerator: 99, denominator: 100, status: 'not_met', year: 2024 }),
      result('MO', 'site', E, 'C-E', { value: 77, status: 'not_met' }),
    ],
    targetings: [...targetings, { year: 2024, finess: A, indicator: 'PHARMACIE_CLINIQUE' } as Targeting],
    establishments: [...establishments, { ...site('2A0000717', 'C-MULTI', 'Hôpital d’Ajaccio'), region: 'CORSE' }],
  };

  it('keeps only the report’s year, contract, region and targeted sites', () => {
    const model = reportModel({ ...inputs(opened()), ...noise });
    expect(model.sites.map((s) => s.finess)).toEqual([B, A]);
    expect(model.sections.map((s) => s.indicator)).toEqual(['MO', 'DMI']);
    const mo = model.sections[0]!;
    expect(mo.sites.map((r) => r.value)).toEqual([20, 10]);
    expect(mo.headline?.value).toBe(12);
    expect(reportContracts(noise.establishments, targetings, 'CORSE', 2025)).toEqual([]);
  });

  it('takes a single site’s own result, not a contract result, as its headline', () => {
    const single = reportModel({
      ...inputs(opened(), [], 'C-E'),
      targetings: [{ year: 2025, finess: E, indicator: 'MO' }],
      results: [result('MO', 'contract', null, 'C-E', { value: 50, status: 'not_met' }), result('MO', 'site', E, 'C-E', { value: 5, status: 'met' })],
    });
    expect(single.sections[0]!.sites.map((r) => r.scope)).toEqual(['site']);
    expect(single.sections[0]!.headline).toMatchObject({ scope: 'site', value: 5 });
  });

  it('asks why when the computation says not met, and takes blank text as empty', () => {
    const declarations = { MO: { ...MO_DONE, actions: '   ', missedReason: '  ' }, DMI: { selfAssessment: 'met' as const, actions: 'x', comments: '', missedReason: '', items: { cartographie_plan: null, audit_tracabilite: true } } };
    const report = saveDeclarations(opened(), { declarations, expectedVersion: 1, submit: false, blockers: [] }, OPEN, SITE, AT);
    const notMet = results.map((r) => (r.indicator === 'MO' && r.scope === 'contract' ? { ...r, status: 'not_met' as const } : r));
    const model = reportModel({ ...inputs(report), results: notMet });
    expect(model.blockers.map((b) => (b.what === 'item' ? `${b.indicator}:item:${b.item.id}` : `${b.indicator}:${b.what}`))).toEqual([
      'MO:actions',
      'MO:missed_reason',
      'DMI:item:cartographie_plan',
      'DMI:evidence',
      'DMI:evidence',
      'DMI:evidence',
    ]);
  });

  it('lists a site’s uploads newest first, none of another site’s, and shows OMéDIT’s evaluation and reopening', () => {
    const first = { ...upload(B, 'audit_dmi', 'rejected'), order: '2026-02-20T10:00:00.000Z|a|e' };
    const second = { ...upload(B, 'audit_dmi', 'accepted'), order: '2026-02-21T10:00:00.000Z|b|e' };
    const elsewhere = upload(A, 'audit_dmi', 'accepted');
    let report = reviewIndicator(opened(), { indicator: 'MO', decision: 'computed', comment: '', expectedVersion: 1 }, { status: 'met', value: 12, target: null }, LOCKED, OMEDIT, AT);
    report = reopenReport(report, { reason: 'retard', until: '2026-04-30', expectedVersion: 2 }, '2026-04-10', OMEDIT, AT);
    const model = reportModel({ ...inputs(report, [first, elsewhere, second]), today: '2026-04-10' });
    const audit = model.sections.find((s) => s.indicator === 'DMI')!.evidence.find((e) => e.state.kind === 'audit_dmi')!;
    expect(audit.uploads.map((u) => u.order)).toEqual([second.order, first.order]);
    expect(model.sections[0]!.review).toMatchObject({ decision: 'computed', status: 'met' });
    expect(model.lock).toEqual({ deadline: '2026-03-31', locked: false, reopenedUntil: '2026-04-30' });
  });
});

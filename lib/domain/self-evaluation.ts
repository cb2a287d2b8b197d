/**
 * The annual self-evaluation report (rapport annuel d'auto-évaluation): one per contract and campaign
 * year, opened by OMéDIT, filled in by the contract's establishments through their personal links,
 * submitted when complete, locked at the calendar's `auto_evaluation` deadline unless OMéDIT reopens
 * it, then reviewed by OMéDIT indicator by indicator. This module holds its shapes and its rules;
 * storage is lib/store/self-evaluation-store.ts, the page's model lib/domain/self-evaluation-model.ts.
 */
import { z } from 'zod';
import { formatFrenchDate } from '../io/french';
import { indicatorDefinition } from './catalogue';
import { todayOf } from './clock';
import { ANNUAL_DEADLINE } from './evidence';
import { Finess, IndicatorCode, IndicatorStatus, IsoDate, Region, type Deadline } from './schemas';
import { meetsTarget } from './targets';

/** A paragraph per question: long enough to explain, short enough to keep a report well under DynamoDB's 400 KB item. */
export const MAX_TEXT = 4000;
const Text = z.string().max(MAX_TEXT);

/** One value the establishment declares for an indicator: a figure in the indicator's unit, or yes / no. */
export interface DeclarativeItem {
  id: string;
  label: string;
  type: 'number' | 'yes_no';
  unit: '%' | null;
  /** Submission waits for it. */
  required: boolean;
}

const DECLARED_VALUE = (label: string): DeclarativeItem => ({ id: 'valeur_declaree', label, type: 'number', unit: '%', required: false });

/**
 * What an indicator asks the establishment to declare. PHEV figures are filled in by the Assurance
 * Maladie (IDF FAQ): nothing is asked for them beyond actions and comments. DMI's two parts are its
 * points (mapping and action plan 2, audit 1), checked by OMéDIT at review.
 *
 * @example declarativeItems('DMI').map((i) => i.id) // ['cartographie_plan', 'audit_tracabilite']
 */
export function declarativeItems(code: IndicatorCode): readonly DeclarativeItem[] {
  const definition = indicatorDefinition(code);
  if (code === 'MO') {
    return [
      DECLARED_VALUE('Part des UCD hors référentiel (I999) selon l’établissement (%)'),
      { id: 'lignes_argumentees', label: 'Part des prescriptions hors-AMM argumentées (%)', type: 'number', unit: '%', required: true },
      { id: 'anomalies_corrigees', label: 'Anomalies de codage PMSI corrigées', type: 'yes_no', unit: null, required: true },
    ];
  }
  if (code === 'DMI') {
    return [
      { id: 'cartographie_plan', label: 'Cartographie (ANAP ou RESOMEDIT) réalisée et plan d’actions établi (2 points)', type: 'yes_no', unit: null, required: true },
      { id: 'audit_tracabilite', label: 'Audit de traçabilité et d’information du patient réalisé (1 point)', type: 'yes_no', unit: null, required: true },
    ];
  }
  if (code === 'PHARMACIE_CLINIQUE') return [{ id: 'autodiagnostic', label: 'Autodiagnostic de pharmacie clinique réalisé', type: 'yes_no', unit: null, required: true }];
  return !definition.phev && definition.unit === '%' ? [DECLARED_VALUE('Valeur selon l’établissement (%)')] : [];
}

/** What the establishment declares for one indicator. */
export const Declaration = z
  .object({
    /** Whether, in the establishment's view, the objective is reached. */
    selfAssessment: z.enum(['met', 'not_met']).nullable().default(null),
    actions: Text.default(''),
    comments: Text.default(''),
    /** Why the objective was missed (asked when the establishment or the computation says so). */
    missedReason: Text.default(''),
    items: z.record(z.string().regex(/^[a-z_]{1,40}$/), z.union([z.number().finite(), z.boolean()]).nullable()).default({}),
  })
  .strict();
export type Declaration = z.infer<typeof Declaration>;

export const Declarations = z.partialRecord(IndicatorCode, Declaration);
export type Declarations = z.infer<typeof Declarations>;

/** Who wrote a version: an account, an establishment's link (with the site it belongs to), the machine credential. */
export const ReportActor = z.object({
  kind: z.enum(['account', 'link', 'machine', 'system']),
  id: z.string().min(1).max(254),
  finess: Finess.nullable().default(null),
});
export type ReportActor = z.infer<typeof ReportActor>;

/** DMI's points as OMéDIT reads the documents: mapping with its action plan (2), audit (1), and how full the plan is. */
export const DmiReview = z.object({
  cartographie: z.boolean(),
  audit: z.boolean(),
  plan: z.enum(['not_sent', 'partly', 'fully']),
});
export type DmiReview = z.infer<typeof DmiReview>;

/** OMéDIT's evaluation of one indicator: the computed result accepted as it stood, or a result set with a comment. */
export const IndicatorReview = z.object({
  decision: z.enum(['computed', 'set']),
  /** The evaluated status: the computed one when accepted, `met` or `not_met` when set. */
  status: IndicatorStatus,
  /** The evaluated value in the indicator's unit (DMI: points). */
  value: z.number().nullable(),
  dmi: DmiReview.nullable().default(null),
  comment: Text.default(''),
  at: z.string(),
  by: ReportActor,
});
export type IndicatorReview = z.infer<typeof IndicatorReview>;

export const FinalResult = z.enum(['met', 'partly_met', 'not_met']);
export type FinalResult = z.infer<typeof FinalResult>;

export const Review = z.object({
  indicators: z.partialRecord(IndicatorCode, IndicatorReview).default({}),
  final: z.object({ result: FinalResult, comment: Text, at: z.string(), by: ReportActor }).nullable().default(null),
});
export type Review = z.infer<typeof Review>;

/** What a version did. */
export const ReportChange = z.enum(['opened', 'draft', 'submitted', 'reopened', 'review']);
export type ReportChange = z.infer<typeof ReportChange>;

/** A contract's report for one campaign year, as its current version holds it. */
export const SelfEvaluationReport = z.object({
  region: Region,
  year: z.number().int(),
  contrat: z.string().min(1),
  /** 1 when opened; each write adds one, guarded by the number it read (two tabs never overwrite each other). */
  version: z.number().int().min(1),
  /** `open`: opened by OMéDIT, nothing saved yet. */
  state: z.enum(['open', 'draft', 'submitted']),
  declarations: Declarations,
  change: ReportChange,
  savedAt: z.string(),
  savedBy: ReportActor,
  submittedAt: z.string().nullable(),
  submittedBy: ReportActor.nullable(),
  /** OMéDIT's last reopening: why, by whom, and the last day edits and evidence are taken. */
  reopened: z.object({ at: z.string(), by: ReportActor, reason: Text.min(1), until: IsoDate }).nullable(),
  review: Review.nullable(),
});
export type SelfEvaluationReport = z.infer<typeof SelfEvaluationReport>;

/** Where a report stands, as OMéDIT's page and digest count them. */
export const REPORT_STATUSES = ['not_opened', 'not_started', 'draft', 'submitted', 'reviewed', 'locked'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

export interface ReportLock {
  /** The year's `auto_evaluation` date, or null when the calendar sets none (the report then never locks). */
  deadline: string | null;
  locked: boolean;
  /** The last day of a reopening still running. */
  reopenedUntil: string | null;
}

/**
 * Whether a year's report is locked on `today`: from the day after the `auto_evaluation` deadline
 * (evidence counts until the end of its due day, Paris time), unless OMéDIT reopened it until a day
 * not yet passed.
 *
 * @example
 * reportLock(2025, deadlines, null, '2026-04-01') // { deadline: '2026-03-31', locked: true, reopenedUntil: null }
 */
export function reportLock(year: number, deadlines: readonly Deadline[], reopened: Pick<NonNullable<SelfEvaluationReport['reopened']>, 'until'> | null, today: string): ReportLock {
  const deadline = deadlines.filter((d) => d.year === year && d.id === ANNUAL_DEADLINE).map((d) => d.date).sort()[0] ?? null;
  const reopenedUntil = reopened && reopened.until >= today ? reopened.until : null;
  return { deadline, locked: deadline !== null && today > deadline && reopenedUntil === null, reopenedUntil };
}

/**
 * @example reportStatus(null, lock) // 'not_opened'
 */
export function reportStatus(report: SelfEvaluationReport | null, lock: ReportLock): ReportStatus {
  if (!report) return 'not_opened';
  if (report.review?.final) return 'reviewed';
  if (report.state === 'submitted') return 'submitted';
  if (lock.locked) return 'locked';
  return report.state === 'open' ? 'not_started' : 'draft';
}

/** A refusal of a write to a report, with a stable code and its French message. */
export class SelfEvaluationError extends Error {
  constructor(
    readonly code: 'not-opened' | 'locked' | 'submitted' | 'incomplete' | 'conflict' | 'invalid' | 'not-reviewable',
    message: string,
    /** What blocks a submission, in French. */
    readonly blockers: readonly string[] = [],
  ) {
    super(message);
    this.name = 'SelfEvaluationError';
  }
}

/**
 * Checks declarations against the report's indicators and their items: an indicator the contract is
 * not targeted on, an item the indicator does not ask, or a value of the wrong type is refused.
 * @throws SelfEvaluationError `invalid`, naming what is wrong.
 */
export function checkDeclarations(declarations: Declarations, indicators: readonly IndicatorCode[]): void {
  for (const [code, declaration] of Object.entries(declarations) as [IndicatorCode, Declaration][]) {
    if (!indicators.includes(code)) throw new SelfEvaluationError('invalid', `le contrat n’est pas ciblé sur l’indicateur ${code} cette année`);
    const asked = declarativeItems(code);
    for (const [id, value] of Object.entries(declaration.items)) {
      const item = asked.find((i) => i.id === id);
      if (!item) throw new SelfEvaluationError('invalid', `l’indicateur ${code} ne demande pas « ${id} »`);
      if (value !== null && (item.type === 'number') !== (typeof value === 'number')) {
        throw new SelfEvaluationError('invalid', `« ${item.label} » attend ${item.type === 'number' ? 'un nombre' : 'oui ou non'}`);
      }
    }
  }
}

/** Refuses any write the establishment may no longer make, in the order a person would want to hear why. */
function assertEditable(report: SelfEvaluationReport | null, lock: ReportLock, expectedVersion: number): SelfEvaluationReport {
  if (!report) throw new SelfEvaluationError('not-opened', 'Le rapport d’auto-évaluation n’a pas encore été ouvert par l’OMéDIT.');
  if (lock.locked) throw new SelfEvaluationError('locked', lockedMessage(report.year, lock));
  if (report.state === 'submitted') {
    throw new SelfEvaluationError('submitted', 'Le rapport a déjà été soumis : il ne peut plus être modifié. Demandez à l’OMéDIT de le rouvrir si une correction est nécessaire.');
  }
  if (report.version !== expectedVersion) throw conflict(report);
  return report;
}

/** Why a locked report refuses edits and evidence, in French. */
export function lockedMessage(year: number, lock: Pick<ReportLock, 'deadline'>): string {
  const since = lock.deadline ? ` depuis l’échéance du ${formatFrenchDate(lock.deadline)}` : '';
  return `Le rapport d’auto-évaluation ${year} est verrouillé${since} : plus aucune modification ni aucune pièce de l’année ne peut être prise en compte. Seule l’OMéDIT peut le rouvrir.`;
}

/** Another tab or person saved first: nothing is overwritten, and who did is said. */
export function conflict(current: Pick<SelfEvaluationReport, 'version' | 'savedAt'>): SelfEvaluationError {
  return new SelfEvaluationError(
    'conflict',
    `Le rapport a été modifié entre-temps (version ${current.version}, enregistrée le ${formatFrenchDate(todayOf(current.savedAt))}) : rechargez-le avant d’enregistrer, pour ne rien écraser.`,
  );
}

/**
 * The next version of a report after the establishment saves its declarations, as a draft or, with
 * `submit`, for evaluation. `blockers` says what keeps the report from being complete (the page's
 * model computes it): a submission waits until there is none.
 * @throws SelfEvaluationError `not-opened`, `locked`, `submitted`, `conflict` (another version was
 * saved since `expectedVersion`), `incomplete` (blockers listed).
 */
export function saveDeclarations(
  report: SelfEvaluationReport | null,
  change: { declarations: Declarations; expectedVersion: number; submit: boolean; blockers: readonly string[] },
  lock: ReportLock,
  by: ReportActor,
  at: string,
): SelfEvaluationReport {
  const current = assertEditable(report, lock, change.expectedVersion);
  if (change.submit && change.blockers.length > 0) {
    throw new SelfEvaluationError('incomplete', `Le rapport ne peut pas encore être soumis : ${change.blockers.length} point(s) restent à compléter.`, change.blockers);
  }
  return {
    ...current,
    version: current.version + 1,
    state: change.submit ? 'submitted' : 'draft',
    declarations: change.declarations,
    change: change.submit ? 'submitted' : 'draft',
    savedAt: at,
    savedBy: by,
    submittedAt: change.submit ? at : null,
    submittedBy: change.submit ? by : null,
  };
}

/** A report as OMéDIT opens it for a contract: nothing declared yet. */
export function openedReport(key: { region: string; year: number; contrat: string }, by: ReportActor, at: string): SelfEvaluationReport {
  return { ...key, version: 1, state: 'open', declarations: {}, change: 'opened', savedAt: at, savedBy: by, submittedAt: null, submittedBy: null, reopened: null, review: null };
}

/**
 * The next version of a report OMéDIT reopens: editable again (a submitted report back to draft) and
 * taking the year's evidence until `until`, whatever the deadline.
 * @throws SelfEvaluationError `not-opened`, `conflict`, `invalid` (an empty reason, a day already passed).
 */
export function reopenReport(report: SelfEvaluationReport | null, change: { reason: string; until: string; expectedVersion: number }, today: string, by: ReportActor, at: string): SelfEvaluationReport {
  if (!report) throw new SelfEvaluationError('not-opened', 'Ce rapport n’a pas été ouvert : ouvrez d’abord les rapports de l’année.');
  if (report.version !== change.expectedVersion) throw conflict(report);
  if (change.reason.trim() === '') throw new SelfEvaluationError('invalid', 'la raison de la réouverture est obligatoire');
  if (change.until < today) throw new SelfEvaluationError('invalid', 'la date de fin de réouverture est déjà passée');
  return {
    ...report,
    version: report.version + 1,
    state: report.state === 'submitted' ? 'draft' : report.state,
    change: 'reopened',
    savedAt: at,
    savedBy: by,
    submittedAt: null,
    submittedBy: null,
    reopened: { at, by, reason: change.reason.trim(), until: change.until },
    // A reopened report is evaluated again once resubmitted.
    review: report.review ? { ...report.review, final: null } : null,
  };
}

/** OMéDIT's decision on one indicator, as the review form sends it. */
export interface IndicatorDecision {
  indicator: IndicatorCode;
  decision: 'computed' | 'set';
  /** For `set` (not DMI, whose status follows its points). */
  status?: 'met' | 'not_met';
  dmi?: DmiReview;
  comment: string;
}

/** The computed result an indicator's review starts from: its status, value and target. */
export interface ComputedForReview {
  status: IndicatorStatus;
  value: number | null;
  target: { comparator: '<' | '<=' | '>' | '>='; value: number } | null;
}

const DMI_POINTS = { cartographie: 2, audit: 1 } as const;

/** DMI's points from OMéDIT's reading: mapping with its plan 2, audit 1. */
export function dmiPoints(dmi: DmiReview): number {
  return (dmi.cartographie ? DMI_POINTS.cartographie : 0) + (dmi.audit ? DMI_POINTS.audit : 0);
}

/**
 * The next version of a report after OMéDIT evaluates one indicator: the computed result accepted as
 * it stands, or a result set with a comment (DMI: its two parts give its points, judged against the
 * computed target, 3 points by default).
 * @throws SelfEvaluationError `not-reviewable` before submission or the deadline, `conflict`, `invalid`.
 */
export function reviewIndicator(report: SelfEvaluationReport | null, decision: IndicatorDecision & { expectedVersion: number }, computed: ComputedForReview, lock: ReportLock, by: ReportActor, at: string): SelfEvaluationReport {
  const current = reviewable(report, lock, decision.expectedVersion);
  let review: IndicatorReview;
  if (decision.decision === 'computed') {
    review = { decision: 'computed', status: computed.status, value: computed.value, dmi: null, comment: decision.comment.trim(), at, by };
  } else {
    if (decision.comment.trim() === '') throw new SelfEvaluationError('invalid', 'un résultat fixé par l’OMéDIT s’accompagne d’un commentaire');
    if (decision.indicator === 'DMI') {
      if (!decision.dmi) throw new SelfEvaluationError('invalid', 'indiquez pour le DMI la cartographie, l’audit et le plan d’actions');
      const points = dmiPoints(decision.dmi);
      const met = meetsTarget(points, computed.target ?? { comparator: '>=', value: DMI_POINTS.cartographie + DMI_POINTS.audit });
      review = { decision: 'set', status: met ? 'met' : 'not_met', value: points, dmi: decision.dmi, comment: decision.comment.trim(), at, by };
    } else {
      if (!decision.status) throw new SelfEvaluationError('invalid', 'indiquez si l’objectif est atteint ou non');
      review = { decision: 'set', status: decision.status, value: computed.value, dmi: null, comment: decision.comment.trim(), at, by };
    }
  }
  const previous = current.review ?? { indicators: {}, final: null };
  return { ...current, version: current.version + 1, change: 'review', savedAt: at, savedBy: by, review: { ...previous, indicators: { ...previous.indicators, [decision.indicator]: review } } };
}

/**
 * The next version of a report after OMéDIT records the contract's final result, once every
 * indicator is evaluated.
 * @throws SelfEvaluationError `not-reviewable`, `conflict`, `incomplete` (indicators not evaluated yet).
 */
export function recordFinal(report: SelfEvaluationReport | null, change: { result: FinalResult; comment: string; expectedVersion: number }, indicators: readonly IndicatorCode[], lock: ReportLock, by: ReportActor, at: string): SelfEvaluationReport {
  const current = reviewable(report, lock, change.expectedVersion);
  const left = indicators.filter((code) => !current.review?.indicators[code]);
  if (left.length > 0) throw new SelfEvaluationError('incomplete', `Évaluez d’abord chaque indicateur : ${left.join(', ')}.`, left);
  const previous = current.review ?? { indicators: {}, final: null };
  return { ...current, version: current.version + 1, change: 'review', savedAt: at, savedBy: by, review: { ...previous, final: { result: change.result, comment: change.comment.trim(), at, by } } };
}

/** A report is evaluated once submitted, or once locked (what was not submitted is evaluated as it stands). */
function reviewable(report: SelfEvaluationReport | null, lock: ReportLock, expectedVersion: number): SelfEvaluationReport {
  if (!report) throw new SelfEvaluationError('not-opened', 'Ce rapport n’a pas été ouvert.');
  if (report.state !== 'submitted' && !lock.locked) {
    throw new SelfEvaluationError('not-reviewable', 'Le rapport s’évalue une fois soumis par l’établissement, ou une fois l’échéance passée.');
  }
  if (report.version !== expectedVersion) throw conflict(report);
  return report;
}

/**
 * The value the establishment declares for an indicator, in its unit: its own figure, or DMI's points
 * from its two parts; null when it declares none.
 */
export function declaredValue(indicator: IndicatorCode, declaration: Declaration | undefined): number | null {
  if (!declaration) return null;
  if (indicator === 'DMI') {
    const { cartographie_plan: c, audit_tracabilite: a } = declaration.items;
    if (typeof c !== 'boolean' && typeof a !== 'boolean') return null;
    return (c === true ? DMI_POINTS.cartographie : 0) + (a === true ? DMI_POINTS.audit : 0);
  }
  const value = declaration.items.valeur_declaree;
  return typeof value === 'number' ? value : null;
}

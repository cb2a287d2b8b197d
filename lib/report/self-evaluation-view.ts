/**
 * A self-evaluation report in French, once, for every reader: the portal's pages (establishment and
 * OMéDIT), the printable export and the summary workbook show the same words. Built from the model
 * (lib/domain/self-evaluation-model.ts) and what is known of the files the results came from.
 */
import { todayOf } from '../domain/clock';
import type { OwedDocument, OwedReportPart } from '../domain/reminders';
import type { EvidenceRecord, IndicatorCode, IndicatorResult, IndicatorStatus, SourceRef } from '../domain/schemas';
import { declaredValue, lockedMessage, type Declaration, type DeclarativeItem, type ReportActor, type ReportStatus } from '../domain/self-evaluation';
import type { Blocker, ReportModel, ReportSection } from '../domain/self-evaluation-model';
import { formatFrenchDate, formatFrenchNumber } from '../io/french';
import type { ReportSummaryRow } from './summary-model';
import {
  DMI_PLAN_LABELS,
  documentKindLabel,
  EVIDENCE_STATUS_LABELS,
  FINAL_RESULT_LABELS,
  indicatorLabel,
  LEVEL_LABELS,
  MEASURE_HEADINGS,
  MO_HEADINGS,
  objectiveLabel,
  reportActorLabel,
  REPORT_CHANGE_LABELS,
  REPORT_STATUS_LABELS,
  SELF_ASSESSMENT_LABELS,
  SOURCE_LABELS,
  STATUS_LABELS,
  valueLabel,
  VOLET_LABELS,
} from './labels';

/** What is known of a file a result was computed from: its name and when it was received. */
export interface SourceFile {
  fileName: string;
  /** ISO instant, null when its record is gone. */
  receivedAt: string | null;
}

/** Files by `sourceId(ref)`. */
export type SourceFiles = ReadonlyMap<string, SourceFile>;

/** The id of a source in `SourceFiles`. */
export const sourceId = (ref: SourceRef): string => `${ref.key}\u0000${ref.version}`;

export interface ResultRowView {
  scope: 'site' | 'contract';
  finess: string | null;
  name: string;
  headings: { numerator: string; denominator: string; value: string };
  numerator: string | null;
  denominator: string | null;
  value: string | null;
  target: string | null;
  status: IndicatorStatus;
  statusLabel: string;
  note: string | null;
  source: string | null;
  /** Each file the value was computed from, with the day it was received. */
  files: { name: string; received: string | null }[];
}

export interface EvidenceView {
  finess: string;
  site: string;
  kind: string;
  kindLabel: string;
  campaign: string;
  due: string | null;
  status: string;
  statusLabel: string;
  /** Every upload that answers it, newest first, with its validation result. */
  uploads: { key: string; fileName: string; received: string; accepted: boolean; result: string }[];
}

export interface ReviewView {
  decision: 'computed' | 'set';
  decisionLabel: string;
  status: IndicatorStatus;
  statusLabel: string;
  value: string | null;
  dmi: { cartographie: boolean; audit: boolean; plan: string; planLabel: string } | null;
  comment: string;
  by: string;
  at: string;
}

export interface SectionView {
  indicator: string;
  label: string;
  context: string;
  /** `neutralised`: nothing asked; `no_data`: no value computed; `computed`: a value to read. */
  state: 'neutralised' | 'no_data' | 'computed';
  notes: string[];
  rows: ResultRowView[];
  headline: ResultRowView | null;
  items: DeclarativeItem[];
  declaration: Declaration;
  /** The declaration as lines of text (read-only views and the export). */
  declared: { label: string; value: string }[];
  declaredValue: string | null;
  evidence: EvidenceView[];
  missing: string[];
  blockers: string[];
  review: ReviewView | null;
}

export interface ReportView {
  region: string;
  year: number;
  contrat: string;
  title: string;
  subtitle: string;
  sites: { finess: string; name: string; categorie: string }[];
  multiSite: boolean;
  status: ReportStatus;
  statusLabel: string;
  opened: boolean;
  /** The version a save must name (0 before the report is opened). */
  version: number;
  deadline: string | null;
  locked: boolean;
  /** What the page says about where the report stands: locked, reopened, submitted, not opened. */
  notice: string | null;
  reopened: { reason: string; until: string; by: string; at: string } | null;
  submitted: { by: string; at: string } | null;
  saved: { by: string; at: string; change: string } | null;
  blockers: string[];
  sections: SectionView[];
  final: { result: string; resultLabel: string; comment: string; by: string; at: string } | null;
  today: string;
}

const dateTime = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });

/** An instant as French readers write it, Paris time: `23/02/2026 à 10:15`. */
export function instantLabel(iso: string): string {
  return dateTime.format(new Date(iso)).replace(' ', ' à ');
}

const day = (iso: string) => formatFrenchDate(todayOf(iso));

function headingsOf(result: IndicatorResult) {
  return result.indicator === 'MO' ? { ...MO_HEADINGS } : { ...MEASURE_HEADINGS[result.measure] };
}

/** A numerator or denominator: amounts of a growth to the cent, counts and points whole. */
function partLabel(result: IndicatorResult, value: number | null): string | null {
  if (value === null) return null;
  return formatFrenchNumber(value, result.measure === 'growth' ? 2 : Number.isInteger(value) ? 0 : 1);
}

function rowView(result: IndicatorResult, sources: SourceFiles, multiSite: boolean): ResultRowView {
  const seen = new Set<string>();
  const files = result.inputs.flatMap((ref) => {
    const known = sources.get(sourceId(ref));
    const name = known?.fileName ?? ref.key.split('/').pop() ?? ref.key;
    const id = `${name}\u0000${known?.receivedAt ?? ''}`;
    if (seen.has(id)) return [];
    seen.add(id);
    return [{ name, received: known?.receivedAt ? day(known.receivedAt) : null }];
  });
  return {
    scope: result.scope,
    finess: result.finess,
    name: result.scope === 'contract' ? `Ensemble du contrat${multiSite ? ' (somme des sites)' : ''}` : result.name,
    headings: headingsOf(result),
    numerator: partLabel(result, result.numerator),
    denominator: partLabel(result, result.denominator),
    value: result.value === null ? null : valueLabel(result.value, result.measure),
    target: result.target ? objectiveLabel(result.target, result.unit === '%' ? '%' : 'points') : null,
    status: result.status,
    statusLabel: STATUS_LABELS[result.status],
    note: result.note,
    source: result.source ? SOURCE_LABELS[result.source] : null,
    files,
  };
}

function uploadResult(record: EvidenceRecord): string {
  if (record.status === 'accepted') return 'Acceptée';
  return `Refusée${record.firstError ? ` : ${record.firstError}` : ` (${record.errorCount} erreur${record.errorCount > 1 ? 's' : ''})`}`;
}

/** What one owed document still needs, in the reminders' words. */
function owedText(site: string, kindLabel: string, campaign: string, due: string | null, owed: OwedDocument): string {
  const what = `${site} – ${kindLabel} (${campaign})`;
  if (owed.state === 'missing') return `${what} : non reçu${due ? `, attendu pour le ${formatFrenchDate(due)}` : ''}`;
  return `${what} : ${owed.detail ?? (owed.state === 'refused' ? 'reçu mais refusé' : 'incomplet')}`;
}

/**
 * A blocker in French: what to fill in or send before the report can be submitted, named by the
 * indicator's French label (never its bare code: a pharmacist reads « MO : » as jargon).
 * @example blockerText({ indicator: 'MO', what: 'actions' }, 'MO') // 'Pertinence des prescriptions des médicaments de la liste en sus (MO) : décrivez les actions menées'
 */
export function blockerText(blocker: Blocker, indicator: IndicatorCode): string {
  const label = indicatorLabel(indicator);
  switch (blocker.what) {
    case 'self_assessment':
      return `${label} : indiquez si l’objectif est atteint selon vous`;
    case 'actions':
      return `${label} : décrivez les actions menées`;
    case 'missed_reason':
      return `${label} : expliquez pourquoi l’objectif n’est pas atteint`;
    case 'item':
      return `${label} : renseignez « ${blocker.item.label} »`;
    case 'evidence':
      return `${label} : ${owedText(blocker.site.raisonSociale, documentKindLabel(blocker.state.kind), blocker.state.campaign, blocker.state.due, blocker.owed)}`;
  }
}

function itemValue(item: DeclarativeItem, value: number | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'non renseigné';
  if (typeof value === 'boolean') return value ? 'oui' : 'non';
  return `${formatFrenchNumber(value, Number.isInteger(value) ? 0 : 1)}${item.unit === '%' ? ' %' : ''}`;
}

function declaredLines(section: ReportSection): { label: string; value: string }[] {
  const d = section.declaration;
  return [
    { label: 'Auto-évaluation', value: d.selfAssessment ? SELF_ASSESSMENT_LABELS[d.selfAssessment] : 'non renseignée' },
    ...section.items.map((item) => ({ label: item.label, value: itemValue(item, d.items[item.id]) })),
    { label: 'Actions menées', value: d.actions.trim() || 'non renseignées' },
    { label: 'Raison de l’écart à l’objectif', value: d.missedReason.trim() || '–' },
    { label: 'Commentaires', value: d.comments.trim() || '–' },
  ];
}

function reviewView(section: ReportSection): ReviewView | null {
  const r = section.review;
  if (!r) return null;
  const unit = section.definition.measure;
  return {
    decision: r.decision,
    decisionLabel: r.decision === 'computed' ? 'Résultat calculé accepté' : 'Résultat fixé par l’OMéDIT',
    status: r.status,
    statusLabel: STATUS_LABELS[r.status],
    value: r.value === null ? null : valueLabel(r.value, unit),
    dmi: r.dmi ? { ...r.dmi, planLabel: DMI_PLAN_LABELS[r.dmi.plan] } : null,
    comment: r.comment,
    by: reportActorLabel(r.by),
    at: instantLabel(r.at),
  };
}

function sectionView(section: ReportSection, sources: SourceFiles, multiSite: boolean): SectionView {
  const d = section.definition;
  const rows = [...section.sites, ...(section.contract ? [section.contract] : [])].map((r) => rowView(r, sources, multiSite));
  const headline = section.headline ? rowView(section.headline, sources, multiSite) : null;
  const notes: string[] = [];
  // Neutralised by OMéDIT's list (the ARS's, IDF FAQ), not by the category: its reason is the result's note.
  if (section.neutralised) {
    const reason = section.headline?.note?.replace(/^neutralisé : /, '');
    notes.push(`Indicateur neutralisé par l’OMéDIT${reason ? ` (${reason})` : ''} : il n’est pas évalué et rien n’est demandé ; un commentaire reste possible.`);
  } else if (!section.headline || section.headline.value === null) notes.push(`Pas de données pour cet indicateur${section.headline?.note ? ` : ${section.headline.note}` : ' : aucun résultat calculé pour l’instant'}.`);
  if (d.phev) notes.push('Valeurs PHEV renseignées par l’Assurance Maladie (extraction CPAM, à défaut Open PHMEV) : l’établissement n’a pas à les saisir.');
  if (multiSite) notes.push('Contrat multi-sites : chaque site, puis l’ensemble du contrat (somme des numérateurs et des dénominateurs de ses sites, jamais une moyenne de taux).');
  const value = declaredValue(section.indicator, section.declaration);
  return {
    indicator: section.indicator,
    label: d.label,
    context: `Indicateur ${LEVEL_LABELS[d.level].toLowerCase()} · ${VOLET_LABELS[d.volet]}`,
    state: section.neutralised ? 'neutralised' : !section.headline || section.headline.value === null ? 'no_data' : 'computed',
    notes,
    rows,
    headline,
    items: [...section.items],
    declaration: section.declaration,
    declared: declaredLines(section),
    declaredValue: value === null ? null : valueLabel(value, d.measure),
    evidence: section.evidence.map((e) => ({
      finess: e.site.finess,
      site: e.site.raisonSociale,
      kind: e.state.kind,
      kindLabel: documentKindLabel(e.state.kind),
      campaign: e.state.campaign,
      due: e.state.due ? formatFrenchDate(e.state.due) : null,
      status: e.state.status,
      statusLabel: EVIDENCE_STATUS_LABELS[e.state.status],
      uploads: e.uploads.map((u) => ({ key: u.source.key, fileName: u.fileName, received: instantLabel(u.receivedAt), accepted: u.status === 'accepted', result: uploadResult(u) })),
    })),
    missing: section.evidence.flatMap((e) => (e.owed ? [owedText(e.site.raisonSociale, documentKindLabel(e.state.kind), e.state.campaign, e.state.due, e.owed)] : [])),
    blockers: section.blockers.map((b) => blockerText(b, section.indicator)),
    review: reviewView(section),
  };
}

function notice(model: ReportModel): string | null {
  const { report, lock } = model;
  if (!report) return `Le rapport d’auto-évaluation ${model.year} n’a pas encore été ouvert par l’OMéDIT.`;
  if (model.status === 'reviewed') return 'Le rapport a été évalué par l’OMéDIT : il ne peut plus être modifié.';
  if (lock.locked) return lockedMessage(model.year, lock);
  if (report.state === 'submitted') return `Le rapport a été soumis le ${instantLabel(report.submittedAt as string)} : il ne peut plus être modifié, sauf réouverture par l’OMéDIT.`;
  if (lock.reopenedUntil && report.reopened) return `Le rapport a été rouvert par l’OMéDIT jusqu’au ${formatFrenchDate(lock.reopenedUntil)} : ${report.reopened.reason}`;
  return null;
}

const actorAt = (by: ReportActor, at: string) => ({ by: reportActorLabel(by), at: instantLabel(at) });

/**
 * The report in French, for its page and its export.
 *
 * @example
 * const view = reportView(model, new Map());
 * view.statusLabel // 'Brouillon'
 */
export function reportView(model: ReportModel, sources: SourceFiles): ReportView {
  const { report, lock } = model;
  const final = report?.review?.final ?? null;
  const sections = model.sections.map((s) => sectionView(s, sources, model.multiSite));
  return {
    region: model.region,
    year: model.year,
    contrat: model.contrat,
    title: `Rapport annuel d’auto-évaluation CAQES ${model.year}`,
    subtitle: `Contrat ${model.contrat} – ${model.sites.map((s) => `${s.raisonSociale} (FINESS ${s.finess})`).join(', ')} – région ${model.region}`,
    sites: model.sites.map((s) => ({ finess: s.finess, name: s.raisonSociale, categorie: s.categorie })),
    multiSite: model.multiSite,
    status: model.status,
    statusLabel: REPORT_STATUS_LABELS[model.status],
    opened: report !== null,
    version: report?.version ?? 0,
    deadline: lock.deadline ? formatFrenchDate(lock.deadline) : null,
    locked: lock.locked,
    notice: notice(model),
    reopened: report?.reopened ? { reason: report.reopened.reason, until: formatFrenchDate(report.reopened.until), ...actorAt(report.reopened.by, report.reopened.at) } : null,
    submitted: report?.submittedAt && report.submittedBy ? actorAt(report.submittedBy, report.submittedAt) : null,
    saved: report ? { ...actorAt(report.savedBy, report.savedAt), change: REPORT_CHANGE_LABELS[report.change] } : null,
    blockers: sections.flatMap((s) => s.blockers),
    sections,
    final: final ? { result: final.result, resultLabel: FINAL_RESULT_LABELS[final.result], comment: final.comment, ...actorAt(final.by, final.at) } : null,
    today: formatFrenchDate(model.today),
  };
}

/**
 * What a contract's report still lacks, for the reminders of its `auto_evaluation` deadline: each
 * part to fill in or send, or that it is complete but not submitted; once locked unsubmitted, that
 * only OMéDIT can reopen it. Nothing for a report not opened, submitted or evaluated.
 */
export function reportGaps(model: ReportModel): OwedReportPart[] {
  const kind = 'rapport_auto_evaluation' as const;
  if (model.status === 'locked') {
    return [{ kind, state: 'locked', detail: `non soumis à l’échéance du ${formatFrenchDate(model.lock.deadline as string)} : le rapport est verrouillé, seule l’OMéDIT peut le rouvrir` }];
  }
  if (model.status !== 'not_started' && model.status !== 'draft') return [];
  if (model.blockers.length === 0) return [{ kind, state: 'not_submitted', detail: 'complet mais pas encore soumis : soumettez-le depuis votre lien personnel' }];
  return model.sections.flatMap((s) => s.blockers.map((b) => ({ kind, state: 'empty' as const, detail: blockerText(b, s.indicator) })));
}

/**
 * The rows the regional summary lists for a region's reports: one per contract and targeted
 * indicator, never-opened reports included, with what was declared, computed and evaluated.
 */
export function reportSummaryRows(models: readonly ReportModel[]): ReportSummaryRow[] {
  return models.flatMap((model) => {
    const final = model.report?.review?.final ?? null;
    return model.sections.map((section) => ({
      contrat: model.contrat,
      sites: model.sites.map((s) => s.raisonSociale).join(', '),
      indicator: section.indicator,
      status: model.status,
      selfAssessment: section.declaration.selfAssessment,
      declared: declaredValue(section.indicator, section.declaration),
      computedValue: section.headline?.value ?? null,
      computedStatus: section.headline?.status ?? null,
      evaluatedValue: section.review?.value ?? null,
      evaluatedStatus: section.review?.status ?? null,
      evaluationComment: section.review?.comment ?? '',
      final: final?.result ?? null,
      finalComment: final?.comment ?? '',
    }));
  });
}

import { CATALOGUE, type IndicatorDefinition, type Measure } from '../domain/catalogue';
import type { Anomaly, Comparator, DocumentKind, EvidenceState, IndicatorCode, IndicatorResult, IndicatorStatus } from '../domain/schemas';
import { formatFrenchNumber } from '../io/french';
import type { OwedItem } from '../domain/reminders';
import type { FinalResult, ReportActor, ReportChange, ReportStatus } from '../domain/self-evaluation';
import { STATUS_LABELS } from './plain-labels';

// Kept in plain-labels.ts (no runtime import) so that the pages' scripts bundle them too.
export { DMI_PLAN_LABELS, LATE_LABEL, STATUS_LABELS } from './plain-labels';

/** French labels of the kinds of evidence an establishment sends. */
export const DOCUMENT_KIND_LABELS: Readonly<Record<DocumentKind, string>> = {
  plan_actions: "Plan d’actions",
  argumentaire_hors_amm: 'Argumentaire hors-AMM',
  recueil_initiations: 'Recueil des initiations',
  audit_dmi: 'Audit DMI',
  cartographie_dmi: 'Cartographie DMI',
  plan_actions_dmi: "Plan d’actions DMI",
  autodiagnostic_pharmacie_clinique: 'Autodiagnostic pharmacie clinique',
  autre: 'Autre document',
};

/** Where one document owed stands, as the summaries say it. */
export const EVIDENCE_STATUS_LABELS: Readonly<Record<EvidenceState['status'], string>> = {
  in_time: 'reçu à temps',
  late: 'reçu en retard',
  refused: 'refusé',
  missing: 'manquant',
  awaited: 'attendu',
};

/** Where an establishment's DMI mapping, plan or audit stands, in the words of the seed's results. */
export const DMI_STATE_LABELS: Readonly<Record<'sent' | 'late' | 'not_sent' | 'awaited', string>> = {
  sent: 'transmis',
  late: 'transmis en retard',
  not_sent: 'non transmis',
  awaited: 'attendu',
};

/** French names of the MO anomalies. */
export const ANOMALY_LABELS: Readonly<Record<Anomaly['code'], string>> = {
  'missing-indication': 'Code indication absent',
  // "Hors référentiel" means I999 to a pharmacist: a malformed code is not that.
  'invalid-indication': 'Code indication mal formé',
  'invalid-ucd': 'Code UCD inconnu',
  'ucd-cost': 'Coût par UCD atypique',
  'amount-jump': 'Saut du montant valorisé',
};

/** The ATIH table's row labels, in the seed's order. */
export const ATIH_ROWS = [
  "Nombre total d'UCD",
  'Total valorisé',
  "Nombre d'UCD hors-AMM",
  'Montant hors-AMM',
  'Hors-AMM/Total (UCD/UCD)',
] as const;

/** French labels of the indicators, from the catalogue. */
export const INDICATOR_LABELS: Readonly<Record<IndicatorCode, string>> = Object.fromEntries(
  [...CATALOGUE.values()].map((d) => [d.code, d.label]),
) as Record<IndicatorCode, string>;

/** Sheet names of the summary workbook, one per indicator: short, and within Excel's 31 characters. */
export const INDICATOR_SHEET_NAMES: Readonly<Record<IndicatorCode, string>> = {
  IPP: 'IPP',
  PERFADOM: 'PERFADOM',
  PANSEMENTS: 'Pansements',
  TRANSPORTS: 'Transports',
  PRE_ANESTHESIE: 'Pré-anesthésie',
  REHOSP_IC: 'Réhospitalisation IC',
  BIOSIMILAIRES: 'Biosimilaires',
  GENERIQUES: 'Génériques',
  MO: 'MO',
  DMI: 'DMI',
  PHARMACIE_CLINIQUE: 'Pharmacie clinique',
  TRANSPORTS_AUTRES: 'Autres transports',
  CHIRURGIE_AMBULATOIRE: 'Chirurgie ambulatoire',
};

/** The seed's headings of the three volets. */
export const VOLET_LABELS: Readonly<Record<IndicatorDefinition['volet'], string>> = {
  produits_de_sante: 'Bon usage des médicaments, des produits et des prestations',
  organisation_des_soins: 'Organisation des soins',
  pertinence: 'Pertinence des actes et de la prescription',
};

export const LEVEL_LABELS: Readonly<Record<IndicatorDefinition['level'], string>> = {
  national: 'National',
  regional: 'Régional',
};

/** Where a result's value comes from. */
export const SOURCE_LABELS: Readonly<Record<NonNullable<IndicatorResult['source']>, string>> = {
  cpam: 'CPAM',
  open_phmev: 'Open PHMEV',
  atih: 'ATIH',
  evidence: 'Pièces justificatives',
};

/** The budgets a region splits among its establishments. */
export const BUDGET_LABELS: Readonly<Record<NonNullable<IndicatorResult['allocation']>['budget'], string>> = {
  interessement_mo: 'Intéressement MO',
  budget_dmi: 'Budget DMI',
};

/** Column headings of a result's numerator, denominator and value, by how the indicator is measured. */
export const MEASURE_HEADINGS: Readonly<Record<Measure, { numerator: string; denominator: string; value: string }>> = {
  ratio: { numerator: 'Numérateur', denominator: 'Dénominateur', value: 'Taux (%)' },
  growth: { numerator: 'Mesure de l’année', denominator: 'Mesure de référence', value: 'Évolution (%)' },
  points: { numerator: 'Points obtenus', denominator: 'Points possibles', value: 'Points (sur 3)' },
  documents: { numerator: 'Documents reçus à temps', denominator: 'Documents attendus', value: 'Taux (%)' },
};

/** MO's own headings: its ratio is I999 UCD over all UCD. */
export const MO_HEADINGS = { numerator: 'UCD hors-AMM (I999)', denominator: 'UCD totales', value: 'Part I999 (%)' } as const;

/**
 * The French label of a status.
 * @example statusLabel('not_met') // 'Non atteint'
 */
export function statusLabel(status: IndicatorStatus): string {
  return STATUS_LABELS[status];
}

/**
 * The French label of a document kind. Takes any string because missing kinds may come from
 * stored records written by older code: an unknown kind is returned unchanged rather than dropped.
 * @example documentKindLabel('plan_actions') // "Plan d’actions"
 */
export function documentKindLabel(kind: string): string {
  return (DOCUMENT_KIND_LABELS as Record<string, string | undefined>)[kind] ?? kind;
}

/**
 * The French label of an indicator.
 * @example indicatorLabel('MO') // 'Pertinence des prescriptions des médicaments de la liste en sus (MO)'
 */
export function indicatorLabel(indicator: IndicatorCode): string {
  return INDICATOR_LABELS[indicator];
}

const COMPARATOR_SIGNS: Readonly<Record<Comparator, string>> = { '<': '<', '<=': '≤', '>': '>', '>=': '≥' };

/**
 * A target written for French readers, with a decimal comma: a percentage by default (formats.md,
 * `cible` in %), or points (DMI).
 * @example objectiveLabel({ comparator: '<', value: 15 }) // '< 15 %'
 * @example objectiveLabel({ comparator: '<=', value: 12.5 }) // '≤ 12,5 %'
 * @example objectiveLabel({ comparator: '>=', value: 3 }, 'points') // '≥ 3 points'
 */
export function objectiveLabel(target: { comparator: Comparator; value: number }, unit: '%' | 'points' = '%'): string {
  const value = target.value.toLocaleString('fr-FR', { maximumFractionDigits: 2, useGrouping: false });
  return `${COMPARATOR_SIGNS[target.comparator]} ${value} ${unit}`;
}

/**
 * A result's value as French text in its unit: a rate or a growth in % with one decimal (a growth
 * signed), points with one decimal.
 * @example valueLabel(15.8146, 'ratio') // '15,8 %'
 * @example valueLabel(3.77, 'growth') // '+3,8 %'
 * @example valueLabel(2, 'points') // '2,0 points'
 */
export function valueLabel(value: number, measure: Measure): string {
  if (measure === 'points') return `${formatFrenchNumber(value, 1)} points`;
  const text = `${formatFrenchNumber(value, 1)} %`;
  return measure === 'growth' && value > 0 ? `+${text}` : text;
}

/**
 * An amount in euros, French digits, to the cent.
 * @example eurosLabel(126331) // '126 331,00 €' (narrow no-break spaces)
 */
export function eurosLabel(amount: number): string {
  return `${formatFrenchNumber(amount, 2)} €`;
}

/**
 * The Paris calendar day of an instant, `yyyy-mm-dd`: a report generated at 23:30 UTC on the 31st
 * belongs to the 1st for its readers.
 * @throws RangeError when `iso` is not a valid timestamp.
 * @example parisDay('2026-03-08T23:30:00Z') // '2026-03-09'
 */
export function parisDay(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`not a valid ISO timestamp: ${iso}`);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(date);
}

/** Where a self-evaluation report stands, as OMéDIT's page, its digest and the workbook say it. */
export const REPORT_STATUS_LABELS: Readonly<Record<ReportStatus, string>> = {
  not_opened: 'Non ouvert',
  not_started: 'Non commencé',
  draft: 'Brouillon',
  submitted: 'Soumis',
  reviewed: 'Évalué',
  locked: 'Verrouillé',
};

/** What each version of a report did, as its history says it. */
export const REPORT_CHANGE_LABELS: Readonly<Record<ReportChange, string>> = {
  opened: 'Ouvert par l’OMéDIT',
  draft: 'Brouillon enregistré',
  submitted: 'Rapport soumis',
  reopened: 'Rouvert par l’OMéDIT',
  review: 'Évaluation de l’OMéDIT',
};

/** The establishment's own view of an indicator. */
export const SELF_ASSESSMENT_LABELS: Readonly<Record<'met' | 'not_met', string>> = {
  met: 'Objectif atteint',
  not_met: 'Objectif non atteint',
};

/** OMéDIT's final result for a contract. */
export const FINAL_RESULT_LABELS: Readonly<Record<FinalResult, string>> = {
  met: 'Objectifs atteints',
  partly_met: 'Objectifs partiellement atteints',
  not_met: 'Objectifs non atteints',
};

/**
 * Who wrote a version of a report: an account by its e-mail, an establishment by its FINESS (through
 * its personal link); the pipeline and the machine credential (`caqes serve` opening the year's
 * reports) are an automatic processing to a pharmacist, not a command's name (issue 22: « ouvert
 * par l’OMéDIT par caqes serve »). The audit log keeps the command's name.
 * @example reportActorLabel({ kind: 'link', id: 'l1', finess: '130780018' }) // 'Établissement 130780018 (lien personnel)'
 * @example reportActorLabel({ kind: 'machine', id: 'caqes serve', finess: null }) // 'traitement automatique'
 */
export function reportActorLabel(actor: ReportActor): string {
  if (actor.kind === 'link') return actor.finess ? `Établissement ${actor.finess} (lien personnel)` : 'Établissement (lien personnel)';
  if (actor.kind === 'system' || actor.kind === 'machine') return 'traitement automatique';
  return actor.id;
}

/**
 * What an owed item is called in a reminder: its document kind, or the self-evaluation report.
 * @example owedItemLabel({ kind: 'rapport_auto_evaluation', state: 'empty', detail: '…' }) // 'Rapport annuel d’auto-évaluation'
 */
export function owedItemLabel(item: OwedItem): string {
  return item.kind === 'rapport_auto_evaluation' ? 'Rapport annuel d’auto-évaluation' : documentKindLabel(item.kind);
}

/**
 * How long an establishment has been late, as the digest says it, in words a reader writes (« 1 jour », « 3 jours »).
 * @example daysLateLabel(14) // '14 jours de retard'
 * @example daysLateLabel(1) // '1 jour de retard'
 */
export function daysLateLabel(days: number): string {
  return `${days} jour${days > 1 ? 's' : ''} de retard`;
}

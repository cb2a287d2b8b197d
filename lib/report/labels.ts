import { CATALOGUE } from '../domain/catalogue';
import type { Comparator, DocumentKind, IndicatorCode, IndicatorStatus } from '../domain/schemas';

/**
 * French labels of an indicator status, as readers see them in workbooks, e-mails and the CLI.
 * A neutralised indicator has its own label: it must never read as a failure (domain.md).
 */
export const STATUS_LABELS: Readonly<Record<IndicatorStatus, string>> = {
  met: 'Atteint',
  not_met: 'Non atteint',
  pending: 'En attente',
  not_targeted: 'Non ciblé',
  neutralised: 'Neutralisé',
  no_data: 'Pas de données',
  no_target: 'Sans objectif',
};

/** French labels of the kinds of evidence an establishment sends. */
export const DOCUMENT_KIND_LABELS: Readonly<Record<DocumentKind, string>> = {
  plan_actions: "Plan d'actions",
  argumentaire_hors_amm: 'Argumentaire hors-AMM',
  recueil_initiations: 'Recueil des initiations',
  audit_dmi: 'Audit DMI',
  cartographie_dmi: 'Cartographie DMI',
  autodiagnostic_pharmacie_clinique: 'Autodiagnostic pharmacie clinique',
  autre: 'Autre document',
};

/** French labels of the indicators, from the catalogue. */
export const INDICATOR_LABELS: Readonly<Record<IndicatorCode, string>> = Object.fromEntries(
  [...CATALOGUE.values()].map((d) => [d.code, d.label]),
) as Record<IndicatorCode, string>;

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
 * @example documentKindLabel('plan_actions') // "Plan d'actions"
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
 * A target written for French readers: targets are percentages (formats.md, `cible` in %), with a
 * decimal comma and a space before `%`.
 * @example objectiveLabel({ comparator: '<', value: 15 }) // '< 15 %'
 * @example objectiveLabel({ comparator: '<=', value: 12.5 }) // '≤ 12,5 %'
 */
export function objectiveLabel(target: { comparator: Comparator; value: number }): string {
  const value = target.value.toLocaleString('fr-FR', { maximumFractionDigits: 2, useGrouping: false });
  return `${COMPARATOR_SIGNS[target.comparator]} ${value} %`;
}

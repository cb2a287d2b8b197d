/**
 * Labels the server and the pages' scripts share (lib/portal/web/): this module imports types only,
 * so a page's bundle that takes a label from it takes nothing else (no zod, no catalogue, no node).
 * lib/report/labels.ts re-exports them: the server keeps importing from there.
 */
import type { IndicatorStatus } from '../domain/schemas';
import type { DmiReview } from '../domain/self-evaluation';

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

/** How full OMéDIT judged a DMI action plan (the seed's results layout). */
export const DMI_PLAN_LABELS: Readonly<Record<DmiReview['plan'], string>> = {
  not_sent: 'Non transmis',
  partly: 'Partiellement rempli',
  fully: 'Totalement rempli',
};

/** How a deadline passed with something still owed is called: the digest, the reminders' account and OMéDIT's page say it alike. */
export const LATE_LABEL = 'En retard';

/** Where an establishment stands for one deadline (lib/portal/late-board.ts); `late` wins once the deadline has passed with something owed. */
export type StandingState = 'received' | 'refused' | 'missing' | 'late';

export const STANDING_LABELS: Readonly<Record<StandingState, string>> = {
  received: 'Tout reçu',
  refused: 'Fichier refusé',
  missing: 'Pas encore reçu',
  late: LATE_LABEL,
};

import type { Establishment, IndicatorCode, IndicatorStatus } from './schemas';

/**
 * What OMéDIT's page says beside an ex-OQN site's indicator that `neutralisation_ex_oqn` lists: the
 * IDF FAQ (seed 003) neutralises for the ex-OQN establishments on the ARS's list, so the category
 * alone only suggests it; OMéDIT neutralises in `ciblage`.
 */
export const NEUTRALISATION_SUGGESTION = 'suggestion : établissement ex-OQN, neutralisation possible si l’ARS l’inscrit sur sa liste — non appliquée';

/**
 * The suggestion for one site and indicator, or null: only for an ex-OQN site, on an indicator the
 * region's parameters suggest, not already neutralised. It never changes the status.
 * @example neutralisationSuggestion('ex-OQN', 'IPP', ['IPP'], 'not_met') // NEUTRALISATION_SUGGESTION
 */
export function neutralisationSuggestion(
  categorie: Establishment['categorie'] | null,
  indicator: IndicatorCode,
  suggested: readonly IndicatorCode[],
  status: IndicatorStatus,
): string | null {
  return categorie === 'ex-OQN' && suggested.includes(indicator) && status !== 'neutralised' ? NEUTRALISATION_SUGGESTION : null;
}

/** How one document owed for a deadline stands, as both pages say it (the establishment's and OMéDIT's). */
import type { DocumentState } from '../deadline-status';

export const STATE_LABELS: Readonly<Record<DocumentState, string>> = {
  accepted: 'Reçu et accepté',
  late: 'Reçu après l’échéance',
  refused: 'Reçu mais refusé',
  missing: 'Non reçu',
};

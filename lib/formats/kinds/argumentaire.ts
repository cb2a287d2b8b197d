import { z } from 'zod';
import { isHorsAmm } from '../../domain/indication';
import type { EvidenceSummary } from '../../domain/schemas';
import { ammMiroirCode, emptyOr, finess, indicationCode, nonNegative, optionalText, ucd, yesNo } from '../fields';
import { defineTabular } from '../tabular';

const schema = z.object({
  finess: finess(),
  ucd: ucd(),
  libelle: optionalText(),
  code_indication: indicationCode(),
  nb_ucd: nonNegative(),
  argumentaire: optionalText(),
  amm_miroir: emptyOr(ammMiroirCode()),
  exclusion: yesNo(),
});

/** `evidence/<campaign>/<finess>/argumentaire_hors_amm/`: one row per hors-AMM prescription line. */
export const argumentaireFormat = defineTabular({
  label: 'Argumentaire des prescriptions hors-AMM',
  schema,
  optionalColumns: ['libelle', 'amm_miroir', 'exclusion'],
  aliases: { argumentaire: ['argumentation', 'justification'], amm_miroir: ['amm miroir', 'code_amm_miroir'], nb_ucd: ['nombre_ucd', 'quantite'] },
  start(ctx) {
    const summary: Extract<EvidenceSummary, { type: 'argumentaire' }> = { type: 'argumentaire', lines: 0, argued: 0, ucd: 0, arguedUcd: 0 };
    return {
      add(row, report) {
        if (ctx.finess && row.finess !== ctx.finess) {
          report('wrong-establishment', 'error', 'finess', row.finess, { detail: `dépôt de ${ctx.finess}` });
          return false;
        }
        if (!isHorsAmm(row.code_indication)) {
          report('type-error', 'error', 'code_indication', row.code_indication, {
            expected: 'l’argumentaire ne porte que sur les lignes hors AMM, codées I999 (ou I999999)',
          });
          return false;
        }
        summary.lines++;
        summary.ucd += row.nb_ucd;
        // Argued: the argumentation is written and the line is either an AMM miroir or excluded.
        if (row.argumentaire !== null && (row.amm_miroir !== null || row.exclusion)) {
          summary.argued++;
          summary.arguedUcd += row.nb_ucd;
        }
        return true;
      },
      finish: () => ({ type: 'evidence', summary }),
    };
  },
});

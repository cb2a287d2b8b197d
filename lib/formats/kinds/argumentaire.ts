import { z } from 'zod';
import { emptyOr, finess, indicationCode, nonNegative, optionalText, ucd } from '../fields';
import type { TabularFormat } from '../tabular';

export interface ArgumentationSummary {
  lines: number;
  argued: number;
}

const schema = z.object({
  finess: finess(),
  ucd: ucd(),
  libelle: optionalText(),
  code_indication: indicationCode(),
  nb_ucd: nonNegative(),
  argumentaire: optionalText(),
  amm_miroir: emptyOr(indicationCode()),
  exclusion: z.string().transform((raw, ctx) => {
    const v = raw.trim().toLowerCase();
    if (v === '' || v === 'non' || v === 'n') return false;
    if (v === 'oui' || v === 'o') return true;
    ctx.addIssue({ code: 'custom', message: '« oui » ou « non »' });
    return z.NEVER;
  }),
});

/** `evidence/<campaign>/<finess>/argumentaire_hors_amm/`: one row per hors-AMM prescription line. */
export const argumentaireFormat: TabularFormat<typeof schema.shape, ArgumentationSummary> = {
  kind: 'evidence-argumentaire-hors-amm',
  label: 'Argumentaire des prescriptions hors-AMM',
  schema,
  optionalColumns: ['libelle', 'amm_miroir', 'exclusion'],
  start(ctx) {
    const summary: ArgumentationSummary = { lines: 0, argued: 0 };
    return {
      add(row, report) {
        if (ctx.finess && row.finess !== ctx.finess) {
          report('wrong-establishment', 'error', 'finess', row.finess, { detail: `dépôt de ${ctx.finess}` });
          return false;
        }
        summary.lines++;
        // Argued: the argumentation is written and the line is either an AMM miroir or excluded.
        if (row.argumentaire !== null && (row.amm_miroir !== null || row.exclusion)) summary.argued++;
        return true;
      },
      finish: () => summary,
    };
  },
};

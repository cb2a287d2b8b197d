import { z } from 'zod';
import { isHorsAmm, ucdKey } from '../../domain/indication';
import type { EvidenceSummary } from '../../domain/schemas';
import { ammMiroirCode, emptyOr, finess, indicationCode, nonNegative, optionalText, ucd, yesNo } from '../fields';
import { defineTabular } from '../tabular';

type ArguedUcd = Extract<EvidenceSummary, { type: 'argumentaire' }>['byUcd'][number];

/** Lines declared AMM miroir or excluded kept with the summary (the rest are counted in the report). */
const LISTED = 200;
/** An exclusion's reason as kept: enough to read it on a page. */
const REASON_CHARS = 200;

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
    const summary: Extract<EvidenceSummary, { type: 'argumentaire' }> = { type: 'argumentaire', lines: 0, argued: 0, ucd: 0, arguedUcd: 0, byUcd: [], ammMiroirLines: 0, excludedLines: 0, ammMiroir: [], exclusions: [] };
    const byUcd = new Map<string, ArguedUcd>();
    return {
      add(row, raise) {
        if (ctx.finess && row.finess !== ctx.finess) {
          raise('wrong-establishment', 'error', 'finess', row.finess, { detail: `dépôt de ${ctx.finess}` });
          return false;
        }
        if (!isHorsAmm(row.code_indication)) {
          raise('type-error', 'error', 'code_indication', row.code_indication, {
            expected: 'l’argumentaire ne porte que sur les lignes hors AMM, codées I999 (ou I999999)',
          });
          return false;
        }
        const key = ucdKey(row.ucd);
        let u = byUcd.get(key);
        if (!u) {
          u = { ucd: key, lines: 0, units: 0, arguedLines: 0, arguedUnits: 0 };
          byUcd.set(key, u);
        }
        summary.lines++;
        summary.ucd += row.nb_ucd;
        u.lines++;
        u.units += row.nb_ucd;
        // The seed's "100% prescriptions hors AMM argumentées : AMM Miroir (I997) à préciser ou
        // exclure": a line is argued when its argumentation is written. AMM miroir and exclusion are
        // what the establishment says about it, counted apart, never a condition.
        if (row.argumentaire !== null) {
          summary.argued++;
          summary.arguedUcd += row.nb_ucd;
          u.arguedLines++;
          u.arguedUnits += row.nb_ucd;
        }
        if (row.amm_miroir !== null && summary.ammMiroirLines++ < LISTED) summary.ammMiroir.push({ ucd: key, code: row.amm_miroir });
        if (row.exclusion && summary.excludedLines++ < LISTED) summary.exclusions.push({ ucd: key, reason: row.argumentaire === null ? null : row.argumentaire.slice(0, REASON_CHARS) });
        return true;
      },
      finish: () => ({ type: 'evidence', summary: { ...summary, byUcd: [...byUcd.values()] } }),
    };
  },
});

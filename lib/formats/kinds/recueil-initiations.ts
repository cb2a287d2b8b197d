import { z } from 'zod';
import { campaignPeriod, inCampaign } from '../../domain/campaign';
import type { EvidenceSummary } from '../../domain/schemas';
import { formatFrenchDate } from '../../io/french';
import { date, finess, integerIn, text } from '../fields';
import { defineTabular } from '../tabular';

const schema = z.object({
  finess: finess(),
  dci: text(),
  indication: text(),
  date_initiation: date(),
  nb_patients: integerIn(1, 100_000),
});

/** DCIs listed in the summary of a collection: enough for a regional top list. */
const TOP_DCI = 20;

/**
 * `evidence/<campaign>/<finess>/recueil_initiations/`: treatments initiated outside the
 * referential, one row per DCI, indication and date, collected each semester.
 */
export const recueilInitiationsFormat = defineTabular({
  label: 'Recueil des initiations de traitement hors référentiel',
  schema,
  optionalColumns: [],
  aliases: { date_initiation: ['date', 'date_debut'], nb_patients: ['patients', 'nombre_patients', 'nb'], dci: ['molecule', 'molécule'] },
  start(ctx) {
    const byDci = new Map<string, number>();
    let initiations = 0;
    let patients = 0;
    const period = ctx.campaign ? campaignPeriod(ctx.campaign) : null;
    return {
      add(row, raise) {
        if (ctx.finess && row.finess !== ctx.finess) {
          raise('wrong-establishment', 'error', 'finess', row.finess, { detail: `dépôt de ${ctx.finess}` });
          return false;
        }
        if (ctx.campaign && period && !inCampaign(row.date_initiation, ctx.campaign)) {
          raise('period-outside-campaign', 'error', 'date_initiation', formatFrenchDate(row.date_initiation), {
            detail: `${ctx.campaign} (du ${formatFrenchDate(period.start)} au ${formatFrenchDate(period.end)})`,
          });
          return false;
        }
        initiations++;
        patients += row.nb_patients;
        const dci = row.dci.trim().toUpperCase();
        byDci.set(dci, (byDci.get(dci) ?? 0) + row.nb_patients);
        return true;
      },
      finish(): { type: 'evidence'; summary: EvidenceSummary } {
        const top = [...byDci].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, TOP_DCI);
        return { type: 'evidence', summary: { type: 'initiations', initiations, patients, byDci: top.map(([dci, n]) => ({ dci, patients: n })) } };
      },
    };
  },
});

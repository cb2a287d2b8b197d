import { z } from 'zod';
import { DocumentKind, type Deadline } from '../../domain/schemas';
import { date, emptyOr, indicator, period, region, text, yesNo } from '../fields';
import { defineTabular } from '../tabular';
import { campaignYear } from '../../domain/campaign';
import { yearOf } from './context';

const documents = z.string().transform((raw, ctx) => {
  const kinds = raw.split(/[,;]/).map((k) => k.trim().toLowerCase()).filter(Boolean);
  const bad = kinds.find((k) => !DocumentKind.safeParse(k).success);
  if (bad !== undefined) {
    ctx.addIssue({ code: 'custom', message: `types de documents parmi ${DocumentKind.options.join(', ')} (« ${bad} » inconnu)` });
    return z.NEVER;
  }
  return kinds as DocumentKind[];
});

const schema = z.object({
  campagne: period(),
  echeance: z.string().transform((raw, ctx) => {
    const v = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
    if (!/^[a-z0-9_]+$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'identifiant d’échéance en lettres, chiffres et _ (ex. retour_preuves)' });
      return z.NEVER;
    }
    return v;
  }),
  date: date(),
  region: emptyOr(region()),
  indicateur: emptyOr(indicator()),
  documents,
  libelle: text(),
  rigueur: emptyOr(yesNo()),
});

/**
 * `referential/calendrier-<year>.csv`: the campaign's deadlines, for one region (`region`) or, left
 * empty or without the column, for every region: PACA-Corse's and another region's can differ.
 */
export const calendrierFormat = defineTabular({
  label: 'Calendrier des échéances',
  schema,
  optionalColumns: ['indicateur', 'documents', 'rigueur', 'region'],
  aliases: { echeance: ['échéance', 'deadline'], libelle: ['libellé', 'label'], rigueur: ['delai_de_rigueur', 'délai de rigueur', 'strict'] },
  start(ctx) {
    const year = yearOf(ctx);
    const out: Deadline[] = [];
    const seen = new Set<string>();
    return {
      add(row, raise) {
        if (campaignYear(row.campagne) !== year) {
          raise('period-outside-campaign', 'error', 'campagne', row.campagne, { detail: `: le fichier calendrier-${year} ne contient que les campagnes ${year}` });
          return false;
        }
        const id = `${row.campagne}#${row.echeance}#${row.indicateur ?? ''}#${row.region ?? ''}`;
        if (seen.has(id)) {
          raise('duplicate-row', 'warning', 'echeance', row.echeance, { detail: `${row.campagne} / ${row.echeance}` });
          return false;
        }
        seen.add(id);
        out.push({
          year,
          ...(row.region ? { region: row.region } : {}),
          campaign: row.campagne,
          id: row.echeance,
          date: row.date,
          indicator: row.indicateur,
          documents: row.documents,
          label: row.libelle,
          // Empty: the default rule (isStrict), so that a calendar written before the column reads alike.
          ...(row.rigueur === null ? {} : { strict: row.rigueur }),
        });
        return true;
      },
      finish: () => ({ type: 'calendar', year, deadlines: out }),
    };
  },
});

import { z } from 'zod';
import { DocumentKind, type Deadline } from '../../domain/schemas';
import { date, emptyOr, indicator, text } from '../fields';
import type { TabularFormat } from '../tabular';

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
  campagne: z.string().transform((raw, ctx) => {
    const v = raw.trim().toUpperCase();
    if (!/^\d{4}(-S[12])?$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'campagne de la forme 2025 ou 2025-S2' });
      return z.NEVER;
    }
    return v;
  }),
  echeance: z.string().transform((raw, ctx) => {
    const v = raw.trim().toLowerCase().replace(/[\s-]+/g, '_');
    if (!/^[a-z0-9_]+$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'identifiant d’échéance en lettres, chiffres et _ (ex. retour_preuves)' });
      return z.NEVER;
    }
    return v;
  }),
  date: date(),
  indicateur: emptyOr(indicator()),
  documents,
  libelle: text(),
});

/** `referential/calendrier-<year>.csv`: the campaign's deadlines. */
export const calendrierFormat: TabularFormat<typeof schema.shape, Deadline[]> = {
  kind: 'referential-calendrier',
  label: 'Calendrier des échéances',
  schema,
  optionalColumns: ['indicateur', 'documents'],
  aliases: { echeance: ['échéance', 'deadline'], libelle: ['libellé', 'label'] },
  start() {
    const out: Deadline[] = [];
    const seen = new Set<string>();
    return {
      add(row, report) {
        const id = `${row.campagne}#${row.echeance}#${row.indicateur ?? ''}`;
        if (seen.has(id)) {
          report('duplicate-row', 'warning', 'echeance', row.echeance, { detail: `${row.campagne} / ${row.echeance}` });
          return false;
        }
        seen.add(id);
        out.push({
          year: Number(row.campagne.slice(0, 4)),
          campaign: row.campagne,
          id: row.echeance,
          date: row.date,
          indicator: row.indicateur,
          documents: row.documents,
          label: row.libelle,
        });
        return true;
      },
      finish: () => out,
    };
  },
};

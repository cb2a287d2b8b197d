import { z } from 'zod';
import type { Establishment } from '../../domain/schemas';
import { emailList, finess, oneOf, region, text } from '../fields';
import { defineTabular } from '../tabular';
import { outsideRegion } from './context';

const schema = z.object({
  finess: finess(),
  finess_juridique: finess(),
  raison_sociale: text(),
  region: region(),
  categorie: oneOf(['ex-DG', 'ex-OQN'] as const, (raw) => {
    const v = raw.trim().toLowerCase().replace(/[\s_]/g, '-');
    return v === 'ex-dg' ? 'ex-DG' : v === 'ex-oqn' ? 'ex-OQN' : raw;
  }),
  contrat: text(),
  emails: emailList(),
});

/** `referential/etablissements.csv`: one row per establishment site. */
export const etablissementsFormat = defineTabular({
  label: 'Référentiel des établissements',
  schema,
  optionalColumns: [],
  aliases: { raison_sociale: ['nom', 'etablissement'], emails: ['email', 'courriel', 'courriels'] },
  start(ctx) {
    const byFiness = new Map<string, Establishment>();
    return {
      add(row, raise) {
        if (outsideRegion(ctx, row.region, 'region', row.region, raise)) return false;
        if (byFiness.has(row.finess)) {
          raise('duplicate-row', 'warning', 'finess', row.finess, { detail: `FINESS ${row.finess} déjà présent` });
          return false;
        }
        byFiness.set(row.finess, {
          finess: row.finess,
          finessJuridique: row.finess_juridique,
          raisonSociale: row.raison_sociale,
          region: row.region,
          categorie: row.categorie,
          contrat: row.contrat,
          emails: row.emails,
        });
        return true;
      },
      finish: () => ({ type: 'establishments', establishments: [...byFiness.values()] }),
    };
  },
});

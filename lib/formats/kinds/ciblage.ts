import { z } from 'zod';
import type { Targeting } from '../../domain/schemas';
import { finess, indicator } from '../fields';
import { defineTabular } from '../tabular';
import { outsideRegion, yearOf } from './context';

const schema = z.object({ finess: finess(), indicateur: indicator() });

/** `referential/ciblage-<year>.csv`: which establishment is targeted on which indicator. */
export const ciblageFormat = defineTabular({
  label: 'Ciblage des établissements',
  schema,
  optionalColumns: [],
  aliases: { indicateur: ['indicator', 'item'] },
  start(ctx) {
    const year = yearOf(ctx);
    const seen = new Set<string>();
    const out: Targeting[] = [];
    return {
      add(row, report) {
        const id = `${row.finess}#${row.indicateur}`;
        if (seen.has(id)) {
          report('duplicate-row', 'warning', 'indicateur', row.indicateur, { detail: `${row.finess} / ${row.indicateur}` });
          return false;
        }
        if (outsideRegion(ctx, ctx.establishments?.get(row.finess)?.region, 'finess', row.finess, report)) return false;
        // Referential files may arrive in any order: an unknown site is flagged, not refused.
        if (ctx.establishments && !ctx.establishments.has(row.finess)) {
          report('unknown-finess', 'warning', 'finess', row.finess);
        }
        seen.add(id);
        out.push({ year, finess: row.finess, indicator: row.indicateur });
        return true;
      },
      finish: () => ({ type: 'targetings', year, targetings: out }),
    };
  },
});

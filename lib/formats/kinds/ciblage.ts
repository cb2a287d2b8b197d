import { z } from 'zod';
import type { Targeting } from '../../domain/schemas';
import { emptyOr, finess, indicator, text } from '../fields';
import { defineTabular } from '../tabular';
import { outsideRegion, yearOf } from './context';

const schema = z.object({ finess: finess(), indicateur: indicator(), neutralisation: emptyOr(text()) });

/** The reason given when the `neutralisation` cell only says `oui`: the IDF FAQ's list of the ARS. */
export const ARS_LIST_REASON = 'sur la liste de l’ARS des établissements concernés par la neutralisation (FAQ CAQES)';

/** `oui` (the ARS's list), `non` or empty (judged), or OMéDIT's own words for why. */
function neutralisationOf(cell: string | null): string | undefined {
  const v = cell?.trim() ?? '';
  if (v === '' || /^non$/i.test(v)) return undefined;
  return /^oui$/i.test(v) ? ARS_LIST_REASON : v;
}

/**
 * `referential/ciblage-<year>.csv`: which establishment is targeted on which indicator, and, in the
 * optional `neutralisation` column, whether OMéDIT neutralised it for that establishment and why.
 */
export const ciblageFormat = defineTabular({
  label: 'Ciblage des établissements',
  schema,
  optionalColumns: ['neutralisation'],
  aliases: { indicateur: ['indicator', 'item'] },
  start(ctx) {
    const year = yearOf(ctx);
    const seen = new Set<string>();
    const out: Targeting[] = [];
    return {
      add(row, raise) {
        const id = `${row.finess}#${row.indicateur}`;
        if (seen.has(id)) {
          raise('duplicate-row', 'warning', 'indicateur', row.indicateur, { detail: `${row.finess} / ${row.indicateur}` });
          return false;
        }
        if (outsideRegion(ctx, ctx.establishments?.get(row.finess)?.region, 'finess', row.finess, raise)) return false;
        // Referential files may arrive in any order: an unknown site is flagged, not refused.
        if (ctx.establishments && !ctx.establishments.has(row.finess)) {
          raise('unknown-finess', 'warning', 'finess', row.finess);
        }
        seen.add(id);
        const neutralisation = neutralisationOf(row.neutralisation);
        out.push({ year, finess: row.finess, indicator: row.indicateur, ...(neutralisation ? { neutralisation } : {}) });
        return true;
      },
      finish: () => ({ type: 'targetings', year, targetings: out }),
    };
  },
});

import { z } from 'zod';
import type { Objective } from '../../domain/schemas';
import { emptyOr, finess, indicator, number, oneOf, region } from '../fields';
import { defineTabular } from '../tabular';
import { outsideRegion, yearOf } from './context';

const schema = z.object({
  indicateur: indicator(),
  region: emptyOr(region()),
  finess: emptyOr(finess()),
  comparateur: oneOf(['<', '<=', '>', '>='] as const, (raw) => raw.replace(/\s/g, '').replace('≤', '<=').replace('≥', '>=')),
  cible: number(),
});

/** `referential/objectifs-<year>.csv`: targets, the most specific row winning. */
export const objectifsFormat = defineTabular({
  label: 'Objectifs',
  schema,
  optionalColumns: ['region', 'finess'],
  aliases: { cible: ['objectif', 'valeur'] },
  start(ctx) {
    const year = yearOf(ctx);
    const out: Objective[] = [];
    return {
      add(row, report) {
        if (outsideRegion(ctx, row.region, 'region', row.region ?? '', report)) return false;
        if (row.finess !== null && outsideRegion(ctx, ctx.establishments?.get(row.finess)?.region, 'finess', row.finess, report)) return false;
        // Referential files may arrive in any order: an unknown site is flagged, not refused.
        if (row.finess !== null && ctx.establishments && !ctx.establishments.has(row.finess)) {
          report('unknown-finess', 'warning', 'finess', row.finess);
        }
        out.push({ year, indicator: row.indicateur, region: row.region ?? ctx.region ?? null, finess: row.finess, comparator: row.comparateur, target: row.cible });
        return true;
      },
      finish: () => ({ type: 'objectives', year, objectives: out }),
    };
  },
});

import { z } from 'zod';
import type { Objective } from '../../domain/schemas';
import { emptyOr, finess, indicator, number, oneOf, region } from '../fields';
import type { TabularFormat } from '../tabular';

const schema = z.object({
  indicateur: indicator(),
  region: emptyOr(region()),
  finess: emptyOr(finess()),
  comparateur: oneOf(['<', '<=', '>', '>='] as const, (raw) => raw.replace(/\s/g, '').replace('≤', '<=').replace('≥', '>=')),
  cible: number(),
});

/** `referential/objectifs-<year>.csv`: targets, the most specific row winning. */
export const objectifsFormat: TabularFormat<typeof schema.shape, Objective[]> = {
  kind: 'referential-objectifs',
  label: 'Objectifs',
  schema,
  optionalColumns: ['region', 'finess'],
  aliases: { cible: ['objectif', 'valeur'] },
  start(ctx) {
    const year = ctx.year ?? 0;
    const out: Objective[] = [];
    return {
      add(row) {
        out.push({ year, indicator: row.indicateur, region: row.region, finess: row.finess, comparator: row.comparateur, target: row.cible });
        return true;
      },
      finish: () => out,
    };
  },
};

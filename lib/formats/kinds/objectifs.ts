import { z } from 'zod';
import { indicatorDefinition } from '../../domain/catalogue';
import type { IndicatorCode, Objective } from '../../domain/schemas';
import { formatFrenchNumber } from '../../io/french';
import { emptyOr, finess, indicator, measure, oneOf, region, type Measure } from '../fields';
import { defineTabular } from '../tabular';
import { outsideRegion, yearOf } from './context';

const schema = z.object({
  indicateur: indicator(),
  region: emptyOr(region()),
  finess: emptyOr(finess()),
  comparateur: oneOf(['<', '<=', '>', '>='] as const, (raw) => raw.replace(/\s/g, '').replace('≤', '<=').replace('≥', '>=')),
  cible: measure(),
});

/** A number as French text, with the decimals it has (up to six): 0,15 ; 15 ; 4,5. */
function frenchNumber(n: number): string {
  const rounded = Number(n.toPrecision(12));
  const decimals = Math.min(6, (String(rounded).split('.')[1] ?? '').length);
  return formatFrenchNumber(rounded, decimals);
}

/**
 * The percentage a target written without a `%` probably meant, when the number is implausible as a
 * percentage of its indicator (a spreadsheet's fraction, 0,15 for 15 %): a share under 1 %, a growth
 * under 0,1 point. Null when the target is plausible, written with its sign, or not in %.
 */
function meantPercentage(code: IndicatorCode, target: Measure): number | null {
  const definition = indicatorDefinition(code);
  if (target.percentSign || definition.unit !== '%' || target.value === 0) return null;
  const implausible = definition.measure === 'growth' ? Math.abs(target.value) < 0.1 : target.value > 0 && target.value < 1;
  return implausible ? target.value * 100 : null;
}

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
      add(row, raise) {
        if (outsideRegion(ctx, row.region, 'region', row.region ?? '', raise)) return false;
        if (row.finess !== null && outsideRegion(ctx, ctx.establishments?.get(row.finess)?.region, 'finess', row.finess, raise)) return false;
        // Referential files may arrive in any order: an unknown site is flagged, not refused.
        if (row.finess !== null && ctx.establishments && !ctx.establishments.has(row.finess)) {
          raise('unknown-finess', 'warning', 'finess', row.finess);
        }
        const meant = meantPercentage(row.indicateur, row.cible);
        if (meant !== null) {
          const written = frenchNumber(row.cible.value);
          raise('inconsistent-value', 'warning', 'cible', written, {
            detail: `s’agit-il de ${frenchNumber(meant)} % ? La cible est lue comme ${written} % pour ${row.indicateur} ; pour ${frenchNumber(meant)} %, écrivez ${frenchNumber(meant)} ou ${frenchNumber(meant)} %`,
          });
        }
        out.push({ year, indicator: row.indicateur, region: row.region ?? ctx.region ?? null, finess: row.finess, comparator: row.comparateur, target: row.cible.value });
        return true;
      },
      finish: () => ({ type: 'objectives', year, objectives: out }),
    };
  },
});

import { z } from 'zod';
import { campaignYear } from '../../domain/campaign';
import { indicatorDefinition } from '../../domain/catalogue';
import { cpamValueAgrees, growthProblem } from '../../domain/cpam-indicators';
import type { CpamFact } from '../../domain/schemas';
import { formatFrenchNumber } from '../../io/french';
import { emptyOr, finess, indicator, number, period } from '../fields';
import { defineTabular } from '../tabular';
import { extractRows } from './context';

const schema = z.object({
  finess: finess(),
  indicateur: indicator(),
  periode: period(),
  numerateur: number(),
  denominateur: emptyOr(number()),
  valeur: emptyOr(number()),
  valeur_reference: emptyOr(number()),
});

/** A number as the file would show it: no decimals when it has none, else two, French separators. */
function frenchValue(n: number): string {
  return formatFrenchNumber(n, Number.isInteger(n) ? 0 : 2);
}

/**
 * A growth indicator's reference on another scale than its measure: the measure is numerateur /
 * denominateur with a denominator, numerateur without, and the reference must be the same measure.
 */
function referenceProblem(row: z.infer<typeof schema>): string | null {
  if (row.valeur_reference === null || indicatorDefinition(row.indicateur).measure !== 'growth') return null;
  if (row.denominateur === 0) return null;
  const measure = row.denominateur === null ? row.numerateur : row.numerateur / row.denominateur;
  const problem = growthProblem(measure, row.valeur_reference);
  if (!problem) return null;
  const read = row.denominateur === null ? `sans dénominateur, la mesure est le montant ${frenchValue(measure)}` : `la mesure est le taux numérateur / dénominateur, ${formatFrenchNumber(measure, 4)}`;
  return `${read} ; ${problem}`;
}

/** `cpam/<year>/phev-*.csv`: indicator values computed by the Assurance Maladie per establishment and period. */
export const cpamPhevFormat = defineTabular({
  label: 'Extrait CPAM des indicateurs (PHEV et autres)',
  schema,
  optionalColumns: ['denominateur', 'valeur', 'valeur_reference'],
  aliases: {
    finess: ['finess_geographique', 'finess_juridique', 'etablissement'],
    indicateur: ['indicator', 'item'],
    periode: ['période', 'period'],
    numerateur: ['numérateur', 'numerator'],
    denominateur: ['dénominateur', 'denominator'],
    valeur: ['value', 'taux'],
    valeur_reference: ['valeur_référence', 'reference', 'valeur_ref'],
  },
  start(ctx) {
    const rows = extractRows(ctx, 'cpam');
    const { year } = rows;
    const facts = new Map<string, CpamFact>();
    return {
      add(row, raise) {
        if (!rows.inYear(campaignYear(row.periode), 'periode', row.periode, raise)) return false;
        const where = rows.locate(row.finess, 'finess', raise);
        if (!where) return false;
        if (row.denominateur !== null && row.denominateur < 0) {
          raise('type-error', 'error', 'denominateur', String(row.denominateur), { expected: 'dénominateur positif ou nul attendu' });
          return false;
        }
        const id = `${row.finess}#${row.indicateur}#${row.periode}`;
        const previous = facts.get(id);
        if (previous) {
          const same = previous.numerator === row.numerateur && previous.denominator === row.denominateur;
          raise(same ? 'duplicate-row' : 'inconsistent-value', same ? 'warning' : 'error', 'periode', row.periode, {
            detail: same ? `${row.finess} / ${row.indicateur} / ${row.periode}` : `deux valeurs différentes pour ${row.finess} / ${row.indicateur} / ${row.periode}`,
          });
          return false;
        }
        if (row.valeur !== null && !cpamValueAgrees(row.numerateur, row.denominateur, row.valeur)) {
          const detail =
            row.denominateur !== null
              ? `le calcul numérateur / dénominateur donne ${formatFrenchNumber((row.numerateur / row.denominateur) * 100, 2)} %`
              : `sans dénominateur, la valeur est le numérateur, ${frenchValue(row.numerateur)}`;
          raise('inconsistent-value', 'warning', 'valeur', frenchValue(row.valeur), { detail: `${detail} ; les deux valeurs sont conservées` });
        }
        const problem = referenceProblem(row);
        if (problem) raise('inconsistent-value', 'warning', 'valeur_reference', frenchValue(row.valeur_reference ?? 0), { detail: `${problem} ; l’indicateur sera sans valeur` });
        facts.set(id, {
          region: where.region,
          year,
          indicator: row.indicateur,
          period: row.periode,
          finess: row.finess,
          level: where.level,
          numerator: row.numerateur,
          denominator: row.denominateur,
          cpamValue: row.valeur,
          referenceValue: row.valeur_reference,
          source: ctx.source,
          replaced: [],
        });
        return true;
      },
      finish: () => ({ type: 'cpam-facts', facts: [...facts.values()] }),
    };
  },
});

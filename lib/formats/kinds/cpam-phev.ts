import { z } from 'zod';
import { campaignYear } from '../../domain/campaign';
import type { CpamFact } from '../../domain/schemas';
import { formatFrenchNumber } from '../../io';
import { emptyOr, finess, indicator, number, period } from '../fields';
import { defineTabular, type FormatContext } from '../tabular';
import { siteRegion, yearOf } from './context';

const schema = z.object({
  finess: finess(),
  indicateur: indicator(),
  periode: period(),
  numerateur: number(),
  denominateur: emptyOr(number()),
  valeur: emptyOr(number()),
  valeur_reference: emptyOr(number()),
});

/**
 * How far CPAM's own value may be from numerator/denominator before it is reported: CPAM publishes
 * rates rounded to one decimal of a percent, so anything within 0.1 point is a rounding.
 */
export const CPAM_VALUE_TOLERANCE_POINTS = 0.1;

/**
 * Whether CPAM's value agrees with the one recomputed from its numerator and denominator, read as a
 * percentage or as a fraction (both occur); with no denominator the value is the numerator itself.
 */
export function cpamValueAgrees(numerator: number, denominator: number | null, value: number, tolerancePoints = CPAM_VALUE_TOLERANCE_POINTS): boolean {
  if (denominator === null) return Math.abs(value - numerator) <= Math.max(0.01, Math.abs(numerator) * 1e-6);
  if (denominator === 0) return false;
  const rate = numerator / denominator;
  return Math.abs(value - rate * 100) <= tolerancePoints + 1e-9 || Math.abs(value - rate) <= tolerancePoints / 100 + 1e-12;
}

/** Whether a FINESS names a site (géographique) or a legal entity (juridique) of the referential, and its region. */
function resolve(finessValue: string, ctx: FormatContext): { level: 'site' | 'entity'; region: string } | null {
  const region = siteRegion(ctx, finessValue);
  if (region !== null) return { level: 'site', region };
  for (const e of ctx.establishments?.values() ?? []) if (e.finessJuridique === finessValue) return { level: 'entity', region: e.region };
  return null;
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
    const year = yearOf(ctx);
    const facts = new Map<string, CpamFact>();
    const unknown = new Set<string>();
    return {
      add(row, report) {
        if (campaignYear(row.periode) !== year) {
          report('period-outside-campaign', 'error', 'periode', row.periode, { detail: `: ce fichier est déposé dans cpam/${year}/` });
          return false;
        }
        const where = resolve(row.finess, ctx);
        if (!where) {
          if (!unknown.has(row.finess)) {
            unknown.add(row.finess);
            report('unknown-finess', 'warning', 'finess', row.finess, { detail: '(ni FINESS géographique ni FINESS juridique) : ses lignes sont ignorées' });
          }
          return false;
        }
        if (row.denominateur !== null && row.denominateur < 0) {
          report('type-error', 'error', 'denominateur', String(row.denominateur), { expected: 'dénominateur positif ou nul attendu' });
          return false;
        }
        const id = `${row.finess}#${row.indicateur}#${row.periode}`;
        const previous = facts.get(id);
        if (previous) {
          const same = previous.numerator === row.numerateur && previous.denominator === row.denominateur;
          report(same ? 'duplicate-row' : 'inconsistent-value', same ? 'warning' : 'error', 'periode', row.periode, {
            detail: same ? `${row.finess} / ${row.indicateur} / ${row.periode}` : `deux valeurs différentes pour ${row.finess} / ${row.indicateur} / ${row.periode}`,
          });
          return false;
        }
        if (row.valeur !== null && !cpamValueAgrees(row.numerateur, row.denominateur, row.valeur)) {
          const recomputed = row.denominateur ? (row.numerateur / row.denominateur) * 100 : row.numerateur;
          report('inconsistent-value', 'warning', 'valeur', String(row.valeur).replace('.', ','), {
            detail: `le calcul numérateur / dénominateur donne ${formatFrenchNumber(recomputed, 2)}${row.denominateur ? ' %' : ''} ; les deux valeurs sont conservées`,
          });
        }
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

import { z } from 'zod';
import { isAmmMiroir, isHorsAmm } from '../../domain/indication';
import type { MoFact } from '../../domain/schemas';
import { finess, INDICATION_CODE, integerIn, nonNegative, number, optionalIntegerIn, optionalText, ucd } from '../fields';
import { defineTabular } from '../tabular';
import { siteRegion, yearOf } from './context';

const schema = z.object({
  finess: finess(),
  annee: integerIn(2000, 2100),
  mois: optionalIntegerIn(1, 12),
  ucd: ucd(),
  libelle: optionalText(),
  // Read as text: a missing or malformed code is a coding anomaly to correct, not a reason to
  // refuse a whole national extract (its UCD still count in the total).
  code_indication: optionalText(),
  nb_ucd: nonNegative(),
  montant: number(),
});

/** How many malformed codes a fact keeps as examples for the anomaly list. */
const ANOMALY_EXAMPLES = 5;

/** `atih/<year>/mo-*.csv`: liste en sus medicines per establishment, period, UCD and indication. */
export const atihMoFormat = defineTabular({
  label: 'Extrait ATIH molécules onéreuses (liste en sus)',
  schema,
  optionalColumns: ['mois', 'libelle'],
  aliases: {
    annee: ['année', 'an', 'year'],
    ucd: ['code_ucd', 'ucd_cod'],
    code_indication: ['indication', 'cod_les', 'code_les'],
    nb_ucd: ['nombre_ucd', 'quantite', 'nb'],
    montant: ['montant_valorise', 'valorisation', 'montant_eur'],
  },
  start(ctx) {
    const year = yearOf(ctx);
    const facts = new Map<string, MoFact>();
    const unknown = new Set<string>();
    return {
      add(row, report) {
        if (row.annee !== year) {
          report('period-outside-campaign', 'error', 'annee', String(row.annee), { detail: `: ce fichier est déposé dans atih/${year}/` });
          return false;
        }
        const region = siteRegion(ctx, row.finess);
        if (region === null) {
          // A national extract holds establishments the region does not follow: said once per FINESS.
          if (!unknown.has(row.finess)) {
            unknown.add(row.finess);
            report('unknown-finess', 'warning', 'finess', row.finess, { detail: ': ses lignes sont ignorées' });
          }
          return false;
        }
        const id = `${row.finess}#${row.mois ?? ''}`;
        let fact = facts.get(id);
        if (!fact) {
          fact = {
            region,
            finess: row.finess,
            year,
            month: row.mois,
            totalUcd: 0,
            totalAmount: 0,
            i999Ucd: 0,
            i999Amount: 0,
            i997Ucd: 0,
            lines: 0,
            anomalies: { missingIndication: { lines: 0, ucd: 0 }, invalidIndication: { lines: 0, ucd: 0, examples: [] } },
            source: ctx.source,
            replaced: [],
          };
          facts.set(id, fact);
        }
        fact.lines++;
        fact.totalUcd += row.nb_ucd;
        fact.totalAmount += row.montant;
        const code = row.code_indication?.toUpperCase() ?? null;
        if (code === null) {
          fact.anomalies.missingIndication.lines++;
          fact.anomalies.missingIndication.ucd += row.nb_ucd;
          report('coding-anomaly', 'warning', 'code_indication', null, { detail: 'ligne sans code indication' });
        } else if (!INDICATION_CODE.test(code)) {
          const invalid = fact.anomalies.invalidIndication;
          invalid.lines++;
          invalid.ucd += row.nb_ucd;
          if (invalid.examples.length < ANOMALY_EXAMPLES && !invalid.examples.includes(code)) invalid.examples.push(code);
          report('coding-anomaly', 'warning', 'code_indication', row.code_indication, { detail: 'code indication hors référentiel (« I » suivi de 3 à 6 chiffres attendu)' });
        } else if (isHorsAmm(code)) {
          fact.i999Ucd += row.nb_ucd;
          fact.i999Amount += row.montant;
        } else if (isAmmMiroir(code)) {
          fact.i997Ucd += row.nb_ucd;
        }
        return true;
      },
      finish(report) {
        // A year given both whole and month by month would be counted twice.
        const monthly = new Set([...facts.values()].filter((f) => f.month !== null).map((f) => f.finess));
        for (const f of facts.values()) {
          if (f.month === null && monthly.has(f.finess)) {
            report('inconsistent-value', 'error', 'mois', f.finess, { detail: 'ce FINESS a des lignes sans mois et des lignes mensuelles : l’année serait comptée deux fois' });
          }
        }
        return { type: 'mo-facts', facts: [...facts.values()] };
      },
    };
  },
});

import { z } from 'zod';
import { isAmmMiroir, isHorsAmm } from '../../domain/indication';
import { finess, indicationCode, integerIn, nonNegative, number, optionalIntegerIn, optionalText, ucd } from '../fields';
import type { TabularFormat } from '../tabular';

/** One establishment's liste en sus dispensations for one year, summed over the extract's rows. */
export interface MoAggregate {
  finess: string;
  year: number;
  totalUcd: number;
  totalAmount: number;
  i999Ucd: number;
  i999Amount: number;
  i997Ucd: number;
  lines: number;
}

const schema = z.object({
  finess: finess(),
  annee: integerIn(2000, 2100),
  mois: optionalIntegerIn(1, 12),
  ucd: ucd(),
  libelle: optionalText(),
  code_indication: indicationCode(),
  nb_ucd: nonNegative(),
  montant: number(),
});

/** `atih/<year>/mo-*.csv`: liste en sus medicines per establishment, period, UCD and indication. */
export const atihMoFormat: TabularFormat<typeof schema.shape, MoAggregate[]> = {
  kind: 'atih-mo',
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
    const sums = new Map<string, MoAggregate>();
    const unknown = new Set<string>();
    return {
      add(row, report) {
        if (!ctx.establishments?.has(row.finess)) {
          // A national extract holds establishments the region does not follow: said once per FINESS.
          if (!unknown.has(row.finess)) {
            unknown.add(row.finess);
            report('unknown-finess', 'warning', 'finess', row.finess, { detail: ': ses lignes sont ignorées' });
          }
          return false;
        }
        const id = `${row.finess}#${row.annee}`;
        let agg = sums.get(id);
        if (!agg) {
          agg = { finess: row.finess, year: row.annee, totalUcd: 0, totalAmount: 0, i999Ucd: 0, i999Amount: 0, i997Ucd: 0, lines: 0 };
          sums.set(id, agg);
        }
        agg.lines++;
        agg.totalUcd += row.nb_ucd;
        agg.totalAmount += row.montant;
        if (isHorsAmm(row.code_indication)) {
          agg.i999Ucd += row.nb_ucd;
          agg.i999Amount += row.montant;
        } else if (isAmmMiroir(row.code_indication)) {
          agg.i997Ucd += row.nb_ucd;
        }
        return true;
      },
      finish: () => [...sums.values()],
    };
  },
};

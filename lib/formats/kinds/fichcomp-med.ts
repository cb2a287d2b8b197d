import { z } from 'zod';
import { finess, integerIn, nonNegative, number, optionalText, readUcd, trimmedText } from '../fields';
import { defineTabular } from '../tabular';
import { entityNote, extractRows } from './context';
import { moAccumulator, type MoState } from './mo-accumulator';

const schema = z.object({
  eta_num: finess(),
  rsa_num: optionalText(),
  ann: integerIn(2000, 2100),
  moi: integerIn(1, 12),
  // Read as text: a malformed UCD or indication code is a coding anomaly, not a reason to refuse a
  // national year of stays.
  ucd_ucd_cod: trimmedText(),
  cod_les: optionalText(),
  adm_nbr: nonNegative(),
  adm_nbr_pri: number(),
});

/** What a part of a file gave (Aggregator.state): its MO sums, and the legal entities it named with their sites. */
interface FichcompState {
  facts: MoState;
  entities: [string, number][];
}

/**
 * `atih/<year>/fichcomp-med-*.csv`: the PMSI's stay-level liste en sus medicines (FICHCOMP, one line
 * per dispensation), recognised by its columns, summed into the same MO facts as `mo-*.csv`, with the
 * units and amount per UCD kept for the cost per UCD compared across the region. `ETA_NUM` is a site
 * or a legal entity; an entity of several sites is kept whole, for its contract.
 */
export const fichcompMedFormat = defineTabular({
  label: 'PMSI FICHCOMP médicaments de la liste en sus (séjours)',
  schema,
  optionalColumns: ['rsa_num', 'cod_les'],
  aliases: { ucd_ucd_cod: ['ucd_cod'] },
  ignoredColumns: ['dat_adm_ann', 'adm_mois', 'nir_ano', 'sej_num', 'ghm', 'delai'],
  readInParts: true,
  start(ctx) {
    const rows = extractRows(ctx, 'atih');
    const facts = moAccumulator(rows.year, ctx.source, { perUcd: true, ucdColumn: 'ucd_ucd_cod' });
    const entities = new Map<string, number>();
    return {
      add(row, raise) {
        if (!rows.inYear(row.ann, 'ann', row.ann, raise)) return false;
        const where = rows.locate(row.eta_num, 'eta_num', raise);
        if (!where) return false;
        if (where.level === 'entity') entities.set(row.eta_num, where.sites);
        const ucdCode = readUcd(row.ucd_ucd_cod);
        facts.add(
          {
            region: where.region,
            finess: row.eta_num,
            level: where.level,
            month: row.moi,
            ucd: ucdCode ?? row.ucd_ucd_cod,
            ucdValid: ucdCode !== null,
            code: row.cod_les,
            units: row.adm_nbr,
            amount: row.adm_nbr_pri,
            codeColumn: 'cod_les',
          },
          raise,
        );
        return true;
      },
      finish: (raise) => ({ type: 'mo-facts', facts: facts.finish(raise, 'moi'), notes: [...entities].map(([f, sites]) => entityNote(f, sites)) }),
      state: (): FichcompState => ({ facts: facts.state(), entities: [...entities] }),
      absorb(part) {
        const { facts: more, entities: moreEntities } = part as FichcompState;
        facts.absorb(more);
        for (const [f, sites] of moreEntities) entities.set(f, sites);
      },
    };
  },
});

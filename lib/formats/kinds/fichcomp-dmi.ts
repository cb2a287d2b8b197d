import { z } from 'zod';
import type { DmiFact } from '../../domain/schemas';
import { finess, integerIn, nonNegative, number, optionalText, trimmedText } from '../fields';
import { defineTabular } from '../tabular';
import { entityNote, extractRows } from './context';

const schema = z.object({
  eta_num: finess(),
  rsa_num: optionalText(),
  ann: integerIn(2000, 2100),
  moi: integerIn(1, 12),
  // Exports pad the 7-character LPP code with a leading blank.
  lpp_cod: trimmedText(),
  nbr_pos: nonNegative(),
  nbr_pos_pri: number(),
});

/**
 * `atih/<year>/fichcomp-dmi-*.csv`: the PMSI's stay-level implantable devices of the LPP en sus, summed
 * per establishment and year: how many were implanted and their cost, the weights of the DMI budget.
 */
export const fichcompDmiFormat = defineTabular({
  label: 'PMSI FICHCOMP dispositifs médicaux implantables (séjours)',
  schema,
  optionalColumns: ['rsa_num'],
  ignoredColumns: ['dat_pos_ann', 'moi_pos', 'nir_ano', 'sej_num'],
  start(ctx) {
    const rows = extractRows(ctx, 'atih');
    const { year } = rows;
    const facts = new Map<string, DmiFact>();
    const entities = new Map<string, number>();
    return {
      add(row, raise) {
        if (!rows.inYear(row.ann, 'ann', row.ann, raise)) return false;
        if (!/^\d{7}$/.test(row.lpp_cod)) {
          raise('coding-anomaly', 'warning', 'lpp_cod', row.lpp_cod, { detail: 'code LPP à 7 chiffres attendu ; la ligne est comptée' });
        }
        const where = rows.locate(row.eta_num, 'eta_num', raise);
        if (!where) return false;
        if (where.level === 'entity') entities.set(row.eta_num, where.sites);
        const id = `${row.eta_num}#${where.level}`;
        const fact = facts.get(id) ?? { region: where.region, year, finess: row.eta_num, level: where.level, implants: 0, cost: 0, lines: 0, source: ctx.source, replaced: [] };
        facts.set(id, fact);
        fact.implants += row.nbr_pos;
        fact.cost += row.nbr_pos_pri;
        fact.lines++;
        return true;
      },
      finish: () => ({ type: 'dmi-facts', facts: [...facts.values()], notes: [...entities].map(([f, sites]) => entityNote(f, sites)) }),
    };
  },
});

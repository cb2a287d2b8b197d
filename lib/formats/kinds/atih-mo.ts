import { z } from 'zod';
import { finess, integerIn, nonNegative, number, optionalIntegerIn, optionalText, ucd } from '../fields';
import { defineTabular } from '../tabular';
import { extractRows } from './context';
import { moAccumulator, type MoState } from './mo-accumulator';

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
  readInParts: true,
  start(ctx) {
    const rows = extractRows(ctx, 'atih');
    const facts = moAccumulator(rows.year, ctx.source, { perUcd: false, ucdColumn: 'ucd' });
    return {
      add(row, raise) {
        if (!rows.inYear(row.annee, 'annee', row.annee, raise)) return false;
        const region = rows.siteRegion(row.finess, 'finess', raise);
        if (region === null) return false;
        facts.add(
          { region, finess: row.finess, level: 'site', month: row.mois, ucd: row.ucd, ucdValid: true, code: row.code_indication, units: row.nb_ucd, amount: row.montant, codeColumn: 'code_indication' },
          raise,
        );
        return true;
      },
      finish: (raise) => ({ type: 'mo-facts', facts: facts.finish(raise, 'mois') }),
      state: () => facts.state(),
      absorb: (part) => facts.absorb(part as MoState),
    };
  },
});

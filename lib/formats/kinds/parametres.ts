import { z } from 'zod';
import { DmiBudgetRule, MoIncentiveRule, PARAMETER_NAMES, type ParameterName, type ParameterSet, type ParameterValues } from '../../domain/settings';
import { INDICATOR_CODES, type IndicatorCode } from '../../domain/schemas';
import { parseFrenchNumber } from '../../io/french';
import { emptyOr, indicator, region, text } from '../fields';
import { defineTabular } from '../tabular';
import { outsideRegion, yearOf } from './context';

const schema = z.object({
  parametre: z.string().transform((raw, ctx) => {
    const v = raw.trim().toLowerCase().replace(/[\s-]+/g, '_') as ParameterName;
    if (!PARAMETER_NAMES.includes(v)) {
      ctx.addIssue({ code: 'custom', message: `paramètre parmi ${PARAMETER_NAMES.join(', ')}` });
      return z.NEVER;
    }
    return v;
  }),
  region: emptyOr(region()),
  valeur: text(),
});

const indicatorCell = indicator();

/** The typed value of one parameter, or the French phrase saying what was expected. */
function parseValue(name: ParameterName, raw: string): { ok: ParameterValues } | { expected: string } {
  switch (name) {
    case 'budget_interessement_mo':
    case 'budget_dmi': {
      const n = parseFrenchNumber(raw);
      return n !== null && n >= 0 ? { ok: { [name]: n } } : { expected: 'montant en euros, positif (ex. 126 331 €)' };
    }
    case 'facteur_saut_montant':
    case 'facteur_cout_ucd': {
      const n = parseFrenchNumber(raw);
      return n !== null && n > 1 ? { ok: { [name]: n } } : { expected: 'facteur supérieur à 1 (ex. 3)' };
    }
    case 'validite_cartographie_dmi': {
      const n = parseFrenchNumber(raw);
      return n !== null && Number.isInteger(n) && n > 0 ? { ok: { [name]: n } } : { expected: 'nombre d’années entier, au moins 1 (ex. 3)' };
    }
    case 'tolerance_cpam':
    case 'tolerance_open_phmev': {
      const n = parseFrenchNumber(raw);
      return n !== null && n >= 0 ? { ok: { [name]: n } } : { expected: 'écart en points de %, positif (ex. 0,1)' };
    }
    case 'regle_interessement_mo': {
      const r = MoIncentiveRule.safeParse(raw.trim().toLowerCase());
      return r.success ? { ok: { [name]: r.data } } : { expected: `une règle parmi ${MoIncentiveRule.options.join(', ')}` };
    }
    case 'regle_dmi': {
      const r = DmiBudgetRule.safeParse(raw.trim().toLowerCase());
      return r.success ? { ok: { [name]: r.data } } : { expected: `une règle parmi ${DmiBudgetRule.options.join(', ')}` };
    }
    case 'etapes_relance': {
      const parts = raw.split(/[,;\s]+/).filter(Boolean).map((p) => p.replace('\u2212', '-'));
      const days = parts.map((p) => (/^[+-]?\d{1,3}$/.test(p) ? Number(p) : Number.NaN));
      return parts.length > 0 && days.every((d) => Number.isInteger(d) && d !== 0)
        ? { ok: { [name]: [...new Set(days)].sort((a, b) => a - b) } }
        : { expected: 'jours avant (négatifs) et après (positifs) l’échéance, séparés par des virgules (ex. -30, -14, -7, -1, +1, +7)' };
    }
    case 'emails_omedit': {
      const emails = raw.split(/[,;\s]+/).filter(Boolean);
      return emails.length > 0 && emails.every((e) => z.email().safeParse(e).success) ? { ok: { [name]: emails } } : { expected: 'adresses e-mail séparées par des virgules' };
    }
    case 'neutralisation_ex_oqn': {
      const codes: IndicatorCode[] = [];
      for (const part of raw.split(/[,;]/).map((p) => p.trim()).filter(Boolean)) {
        const parsed = indicatorCell.safeParse(part);
        if (!parsed.success) return { expected: `codes indicateurs séparés par des virgules, parmi ${INDICATOR_CODES.join(', ')} (« ${part} » inconnu)` };
        codes.push(parsed.data);
      }
      return { ok: { [name]: codes } };
    }
  }
}

/**
 * `referential/parametres-<year>.csv`: OMéDIT's settings for the year's computations (budgets and how
 * they are split, neutralised indicators, anomaly threshold, CPAM tolerance), per region or for all.
 */
export const parametresFormat = defineTabular({
  label: 'Paramètres de calcul',
  schema,
  optionalColumns: ['region'],
  aliases: { parametre: ['paramètre', 'parameter', 'cle'], valeur: ['value'] },
  start(ctx) {
    const year = yearOf(ctx);
    const sets = new Map<string | null, ParameterSet>();
    return {
      add(row, raise) {
        if (outsideRegion(ctx, row.region, 'region', row.region ?? '', raise)) return false;
        // Sent for one region, a row for every region is that region's.
        const region = row.region ?? ctx.region ?? null;
        const parsed = parseValue(row.parametre, row.valeur);
        if ('expected' in parsed) {
          raise('type-error', 'error', 'valeur', row.valeur, { expected: parsed.expected });
          return false;
        }
        const set = sets.get(region) ?? { year, region, values: {} };
        if (row.parametre in set.values) {
          raise('duplicate-row', 'warning', 'parametre', row.parametre, { detail: `${row.parametre}${region ? ` / ${region}` : ''}` });
          return false;
        }
        set.values = { ...set.values, ...parsed.ok };
        sets.set(region, set);
        return true;
      },
      finish: () => ({ type: 'parameters', year, sets: [...sets.values()] }),
    };
  },
});

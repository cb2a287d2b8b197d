import { isAmmMiroir, isHorsAmm } from '../../domain/indication';
import type { MoFact, SourceRef } from '../../domain/schemas';
import { INDICATION_CODE } from '../fields';
import type { ReportIssue } from '../tabular';

/** How many malformed codes a fact keeps as examples for the anomaly list. */
const ANOMALY_EXAMPLES = 5;

/** One dispensation line, as the aggregated extract or the stay-level file gives it. */
export interface MoLine {
  region: string;
  finess: string;
  level: MoFact['level'];
  month: number | null;
  /** The UCD as written; a stay-level file's malformed code is an anomaly, counted in the totals. */
  ucd: string;
  ucdValid: boolean;
  /** Indication code as written, or null when the cell is empty. */
  code: string | null;
  units: number;
  amount: number;
  /** The column the code came from, for the anomaly's place in the report. */
  codeColumn: string;
}

/**
 * Sums dispensation lines into MO facts per establishment and month (or whole year): totals, I999
 * (hors AMM) and I997 (AMM miroir) units and amounts, and the coding anomalies (no code, a code not
 * of the liste en sus form) as warnings kept in the totals. With `perUcd`, keeps units and amount per
 * UCD, for the cost per UCD compared across the region.
 */
export function moAccumulator(year: number, source: SourceRef, options: { perUcd: boolean; ucdColumn: string }) {
  const facts = new Map<string, MoFact>();
  const ucdCosts = new Map<MoFact, Map<string, { units: number; amount: number }>>();
  return {
    add(line: MoLine, report: ReportIssue): void {
      const id = `${line.finess}#${line.month ?? ''}`;
      let fact = facts.get(id);
      if (!fact) {
        fact = {
          region: line.region,
          finess: line.finess,
          level: line.level,
          year,
          month: line.month,
          totalUcd: 0,
          totalAmount: 0,
          i999Ucd: 0,
          i999Amount: 0,
          i997Ucd: 0,
          lines: 0,
          anomalies: { missingIndication: { lines: 0, ucd: 0 }, invalidIndication: { lines: 0, ucd: 0, examples: [] }, invalidUcd: { lines: 0, ucd: 0, examples: [] } },
          ucdCosts: [],
          source,
          replaced: [],
        };
        facts.set(id, fact);
      }
      fact.lines++;
      fact.totalUcd += line.units;
      fact.totalAmount += line.amount;
      const code = line.code?.toUpperCase() ?? null;
      if (code === null) {
        fact.anomalies.missingIndication.lines++;
        fact.anomalies.missingIndication.ucd += line.units;
        report('coding-anomaly', 'warning', line.codeColumn, null, { detail: 'ligne sans code indication' });
      } else if (!INDICATION_CODE.test(code)) {
        const invalid = fact.anomalies.invalidIndication;
        invalid.lines++;
        invalid.ucd += line.units;
        if (invalid.examples.length < ANOMALY_EXAMPLES && !invalid.examples.includes(code)) invalid.examples.push(code);
        report('coding-anomaly', 'warning', line.codeColumn, line.code, { detail: 'code indication hors référentiel (« I » suivi de 3 à 6 chiffres attendu)' });
      } else if (isHorsAmm(code)) {
        fact.i999Ucd += line.units;
        fact.i999Amount += line.amount;
      } else if (isAmmMiroir(code)) {
        fact.i997Ucd += line.units;
      }
      if (!line.ucdValid) {
        const invalid = fact.anomalies.invalidUcd;
        invalid.lines++;
        invalid.ucd += line.units;
        if (invalid.examples.length < ANOMALY_EXAMPLES && !invalid.examples.includes(line.ucd)) invalid.examples.push(line.ucd);
        report('coding-anomaly', 'warning', options.ucdColumn, line.ucd, { detail: 'code UCD inconnu (7 chiffres, ou 13 commençant par 340093 ou 340089)' });
      } else if (options.perUcd) {
        const costs = ucdCosts.get(fact) ?? new Map<string, { units: number; amount: number }>();
        const c = costs.get(line.ucd) ?? { units: 0, amount: 0 };
        c.units += line.units;
        c.amount += line.amount;
        costs.set(line.ucd, c);
        ucdCosts.set(fact, costs);
      }
    },
    /** The facts; a year given both whole and month by month for one establishment is an error. */
    finish(report: ReportIssue, monthColumn: string): MoFact[] {
      const monthly = new Set([...facts.values()].filter((f) => f.month !== null).map((f) => f.finess));
      for (const f of facts.values()) {
        if (f.month === null && monthly.has(f.finess)) {
          report('inconsistent-value', 'error', monthColumn, f.finess, { detail: 'ce FINESS a des lignes sans mois et des lignes mensuelles : l’année serait comptée deux fois' });
        }
      }
      return [...facts.values()].map((f) => ({ ...f, ucdCosts: [...(ucdCosts.get(f) ?? [])].map(([ucd, c]) => ({ ucd, ...c })) }));
    },
  };
}

import { isAmmMiroir, isHorsAmm } from '../../domain/indication';
import type { MoFact, SourceRef } from '../../domain/schemas';
import { INDICATION_CODE } from '../fields';
import type { RaiseIssue } from '../tabular';

/** How many malformed codes a fact keeps as examples for the anomaly list. */
const ANOMALY_EXAMPLES = 5;

/** How an indication code counts: not of the liste en sus form, I999, I997…, or another code. */
type CodeKind = 'invalid' | 'hors-amm' | 'amm-miroir' | 'other';

/**
 * Whether a code is `I` or `i` then 3 to 6 ASCII digits: what INDICATION_CODE accepts once
 * upper-cased, which changes nothing but its `i`. Checked by character: most lines have such a code.
 */
function isPlainCode(code: string): boolean {
  const n = code.length;
  if (n < 4 || n > 7) return false;
  const first = code.charCodeAt(0);
  if (first !== 73 && first !== 105) return false;
  for (let i = 1; i < n; i++) {
    const c = code.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** How a code as written counts once upper-cased, without upper-casing the usual plain code. */
function codeKind(code: string): CodeKind {
  let upper: string;
  if (isPlainCode(code)) upper = code.charCodeAt(0) === 73 ? code : `I${code.slice(1)}`;
  else {
    upper = code.toUpperCase();
    if (!INDICATION_CODE.test(upper)) return 'invalid';
  }
  return isHorsAmm(upper) ? 'hors-amm' : isAmmMiroir(upper) ? 'amm-miroir' : 'other';
}

/**
 * A copy of a cell's text that does not hold on to the chunk of the file it was cut from. V8 keeps a
 * cut of 13 characters or more (a 13-digit UCD) as a view into the whole decoded chunk: a key kept
 * for the rest of the file would keep that chunk alive, and a stay-level file with new UCD per
 * establishment and month all along kept most of itself in memory (547 MB at 20 million lines).
 * Concatenating then cutting makes V8 copy the few characters into a string of their own.
 */
function detached(text: string): string {
  return ` ${text}`.slice(1);
}

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

/** The fact of an establishment and month before its first line is counted. */
function emptyFact(line: MoLine, year: number, source: SourceRef): MoFact {
  return {
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
    i999ByUcd: [],
    source,
    replaced: [],
  };
}

/**
 * Sums dispensation lines into MO facts per establishment and month (or whole year): totals, I999
 * (hors AMM) and I997 (AMM miroir) units and amounts, and the coding anomalies (no code, a code not
 * of the liste en sus form) as warnings kept in the totals; I999 units and lines per UCD, which the
 * hors-AMM argumentation is matched against. With `perUcd`, keeps units and amount per
 * UCD, for the cost per UCD compared across the region.
 */
export function moAccumulator(year: number, source: SourceRef, options: { perUcd: boolean; ucdColumn: string }) {
  /** The facts in the order of their first line, and by establishment then month. */
  const facts: MoFact[] = [];
  // Looked up by establishment then month rather than by a `finess#month` key, which built and
  // hashed a string per line of extracts of millions of lines.
  const byFiness = new Map<string, Map<number | null, MoFact>>();
  const ucdCosts = new Map<MoFact, Map<string, { units: number; amount: number }>>();
  const i999ByUcd = new Map<MoFact, Map<string, { units: number; lines: number }>>();
  /** The fact of a line's establishment and month, created at its first line. */
  function factOf(line: MoLine): MoFact {
    let months = byFiness.get(line.finess);
    if (!months) {
      months = new Map();
      byFiness.set(line.finess, months);
    }
    let fact = months.get(line.month);
    if (!fact) {
      fact = emptyFact(line, year, source);
      facts.push(fact);
      months.set(line.month, fact);
    }
    return fact;
  }
  // The fact of the previous line: extracts come sorted by establishment and month, so most lines
  // add to it without the two lookups.
  let previous: MoFact | null = null;
  return {
    add(line: MoLine, raise: RaiseIssue): void {
      const fact = previous !== null && previous.finess === line.finess && previous.month === line.month ? previous : factOf(line);
      previous = fact;
      fact.lines++;
      fact.totalUcd += line.units;
      fact.totalAmount += line.amount;
      const kind = line.code === null ? null : codeKind(line.code);
      if (kind === null) {
        fact.anomalies.missingIndication.lines++;
        fact.anomalies.missingIndication.ucd += line.units;
        raise('coding-anomaly', 'warning', line.codeColumn, null, { detail: 'code indication absent' });
      } else if (kind === 'invalid') {
        const invalid = fact.anomalies.invalidIndication;
        const code = (line.code as string).toUpperCase();
        invalid.lines++;
        invalid.ucd += line.units;
        if (invalid.examples.length < ANOMALY_EXAMPLES && !invalid.examples.includes(code)) invalid.examples.push(code);
        raise('coding-anomaly', 'warning', line.codeColumn, line.code, { detail: 'code indication mal formé (« I » suivi de 3 à 6 chiffres attendu)' });
      } else if (kind === 'hors-amm') {
        fact.i999Ucd += line.units;
        fact.i999Amount += line.amount;
        let perUcd = i999ByUcd.get(fact);
        if (!perUcd) {
          perUcd = new Map();
          i999ByUcd.set(fact, perUcd);
        }
        let u = perUcd.get(line.ucd);
        if (!u) {
          u = { units: 0, lines: 0 };
          perUcd.set(detached(line.ucd), u);
        }
        u.units += line.units;
        u.lines++;
      } else if (kind === 'amm-miroir') {
        fact.i997Ucd += line.units;
      }
      if (!line.ucdValid) {
        const invalid = fact.anomalies.invalidUcd;
        invalid.lines++;
        invalid.ucd += line.units;
        if (invalid.examples.length < ANOMALY_EXAMPLES && !invalid.examples.includes(line.ucd)) invalid.examples.push(line.ucd);
        raise('coding-anomaly', 'warning', options.ucdColumn, line.ucd, { detail: 'code UCD inconnu (7 chiffres, ou 13 commençant par 340093 ou 340089)' });
      } else if (options.perUcd) {
        const costs = ucdCosts.get(fact) ?? new Map<string, { units: number; amount: number }>();
        let c = costs.get(line.ucd);
        if (!c) {
          c = { units: 0, amount: 0 };
          costs.set(detached(line.ucd), c);
        }
        c.units += line.units;
        c.amount += line.amount;
        ucdCosts.set(fact, costs);
      }
    },
    /** The facts; a year given both whole and month by month for one establishment is an error. */
    finish(raise: RaiseIssue, monthColumn: string): MoFact[] {
      const monthly = new Set(facts.filter((f) => f.month !== null).map((f) => f.finess));
      for (const f of facts) {
        if (f.month === null && monthly.has(f.finess)) {
          raise('inconsistent-value', 'error', monthColumn, f.finess, { detail: 'ce FINESS a des lignes sans mois et des lignes mensuelles : l’année serait comptée deux fois' });
        }
      }
      return facts.map((f) => ({
        ...f,
        ucdCosts: [...(ucdCosts.get(f) ?? [])].map(([ucd, c]) => ({ ucd, ...c })),
        i999ByUcd: [...(i999ByUcd.get(f) ?? [])].map(([ucd, c]) => ({ ucd, ...c })),
      }));
    },
  };
}

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

/**
 * Two sums per UCD of one fact (units and amount, or units and lines), kept in columns rather than
 * as an object per UCD: a national stay-level file gives about 520,000 establishment-month-UCD
 * sums, whose objects and boxed numbers were most of what the reader held at its end (the heap V8
 * then sizes the rest of `caqes run` from). A slot is a UCD's place in the columns, in the order
 * of its first line.
 */
class UcdSums {
  private readonly slots = new Map<string, number>();
  private readonly ucds: string[] = [];
  private readonly first: number[] = [];
  private readonly second: number[] = [];

  /** Adds to a UCD's sums; `shared` gives the one copy of a new UCD's text every fact keys it by. */
  add(ucd: string, first: number, second: number, shared: (ucd: string) => string): void {
    let slot = this.slots.get(ucd);
    if (slot === undefined) {
      slot = this.ucds.length;
      const key = shared(ucd);
      this.slots.set(key, slot);
      this.ucds.push(key);
      this.first.push(0);
      this.second.push(0);
    }
    this.first[slot] = this.first[slot]! + first;
    this.second[slot] = this.second[slot]! + second;
  }

  /** The sums, one row per UCD in the order of its first line. */
  rows<R>(row: (ucd: string, first: number, second: number) => R): R[] {
    return this.ucds.map((ucd, slot) => row(ucd, this.first[slot]!, this.second[slot]!));
  }

  /** The columns as plain data (MoState). */
  columns(): UcdColumns {
    return { ucds: this.ucds, first: this.first, second: this.second };
  }

  /** Adds the sums of columns read from other lines, after those added so far. */
  addColumns(columns: UcdColumns, shared: (ucd: string) => string): void {
    columns.ucds.forEach((ucd, slot) => this.add(ucd, columns.first[slot]!, columns.second[slot]!, shared));
  }
}

/** A UcdSums as plain data. */
interface UcdColumns {
  ucds: string[];
  first: number[];
  second: number[];
}

/** What a moAccumulator summed, as plain data: its facts in the order of their first line, with their sums per UCD. */
export interface MoState {
  tallies: { fact: MoFact; costs: UcdColumns | null; horsAmm: UcdColumns | null }[];
}

/** Adds an anomaly's lines, units and examples found further on in the file. */
function addAnomaly(to: { lines: number; ucd: number; examples?: string[] }, from: { lines: number; ucd: number; examples?: string[] }): void {
  to.lines += from.lines;
  to.ucd += from.ucd;
  if (!to.examples || !from.examples) return;
  for (const example of from.examples) if (to.examples.length < ANOMALY_EXAMPLES && !to.examples.includes(example)) to.examples.push(example);
}

/** Adds to a fact the sums of the same establishment and month found further on in the file. */
function addFact(to: MoFact, from: MoFact): void {
  to.lines += from.lines;
  to.totalUcd += from.totalUcd;
  to.totalAmount += from.totalAmount;
  to.i999Ucd += from.i999Ucd;
  to.i999Amount += from.i999Amount;
  to.i997Ucd += from.i997Ucd;
  addAnomaly(to.anomalies.missingIndication, from.anomalies.missingIndication);
  addAnomaly(to.anomalies.invalidIndication, from.anomalies.invalidIndication);
  addAnomaly(to.anomalies.invalidUcd, from.anomalies.invalidUcd);
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

/** A fact being summed, with its sums per UCD until the facts are finished. */
interface Tally {
  fact: MoFact;
  costs: UcdSums | null;
  horsAmm: UcdSums | null;
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
  const tallies: Tally[] = [];
  // Looked up by establishment then month rather than by a `finess#month` key, which built and
  // hashed a string per line of extracts of millions of lines.
  const byFiness = new Map<string, Map<number | null, Tally>>();
  /** One copy of each UCD's text for the whole file: a file names a few hundred UCDs, in hundreds of thousands of sums. */
  const ucdTexts = new Map<string, string>();
  const shared = (ucd: string): string => {
    let text = ucdTexts.get(ucd);
    if (text === undefined) {
      text = detached(ucd);
      ucdTexts.set(text, text);
    }
    return text;
  };
  /** The tally of an establishment and month, created by `create` at its first line. */
  function tallyOf(finess: string, month: number | null, create: () => Tally): Tally {
    let months = byFiness.get(finess);
    if (!months) {
      months = new Map();
      byFiness.set(finess, months);
    }
    let tally = months.get(month);
    if (!tally) {
      tally = create();
      tallies.push(tally);
      months.set(month, tally);
    }
    return tally;
  }
  // The tally of the previous line: extracts come sorted by establishment and month, so most lines
  // add to it without the two lookups.
  let previous: Tally | null = null;
  return {
    add(line: MoLine, raise: RaiseIssue): void {
      const tally =
        previous !== null && previous.fact.finess === line.finess && previous.fact.month === line.month
          ? previous
          : tallyOf(line.finess, line.month, () => ({ fact: emptyFact(line, year, source), costs: null, horsAmm: null }));
      previous = tally;
      const fact = tally.fact;
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
        (tally.horsAmm ??= new UcdSums()).add(line.ucd, line.units, 1, shared);
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
        (tally.costs ??= new UcdSums()).add(line.ucd, line.units, line.amount, shared);
      }
    },
    state(): MoState {
      return { tallies: tallies.map(({ fact, costs, horsAmm }) => ({ fact, costs: costs?.columns() ?? null, horsAmm: horsAmm?.columns() ?? null })) };
    },
    /** Adds what another accumulator of the same file summed from the lines after these (its `state()`). */
    absorb(part: MoState): void {
      previous = null;
      for (const { fact, costs, horsAmm } of part.tallies) {
        let created = false;
        const tally = tallyOf(fact.finess, fact.month, () => {
          created = true;
          return { fact, costs: null, horsAmm: null };
        });
        if (!created) addFact(tally.fact, fact);
        if (costs) (tally.costs ??= new UcdSums()).addColumns(costs, shared);
        if (horsAmm) (tally.horsAmm ??= new UcdSums()).addColumns(horsAmm, shared);
      }
    },
    /** The facts; a year given both whole and month by month for one establishment is an error. */
    finish(raise: RaiseIssue, monthColumn: string): MoFact[] {
      const monthly = new Set(tallies.filter((t) => t.fact.month !== null).map((t) => t.fact.finess));
      for (const { fact: f } of tallies) {
        if (f.month === null && monthly.has(f.finess)) {
          raise('inconsistent-value', 'error', monthColumn, f.finess, { detail: 'ce FINESS a des lignes sans mois et des lignes mensuelles : l’année serait comptée deux fois' });
        }
      }
      // Each tally's sums are let go once its fact lists them: the file's sums are never held twice.
      return tallies.map((tally) => {
        const { fact, costs, horsAmm } = tally;
        tally.costs = null;
        tally.horsAmm = null;
        fact.ucdCosts = costs?.rows((ucd, units, amount) => ({ ucd, units, amount })) ?? [];
        fact.i999ByUcd = horsAmm?.rows((ucd, units, lines) => ({ ucd, units, lines })) ?? [];
        return fact;
      });
    },
  };
}

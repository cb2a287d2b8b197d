import { z } from 'zod';
import { genNumReading, TOP_GEN_READING } from '../../domain/phmev';
import type { PhmevFact } from '../../domain/schemas';
import { formatFrenchNumber } from '../../io/french';
import { CellIssue, cellSchema, finess, number, optionalText } from '../fields';
import { defineTabular } from '../tabular';
import { resolveFiness, yearOf } from './context';

// Plain cell functions rather than zod transforms: read on each of the base's millions of lines.
const CIP13_ISSUE = new CellIssue('code CIP à 13 chiffres (ou 0 pour les honoraires de dispensation)');

const schema = z.object({
  atc4: optionalText(),
  atc5: optionalText(),
  cip13: cellSchema((raw) => {
    const v = raw.trim();
    // `0` is the dispensing-fee line, `9999999999999` a pack not given: both as published.
    return v === '0' || /^\d{13}$/.test(v) ? v : CIP13_ISSUE;
  }),
  l_cip13: optionalText(),
  top_gen: cellSchema((raw) => raw.trim().toUpperCase()),
  gen_num: cellSchema((raw) => raw),
  etb_rgt: finess(),
  boites: number(),
  rem: number(),
  bse: number(),
});

/** The published columns that are not read (labels, beneficiaries' age and sex, addresses). */
const IGNORED = [
  'atc1', 'l_atc1', 'atc2', 'L_ATC2', 'atc3', 'L_ATC3', 'L_ATC4', 'L_ATC5', 'age', 'SEXE', 'categorie_jur', 'categorie_jur_rgt',
  'code_postal', 'nom_etb', 'nom_ville', 'nom_voie', 'numero_voie', 'raison_sociale_etb', 'top_etb_age', 'top_etb_sexe', 'region_etb',
];

const FEES = /^honoraires? de dispensation$/i;
const GEN_NUM_ORDER: readonly ReturnType<typeof genNumReading>[] = ['aucun groupe', 'numéro de groupe', 'non restitué', 'vide'];

function emptyFact(region: string, year: number, finessValue: string, level: PhmevFact['level'], source: PhmevFact['source']): PhmevFact {
  return {
    region,
    year,
    finess: finessValue,
    level,
    medicines: { rem: 0, bse: 0, boxes: 0 },
    fees: { rem: 0, bse: 0 },
    ipp: { rem: 0, bse: 0, boxes: 0 },
    generics: { repertoire: 0, generic: 0, outside: 0, unknown: 0 },
    biosimilars: { biosimilar: 0, reference: 0 },
    lines: 0,
    source,
    replaced: [],
  };
}

const count = (n: number) => formatFrenchNumber(n);

/** Adds to a fact the sums of the same establishment found further on in the base. */
function addFact(to: PhmevFact, from: PhmevFact): void {
  to.lines += from.lines;
  for (const group of ['medicines', 'fees', 'ipp', 'generics', 'biosimilars'] as const) {
    const sums: Record<string, number> = to[group];
    for (const [name, n] of Object.entries(from[group])) sums[name] = (sums[name] ?? 0) + n;
  }
}

/** Adds counts found further on, after those counted so far. */
function addCounts(to: Map<string, number>, from: readonly [string, number][]): void {
  for (const [value, n] of from) to.set(value, (to.get(value) ?? 0) + n);
}

/** What a part of the base gave (Aggregator.state). */
interface PhmevState {
  facts: PhmevFact[];
  topGen: [string, number][];
  genNum: [string, number][];
  outside: string[];
}

const PPI = 'A02BC';

/** Whether `code` starts with `A02BC`, in any case, without a new string for each of the base's lines. */
function startsWithPpi(code: string | null | undefined): boolean {
  if (code == null || code.length < PPI.length) return false;
  return code.startsWith(PPI) || code.slice(0, PPI.length).toUpperCase() === PPI;
}

/** Proton pump inhibitors: ATC class A02BC (its ATC4 code, or an ATC5 code within it). */
function isPpi(atc4: string | null | undefined, atc5: string | null | undefined): boolean {
  return (atc4?.length === PPI.length && startsWithPpi(atc4)) || startsWithPpi(atc5);
}

/**
 * `cpam/<year>/OPEN_PHMEV_<year>.CSV`, the Assurance Maladie's public base of hospital prescriptions
 * dispensed in town, read as published (Windows-1252, `;`, decimal comma, 31 columns): per
 * establishment of the referential (`etb_rgt`, a site's FINESS or a legal entity's), medicines'
 * reimbursed amount, base and boxes, dispensing fees apart, proton pump inhibitors (ATC A02BC), and
 * boxes by generic status. How every `TOP_GEN` and `GEN_NUM` value was read is said in the report.
 */
export const openPhmevFormat = defineTabular({
  label: 'Open PHMEV (prescriptions hospitalières délivrées en ville)',
  schema,
  optionalColumns: ['atc4', 'atc5', 'l_cip13'],
  ignoredColumns: IGNORED,
  readInParts: true,
  start(ctx) {
    const year = yearOf(ctx);
    const facts = new Map<string, PhmevFact>();
    const topGen = new Map<string, number>();
    const genNum = new Map<string, number>();
    const outside = new Set<string>();
    return {
      add(row) {
        topGen.set(row.top_gen, (topGen.get(row.top_gen) ?? 0) + 1);
        const g = genNumReading(row.gen_num);
        genNum.set(g, (genNum.get(g) ?? 0) + 1);
        // An establishment is looked up in the referential at its first line only: its FINESS says
        // its level, and the base has millions of lines for a few thousand FINESS.
        let fact = facts.get(row.etb_rgt);
        if (!fact) {
          if (outside.has(row.etb_rgt)) return false;
          const where = resolveFiness(ctx, row.etb_rgt);
          if (!where) {
            // A national base: most establishments are not the region's; counted, not listed one by one.
            outside.add(row.etb_rgt);
            return false;
          }
          fact = emptyFact(where.region, year, row.etb_rgt, where.level, ctx.source);
          facts.set(row.etb_rgt, fact);
        }
        fact.lines++;
        if (row.cip13 === '0' || FEES.test(row.l_cip13 ?? '')) {
          fact.fees.rem += row.rem;
          fact.fees.bse += row.bse;
          return true;
        }
        fact.medicines.rem += row.rem;
        fact.medicines.bse += row.bse;
        fact.medicines.boxes += row.boites;
        if (isPpi(row.atc4, row.atc5)) {
          fact.ipp.rem += row.rem;
          fact.ipp.bse += row.bse;
          fact.ipp.boxes += row.boites;
        }
        switch (TOP_GEN_READING[row.top_gen]?.group ?? 'unknown') {
          case 'generic':
            fact.generics.generic += row.boites;
            fact.generics.repertoire += row.boites;
            break;
          case 'originator':
            fact.generics.repertoire += row.boites;
            break;
          case 'outside':
            fact.generics.outside += row.boites;
            break;
          case 'biosimilar':
            fact.biosimilars.biosimilar += row.boites;
            break;
          case 'reference':
            fact.biosimilars.reference += row.boites;
            break;
          case 'unknown':
            fact.generics.unknown += row.boites;
            break;
        }
        return true;
      },
      finish() {
        const readings = [...topGen]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([value, n]) => `« ${value} » ${TOP_GEN_READING[value]?.label ?? 'valeur inconnue, comptée comme non restituée'} (${count(n)} lignes)`);
        const groups = GEN_NUM_ORDER.filter((r) => genNum.has(r)).map((r) => `${r} (${count(genNum.get(r) ?? 0)} lignes)`);
        const notes = [
          `TOP_GEN lu ainsi : ${readings.join(' ; ')}. Répertoire des génériques = « 1 » et « 4 » ; biosimilaires = « B » face à « C ».`,
          `GEN_NUM : ${groups.join(' ; ')} ; il n’entre pas dans les calculs, TOP_GEN seul classe les boîtes.`,
          'Les lignes d’honoraires de dispensation (CIP13 0) sont comptées à part des médicaments.',
        ];
        if (outside.size > 0) notes.push(`${count(outside.size)} établissement(s) de la base absents du référentiel : leurs lignes sont ignorées.`);
        return { type: 'phmev-facts', facts: [...facts.values()], notes };
      },
      state: (): PhmevState => ({ facts: [...facts.values()], topGen: [...topGen], genNum: [...genNum], outside: [...outside] }),
      absorb(state) {
        const part = state as PhmevState;
        addCounts(topGen, part.topGen);
        addCounts(genNum, part.genNum);
        for (const finessValue of part.outside) outside.add(finessValue);
        for (const fact of part.facts) {
          const known = facts.get(fact.finess);
          if (known) addFact(known, fact);
          else facts.set(fact.finess, fact);
        }
      },
    };
  },
});

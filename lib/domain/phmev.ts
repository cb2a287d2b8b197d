import type { IndicatorCode, PhmevFact, ResultComponent, SourceRef } from './schemas';

/** Which boxes a `TOP_GEN` value puts a line among. */
export type GenericGroup = 'generic' | 'originator' | 'outside' | 'unknown' | 'biosimilar' | 'reference';

/**
 * How each `TOP_GEN` value of Open PHMEV is read. Taken from what the published lines hold: `0` for
 * medicines outside the generic repertoire (aspirin, Kardégic), `1` for generics (Amoxicilline
 * Viatris), `4` for the originators of the repertoire (Eliquis, Zithromax), `9` with the packs not
 * given (`Non restitué`), `B` for biosimilars (Inhixa, Retacrit, Zarzio), `C` for the reference
 * biologics they compete with (Lovenox, Novorapid). Any other value is counted apart, as not given,
 * and said in the report.
 */
export const TOP_GEN_READING: Readonly<Record<string, { label: string; group: GenericGroup }>> = {
  '0': { label: 'hors répertoire des génériques', group: 'outside' },
  '1': { label: 'générique', group: 'generic' },
  '4': { label: 'princeps (référent du répertoire des génériques)', group: 'originator' },
  '9': { label: 'non restitué', group: 'unknown' },
  B: { label: 'biosimilaire', group: 'biosimilar' },
  C: { label: 'médicament biologique de référence', group: 'reference' },
};

/**
 * How `GEN_NUM` (the generic group) is read: `0` no group, `9999` not given, empty (seen in copies
 * of the file), or a group number. It does not enter the shares: `TOP_GEN` alone classes the boxes,
 * the group being absent from many lines whose status is known.
 */
export function genNumReading(raw: string): 'aucun groupe' | 'non restitué' | 'vide' | 'numéro de groupe' {
  const v = raw.trim();
  if (v === '') return 'vide';
  if (v === '0') return 'aucun groupe';
  if (v === '9999') return 'non restitué';
  return 'numéro de groupe';
}

/** The indicators Open PHMEV can measure, and how. */
export const PHMEV_MEASURES: Partial<Record<IndicatorCode, string>> = {
  IPP: 'évolution du montant remboursé des inhibiteurs de la pompe à protons (ATC A02BC)',
  GENERIQUES: 'part des boîtes prescrites dans le répertoire des génériques',
  BIOSIMILAIRES: 'part des biosimilaires parmi les boîtes de biosimilaires et de biologiques de référence',
};

/** An Open PHMEV value: numerator, denominator, value, and the parts that explain it. */
export interface PhmevMeasure {
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  components: ResultComponent[];
  inputs: SourceRef[];
}

const info = (id: string, label: string, numerator: number | null, denominator: number | null, value: number | null): ResultComponent => ({
  id,
  label,
  numerator,
  denominator,
  value,
  unit: '%',
  target: null,
  status: value === null ? 'no_data' : 'no_target',
  note: null,
});

/** Facts of one or several establishments added together (a contract's sites, or a legal entity's). */
export function sumPhmev(facts: readonly PhmevFact[]): PhmevFact | null {
  const [first, ...rest] = facts;
  if (!first) return null;
  return rest.reduce<PhmevFact>(
    (a, f) => ({
      ...a,
      medicines: { rem: a.medicines.rem + f.medicines.rem, bse: a.medicines.bse + f.medicines.bse, boxes: a.medicines.boxes + f.medicines.boxes },
      fees: { rem: a.fees.rem + f.fees.rem, bse: a.fees.bse + f.fees.bse },
      ipp: { rem: a.ipp.rem + f.ipp.rem, bse: a.ipp.bse + f.ipp.bse, boxes: a.ipp.boxes + f.ipp.boxes },
      generics: {
        repertoire: a.generics.repertoire + f.generics.repertoire,
        generic: a.generics.generic + f.generics.generic,
        outside: a.generics.outside + f.generics.outside,
        unknown: a.generics.unknown + f.generics.unknown,
      },
      biosimilars: { biosimilar: a.biosimilars.biosimilar + f.biosimilars.biosimilar, reference: a.biosimilars.reference + f.biosimilars.reference },
      lines: a.lines + f.lines,
    }),
    first,
  );
}

const pct = (n: number, d: number): number | null => (d > 0 ? (n / d) * 100 : null);
const growth = (now: number, before: number | null): number | null => (before !== null && before > 0 ? (now / before - 1) * 100 : null);

/**
 * One indicator from Open PHMEV for a year, with the year before's file as the reference of a growth:
 * IPP is the growth of the amount reimbursed for proton pump inhibitors; GENERIQUES the share of boxes
 * in the generic repertoire among boxes whose status is known (with the share of generics within
 * the repertoire beside it); BIOSIMILAIRES the share of biosimilars among biosimilar and reference
 * biologic boxes. The year's medicine spending and dispensing fees are shown beside IPP.
 */
export function phmevMeasure(code: IndicatorCode, fact: PhmevFact | null, before: PhmevFact | null): PhmevMeasure | null {
  if (!fact || !(code in PHMEV_MEASURES)) return null;
  const inputs = [fact.source, ...(before ? [before.source] : [])];
  switch (code) {
    case 'IPP':
      return {
        numerator: fact.ipp.rem,
        denominator: before?.ipp.rem ?? null,
        value: growth(fact.ipp.rem, before?.ipp.rem ?? null),
        components: [
          info('phev_medicines', 'Évolution du montant remboursé des médicaments PHEV (hors honoraires)', fact.medicines.rem, before?.medicines.rem ?? null, growth(fact.medicines.rem, before?.medicines.rem ?? null)),
          info('dispensing_fees', 'Évolution des honoraires de dispensation', fact.fees.rem, before?.fees.rem ?? null, growth(fact.fees.rem, before?.fees.rem ?? null)),
        ],
        inputs,
      };
    case 'GENERIQUES': {
      const g = fact.generics;
      const known = g.repertoire + g.outside + fact.biosimilars.biosimilar + fact.biosimilars.reference;
      return {
        numerator: g.repertoire,
        denominator: known,
        value: pct(g.repertoire, known),
        components: [info('generics_in_repertoire', 'Part des génériques dans le répertoire', g.generic, g.repertoire, pct(g.generic, g.repertoire))],
        inputs,
      };
    }
    default: {
      const b = fact.biosimilars;
      return { numerator: b.biosimilar, denominator: b.biosimilar + b.reference, value: pct(b.biosimilar, b.biosimilar + b.reference), components: [], inputs };
    }
  }
}

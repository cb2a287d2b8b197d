import { z } from 'zod';
import { Comparator, DocumentKind, IndicatorCode } from './schemas';

/**
 * How an indicator is measured:
 * - `ratio`: numerator / denominator in % (CPAM's rates, the MO I999 share);
 * - `growth`: the measure of the year against the reference period's, in % of change (PHEV spending);
 * - `points`: points scored from documents returned (DMI: mapping and action plan 2, audit 1);
 * - `documents`: the share of the documents owed that were returned and accepted in time.
 */
export const Measure = z.enum(['ratio', 'growth', 'points', 'documents']);
export type Measure = z.infer<typeof Measure>;

export const IndicatorDefinition = z.object({
  code: IndicatorCode,
  /** French label, as in the seed's tables. */
  label: z.string(),
  volet: z.enum(['produits_de_sante', 'organisation_des_soins', 'pertinence']),
  level: z.enum(['national', 'regional']),
  /** Where its data comes from. */
  source: z.enum(['cpam', 'atih', 'evidence']),
  measure: Measure,
  better: z.enum(['lower', 'higher']),
  unit: z.enum(['%', 'points']),
  /** Built-in targets by region (`*` for every region), used when `objectifs-<year>.csv` gives none. */
  defaultTargets: z.record(z.string(), z.object({ comparator: Comparator, value: z.number() })),
  /** Where the built-in target comes from, for the README and the summaries. */
  targetNote: z.string().nullable(),
  /** Documents the result is made of: the indicator is met only when they were returned and accepted in time. */
  evidence: z.array(DocumentKind),
  /** Evidence tables whose content feeds the computation (MO: lines argued, initiations). */
  reads: z.array(DocumentKind).default([]),
  /** Measured on prescriptions executed in town: neutralised by default for private ex-OQN establishments. */
  phev: z.boolean(),
});
export type IndicatorDefinition = z.infer<typeof IndicatorDefinition>;

/** The PHEV growth target of the first-generation contract (2017 texts: +4,0 %), until OMéDIT sets one. */
const PHEV_GROWTH = { '*': { comparator: '<=', value: 4 } } as const;
const PHEV_GROWTH_NOTE = 'taux d’évolution PHEV de référence 2017 (+4,0 %)';

const DEFINITIONS: readonly z.input<typeof IndicatorDefinition>[] = [
  { code: 'IPP', label: 'PHEV prescription des inhibiteurs de la pompe à protons (IPP)', volet: 'produits_de_sante', level: 'national', source: 'cpam', measure: 'growth', better: 'lower', unit: '%', defaultTargets: PHEV_GROWTH, targetNote: PHEV_GROWTH_NOTE, evidence: [], phev: true },
  { code: 'PERFADOM', label: 'PHEV prescription de perfusions à domicile (PERFADOM)', volet: 'produits_de_sante', level: 'national', source: 'cpam', measure: 'growth', better: 'lower', unit: '%', defaultTargets: PHEV_GROWTH, targetNote: PHEV_GROWTH_NOTE, evidence: [], phev: true },
  { code: 'PANSEMENTS', label: 'PHEV prescription de pansements', volet: 'produits_de_sante', level: 'national', source: 'cpam', measure: 'growth', better: 'lower', unit: '%', defaultTargets: PHEV_GROWTH, targetNote: PHEV_GROWTH_NOTE, evidence: [], phev: true },
  { code: 'TRANSPORTS', label: 'PHEV prescription de transports', volet: 'organisation_des_soins', level: 'national', source: 'cpam', measure: 'growth', better: 'lower', unit: '%', defaultTargets: PHEV_GROWTH, targetNote: PHEV_GROWTH_NOTE, evidence: [], phev: true },
  { code: 'PRE_ANESTHESIE', label: 'Prescriptions et examens pré-anesthésiques', volet: 'pertinence', level: 'national', source: 'cpam', measure: 'ratio', better: 'lower', unit: '%', defaultTargets: {}, targetNote: null, evidence: [], phev: false },
  { code: 'REHOSP_IC', label: 'Réhospitalisations après décompensation d’une insuffisance cardiaque', volet: 'pertinence', level: 'national', source: 'cpam', measure: 'ratio', better: 'lower', unit: '%', defaultTargets: {}, targetNote: null, evidence: [], phev: false },
  { code: 'BIOSIMILAIRES', label: 'Recours aux médicaments biosimilaires', volet: 'produits_de_sante', level: 'regional', source: 'cpam', measure: 'ratio', better: 'higher', unit: '%', defaultTargets: {}, targetNote: null, evidence: [], phev: true },
  { code: 'GENERIQUES', label: 'PHEV recours aux médicaments génériques', volet: 'produits_de_sante', level: 'regional', source: 'cpam', measure: 'ratio', better: 'higher', unit: '%', defaultTargets: { '*': { comparator: '>=', value: 45.5 } }, targetNote: 'part des prescriptions dans le répertoire des génériques, référence 2017 (45,5 %)', evidence: [], phev: true },
  { code: 'MO', label: 'Pertinence des prescriptions des médicaments de la liste en sus (MO)', volet: 'produits_de_sante', level: 'regional', source: 'atih', measure: 'ratio', better: 'lower', unit: '%', defaultTargets: { PACA: { comparator: '<', value: 15 }, CORSE: { comparator: '<', value: 10 } }, targetNote: 'webinaire OMéDIT PACA-Corse du 04/02/2026 (PACA < 15 %, Corse < 10 %)', evidence: [], reads: ['argumentaire_hors_amm', 'recueil_initiations'], phev: false },
  { code: 'DMI', label: 'Qualité, sécurité et bon usage des dispositifs médicaux implantables (DMI)', volet: 'produits_de_sante', level: 'regional', source: 'evidence', measure: 'points', better: 'higher', unit: 'points', defaultTargets: { '*': { comparator: '>=', value: 3 } }, targetNote: 'cartographie et plan d’actions 2 points, audit 1 point', evidence: ['cartographie_dmi', 'plan_actions', 'audit_dmi'], phev: false },
  { code: 'PHARMACIE_CLINIQUE', label: 'Dispensation et actions de pharmacie clinique', volet: 'produits_de_sante', level: 'regional', source: 'evidence', measure: 'documents', better: 'higher', unit: '%', defaultTargets: { '*': { comparator: '>=', value: 100 } }, targetNote: 'autodiagnostic retourné', evidence: ['autodiagnostic_pharmacie_clinique'], phev: false },
  { code: 'TRANSPORTS_AUTRES', label: 'Autres modes de transport', volet: 'organisation_des_soins', level: 'regional', source: 'cpam', measure: 'growth', better: 'lower', unit: '%', defaultTargets: PHEV_GROWTH, targetNote: PHEV_GROWTH_NOTE, evidence: [], phev: true },
  { code: 'CHIRURGIE_AMBULATOIRE', label: 'Chirurgie ambulatoire', volet: 'organisation_des_soins', level: 'regional', source: 'cpam', measure: 'ratio', better: 'higher', unit: '%', defaultTargets: {}, targetNote: null, evidence: [], phev: false },
];

/** The 13 indicators of the 2024 contract, by code. */
export const CATALOGUE: ReadonlyMap<IndicatorCode, IndicatorDefinition> = new Map(DEFINITIONS.map((d) => [d.code, IndicatorDefinition.parse(d)]));

/**
 * The definition of an indicator.
 * @throws Error for a code outside the catalogue (the enum makes it impossible for typed callers).
 */
export function indicatorDefinition(code: IndicatorCode): IndicatorDefinition {
  const definition = CATALOGUE.get(code);
  if (!definition) throw new Error(`indicator ${code} is not in the catalogue`);
  return definition;
}

/**
 * The indicators neutralised for private ex-OQN establishments by default: the IDF FAQ neutralises the
 * seven PHEV items of the grid (IV.1-IV.4, IV.6, IV.9, IV.10) until prescriptions carry both FINESS
 * and RPPS; here, the seven indicators measured on prescriptions executed in town.
 */
export const DEFAULT_NEUTRALISED: readonly IndicatorCode[] = DEFINITIONS.filter((d) => d.phev).map((d) => d.code);

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
  /** The seeds' own targets by region, used when `objectifs-<year>.csv` gives none: MO only. */
  defaultTargets: z.record(z.string(), z.object({ comparator: Comparator, value: z.number() })),
  /**
   * The seeds' named exceptions to the regional target, by FINESS juridique ("* Sauf AP-HM et IPC <20%"):
   * they come before the region's objective, an establishment's own objective before them.
   */
  namedExceptions: z.array(z.object({ finessJuridique: z.string(), name: z.string(), comparator: Comparator, value: z.number() })).default([]),
  /** Where the built-in target comes from, or what is judged without one, for the summaries. */
  targetNote: z.string().nullable(),
  /** A 2017 national reference shown beside the value, never used to decide a status (001_f169cbd8a7ffe659.txt). */
  reference: z.object({ text: z.string() }).nullable().default(null),
  /** Documents the result is made of: the indicator is met only when they were returned and accepted in time. */
  evidence: z.array(DocumentKind),
  /** Evidence tables whose content feeds the computation (MO: lines argued, initiations). */
  reads: z.array(DocumentKind).default([]),
  /** Measured on prescriptions executed in town: suggested for neutralisation for private ex-OQN establishments. */
  phev: z.boolean(),
});
export type IndicatorDefinition = z.infer<typeof IndicatorDefinition>;

/**
 * The 2017 texts' +4,0 % is the growth of town pharmacy and LPP prescriptions as a whole, not a target
 * per PHEV indicator: shown as information only.
 */
const PHEV_GROWTH_2017 = { text: 'référence 2017, indicative : +4,0 % (évolution pharmacie de ville + LPP dans son ensemble)' };

/** "* Sauf AP-HM et IPC <20%" (000_026f70cc2aafd87f.txt): AP-HM and the Institut Paoli-Calmettes, by FINESS juridique. */
const MO_EXCEPTIONS: z.input<typeof IndicatorDefinition>['namedExceptions'] = [
  { finessJuridique: '130786049', name: 'AP-HM', comparator: '<', value: 20 },
  { finessJuridique: '130001647', name: 'Institut Paoli-Calmettes (IPC)', comparator: '<', value: 20 },
];

/** The seeds name PHARMACIE_CLINIQUE's tool (the ANAP self-diagnosis), not a score: its return in time is judged. */
export const DOCUMENT_RETURNED = 'jugé sur le retour dans les délais de l’autodiagnostic ANAP (les sources nomment l’outil, pas un score)';

const DEFINITIONS: readonly z.input<typeof IndicatorDefinition>[] = [
  { code: 'IPP', label: 'PHEV prescription des inhibiteurs de la pompe à protons (IPP)', volet: 'produits_de_sante', level: 'national', source: 'cpam', measure: 'growth', better: 'lower', unit: '%', defaultTargets: {}, targetNote: null, reference: PHEV_GROWTH_2017, evidence: [], phev: true },
  { code: 'PERFADOM', label: 'PHEV prescription de perfusions à domicile (PERFADOM)', volet: 'produits_de_sante', level: 'national', source: 'cpam', measure: 'growth', better: 'lower', unit: '%', defaultTargets: {}, targetNote: null, reference: PHEV_GROWTH_2017, evidence: [], phev: true },
  { code: 'PANSEMENTS', label: 'PHEV prescription de pansements', volet: 'produits_de_sante', level: 'national', source: 'cpam', measure: 'growth', better: 'lower', unit: '%', defaultTargets: {}, targetNote: null, reference: PHEV_GROWTH_2017, evidence: [], phev: true },
  { code: 'TRANSPORTS', label: 'PHEV prescription de transports', volet: 'organisation_des_soins', level: 'national', source: 'cpam', measure: 'growth', better: 'lower', unit: '%', defaultTargets: {}, targetNote: null, reference: PHEV_GROWTH_2017, evidence: [], phev: true },
  { code: 'PRE_ANESTHESIE', label: 'Prescriptions et examens pré-anesthésiques', volet: 'pertinence', level: 'national', source: 'cpam', measure: 'ratio', better: 'lower', unit: '%', defaultTargets: {}, targetNote: null, evidence: [], phev: false },
  { code: 'REHOSP_IC', label: 'Réhospitalisations après décompensation d’une insuffisance cardiaque', volet: 'pertinence', level: 'national', source: 'cpam', measure: 'ratio', better: 'lower', unit: '%', defaultTargets: {}, targetNote: null, evidence: [], phev: false },
  { code: 'BIOSIMILAIRES', label: 'Recours aux médicaments biosimilaires', volet: 'produits_de_sante', level: 'regional', source: 'cpam', measure: 'ratio', better: 'higher', unit: '%', defaultTargets: {}, targetNote: null, evidence: [], phev: true },
  { code: 'GENERIQUES', label: 'PHEV recours aux médicaments génériques', volet: 'produits_de_sante', level: 'regional', source: 'cpam', measure: 'ratio', better: 'higher', unit: '%', defaultTargets: {}, targetNote: null, reference: { text: 'référence 2017, indicative : 45,5 % de prescriptions dans le répertoire des génériques' }, evidence: [], phev: true },
  { code: 'MO', label: 'Pertinence des prescriptions des médicaments de la liste en sus (MO)', volet: 'produits_de_sante', level: 'regional', source: 'atih', measure: 'ratio', better: 'lower', unit: '%', defaultTargets: { PACA: { comparator: '<', value: 15 }, CORSE: { comparator: '<', value: 10 } }, namedExceptions: MO_EXCEPTIONS, targetNote: 'webinaire OMéDIT PACA-Corse du 04/02/2026 (PACA < 15 %, Corse < 10 %, sauf AP-HM et IPC < 20 %)', evidence: [], reads: ['argumentaire_hors_amm', 'recueil_initiations'], phev: false },
  { code: 'DMI', label: 'Qualité, sécurité et bon usage des dispositifs médicaux implantables (DMI)', volet: 'produits_de_sante', level: 'regional', source: 'evidence', measure: 'points', better: 'higher', unit: 'points', defaultTargets: {}, targetNote: 'points sur 3 (cartographie et son plan d’actions 2 points, audit 1 point) : ils décident des parts du budget DMI', evidence: ['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'], phev: false },
  { code: 'PHARMACIE_CLINIQUE', label: 'Dispensation et actions de pharmacie clinique', volet: 'produits_de_sante', level: 'regional', source: 'evidence', measure: 'documents', better: 'higher', unit: '%', defaultTargets: {}, targetNote: DOCUMENT_RETURNED, evidence: ['autodiagnostic_pharmacie_clinique'], phev: false },
  { code: 'TRANSPORTS_AUTRES', label: 'Autres modes de transport', volet: 'organisation_des_soins', level: 'regional', source: 'cpam', measure: 'growth', better: 'lower', unit: '%', defaultTargets: {}, targetNote: null, reference: PHEV_GROWTH_2017, evidence: [], phev: true },
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
 * The indicators OMéDIT's page may suggest neutralising for a private ex-OQN establishment: the IDF FAQ
 * neutralises the seven PHEV items of the grid (IV.1-IV.4, IV.6, IV.9, IV.10) for the establishments on
 * the ARS's list; here, the seven indicators measured on prescriptions executed in town. A suggestion:
 * only `ciblage`'s `neutralisation` column neutralises.
 */
export const DEFAULT_NEUTRALISED: readonly IndicatorCode[] = DEFINITIONS.filter((d) => d.phev).map((d) => d.code);

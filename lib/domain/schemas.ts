import { z } from 'zod';

/** The 13 indicator codes of the 2024 contract (formats.md, `ciblage-<year>.csv`). */
export const INDICATOR_CODES = [
  'IPP',
  'PERFADOM',
  'PANSEMENTS',
  'TRANSPORTS',
  'PRE_ANESTHESIE',
  'REHOSP_IC',
  'BIOSIMILAIRES',
  'GENERIQUES',
  'MO',
  'DMI',
  'PHARMACIE_CLINIQUE',
  'TRANSPORTS_AUTRES',
  'CHIRURGIE_AMBULATOIRE',
] as const;
export const IndicatorCode = z.enum(INDICATOR_CODES);
export type IndicatorCode = z.infer<typeof IndicatorCode>;

export const DOCUMENT_KINDS = [
  'plan_actions',
  'argumentaire_hors_amm',
  'recueil_initiations',
  'audit_dmi',
  'cartographie_dmi',
  /** DMI's own action plan: the one that earns DMI's 2 points with the mapping, never MO's `plan_actions`. */
  'plan_actions_dmi',
  'autodiagnostic_pharmacie_clinique',
  'autre',
] as const;
export const DocumentKind = z.enum(DOCUMENT_KINDS);
export type DocumentKind = z.infer<typeof DocumentKind>;

/** Region short names are tenants: upper case, no spaces (PACA, CORSE, IDF, ...). */
export const Region = z.string().regex(/^[A-Z][A-Z0-9_-]{1,31}$/);
export type Region = z.infer<typeof Region>;

export const Finess = z.string().regex(/^(\d{2}|2A|2B)\d{7}$/);
export type Finess = z.infer<typeof Finess>;

/** `2025-S2`, `2025-S1` or `2025`: the campaign a deadline or an upload belongs to. */
export const Campaign = z.string().regex(/^\d{4}(-S[12])?$/);
export type Campaign = z.infer<typeof Campaign>;

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export type IsoDate = z.infer<typeof IsoDate>;

export const Establishment = z.object({
  finess: Finess,
  finessJuridique: Finess,
  raisonSociale: z.string().min(1),
  region: Region,
  categorie: z.enum(['ex-DG', 'ex-OQN']),
  contrat: z.string().min(1),
  emails: z.array(z.string().email()),
});
export type Establishment = z.infer<typeof Establishment>;

export const Targeting = z.object({
  year: z.number().int(),
  finess: Finess,
  indicator: IndicatorCode,
  /** Why OMéDIT neutralised the indicator for this establishment (the ARS's list), when it did: absent, judged. */
  neutralisation: z.string().min(1).optional(),
});
export type Targeting = z.infer<typeof Targeting>;

export const Comparator = z.enum(['<', '<=', '>', '>=']);
export type Comparator = z.infer<typeof Comparator>;

export const Objective = z.object({
  year: z.number().int(),
  indicator: IndicatorCode,
  region: Region.nullable(),
  finess: Finess.nullable(),
  comparator: Comparator,
  target: z.number(),
});
export type Objective = z.infer<typeof Objective>;

export const Deadline = z.object({
  year: z.number().int(),
  /** The region the deadline is set for; absent or null: every region (the `region` column, issue 18). */
  region: Region.nullable().optional(),
  campaign: Campaign,
  id: z.string().regex(/^[a-z0-9_]+$/),
  date: IsoDate,
  indicator: IndicatorCode.nullable(),
  documents: z.array(DocumentKind),
  label: z.string().min(1),
  /** A "délai de rigueur": nothing received after its day counts. Unsaid: strict when it asks for the hors-AMM argumentation (isStrict). */
  strict: z.boolean().optional(),
});
export type Deadline = z.infer<typeof Deadline>;

/** Where a fact or a result came from: the S3 object and the identity of the version read. */
export const SourceRef = z.object({
  key: z.string(),
  version: z.string(),
});
export type SourceRef = z.infer<typeof SourceRef>;

/** Coding anomalies met while summing an ATIH extract: lines kept in the totals, but worth correcting. */
export const MoCodingAnomalies = z.object({
  /** Lines with no indication code. */
  missingIndication: z.object({ lines: z.number().int(), ucd: z.number() }),
  /** Lines whose indication code is not of the liste en sus form (`I` and 3 to 6 digits). */
  invalidIndication: z.object({ lines: z.number().int(), ucd: z.number(), examples: z.array(z.string()) }),
  /** Stay-level lines whose UCD code is not a UCD (7 digits, or 13 starting 340093 or 340089). */
  invalidUcd: z.object({ lines: z.number().int(), ucd: z.number(), examples: z.array(z.string()) }).default({ lines: 0, ucd: 0, examples: [] }),
});
export type MoCodingAnomalies = z.infer<typeof MoCodingAnomalies>;

/**
 * Liste en sus dispensations of one establishment for one month (`month` 1-12) or for a whole year
 * given without months (`month` null), summed from an ATIH extract. A later upload for the same
 * establishment and period replaces it.
 */
export const MoFact = z.object({
  region: Region,
  /** A site (FINESS géographique), or a legal entity whose stay-level data cannot be split into its sites. */
  finess: Finess,
  level: z.enum(['site', 'entity']).default('site'),
  year: z.number().int(),
  month: z.number().int().min(1).max(12).nullable(),
  totalUcd: z.number(),
  totalAmount: z.number(),
  i999Ucd: z.number(),
  i999Amount: z.number(),
  i997Ucd: z.number(),
  lines: z.number().int(),
  anomalies: MoCodingAnomalies,
  /** Stay-level sources only: units and amount per UCD, for the cost per UCD compared across the region. */
  ucdCosts: z.array(z.object({ ucd: z.string(), units: z.number(), amount: z.number() })).default([]),
  /** I999 units and lines per UCD: what the establishment's hors-AMM argumentation is matched against. */
  i999ByUcd: z.array(z.object({ ucd: z.string(), units: z.number(), lines: z.number().int() })).default([]),
  source: SourceRef,
  /** Earlier uploads this fact replaced, newest first: the record keeps them, this one is current. */
  replaced: z.array(SourceRef).default([]),
});
export type MoFact = z.infer<typeof MoFact>;

/**
 * One indicator value of the CPAM extract for one establishment and period. CPAM gives either a site
 * (FINESS géographique) or a legal entity (FINESS juridique, `level: entity`), as its databases hold it.
 */
export const CpamFact = z.object({
  region: Region,
  year: z.number().int(),
  indicator: IndicatorCode,
  /** A year or a semester, written like a campaign (`2025`, `2025-S1`). */
  period: Campaign,
  finess: Finess,
  level: z.enum(['site', 'entity']),
  numerator: z.number(),
  denominator: z.number().nullable(),
  /** The value as CPAM computed it, when given (checked against numerator/denominator at intake). */
  cpamValue: z.number().nullable(),
  referenceValue: z.number().nullable(),
  source: SourceRef,
  replaced: z.array(SourceRef).default([]),
});
export type CpamFact = z.infer<typeof CpamFact>;

const Spend = z.object({ rem: z.number(), bse: z.number(), boxes: z.number() });

/**
 * One establishment's year in Open PHMEV (hospital prescriptions dispensed in town): medicines
 * (reimbursed amount, reimbursement base, boxes), dispensing fees apart, proton pump inhibitors
 * (ATC A02BC), and boxes by generic status (`TOP_GEN`).
 */
export const PhmevFact = z.object({
  region: Region,
  year: z.number().int(),
  /** `etb_rgt` as matched: a site's FINESS géographique, or a FINESS juridique (`level: entity`). */
  finess: Finess,
  level: z.enum(['site', 'entity']),
  medicines: Spend,
  fees: z.object({ rem: z.number(), bse: z.number() }),
  ipp: Spend,
  /** Boxes: in the generic repertoire (generics and their originators), generics, outside it, not given. */
  generics: z.object({ repertoire: z.number(), generic: z.number(), outside: z.number(), unknown: z.number() }),
  /** Boxes: biosimilars and the reference biologics they compete with. */
  biosimilars: z.object({ biosimilar: z.number(), reference: z.number() }),
  lines: z.number().int(),
  source: SourceRef,
  replaced: z.array(SourceRef).default([]),
});
export type PhmevFact = z.infer<typeof PhmevFact>;

/** Implantable devices of the LPP en sus posed in one establishment's year (PMSI FICHCOMP DMI). */
export const DmiFact = z.object({
  region: Region,
  year: z.number().int(),
  finess: Finess,
  level: z.enum(['site', 'entity']),
  implants: z.number(),
  cost: z.number(),
  lines: z.number().int(),
  source: SourceRef,
  replaced: z.array(SourceRef).default([]),
});
export type DmiFact = z.infer<typeof DmiFact>;

/** What the pipeline read in an evidence table, kept with its record so indicators need not read it again. */
export const EvidenceSummary = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('argumentaire'),
    /** hors-AMM prescription lines listed, and those argued (their argumentation written). */
    lines: z.number().int(),
    argued: z.number().int(),
    ucd: z.number(),
    arguedUcd: z.number(),
    /** Per UCD: lines and units listed, and those argued; matched against ATIH's I999 prescriptions. */
    byUcd: z.array(z.object({ ucd: z.string(), lines: z.number().int(), units: z.number(), arguedLines: z.number().int(), arguedUnits: z.number() })).default([]),
    /** What the establishment says about lines: AMM miroir (an I997 code to put in the PMSI), excluded with their reason. */
    ammMiroirLines: z.number().int().default(0),
    excludedLines: z.number().int().default(0),
    /** The first 200 of each, for the lists OMéDIT and the establishment read. */
    ammMiroir: z.array(z.object({ ucd: z.string(), code: z.string() })).default([]),
    exclusions: z.array(z.object({ ucd: z.string(), reason: z.string().nullable() })).default([]),
  }),
  z.object({
    type: z.literal('initiations'),
    initiations: z.number().int(),
    patients: z.number().int(),
    /** Patients per DCI, most first (at most 20). */
    byDci: z.array(z.object({ dci: z.string(), patients: z.number().int() })),
  }),
]);
export type EvidenceSummary = z.infer<typeof EvidenceSummary>;

/** One piece of evidence an establishment sent, with the outcome of its validation. */
export const EvidenceRecord = z.object({
  region: Region,
  campaign: Campaign,
  finess: Finess,
  kind: DocumentKind,
  fileName: z.string(),
  receivedAt: z.string(),
  status: z.enum(['accepted', 'rejected']),
  errorCount: z.number().int(),
  /** A refused file's first error, where it is and what it says, for the reminder that asks for it again. */
  firstError: z.string().nullable().default(null),
  reportKey: z.string(),
  /** The event order of the upload: the newest accepted upload of a kind is the current one. */
  order: z.string(),
  summary: EvidenceSummary.nullable().default(null),
  source: SourceRef,
});
export type EvidenceRecord = z.infer<typeof EvidenceRecord>;

/**
 * `pending`: the value reaches its target but evidence the indicator needs is not due yet (or a
 * document-scored indicator can still be completed before its deadline); `no_target`: a value and no
 * target to judge it against.
 */
export const IndicatorStatus = z.enum(['met', 'not_met', 'pending', 'not_targeted', 'neutralised', 'no_data', 'no_target']);
export type IndicatorStatus = z.infer<typeof IndicatorStatus>;

export const TargetSource = z.enum(['establishment', 'exception', 'region', 'all', 'default']);

export const ResultTarget = z.object({ comparator: Comparator, value: z.number(), source: TargetSource });
export type ResultTarget = z.infer<typeof ResultTarget>;

/**
 * MO's hors-AMM argumentation against ATIH's I999 prescriptions of the campaigns' semesters, per UCD
 * (units argued capped at units prescribed): what is covered, what the establishment still has to
 * argue, what it argued that ATIH does not show, and what it declared AMM miroir or excluded.
 */
export const ArgumentationCoverage = z.object({
  campaigns: z.array(Campaign),
  /** Campaigns whose semester has no usable ATIH data, and why. */
  withoutData: z.array(z.object({ campaign: Campaign, reason: z.string() })),
  prescribed: z.object({ units: z.number(), lines: z.number().int(), codes: z.number().int() }),
  covered: z.object({ units: z.number(), codes: z.number().int() }),
  notArgued: z.array(z.object({ campaign: Campaign, ucd: z.string(), units: z.number() })),
  notInAtih: z.array(z.object({ campaign: Campaign, ucd: z.string(), units: z.number() })),
  /** Lines declared AMM miroir: coding corrections to make in the PMSI (I997), not arguments. */
  ammMiroir: z.object({ lines: z.number().int(), items: z.array(z.object({ campaign: Campaign, ucd: z.string(), code: z.string() })) }),
  exclusions: z.object({ lines: z.number().int(), items: z.array(z.object({ campaign: Campaign, ucd: z.string(), reason: z.string().nullable() })) }),
});
export type ArgumentationCoverage = z.infer<typeof ArgumentationCoverage>;

/** One measured part of an indicator (MO: the I999 share, the share of hors-AMM lines argued). */
export const ResultComponent = z.object({
  id: z.string(),
  label: z.string(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  value: z.number().nullable(),
  unit: z.enum(['%', 'points']),
  target: ResultTarget.nullable(),
  status: IndicatorStatus,
  note: z.string().nullable(),
  /** MO's share argued: the detail per UCD. */
  coverage: ArgumentationCoverage.optional(),
});
export type ResultComponent = z.infer<typeof ResultComponent>;

/** Where one document the indicator needs stands, for one deadline of the calendar (or none). */
export const EvidenceState = z.object({
  kind: DocumentKind,
  campaign: Campaign,
  deadline: z.string().nullable(),
  /** The deadline's date, or null when the calendar sets none for this document. */
  due: IsoDate.nullable(),
  status: z.enum(['in_time', 'late', 'refused', 'missing', 'awaited']),
  fileName: z.string().nullable(),
  receivedAt: z.string().nullable(),
  /** A strict deadline's accepted upload received after its day: kept, shown, and not counted. */
  lateFile: z.object({ fileName: z.string(), receivedAt: z.string() }).optional(),
});
export type EvidenceState = z.infer<typeof EvidenceState>;

/** A coding or data anomaly found while computing an indicator, in French for OMéDIT. */
export const Anomaly = z.object({
  code: z.enum(['missing-indication', 'invalid-indication', 'invalid-ucd', 'ucd-cost', 'amount-jump']),
  message: z.string(),
});
export type Anomaly = z.infer<typeof Anomaly>;

/** An indicator computed for one site (`scope: site`) or for a whole multi-site contract. */
export const IndicatorResult = z.object({
  region: Region,
  year: z.number().int(),
  indicator: IndicatorCode,
  scope: z.enum(['site', 'contract']),
  finess: Finess.nullable(),
  contrat: z.string(),
  name: z.string(),
  categorie: z.enum(['ex-DG', 'ex-OQN']).nullable(),
  measure: z.enum(['ratio', 'growth', 'points', 'documents']),
  /** A ratio's numerator and denominator; a growth's measure of the year and of the reference period; points and their maximum. */
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  value: z.number().nullable(),
  unit: z.enum(['%', 'points']),
  /** The CPAM period the value covers (`2025`, or one semester when only one was given). */
  period: z.string().nullable(),
  /** Where the value comes from. */
  source: z.enum(['cpam', 'open_phmev', 'atih', 'evidence']).nullable(),
  /** CPAM's own value when it gave one, and whether it agrees with numerator/denominator. */
  cpam: z.object({ value: z.number(), agrees: z.boolean() }).nullable(),
  /** The same indicator measured on Open PHMEV when CPAM's extract gives it: both shown, a difference beyond the tolerance flagged. */
  comparison: z
    .object({ source: z.literal('open_phmev'), value: z.number().nullable(), difference: z.number().nullable(), flagged: z.boolean() })
    .nullable(),
  amounts: z.object({ total: z.number(), horsAmm: z.number() }).nullable(),
  target: ResultTarget.nullable(),
  status: IndicatorStatus,
  /** Why the status is what it is, when it is not plain (neutralised, no data, evidence awaited…). */
  note: z.string().nullable(),
  components: z.array(ResultComponent),
  evidence: z.array(EvidenceState),
  anomalies: z.array(Anomaly),
  /** MO: the treatment initiations collected over the year's campaigns, with patients per DCI (most first). */
  initiations: z.object({ initiations: z.number().int(), patients: z.number().int(), byDci: z.array(z.object({ dci: z.string(), patients: z.number().int() })).optional() }).nullable(),
  /** The share of a regional budget (MO incentive, DMI budget) this site or contract gets, in euros. */
  allocation: z
    .object({
      budget: z.enum(['interessement_mo', 'budget_dmi']),
      amount: z.number(),
      rule: z.string(),
      /** The split is "prévisionnel" while any share of the budget depends on a `pending` status; final once none does. */
      provisional: z.boolean().optional(),
      /** This row's share depends on a status still `pending`: undecided, counted as if it succeeded. */
      undecided: z.boolean().optional(),
    })
    .nullable(),
  inputs: z.array(SourceRef),
});
export type IndicatorResult = z.infer<typeof IndicatorResult>;

/** Per region and year, the totals of the seed's ATIH table. */
export const RegionMoTotals = z.object({
  region: Region,
  year: z.number().int(),
  totalUcd: z.number(),
  totalAmount: z.number(),
  i999Ucd: z.number(),
  i999Amount: z.number(),
  share: z.number().nullable(),
  /** The factor by which the valued total changed since the year before, when it is out of line. */
  amountJump: z.number().nullable(),
});
export type RegionMoTotals = z.infer<typeof RegionMoTotals>;

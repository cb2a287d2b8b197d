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
  campaign: Campaign,
  id: z.string().regex(/^[a-z0-9_]+$/),
  date: IsoDate,
  indicator: IndicatorCode.nullable(),
  documents: z.array(DocumentKind),
  label: z.string().min(1),
});
export type Deadline = z.infer<typeof Deadline>;

/** Where a fact or a result came from: the S3 object and the identity of the version read. */
export const SourceRef = z.object({
  key: z.string(),
  version: z.string(),
});
export type SourceRef = z.infer<typeof SourceRef>;

/** Liste en sus dispensations of one establishment and year, summed from an ATIH extract. */
export const MoFact = z.object({
  region: Region,
  finess: Finess,
  year: z.number().int(),
  totalUcd: z.number(),
  totalAmount: z.number(),
  i999Ucd: z.number(),
  i999Amount: z.number(),
  i997Ucd: z.number(),
  lines: z.number().int(),
  source: SourceRef,
});
export type MoFact = z.infer<typeof MoFact>;

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
  reportKey: z.string(),
  source: SourceRef,
});
export type EvidenceRecord = z.infer<typeof EvidenceRecord>;

export const IndicatorStatus = z.enum(['met', 'not_met', 'not_targeted', 'neutralised', 'no_data']);
export type IndicatorStatus = z.infer<typeof IndicatorStatus>;

export const TargetSource = z.enum(['establishment', 'region', 'all', 'default']);

/** An indicator computed for one site (`scope: site`) or for a whole multi-site contract. */
export const IndicatorResult = z.object({
  region: Region,
  year: z.number().int(),
  indicator: IndicatorCode,
  scope: z.enum(['site', 'contract']),
  finess: Finess.nullable(),
  contrat: z.string(),
  name: z.string(),
  numerator: z.number().nullable(),
  denominator: z.number().nullable(),
  value: z.number().nullable(),
  unit: z.literal('%'),
  amounts: z.object({ total: z.number(), horsAmm: z.number() }).nullable(),
  target: z
    .object({ comparator: Comparator, value: z.number(), source: TargetSource })
    .nullable(),
  status: IndicatorStatus,
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
});
export type RegionMoTotals = z.infer<typeof RegionMoTotals>;

import { z } from 'zod';
import { DEFAULT_NEUTRALISED } from './catalogue';
import { DEFAULT_REMINDER_OFFSETS } from './reminders';
import { IndicatorCode, Region } from './schemas';

export const MoIncentiveRule = z.enum(['prorata_montant', 'prorata_ucd', 'egal']);
export type MoIncentiveRule = z.infer<typeof MoIncentiveRule>;
export const DmiBudgetRule = z.enum(['points_x_dmi', 'points', 'egal']);
export type DmiBudgetRule = z.infer<typeof DmiBudgetRule>;

/**
 * What `referential/parametres-<year>.csv` may set, for every region (`region` empty) or one. Each
 * name is the `parametre` column's value.
 */
export const ParameterValues = z
  .object({
    /** The regional amount of the MO incentive (intéressement), in euros. */
    budget_interessement_mo: z.number().nonnegative(),
    regle_interessement_mo: MoIncentiveRule,
    /** The regional DMI budget, in euros. */
    budget_dmi: z.number().nonnegative(),
    regle_dmi: DmiBudgetRule,
    /**
     * Indicators OMéDIT's page suggests neutralising for private ex-OQN establishments: a suggestion
     * only, a neutralisation is OMéDIT's, per establishment, in `ciblage` (issue 18).
     */
    neutralisation_ex_oqn: z.array(IndicatorCode),
    /** For how many years an accepted DMI mapping counts ("Pas à refaire OBLIGATOIREMENT tous les ans"): absent, it stays valid. */
    validite_cartographie_dmi: z.number().int().positive(),
    /** An establishment's liste en sus amount that changes by more than this factor in a year is an anomaly. */
    facteur_saut_montant: z.number().gt(1),
    /** A site's cost per UCD beyond this factor of the region's median for the same UCD is an anomaly (stay-level data). */
    facteur_cout_ucd: z.number().gt(1),
    /** How far CPAM's value may be from numerator/denominator, in points of %. */
    tolerance_cpam: z.number().nonnegative(),
    /** The reminder steps, in days from a deadline: negative before, positive after. */
    etapes_relance: z.array(z.number().int()).min(1),
    /** Where OMéDIT's digest of each reminder run goes (a region's own team). */
    emails_omedit: z.array(z.email()).min(1),
    /** How far Open PHMEV's value may be from CPAM's for the same indicator before it is flagged, in points of %. */
    tolerance_open_phmev: z.number().nonnegative(),
  })
  .partial();
export type ParameterValues = z.infer<typeof ParameterValues>;
export type ParameterName = keyof ParameterValues;
export const PARAMETER_NAMES = Object.keys(ParameterValues.shape) as ParameterName[];

export const ParameterSet = z.object({ year: z.number().int(), region: Region.nullable(), values: ParameterValues });
export type ParameterSet = z.infer<typeof ParameterSet>;

/** The settings a region's computation uses for a year. */
export interface RegionSettings {
  moIncentive: { budget: number | null; rule: MoIncentiveRule };
  dmiBudget: { budget: number | null; rule: DmiBudgetRule };
  /** A suggestion for ex-OQN sites on OMéDIT's page, never applied by itself. */
  suggestedNeutralisations: readonly IndicatorCode[];
  /** Years a DMI mapping counts, its own included; null: it stays valid. */
  dmiMappingValidity: number | null;
  amountJumpFactor: number;
  ucdCostFactor: number;
  cpamTolerance: number;
  phmevTolerance: number;
  reminderOffsets: readonly number[];
  /** Null: the deployment's reply-to address (OMéDIT's) gets the digest. */
  digestTo: readonly string[] | null;
}

export const DEFAULT_SETTINGS: RegionSettings = {
  moIncentive: { budget: null, rule: 'prorata_montant' },
  dmiBudget: { budget: null, rule: 'points_x_dmi' },
  suggestedNeutralisations: DEFAULT_NEUTRALISED,
  dmiMappingValidity: null,
  amountJumpFactor: 3,
  ucdCostFactor: 2,
  cpamTolerance: 0.1,
  phmevTolerance: 1,
  reminderOffsets: DEFAULT_REMINDER_OFFSETS,
  digestTo: null,
};

/** A region's settings for a year: its own values over those for every region over the defaults. */
export function settingsFor(sets: readonly ParameterSet[], region: string, year: number): RegionSettings {
  const own = sets.filter((s) => s.year === year);
  const v: ParameterValues = { ...own.find((s) => s.region === null)?.values, ...own.find((s) => s.region === region)?.values };
  return {
    moIncentive: { budget: v.budget_interessement_mo ?? null, rule: v.regle_interessement_mo ?? DEFAULT_SETTINGS.moIncentive.rule },
    dmiBudget: { budget: v.budget_dmi ?? null, rule: v.regle_dmi ?? DEFAULT_SETTINGS.dmiBudget.rule },
    suggestedNeutralisations: v.neutralisation_ex_oqn ?? DEFAULT_SETTINGS.suggestedNeutralisations,
    dmiMappingValidity: v.validite_cartographie_dmi ?? DEFAULT_SETTINGS.dmiMappingValidity,
    amountJumpFactor: v.facteur_saut_montant ?? DEFAULT_SETTINGS.amountJumpFactor,
    ucdCostFactor: v.facteur_cout_ucd ?? DEFAULT_SETTINGS.ucdCostFactor,
    cpamTolerance: v.tolerance_cpam ?? DEFAULT_SETTINGS.cpamTolerance,
    phmevTolerance: v.tolerance_open_phmev ?? DEFAULT_SETTINGS.phmevTolerance,
    reminderOffsets: v.etapes_relance ?? DEFAULT_SETTINGS.reminderOffsets,
    digestTo: v.emails_omedit ?? DEFAULT_SETTINGS.digestTo,
  };
}

import type { CpamFact, Deadline, DmiFact, Establishment, EvidenceSummary, MoFact, Objective, PhmevFact, Targeting } from '../domain/schemas';
import type { ParameterSet } from '../domain/settings';

/**
 * What an accepted file gives the pipeline. `notes` say, in French, how the file was read where the
 * reader made a choice the user should know of (how a code was read, data kept at entity level);
 * they are shown in the validation report. Each kind of file produces one of these; the pipeline
 * stores them by type, so a new kind that produces an existing type needs no change elsewhere.
 */
export type FileOutput =
  | { type: 'establishments'; establishments: Establishment[] }
  | { type: 'targetings'; year: number; targetings: Targeting[] }
  | { type: 'objectives'; year: number; objectives: Objective[] }
  | { type: 'calendar'; year: number; deadlines: Deadline[] }
  | { type: 'parameters'; year: number; sets: ParameterSet[] }
  | { type: 'mo-facts'; facts: MoFact[]; notes?: string[] }
  | { type: 'phmev-facts'; facts: PhmevFact[]; notes?: string[] }
  | { type: 'dmi-facts'; facts: DmiFact[]; notes?: string[] }
  | { type: 'cpam-facts'; facts: CpamFact[] }
  | { type: 'evidence'; summary: EvidenceSummary };

import type { CpamFact, Deadline, Establishment, EvidenceSummary, MoFact, Objective, Targeting } from '../domain/schemas';
import type { ParameterSet } from '../domain/settings';

/**
 * What an accepted file gives the pipeline. Each kind of file produces one of these; the pipeline
 * stores them by type, so a new kind that produces an existing type needs no change elsewhere.
 */
export type FileOutput =
  | { type: 'establishments'; establishments: Establishment[] }
  | { type: 'targetings'; year: number; targetings: Targeting[] }
  | { type: 'objectives'; year: number; objectives: Objective[] }
  | { type: 'calendar'; year: number; deadlines: Deadline[] }
  | { type: 'parameters'; year: number; sets: ParameterSet[] }
  | { type: 'mo-facts'; facts: MoFact[] }
  | { type: 'cpam-facts'; facts: CpamFact[] }
  | { type: 'evidence'; summary: EvidenceSummary };

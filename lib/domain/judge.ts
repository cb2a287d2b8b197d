import type { Measure } from './catalogue';
import { formatFrenchDate } from '../io/french';
import type { EvidenceState, IndicatorStatus, ResultComponent, ResultTarget } from './schemas';
import { meetsTarget } from './targets';

export interface Judged {
  status: IndicatorStatus;
  note: string | null;
}

export interface JudgeInputs {
  targeted: boolean;
  /** Why OMéDIT neutralised the indicator for this establishment (its list), or null. */
  neutralised: string | null;
  measure: Measure;
  value: number | null;
  target: ResultTarget | null;
  /** Why there is no value, when there is none. */
  noDataNote: string | null;
  components: readonly ResultComponent[];
  /** Evidence the indicator needs: `open` while something can still come in time. */
  gate: 'ok' | 'open' | 'failed';
  evidence: readonly EvidenceState[];
  /** A reference shown beside a value that has no target (the 2017 rates), never used to judge it. */
  reference?: string | null;
}

function firstOpen(evidence: readonly EvidenceState[]): string {
  const dates = evidence.filter((e) => e.status !== 'in_time' && e.due !== null).map((e) => e.due as string).sort();
  return dates[0] ? ` (échéance le ${formatFrenchDate(dates[0])})` : '';
}

/**
 * A document-made indicator with no target (PHARMACIE_CLINIQUE): the seeds name the tool, the ANAP
 * self-diagnosis, not a score, so what is judged is the document returned and accepted in time.
 */
function byReturn(i: JudgeInputs): Judged {
  if (i.gate === 'ok') return { status: 'met', note: 'autodiagnostic ANAP retourné et accepté dans les délais : c’est ce qui est jugé, les sources ne fixant pas de score' };
  if (i.gate === 'open') return { status: 'pending', note: `autodiagnostic ANAP attendu${firstOpen(i.evidence)} : c’est son retour dans les délais qui est jugé` };
  return { status: 'not_met', note: 'autodiagnostic ANAP non retourné ou non accepté dans les délais : c’est ce qui est jugé' };
}

/**
 * The status of an indicator and why, in one place for every indicator:
 * not targeted, then neutralised (never shown as failed, with OMéDIT's reason), then no data or no
 * target (a 2017 reference shown beside, never judged; a document-made indicator judged on its
 * return in time); a value that
 * misses its target (or a component that does) is not met, unless it is made of documents that can
 * still come in time (pending); a value that reaches it is met only once the evidence the indicator
 * needs was returned and accepted in time (pending before, not met after), and once every part of it
 * is reached (a part that can still be completed in time, or not measurable yet, keeps it pending).
 */
export function judge(i: JudgeInputs): Judged {
  if (!i.targeted) return { status: 'not_targeted', note: null };
  if (i.neutralised !== null) return { status: 'neutralised', note: `neutralisé : ${i.neutralised}` };
  if (i.value === null) return { status: 'no_data', note: i.noDataNote };
  if (i.target === null) {
    if (i.measure === 'documents') return byReturn(i);
    return { status: 'no_target', note: `aucun objectif fixé pour cet indicateur (objectifs-AAAA.csv)${i.reference ? ` ; ${i.reference}` : ''}` };
  }
  const failedComponent = i.components.find((c) => c.status === 'not_met');
  const reached = meetsTarget(i.value, i.target) && !failedComponent;
  const documentMade = i.measure === 'points' || i.measure === 'documents';
  if (!reached) {
    if (documentMade && i.gate === 'open') return { status: 'pending', note: `éléments de preuve encore attendus${firstOpen(i.evidence)}` };
    return { status: 'not_met', note: failedComponent ? `${failedComponent.label} : objectif non atteint` : null };
  }
  if (i.gate === 'failed') return { status: 'not_met', note: 'élément de preuve non reçu ou non accepté à temps' };
  if (i.gate === 'open') return { status: 'pending', note: `objectif atteint, éléments de preuve attendus${firstOpen(i.evidence)}` };
  const pendingComponent = i.components.find((c) => c.status === 'pending');
  if (pendingComponent) return { status: 'pending', note: `${pendingComponent.label} : encore en attente` };
  // A part that cannot be measured yet (MO's share argued without ATIH data for the semester) is
  // never taken as reached: the indicator waits for it. Parts shown for information have no target.
  const unmeasured = i.components.find((c) => c.status === 'no_data' && c.target !== null);
  if (unmeasured) return { status: 'pending', note: `${unmeasured.label} : pas encore mesurable${unmeasured.coverage?.withoutData[0] ? ` (${unmeasured.coverage.withoutData[0].reason})` : ''}` };
  return { status: 'met', note: null };
}

/** The worst of several evidence gates: a contract is as far as its least advanced site. */
export function worstGate(gates: readonly ('ok' | 'open' | 'failed')[]): 'ok' | 'open' | 'failed' {
  if (gates.includes('failed')) return 'failed';
  if (gates.includes('open')) return 'open';
  return 'ok';
}

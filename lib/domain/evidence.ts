import { campaignYear } from './campaign';
import { todayOf } from './clock';
import { CATALOGUE } from './catalogue';
import type { Deadline, DocumentKind, EvidenceRecord, EvidenceState, IndicatorCode } from './schemas';

/** One document owed for an indicator: for a deadline of the calendar, or, with none, for the year. */
export interface Requirement {
  kind: DocumentKind;
  campaign: string;
  deadline: string | null;
  due: string | null;
  /** A "délai de rigueur": what comes after its day is kept and shown, never counted. */
  strict: boolean;
}

/**
 * Whether a deadline is a "délai de rigueur": as the calendar's `rigueur` column says, else strict
 * when it asks for the hors-AMM argumentation (seed 000: "Délai de rigueur pour le retour de
 * l’argumentaire des prescriptions hors-AMM S2 2025 : 21/03/2026").
 */
export function isStrict(deadline: Pick<Deadline, 'strict' | 'documents'>): boolean {
  return deadline.strict ?? deadline.documents.includes('argumentaire_hors_amm');
}

/**
 * The deadline by which a year's evidence must be in when the calendar sets none for a document: the
 * self-evaluation report's, which also locks that report and the year's evidence (self-evaluation.ts).
 */
export const ANNUAL_DEADLINE = 'auto_evaluation';

/**
 * What an establishment owes for one indicator over a year's campaigns: the documents of every
 * calendar row naming the indicator (or every indicator), and the documents the indicator is made of
 * that no row asks for, due with the year's self-evaluation (the IDF FAQ: every piece of evidence
 * before the end of March) or, without that deadline either, whenever it comes.
 */
export function requirementsFor(indicator: IndicatorCode, year: number, deadlines: readonly Deadline[], madeOf: readonly DocumentKind[]): Requirement[] {
  const rows = deadlines.filter((d) => d.year === year && (d.indicator === null || d.indicator === indicator));
  // A row naming the indicator is more precise than a row for every indicator: its date wins for the
  // same document, whatever the order of the rows.
  const named = new Set(rows.filter((r) => r.indicator !== null).flatMap((r) => r.documents.map((kind) => `${r.campaign}#${r.id}#${kind}`)));
  const out: Requirement[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const kind of row.documents) {
      const id = `${row.campaign}#${row.id}#${kind}`;
      if (seen.has(id) || (row.indicator === null && named.has(id))) continue;
      seen.add(id);
      out.push({ kind, campaign: row.campaign, deadline: row.id, due: row.date, strict: isStrict(row) });
    }
  }
  const annual = deadlines.find((d) => d.year === year && d.id === ANNUAL_DEADLINE);
  for (const kind of madeOf) {
    if (out.some((r) => r.kind === kind)) continue;
    out.push({ kind, campaign: String(year), deadline: annual?.id ?? null, due: annual?.date ?? null, strict: annual ? isStrict(annual) : false });
  }
  return out;
}

/**
 * The uploads that answer a requirement, oldest first: of its kind, in its campaign, or in any
 * campaign of the year for a yearly requirement.
 */
export function uploadsFor(requirement: Pick<Requirement, 'kind' | 'campaign'>, uploads: readonly EvidenceRecord[]): EvidenceRecord[] {
  const { kind, campaign } = requirement;
  return uploads
    .filter((u) => u.kind === kind && (u.campaign === campaign || (campaign.length === 4 && campaignYear(u.campaign) === Number(campaign))))
    .sort((a, b) => a.order.localeCompare(b.order));
}

/** The Paris calendar day an upload was received: a deadline's day counts until midnight in Paris. */
export function receivedDay(record: Pick<EvidenceRecord, 'receivedAt'>): string {
  return todayOf(record.receivedAt);
}

/**
 * Where each requirement stands for one establishment as of `today`: an accepted upload of its kind
 * (in its campaign, or any campaign of the year for a yearly requirement) received by the due date is
 * `in_time`, after it `late`; only refused uploads give `refused`; nothing gives `missing` once the
 * date has passed, `awaited` before. For a strict deadline the file shown is the last one accepted in
 * time (the one that counts), and an accepted file received after it is named as `lateFile`.
 */
export function evidenceStates(requirements: readonly Requirement[], uploads: readonly EvidenceRecord[], today: string): EvidenceState[] {
  return requirements.map((r) => {
    const mine = uploadsFor(r, uploads);
    const accepted = mine.filter((u) => u.status === 'accepted');
    const inTimeAll = accepted.filter((u) => r.due === null || receivedDay(u) <= r.due);
    const inTime = r.strict ? inTimeAll.at(-1) : inTimeAll[0];
    const lateAfter = r.strict && r.due !== null ? accepted.filter((u) => receivedDay(u) > (r.due as string)).at(-1) : undefined;
    const chosen = inTime ?? accepted[0] ?? mine.at(-1) ?? null;
    let status: EvidenceState['status'];
    if (inTime) status = 'in_time';
    else if (accepted.length > 0) status = 'late';
    else if (mine.length > 0) status = 'refused';
    else status = r.due !== null && today > r.due ? 'missing' : 'awaited';
    return {
      kind: r.kind,
      campaign: r.campaign,
      deadline: r.deadline,
      due: r.due,
      status,
      fileName: chosen?.fileName ?? null,
      receivedAt: chosen?.receivedAt ?? null,
      ...(lateAfter ? { lateFile: { fileName: lateAfter.fileName, receivedAt: lateAfter.receivedAt } } : {}),
    };
  });
}

/**
 * What the evidence allows an indicator: `ok` when everything was returned in time, `failed` once a
 * document is late or its date has passed without an accepted one, `open` while something can still
 * come in time.
 */
export function evidenceGate(states: readonly EvidenceState[], today: string): 'ok' | 'open' | 'failed' {
  const overdue = (s: EvidenceState) => s.due !== null && today > s.due;
  if (states.some((s) => s.status === 'late' || s.status === 'missing' || (s.status === 'refused' && overdue(s)))) return 'failed';
  if (states.some((s) => s.status !== 'in_time')) return 'open';
  return 'ok';
}

/**
 * The day after which an upload of `kind` for `campaign` no longer counts: the earliest strict
 * deadline of that campaign asking for it, or null.
 */
export function strictCutOff(kind: DocumentKind, campaign: string, deadlines: readonly Deadline[]): string | null {
  const days = deadlines.filter((d) => d.campaign === campaign && d.documents.includes(kind) && isStrict(d)).map((d) => d.date);
  return days.length ? days.sort()[0]! : null;
}

/**
 * The current upload of each kind and campaign: the newest accepted one (by event order), which a
 * corrected file replaces without erasing the earlier record; for a strict deadline ("délai de
 * rigueur"), the newest accepted by the end of its day (Paris time): a later one is kept, not counted.
 */
export function currentEvidence(records: readonly EvidenceRecord[], deadlines: readonly Deadline[] = []): EvidenceRecord[] {
  const current = new Map<string, EvidenceRecord>();
  for (const r of records) {
    if (r.status !== 'accepted') continue;
    const cutOff = strictCutOff(r.kind, r.campaign, deadlines);
    if (cutOff !== null && receivedDay(r) > cutOff) continue;
    const id = `${r.finess}#${r.campaign}#${r.kind}`;
    const known = current.get(id);
    if (!known || known.order < r.order) current.set(id, r);
  }
  return [...current.values()];
}

/**
 * The indicators of a year that an upload of `kind` can change: those made of it or reading it, and
 * those the calendar asks it for; all of them (undefined) when a calendar row asks it for every
 * indicator.
 */
export function indicatorsUsing(kind: DocumentKind, year: number, deadlines: readonly Deadline[]): IndicatorCode[] | undefined {
  const rows = deadlines.filter((d) => d.year === year && d.documents.includes(kind));
  if (rows.some((d) => d.indicator === null)) return undefined;
  const codes = new Set<IndicatorCode>(rows.map((d) => d.indicator).filter((c): c is IndicatorCode => c !== null));
  for (const d of CATALOGUE.values()) if (d.evidence.includes(kind) || d.reads.includes(kind)) codes.add(d.code);
  return [...codes];
}

import { z } from 'zod';
import { CATALOGUE, type IndicatorDefinition } from '../domain/catalogue';
import {
  IndicatorResult,
  IndicatorStatus,
  INDICATOR_CODES,
  Region,
  RegionMoTotals,
  type DocumentKind,
  type ResultTarget,
  type EvidenceState,
  type IndicatorCode,
} from '../domain/schemas';
import { FinalResult, REPORT_STATUSES } from '../domain/self-evaluation';
import { formatFrenchDate } from '../io/french';
import {
  DMI_STATE_LABELS,
  documentKindLabel,
  EVIDENCE_STATUS_LABELS,
  eurosLabel,
  INDICATOR_SHEET_NAMES,
  objectiveLabel,
  parisDay,
  valueLabel,
} from './labels';
import { addByDci, jumpFactor } from '../domain/mo';

/**
 * One contract's report for one indicator, as the summary lists the region's self-evaluation
 * reports: what the establishment declared, what was computed, what OMéDIT evaluated
 * (lib/report/self-evaluation-view.ts `reportSummaryRows`).
 */
export const ReportSummaryRow = z.object({
  contrat: z.string(),
  /** The contract's sites, by name. */
  sites: z.string(),
  indicator: z.enum(INDICATOR_CODES),
  status: z.enum(REPORT_STATUSES),
  /** The establishment's own view of the objective. */
  selfAssessment: z.enum(['met', 'not_met']).nullable(),
  /** Its declared value in the indicator's unit (DMI: the points of its two answers). */
  declared: z.number().nullable(),
  computedValue: z.number().nullable(),
  computedStatus: IndicatorStatus.nullable(),
  evaluatedValue: z.number().nullable(),
  evaluatedStatus: IndicatorStatus.nullable(),
  /** Comments, from the establishment's page and OMéDIT's: text from users. */
  evaluationComment: z.string(),
  final: FinalResult.nullable(),
  finalComment: z.string(),
});
export type ReportSummaryRow = z.infer<typeof ReportSummaryRow>;

/**
 * What a regional summary is built from: one region, one campaign year, its results and the year
 * before's (the evolution), the region's ATIH totals of every year, the budgets to split, and where
 * each contract's self-evaluation report stands.
 */
export const SummaryInput = z.object({
  /** Region short name, e.g. `PACA`. */
  region: Region,
  /** Campaign year, e.g. 2025. */
  year: z.number().int(),
  /**
   * ISO timestamp of the generation: shown as dd/mm/yyyy (Europe/Paris), stored as the files' dates,
   * and the day evidence is judged against (results are computed for that day just before).
   */
  generatedAt: z.string().refine((s) => !Number.isNaN(new Date(s).getTime()), 'generatedAt is not a valid ISO timestamp'),
  /** Results of that region and year, scope `site` and `contract`; others are left out. */
  results: z.array(IndicatorResult),
  /** Results of the year before: the evolution against the previous period. */
  previousResults: z.array(IndicatorResult).default([]),
  /** The region's ATIH totals, one per year. */
  regionTotals: z.array(RegionMoTotals),
  /** The regional budgets of `parametres-<year>.csv`, in euros, null when none is set. */
  budgets: z
    .object({ interessement_mo: z.number().nonnegative().nullable(), budget_dmi: z.number().nonnegative().nullable() })
    .default({ interessement_mo: null, budget_dmi: null }),
  /** One row per contract and targeted indicator of the year's self-evaluation reports. */
  reports: z.array(ReportSummaryRow).default([]),
});
export type SummaryInput = z.input<typeof SummaryInput>;

/** How many documents owed stand where, over a set of (establishment, document) pairs. */
export interface EvidenceCounts {
  owed: number;
  inTime: number;
  late: number;
  refused: number;
  missing: number;
  awaited: number;
}

/** One row of an indicator table: a site or a multi-site contract. */
export interface SummaryRow {
  result: IndicatorResult;
  /** The name shown: the site's, or `Contrat X (ensemble des sites)`. */
  label: string;
  /** A site not targeted on this indicator, shown for information only. */
  informative: boolean;
  /** The same indicator's value the year before, in its unit. */
  previous: number | null;
  /** The change since then in points (of % or of DMI points); null for a growth, itself a change. */
  change: number | null;
  evidence: EvidenceCounts;
  /** Each document owed and where it stands, in French (file names as the uploads gave them). */
  evidenceDetail: string;
  /** Why the status is what it is, and what a reader should know about the value, in French. */
  remark: string | null;
}

/** One indicator of the region's year. */
export interface IndicatorSection {
  code: IndicatorCode;
  definition: IndicatorDefinition;
  sheet: string;
  /** Targeted sites, then targeted contracts, then sites not targeted that have a value. */
  rows: SummaryRow[];
  /** Targeted sites (contracts are not counted: their sites are). */
  targeted: number;
  statuses: Record<IndicatorStatus, number>;
  evidence: EvidenceCounts;
  /** The target(s) of the targeted sites, in French: one, or each with how many sites have it. */
  targetText: string;
  /** The target most targeted sites have (the region's, usually), for a chart's reference line. */
  mainTarget: ResultTarget | null;
}

/** The documents a targeted site owes over every indicator, each counted once. */
export interface EstablishmentEvidence {
  name: string;
  finess: string;
  counts: EvidenceCounts;
  /** Documents missing, refused or late, in French. */
  outstanding: string;
  /** The next date something is still awaited for, ISO. */
  nextDue: string | null;
}

/** Where one establishment's DMI document stands, in the seed's results layout. */
export type DmiDocumentState = keyof typeof DMI_STATE_LABELS;

/**
 * The seed's DMI results layout: action plan not sent / partly / fully filled, audit not sent /
 * done. Whether a plan is partly filled is OMéDIT's judgement (its review comes later): every plan
 * sent counts as fully filled until then, and `partly` stays 0.
 */
export interface DmiResults {
  targeted: number;
  /** Targeted sites that sent at least one DMI document. */
  answered: number;
  plan: { notSent: number; partly: number; fully: number; late: number; awaited: number };
  audit: { notSent: number; done: number; late: number; awaited: number };
  /** Per targeted site: its mapping, plan and audit. */
  sites: { row: SummaryRow; cartographie: DmiDocumentState; plan: DmiDocumentState; audit: DmiDocumentState }[];
}

/** A regional budget split among the sites, with its rule; the shares add up to the budget. */
export interface BudgetSplit {
  budget: 'interessement_mo' | 'budget_dmi';
  indicator: IndicatorCode;
  /** The regional amount, null when `parametres-<year>.csv` sets none. */
  amount: number | null;
  /** The rule as the computation applied it, in French. */
  rule: string | null;
  /**
   * Every targeted site, with its share (0 when not eligible) and the status that decided it: MO
   * pays the sites of a contract that met MO as a whole, so a multi-site contract's status.
   */
  rows: { row: SummaryRow; share: number; status: IndicatorStatus }[];
  /** The shares added up, to the cent. */
  total: number;
  /** "prévisionnel" while a share depends on a `pending` status; final, to the cent, once none does. */
  provisional: boolean;
  /** The shares still undecided (counted as if their site succeeded) and whose they are. */
  undecided: { amount: number; names: string[] };
}

/** An MO anomaly of a site, or of the region's ATIH totals. */
export interface MoAnomalyRow {
  name: string;
  finess: string | null;
  code: string;
  message: string;
}

/** Everything the workbook, the page and the CSV show, derived once. */
/**
 * The treatment initiations collected outside the referential (MO), as the seed shows S1 2025:
 * establishments and initiations, per establishment, and the top 10 DCI by patients with their share.
 */
export interface InitiationsSummary {
  establishments: number;
  initiations: number;
  patients: number;
  sites: { name: string; finess: string; initiations: number; patients: number }[];
  /** At most 10, most patients first; `share` in % of the patients of every DCI. */
  topDci: { dci: string; patients: number; share: number }[];
}

export interface RegionSummary {
  region: string;
  year: number;
  generatedAt: string;
  /** The Paris day of the generation, ISO. */
  day: string;
  sections: IndicatorSection[];
  establishments: EstablishmentEvidence[];
  /** The region's ATIH totals, years ascending. */
  atih: RegionMoTotals[];
  moAnomalies: MoAnomalyRow[];
  initiations: InitiationsSummary;
  dmi: DmiResults;
  budgets: BudgetSplit[];
  reports: ReportSummaryRow[];
}

const byFrench = (a: string, b: string): number => a.localeCompare(b, 'fr', { sensitivity: 'base' });

function emptyCounts(): EvidenceCounts {
  return { owed: 0, inTime: 0, late: 0, refused: 0, missing: 0, awaited: 0 };
}

function count(states: readonly EvidenceState[]): EvidenceCounts {
  const c = emptyCounts();
  for (const s of states) {
    c.owed++;
    if (s.status === 'in_time') c.inTime++;
    else if (s.status === 'late') c.late++;
    else if (s.status === 'refused') c.refused++;
    else if (s.status === 'missing') c.missing++;
    else c.awaited++;
  }
  return c;
}

function addCounts(into: EvidenceCounts, c: EvidenceCounts): void {
  for (const k of Object.keys(into) as (keyof EvidenceCounts)[]) into[k] += c[k];
}

/** A document owed is one per campaign, deadline and kind, whichever indicators ask for it. */
const documentId = (s: EvidenceState): string => `${s.campaign}#${s.deadline ?? ''}#${s.kind}`;

function stateText(s: EvidenceState): string {
  const what = `${documentKindLabel(s.kind)} (${s.campaign})`;
  const received = s.receivedAt ? ` le ${formatFrenchDate(parisDay(s.receivedAt))}` : '';
  const file = s.fileName ? ` – ${s.fileName}` : '';
  if (s.status === 'in_time' || s.status === 'late') return `${what} : ${EVIDENCE_STATUS_LABELS[s.status]}${received}${file}`;
  if (s.status === 'refused') return `${what} : ${EVIDENCE_STATUS_LABELS.refused}${file}`;
  const due = s.due ? ` pour le ${formatFrenchDate(s.due)}` : '';
  return `${what} : ${EVIDENCE_STATUS_LABELS[s.status]}${due}`;
}

function remarkOf(result: IndicatorResult, definition: IndicatorDefinition): string | null {
  const parts: string[] = [];
  if (result.note) parts.push(result.note);
  if (result.cpam && !result.cpam.agrees) {
    parts.push(`valeur déclarée par la CPAM ${valueLabel(result.cpam.value, definition.measure)}, différente du calcul`);
  }
  if (result.comparison?.value != null) {
    const flagged = result.comparison.flagged && result.comparison.difference !== null;
    parts.push(`Open PHMEV : ${valueLabel(result.comparison.value, definition.measure)}${flagged ? ' (écart au-delà de la tolérance)' : ''}`);
  }
  return parts.length ? parts.join(' ; ') : null;
}

const rowId = (r: IndicatorResult): string => `${r.indicator}#${r.scope}#${r.scope === 'site' ? r.finess : r.contrat}`;

function sectionOf(definition: IndicatorDefinition, results: readonly IndicatorResult[], previous: ReadonlyMap<string, IndicatorResult>): IndicatorSection {
  const mine = results.filter((r) => r.indicator === definition.code);
  const toRow = (result: IndicatorResult): SummaryRow => {
    const before = previous.get(rowId(result));
    const previousValue = before?.value ?? null;
    return {
      result,
      label: result.scope === 'contract' ? `Contrat ${result.contrat} (ensemble des sites)` : result.name,
      informative: result.status === 'not_targeted',
      previous: previousValue,
      change: definition.measure !== 'growth' && result.value !== null && previousValue !== null ? result.value - previousValue : null,
      evidence: count(result.evidence),
      evidenceDetail: result.evidence.map(stateText).join(' ; '),
      remark: remarkOf(result, definition),
    };
  };
  const sites = mine.filter((r) => r.scope === 'site').sort((a, b) => byFrench(a.name, b.name) || (a.finess ?? '').localeCompare(b.finess ?? ''));
  const targetedSites = sites.filter((r) => r.status !== 'not_targeted');
  const contracts = mine.filter((r) => r.scope === 'contract' && r.status !== 'not_targeted').sort((a, b) => byFrench(a.contrat, b.contrat));
  const informative = sites.filter((r) => r.status === 'not_targeted' && r.value !== null);
  const rows = [...targetedSites, ...contracts, ...informative].map(toRow);

  const statuses = Object.fromEntries(IndicatorStatus.options.map((s) => [s, targetedSites.filter((r) => r.status === s).length])) as Record<IndicatorStatus, number>;
  const evidence = emptyCounts();
  for (const row of rows.filter((r) => r.result.scope === 'site' && !r.informative)) addCounts(evidence, row.evidence);

  const targets = new Map<string, { n: number; target: ResultTarget | null }>();
  for (const r of targetedSites) {
    const text = r.target ? objectiveLabel(r.target, definition.unit) : noTargetText(definition);
    targets.set(text, { n: (targets.get(text)?.n ?? 0) + 1, target: r.target });
  }
  const main = [...targets.values()].sort((a, b) => b.n - a.n)[0];
  const targetText = targets.size <= 1 ? ([...targets.keys()][0] ?? '–') : [...targets].map(([text, { n }]) => `${text} (${n} ES)`).join(', ');

  return { code: definition.code, definition, sheet: INDICATOR_SHEET_NAMES[definition.code], rows, targeted: targetedSites.length, statuses, evidence, targetText, mainTarget: main?.target ?? null };
}

/** What a site without a target is judged on, or the reference shown beside its value (issue 18). */
function noTargetText(definition: IndicatorDefinition): string {
  if (definition.measure === 'documents' && definition.targetNote) return definition.targetNote;
  return definition.reference ? `sans objectif (${definition.reference.text})` : 'sans objectif';
}

function establishmentsOf(sections: readonly IndicatorSection[], day: string): EstablishmentEvidence[] {
  const bySite = new Map<string, { name: string; states: Map<string, EvidenceState> }>();
  for (const section of sections) {
    for (const row of section.rows) {
      const r = row.result;
      if (r.scope !== 'site' || row.informative || r.finess === null) continue;
      const site = bySite.get(r.finess) ?? { name: r.name, states: new Map() };
      for (const s of r.evidence) if (!site.states.has(documentId(s))) site.states.set(documentId(s), s);
      bySite.set(r.finess, site);
    }
  }
  return [...bySite]
    .map(([finess, { name, states }]) => {
      const all = [...states.values()];
      const outstanding = all.filter((s) => s.status === 'missing' || s.status === 'refused' || s.status === 'late');
      const next = all
        .filter((s) => (s.status === 'awaited' || s.status === 'refused') && s.due !== null && s.due >= day)
        .map((s) => s.due as string)
        .sort()[0];
      return {
        name,
        finess,
        counts: count(all),
        outstanding: outstanding.map((s) => `${documentKindLabel(s.kind)} (${s.campaign}) : ${EVIDENCE_STATUS_LABELS[s.status]}`).join(' ; '),
        nextDue: next ?? null,
      };
    })
    .sort((a, b) => byFrench(a.name, b.name) || a.finess.localeCompare(b.finess));
}

/**
 * Where a site's documents of some kinds stand: sent when every one came (late when one came after
 * its date), not sent once one is missing or refused after its date, awaited before.
 */
function documentState(states: readonly EvidenceState[], kinds: readonly DocumentKind[], day: string): DmiDocumentState {
  const mine = states.filter((s) => kinds.includes(s.kind));
  if (mine.length > 0 && mine.every((s) => s.status === 'in_time' || s.status === 'late')) return mine.some((s) => s.status === 'late') ? 'late' : 'sent';
  const overdue = (s: EvidenceState) => s.status === 'missing' || (s.status === 'refused' && s.due !== null && s.due < day);
  return mine.some(overdue) ? 'not_sent' : 'awaited';
}

function dmiOf(section: IndicatorSection, day: string): DmiResults {
  const sites = section.rows
    .filter((r) => r.result.scope === 'site' && !r.informative)
    .map((row) => ({
      row,
      cartographie: documentState(row.result.evidence, ['cartographie_dmi'], day),
      plan: documentState(row.result.evidence, ['plan_actions_dmi'], day),
      audit: documentState(row.result.evidence, ['audit_dmi'], day),
    }));
  const sent = (s: DmiDocumentState) => s === 'sent' || s === 'late';
  const n = (pick: (s: (typeof sites)[number]) => boolean) => sites.filter(pick).length;
  return {
    targeted: sites.length,
    answered: n((s) => sent(s.cartographie) || sent(s.plan) || sent(s.audit)),
    plan: { notSent: n((s) => s.plan === 'not_sent'), partly: 0, fully: n((s) => sent(s.plan)), late: n((s) => s.plan === 'late'), awaited: n((s) => s.plan === 'awaited') },
    audit: { notSent: n((s) => s.audit === 'not_sent'), done: n((s) => sent(s.audit)), late: n((s) => s.audit === 'late'), awaited: n((s) => s.audit === 'awaited') },
    sites,
  };
}

function budgetOf(section: IndicatorSection, budget: BudgetSplit['budget'], amount: number | null): BudgetSplit {
  const rows = section.rows.filter((r) => r.result.scope === 'site' && !r.informative && r.result.allocation?.budget === budget);
  const cents = rows.reduce((a, r) => a + Math.round((r.result.allocation?.amount ?? 0) * 100), 0);
  const open = rows.filter((r) => r.result.allocation?.undecided === true);
  return {
    budget,
    indicator: section.code,
    amount,
    rule: rows[0]?.result.allocation?.rule ?? null,
    rows: rows.map((row) => ({
      row,
      share: row.result.allocation?.amount ?? 0,
      status: section.rows.find((c) => c.result.scope === 'contract' && c.result.contrat === row.result.contrat)?.result.status ?? row.result.status,
    })),
    total: cents / 100,
    provisional: rows.some((r) => r.result.allocation?.provisional === true),
    undecided: {
      amount: open.reduce((a, r) => a + Math.round((r.result.allocation?.amount ?? 0) * 100), 0) / 100,
      names: open.map((r) => r.label),
    },
  };
}

function moAnomaliesOf(section: IndicatorSection, atih: readonly RegionMoTotals[], region: string): MoAnomalyRow[] {
  const out: MoAnomalyRow[] = [];
  for (const t of atih) {
    if (t.amountJump === null) continue;
    const before = atih.find((b) => b.year === t.year - 1);
    out.push({
      name: `Région ${region} (ATIH)`,
      finess: null,
      code: 'amount-jump',
      message: `total valorisé passé de ${before ? eurosLabel(before.totalAmount) : '?'} en ${t.year - 1} à ${eurosLabel(t.totalAmount)} en ${t.year} (${jumpFactor(t.amountJump)}) : à vérifier avant toute comparaison`,
    });
  }
  for (const row of section.rows) {
    if (row.result.scope !== 'site') continue;
    for (const a of row.result.anomalies) out.push({ name: row.label, finess: row.result.finess, code: a.code, message: a.message });
  }
  return out;
}

/**
 * Derives everything a regional summary shows from its input, once, for the workbook, the page and
 * the CSV: per indicator its rows (with the previous year's value and the change), status and
 * evidence counts; evidence per establishment; the ATIH table and MO anomalies; the seed's DMI
 * results layout; the budgets split.
 *
 * @throws ZodError when the input does not match `SummaryInput` (an invalid `generatedAt` included).
 * @throws Error when the ATIH totals hold two entries for one year: which one is right cannot be decided here.
 * @example
 * const summary = summaryModel({ region: 'PACA', year: 2025, generatedAt: '2026-02-23T07:00:00Z', results: [], regionTotals: [] });
 * summary.sections.length // 13
 */
/** The initiations the targeted sites collected over the year, and the region's top 10 DCI by patients. */
function initiationsOf(mo: IndicatorSection): InitiationsSummary {
  const sites = mo.rows
    .filter((row) => row.result.scope === 'site' && !row.informative && row.result.initiations !== null)
    .map((row) => ({ name: row.result.name, finess: row.result.finess as string, ...(row.result.initiations as NonNullable<IndicatorResult['initiations']>) }));
  const patients = sites.reduce((a, s) => a + s.patients, 0);
  const byDci = sites.reduce<{ dci: string; patients: number }[]>((a, s) => addByDci(a, s.byDci ?? []), []);
  const allDci = byDci.reduce((a, d) => a + d.patients, 0);
  return {
    establishments: sites.length,
    initiations: sites.reduce((a, s) => a + s.initiations, 0),
    patients,
    sites: sites.map(({ name, finess, initiations, patients: p }) => ({ name, finess, initiations, patients: p })),
    topDci: byDci.slice(0, 10).map((d) => ({ ...d, share: allDci > 0 ? (d.patients / allDci) * 100 : 0 })),
  };
}

export function summaryModel(raw: SummaryInput): RegionSummary {
  const input = SummaryInput.parse(raw);
  const { region, year } = input;
  const day = parisDay(input.generatedAt);
  const results = input.results.filter((r) => r.region === region && r.year === year);
  const previous = new Map(input.previousResults.filter((r) => r.region === region && r.year === year - 1).map((r) => [rowId(r), r]));
  const sections = INDICATOR_CODES.map((code) => sectionOf(CATALOGUE.get(code) as IndicatorDefinition, results, previous));
  const section = (code: IndicatorCode) => sections.find((s) => s.code === code) as IndicatorSection;

  const atih = input.regionTotals.filter((t) => t.region === region).sort((a, b) => a.year - b.year);
  atih.forEach((t, i) => {
    if (i > 0 && atih[i - 1]?.year === t.year) throw new Error(`Two ATIH totals for ${region} ${t.year}: cannot choose one`);
  });

  return {
    region,
    year,
    generatedAt: input.generatedAt,
    day,
    sections,
    establishments: establishmentsOf(sections, day),
    atih,
    moAnomalies: moAnomaliesOf(section('MO'), atih, region),
    initiations: initiationsOf(section('MO')),
    dmi: dmiOf(section('DMI'), day),
    budgets: [budgetOf(section('MO'), 'interessement_mo', input.budgets.interessement_mo), budgetOf(section('DMI'), 'budget_dmi', input.budgets.budget_dmi)],
    reports: input.reports,
  };
}

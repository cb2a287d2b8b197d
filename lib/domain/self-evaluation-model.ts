/**
 * What a contract's self-evaluation report shows, derived once for its page, its printable export,
 * the summary workbook and the reminders: one section per indicator the contract is targeted on, with
 * the computed results read-only (each targeted site, and the contract as a whole when it has several
 * sites: the pipeline's contract results, sums of numerators and denominators), what the
 * establishment declared, the evidence received and its validation result, what is still owed (the
 * reminders' own wording), OMéDIT's review, and what keeps the report from being submitted.
 */
import { CATALOGUE, type IndicatorDefinition } from './catalogue';
import { evidenceStates, requirementsFor, uploadsFor } from './evidence';
import { owedDocumentOf, type OwedDocument } from './owed';
import { INDICATOR_CODES, type Deadline, type Establishment, type EvidenceRecord, type EvidenceState, type IndicatorCode, type IndicatorResult, type Targeting } from './schemas';
import {
  Declaration,
  declarativeItems,
  reportLock,
  reportStatus,
  type DeclarativeItem,
  type IndicatorReview,
  type ReportLock,
  type ReportStatus,
  type SelfEvaluationReport,
} from './self-evaluation';

/** Everything one contract's report of one year is derived from. */
export interface SelfEvaluationInputs {
  region: string;
  year: number;
  contrat: string;
  /** The day the report is looked at: evidence is awaited or missing, and the report locked, against it. */
  today: string;
  /** The region's establishments (the contract's sites are taken from them). */
  establishments: readonly Establishment[];
  targetings: readonly Targeting[];
  /** The region's results of the year, as the pipeline computed them. */
  results: readonly IndicatorResult[];
  /** The region's evidence records of the year's campaigns. */
  evidence: readonly EvidenceRecord[];
  deadlines: readonly Deadline[];
  report: SelfEvaluationReport | null;
}

/** One document a site owes for the indicator, where it stands, and every upload that answers it. */
export interface SiteEvidence {
  site: Establishment;
  state: EvidenceState;
  /** Newest first, each with its validation result. */
  uploads: EvidenceRecord[];
  /** What is still owed and why, as reminders say it; null once an accepted upload answers it. */
  owed: OwedDocument | null;
}

/** Something that keeps a report from being submitted. */
export type Blocker =
  | { indicator: IndicatorCode; what: 'self_assessment' | 'actions' | 'missed_reason' }
  | { indicator: IndicatorCode; what: 'item'; item: DeclarativeItem }
  | { indicator: IndicatorCode; what: 'evidence'; site: Establishment; state: EvidenceState; owed: OwedDocument };

export interface ReportSection {
  indicator: IndicatorCode;
  definition: IndicatorDefinition;
  /** The targeted sites' results. */
  sites: IndicatorResult[];
  /** The contract as a whole, when it has several sites. */
  contract: IndicatorResult | null;
  /** The result the report is judged on: the contract's when it has several sites, else its site's; null before any computation. */
  headline: IndicatorResult | null;
  /** Neutralised for private ex-OQN establishments: shown as such, nothing asked. */
  neutralised: boolean;
  items: readonly DeclarativeItem[];
  declaration: Declaration;
  evidence: SiteEvidence[];
  review: IndicatorReview | null;
  blockers: Blocker[];
}

export interface ReportModel {
  region: string;
  year: number;
  contrat: string;
  today: string;
  /** The contract's sites in the region, by name. */
  sites: Establishment[];
  multiSite: boolean;
  report: SelfEvaluationReport | null;
  lock: ReportLock;
  status: ReportStatus;
  sections: ReportSection[];
  blockers: Blocker[];
}

const byName = (a: Establishment, b: Establishment) => a.raisonSociale.localeCompare(b.raisonSociale, 'fr') || a.finess.localeCompare(b.finess);

/**
 * The indicators a contract is targeted on in a year (through any of its sites), in the catalogue's order.
 *
 * @example reportIndicators(targetings, ['130780018', '130780026'], 2025) // ['MO', 'DMI']
 */
export function reportIndicators(targetings: readonly Targeting[], finesses: readonly string[], year: number): IndicatorCode[] {
  const targeted = new Set(targetings.filter((t) => t.year === year && finesses.includes(t.finess)).map((t) => t.indicator));
  return INDICATOR_CODES.filter((c) => targeted.has(c));
}

/** The contracts of a region that have a report in a year: those with a site targeted on something. */
export function reportContracts(establishments: readonly Establishment[], targetings: readonly Targeting[], region: string, year: number): string[] {
  const targeted = new Set(targetings.filter((t) => t.year === year).map((t) => t.finess));
  return [...new Set(establishments.filter((e) => e.region === region && targeted.has(e.finess)).map((e) => e.contrat))].sort((a, b) => a.localeCompare(b, 'fr'));
}

function sectionOf(code: IndicatorCode, inputs: SelfEvaluationInputs, sites: readonly Establishment[], multiSite: boolean): ReportSection {
  const definition = CATALOGUE.get(code) as IndicatorDefinition;
  const targeted = new Set(inputs.targetings.filter((t) => t.year === inputs.year && t.indicator === code).map((t) => t.finess));
  const targetedSites = sites.filter((s) => targeted.has(s.finess));
  const mine = inputs.results.filter((r) => r.indicator === code && r.year === inputs.year && r.contrat === inputs.contrat);
  const siteResults = targetedSites.flatMap((s) => mine.filter((r) => r.scope === 'site' && r.finess === s.finess));
  const contract = multiSite ? (mine.find((r) => r.scope === 'contract') ?? null) : null;
  const headline = multiSite ? contract : (siteResults[0] ?? null);
  const neutralised = headline?.status === 'neutralised';

  const requirements = requirementsFor(code, inputs.year, inputs.deadlines, definition.evidence);
  const evidence = targetedSites.flatMap((site) => {
    const sent = inputs.evidence.filter((e) => e.finess === site.finess);
    return evidenceStates(requirements, sent, inputs.today).map((state): SiteEvidence => {
      const uploads = uploadsFor(state, sent).reverse();
      return { site, state, uploads, owed: owedDocumentOf(state, sent) };
    });
  });

  const declaration = Declaration.parse(inputs.report?.declarations[code] ?? {});
  const blockers: Blocker[] = [];
  if (!neutralised) {
    if (declaration.selfAssessment === null) blockers.push({ indicator: code, what: 'self_assessment' });
    if (declaration.actions.trim() === '') blockers.push({ indicator: code, what: 'actions' });
    for (const item of declarativeItems(code)) {
      const value = declaration.items[item.id];
      if (item.required && (value === null || value === undefined)) blockers.push({ indicator: code, what: 'item', item });
    }
    const missed = declaration.selfAssessment === 'not_met' || headline?.status === 'not_met';
    if (missed && declaration.missedReason.trim() === '') blockers.push({ indicator: code, what: 'missed_reason' });
    // A late document is owed (the reminders say so) but nothing sent now can change it: it does not block.
    for (const e of evidence) if (e.owed && e.owed.state !== 'late') blockers.push({ indicator: code, what: 'evidence', site: e.site, state: e.state, owed: e.owed });
  }

  return {
    indicator: code,
    definition,
    sites: siteResults,
    contract,
    headline,
    neutralised,
    items: declarativeItems(code),
    declaration,
    evidence,
    review: inputs.report?.review?.indicators[code] ?? null,
    blockers,
  };
}

/**
 * A contract's report of one year, with everything its page shows.
 *
 * @example
 * const model = reportModel({ region: 'PACA', year: 2025, contrat: 'CAQES-PACA-001', today: '2026-02-23', establishments, targetings, results, evidence, deadlines, report });
 * model.sections.map((s) => s.indicator) // ['MO', 'DMI', 'PHARMACIE_CLINIQUE', 'IPP']
 */
export function reportModel(inputs: SelfEvaluationInputs): ReportModel {
  const sites = inputs.establishments.filter((e) => e.region === inputs.region && e.contrat === inputs.contrat).sort(byName);
  const multiSite = sites.length > 1;
  const indicators = reportIndicators(inputs.targetings, sites.map((s) => s.finess), inputs.year);
  const sections = indicators.map((code) => sectionOf(code, inputs, sites, multiSite));
  const lock = reportLock(inputs.year, inputs.deadlines, inputs.report?.reopened ?? null, inputs.today);
  return {
    region: inputs.region,
    year: inputs.year,
    contrat: inputs.contrat,
    today: inputs.today,
    sites,
    multiSite,
    report: inputs.report,
    lock,
    status: reportStatus(inputs.report, lock),
    sections,
    blockers: sections.flatMap((s) => s.blockers),
  };
}

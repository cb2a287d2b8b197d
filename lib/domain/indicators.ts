import { grouped } from './grouped';
import { formatFrenchDate } from '../io/french';
import { splitToTheCent } from './allocation';
import { todayOf } from './clock';
import { campaignYear } from './campaign';
import { CATALOGUE, type IndicatorDefinition } from './catalogue';
import { cpamMeasure, sumCpamMeasures, type CpamMeasure } from './cpam-indicators';
import { currentEvidence, evidenceGate, evidenceStates, requirementsFor } from './evidence';
import { judge, worstGate } from './judge';
import { moAnomalies, moComponents, moMeasure, sumMoMeasures, ucdCostAnomalies, type MoMeasure } from './mo';
import { phmevMeasure, PHMEV_MEASURES, sumPhmev } from './phmev';
import type {
  Anomaly,
  CpamFact,
  Deadline,
  DmiFact,
  Establishment,
  EvidenceRecord,
  EvidenceState,
  IndicatorCode,
  IndicatorResult,
  MoFact,
  Objective,
  PhmevFact,
  ResultComponent,
  ResultTarget,
  SourceRef,
  Targeting,
} from './schemas';
import { settingsFor, type ParameterSet, type RegionSettings } from './settings';
import { deadlinesForRegion } from './regional';
import { resolveTarget } from './targets';

/** Everything the indicators of one region and year are computed from. */
export interface RegionYearInputs {
  region: string;
  year: number;
  /** The day the computation is for: evidence is late, or still awaited, against it. */
  today: string;
  establishments: readonly Establishment[];
  targetings: readonly Targeting[];
  objectives: readonly Objective[];
  deadlines: readonly Deadline[];
  parameters: readonly ParameterSet[];
  moFacts: readonly MoFact[];
  /** The year before's, for the MO amount anomalies. */
  previousMoFacts: readonly MoFact[];
  cpamFacts: readonly CpamFact[];
  /** The year before's, the reference of a growth when CPAM gives none. */
  previousCpamFacts: readonly CpamFact[];
  /** Open PHMEV of the year and of the year before (its growth reference). */
  phmevFacts: readonly PhmevFact[];
  previousPhmevFacts: readonly PhmevFact[];
  /**
   * Evidence records of the region for every campaign of the year, and of earlier years: a DMI mapping
   * accepted then still counts. Only the year's are read for everything else.
   */
  evidence: readonly EvidenceRecord[];
  /** DMI implanted in the year (PMSI), per site or legal entity: the weights of the DMI budget. */
  dmiFacts: readonly DmiFact[];
}

/** The parts of a result that depend on how an indicator is measured. */
interface Measured {
  numerator: number | null;
  denominator: number | null;
  value: number | null;
  period: string | null;
  source: IndicatorResult['source'];
  cpam: IndicatorResult['cpam'];
  comparison: IndicatorResult['comparison'];
  amounts: IndicatorResult['amounts'];
  noDataNote: string | null;
  components: ResultComponent[];
  anomalies: Anomaly[];
  initiations: IndicatorResult['initiations'];
  inputs: SourceRef[];
}

const EMPTY: Measured = { numerator: null, denominator: null, value: null, period: null, source: null, cpam: null, comparison: null, amounts: null, noDataNote: null, components: [], anomalies: [], initiations: null, inputs: [] };

const DMI_MAX_POINTS = 3;
const DMI_PARTS: readonly { id: string; label: string; kinds: readonly string[]; points: number }[] = [
  { id: 'cartographie', label: 'Cartographie ANAP ou RESOMEDIT et son plan d’actions', kinds: ['cartographie_dmi', 'plan_actions_dmi'], points: 2 },
  { id: 'audit', label: 'Audit de traçabilité et d’information du patient', kinds: ['audit_dmi'], points: 1 },
];

const RULE_LABELS: Record<string, string> = {
  prorata_montant: 'au prorata du montant liste en sus valorisé',
  prorata_ucd: 'au prorata du nombre d’UCD',
  egal: 'à parts égales',
  points_x_dmi: 'au prorata des points × nombre de DMI posés',
  points: 'au prorata des points',
};

interface SiteContext {
  site: Establishment;
  targeted: boolean;
  evidence: EvidenceState[];
  gate: 'ok' | 'open' | 'failed';
}

/**
 * Every indicator of the catalogue (or only those asked for) for one region and year: one result per
 * site, and one per contract covering several sites, computed from the sums of its sites' numerators
 * and denominators. Targets come from objectives then the seeds' own; a site is neutralised where
 * OMéDIT's targeting says so; evidence the indicator needs must have come in time; the MO incentive
 * and the DMI budget are split to the cent.
 */
export function computeIndicators(inputs: RegionYearInputs, only?: readonly IndicatorCode[]): IndicatorResult[] {
  const settings = settingsFor(inputs.parameters, inputs.region, inputs.year);
  const sites = inputs.establishments.filter((e) => e.region === inputs.region);
  const contracts = grouped(sites, (site) => site.contrat);
  const yearEvidence = inputs.evidence.filter((e) => campaignYear(e.campaign) === inputs.year);
  const results: IndicatorResult[] = [];
  for (const definition of CATALOGUE.values()) {
    if (only && !only.includes(definition.code)) continue;
    const scope = { definition, inputs, settings, sites, contracts, yearEvidence };
    if (definition.code === 'MO') results.push(...computeOne(scope, moFamily(inputs, settings, yearEvidence)));
    else if (definition.source === 'cpam') results.push(...computeOne(scope, cpamFamily(definition, inputs, settings)));
    else results.push(...computeOne(scope, evidenceFamily(definition, inputs)));
  }
  allocate(results, inputs, settings);
  return results;
}

interface Scope {
  definition: IndicatorDefinition;
  inputs: RegionYearInputs;
  settings: RegionSettings;
  sites: readonly Establishment[];
  contracts: ReadonlyMap<string, Establishment[]>;
  yearEvidence: readonly EvidenceRecord[];
}

function computeOne<M>({ definition, inputs, settings, sites, contracts, yearEvidence }: Scope, family: Family<M>): IndicatorResult[] {
  const { region, year, today } = inputs;
  const code = definition.code;
  const targetings = new Map(inputs.targetings.filter((t) => t.year === year && t.indicator === code).map((t) => [t.finess, t]));
  const requirements = requirementsFor(code, year, deadlinesForRegion(inputs.deadlines, region), definition.evidence);
  const contexts = new Map<string, SiteContext>(
    sites.map((site) => {
      const isTargeted = targetings.has(site.finess);
      const own = isTargeted ? evidenceStates(requirements, yearEvidence.filter((e) => e.finess === site.finess), today) : [];
      const evidence = code === 'DMI' ? withEarlierMapping(own, earlierMapping(inputs.evidence, site.finess, year, settings.dmiMappingValidity)) : own;
      return [site.finess, { site, targeted: isTargeted, evidence, gate: evidenceGate(evidence, today) }];
    }),
  );
  const siteMeasures = new Map(sites.map((site) => [site.finess, family.site(contexts.get(site.finess) as SiteContext)]));
  const out: IndicatorResult[] = [];

  const result = (base: Pick<IndicatorResult, 'scope' | 'finess' | 'contrat' | 'name' | 'categorie'>, m: Measured, target: ResultTarget | null, t: { targeted: boolean; neutralised: string | null; gate: 'ok' | 'open' | 'failed'; evidence: EvidenceState[] }): IndicatorResult => {
    const judged = judge({ targeted: t.targeted, neutralised: t.neutralised, measure: definition.measure, value: m.value, target, noDataNote: m.noDataNote, components: m.components, gate: t.gate, evidence: t.evidence, reference: definition.reference?.text ?? null });
    return {
      region,
      year,
      indicator: code,
      ...base,
      measure: definition.measure,
      numerator: m.numerator,
      denominator: m.denominator,
      value: m.value,
      unit: definition.unit,
      period: m.period,
      source: m.source,
      cpam: m.cpam,
      comparison: m.comparison,
      amounts: m.amounts,
      target,
      status: judged.status,
      note: withLateFiles(judged.note, t.evidence),
      components: m.components,
      evidence: t.evidence,
      anomalies: m.anomalies,
      initiations: m.initiations,
      allocation: null,
      inputs: m.inputs,
    };
  };

  for (const site of sites) {
    const ctx = contexts.get(site.finess) as SiteContext;
    const target = resolveTarget(inputs.objectives, code, year, region, site.finess, site.finessJuridique);
    out.push(
      result(
        { scope: 'site', finess: site.finess, contrat: site.contrat, name: site.raisonSociale, categorie: site.categorie },
        family.finish(siteMeasures.get(site.finess) as M, target, ctx.evidence),
        target,
        { targeted: ctx.targeted, neutralised: targetings.get(site.finess)?.neutralisation ?? null, gate: ctx.gate, evidence: ctx.evidence },
      ),
    );
  }

  for (const [contrat, members] of contracts) {
    if (members.length < 2) continue;
    const targetedMembers = members.filter((m) => contexts.get(m.finess)?.targeted);
    const memberTargets = members.map((m) => resolveTarget(inputs.objectives, code, year, region, m.finess, m.finessJuridique));
    const first = memberTargets[0] ?? null;
    // A contract keeps its sites' own target only when they all share it; otherwise the region's applies.
    const target =
      first && memberTargets.every((t) => t && t.comparator === first.comparator && t.value === first.value) ? first : resolveTarget(inputs.objectives, code, year, region, null);
    const measured = family.finish(family.contract(members, targetedMembers, siteMeasures), target, []);
    // A contract is neutralised only when OMéDIT neutralised every targeted site of it.
    const reasons = targetedMembers.map((m) => targetings.get(m.finess)?.neutralisation ?? null);
    const neutralised = reasons.length > 0 && reasons.every((r) => r !== null) ? [...new Set(reasons)].join(' ; ') : null;
    out.push(
      result(
        { scope: 'contract', finess: null, contrat, name: `Contrat ${contrat}`, categorie: null },
        measured,
        target,
        { targeted: targetedMembers.length > 0, neutralised, gate: worstGate(targetedMembers.map((m) => (contexts.get(m.finess) as SiteContext).gate)), evidence: [] },
      ),
    );
  }
  return out;
}

/**
 * A strict deadline's file received after its day is kept and shown but never counted: the result
 * says so beside its status, so that nobody takes it for the file in use.
 */
function withLateFiles(note: string | null, evidence: readonly EvidenceState[]): string | null {
  const late = evidence.flatMap((e) =>
    e.lateFile && e.due
      ? [`fichier « ${e.lateFile.fileName} » reçu le ${formatFrenchDate(todayOf(e.lateFile.receivedAt))}, après le délai de rigueur du ${formatFrenchDate(e.due)} : conservé, non pris en compte`]
      : [],
  );
  return late.length ? [note, ...late].filter((n): n is string => n !== null).join(' ; ') : note;
}

/**
 * The newest DMI mapping accepted in an earlier year that still counts ("Cartographie : Pas à refaire
 * OBLIGATOIREMENT tous les ans"): valid for `validity` years, its own included, or for good when null.
 */
function earlierMapping(evidence: readonly EvidenceRecord[], finess: string, year: number, validity: number | null): EvidenceRecord | null {
  const counts = (campaign: string) => campaignYear(campaign) < year && (validity === null || year - campaignYear(campaign) < validity);
  const mappings = currentEvidence(evidence.filter((e) => e.finess === finess && e.kind === 'cartographie_dmi' && counts(e.campaign)));
  return mappings.sort((a, b) => b.order.localeCompare(a.order))[0] ?? null;
}

/** The year's mapping requirement answered by an earlier campaign's mapping, when the year has none in time. */
function withEarlierMapping(states: readonly EvidenceState[], earlier: EvidenceRecord | null): EvidenceState[] {
  return states.map((s) =>
    s.kind === 'cartographie_dmi' && s.status !== 'in_time' && earlier ? { ...s, campaign: earlier.campaign, status: 'in_time', fileName: earlier.fileName, receivedAt: earlier.receivedAt } : s,
  );
}

/** How one family of indicators measures a site, sums a contract, and turns its measure `M` into a result's parts. */
interface Family<M> {
  site(ctx: SiteContext): M;
  contract(members: readonly Establishment[], targetedMembers: readonly Establishment[], siteMeasures: ReadonlyMap<string, M>): M;
  finish(measure: M, target: ResultTarget | null, evidence: readonly EvidenceState[]): Measured;
}

type MoSite = { m: MoMeasure; anomalies: Anomaly[]; open: boolean; campaigns: string[]; entityNote: string | null };

function moFamily(inputs: RegionYearInputs, settings: RegionSettings, yearEvidence: readonly EvidenceRecord[]): Family<MoSite> {
  const current = currentEvidence(yearEvidence, inputs.deadlines);
  const facts = inputs.moFacts.filter((f) => f.region === inputs.region && f.year === inputs.year);
  const sitesOf = (juridique: string) => inputs.establishments.filter((e) => e.region === inputs.region && e.finessJuridique === juridique);
  /** A site's facts: its own, and its legal entity's when the entity has that one site. */
  const factsOf = (site: Establishment, from: readonly MoFact[]) =>
    from.filter((f) => (f.level === 'site' && f.finess === site.finess) || (f.level === 'entity' && f.finess === site.finessJuridique && sitesOf(site.finessJuridique).length === 1));
  const previousAmount = (site: Establishment) => {
    const before = factsOf(site, inputs.previousMoFacts.filter((f) => f.region === inputs.region && f.year === inputs.year - 1));
    return before.length ? before.reduce((a, f) => a + f.totalAmount, 0) : null;
  };
  const argumentationOpen = (evidence: readonly EvidenceState[]) =>
    evidence.some((e) => e.kind === 'argumentaire_hors_amm' && (e.due === null || inputs.today <= e.due));
  /**
   * The campaigns whose I999 prescriptions must be argued: those the calendar asks an argumentation
   * for, and those one was sent for; the whole year when neither says (an assumption: the seeds give
   * semester returns, the calendar says which).
   */
  const argumentationCampaigns = (evidence: readonly EvidenceState[], sent: readonly EvidenceRecord[]) => {
    const asked = [...evidence, ...sent].filter((e) => e.kind === 'argumentaire_hors_amm').map((e) => e.campaign);
    return asked.length ? [...new Set(asked)] : [String(inputs.year)];
  };
  const assumed = (campaigns: readonly string[]) =>
    campaigns.length === 1 && campaigns[0] === String(inputs.year) && !inputs.deadlines.some((d) => d.year === inputs.year && d.documents.includes('argumentaire_hors_amm'))
      ? `mesurée sur l’année ${inputs.year} entière : le calendrier ne demande pas d’argumentaire par semestre`
      : null;
  return {
    site(ctx) {
      const own = factsOf(ctx.site, facts);
      const sent = current.filter((e) => e.finess === ctx.site.finess);
      const m = moMeasure(own, sent, ctx.site.finess);
      const anomalies = [...moAnomalies(m, previousAmount(ctx.site), inputs.year, settings.amountJumpFactor), ...ucdCostAnomalies(own, facts, settings.ucdCostFactor)];
      const shared = own.length === 0 && facts.some((f) => f.level === 'entity' && f.finess === ctx.site.finessJuridique);
      return {
        m,
        anomalies,
        open: argumentationOpen(ctx.evidence),
        campaigns: argumentationCampaigns(ctx.evidence, sent),
        entityNote: shared ? `données PMSI transmises pour l’entité juridique ${ctx.site.finessJuridique}, sur l’ensemble de ses sites (voir le contrat)` : null,
      };
    },
    contract(members, _targeted, siteMeasures) {
      const parts = members.map((s) => siteMeasures.get(s.finess)).filter((p): p is MoSite => p !== undefined);
      // Data of a legal entity of several sites, all in this contract, counts for the contract only.
      const juridiques = new Set(members.map((m) => m.finessJuridique));
      const wholeEntities = [...juridiques].filter((j) => sitesOf(j).length > 1 && sitesOf(j).every((s) => members.some((m) => m.finess === s.finess)));
      const entityFacts = facts.filter((f) => f.level === 'entity' && wholeEntities.includes(f.finess));
      const entity = entityFacts.length ? [moMeasure(entityFacts, [])] : [];
      const m = sumMoMeasures([...parts.map((p) => p.m), ...entity]);
      // A legal entity's stay-level data is matched against the argumentations of its sites that
      // have no data of their own, as one.
      const entities = new Set(entityFacts.map((f) => f.finess));
      const ownerOf = (finess: string) => {
        const site = members.find((s) => s.finess === finess);
        return site && entities.has(site.finessJuridique) && !m.atih.some((f) => f.owner === finess) ? site.finessJuridique : finess;
      };
      // Only a whole entity's lines are the entity's; a one-site entity's stay its site's, with its argumentation.
      m.atih = m.atih.map((f) => ({ owner: f.item.level === 'entity' && entities.has(f.item.finess) ? f.item.finess : f.owner, item: f.item }));
      m.argumentations = m.argumentations.map((a) => ({ owner: ownerOf(a.owner), item: a.item }));
      return { m, anomalies: [], open: parts.some((p) => p.open), campaigns: [...new Set(parts.flatMap((p) => p.campaigns))], entityNote: null };
    },
    finish({ m, anomalies, open, campaigns, entityNote }, target) {
      const components = moComponents(m, target, open, campaigns, assumed(campaigns));
      const share = components[0] as ResultComponent;
      return {
        ...EMPTY,
        numerator: share.numerator,
        denominator: share.denominator,
        value: share.value,
        source: m.facts ? 'atih' : null,
        amounts: m.facts ? { total: m.totalAmount, horsAmm: m.i999Amount } : null,
        noDataNote: m.facts ? null : (entityNote ?? 'aucune donnée ATIH reçue pour cette année'),
        components,
        anomalies,
        initiations: m.initiations,
        inputs: m.inputs,
      };
    },
  };
}

/** A CPAM-sourced indicator's measures: CPAM's extract first, Open PHMEV beside it or in its place. */
type Sourced = { cpam: CpamMeasure; phmev: PhmevFact | null; phmevBefore: PhmevFact | null; entityNote: string | null };

function cpamFamily(definition: IndicatorDefinition, inputs: RegionYearInputs, settings: RegionSettings): Family<Sourced> {
  const code = definition.code;
  const mine = inputs.cpamFacts.filter((f) => f.indicator === code);
  const before = inputs.previousCpamFacts.filter((f) => f.indicator === code);
  const sitesOfEntity = (finessJuridique: string) => inputs.establishments.filter((e) => e.region === inputs.region && e.finessJuridique === finessJuridique);
  const cpamFor = (finess: string, level: 'site' | 'entity') =>
    cpamMeasure(
      definition,
      inputs.year,
      mine.filter((f) => f.finess === finess && f.level === level),
      before.filter((f) => f.finess === finess && f.level === level),
      settings.cpamTolerance,
    );
  const phmevFor = (finess: string, level: 'site' | 'entity') => ({
    phmev: inputs.phmevFacts.find((f) => f.finess === finess && f.level === level) ?? null,
    phmevBefore: inputs.previousPhmevFacts.find((f) => f.finess === finess && f.level === level) ?? null,
  });
  /** A legal entity's values are the contract's: they cover sites that, alone, have none. */
  const wholeEntity = (members: readonly Establishment[]) => {
    const entities = [...new Set(members.map((m) => m.finessJuridique))];
    return entities.length === 1 && sitesOfEntity(entities[0] as string).every((s) => members.some((m) => m.finess === s.finess)) ? (entities[0] as string) : null;
  };
  return {
    site(ctx) {
      const juridique = ctx.site.finessJuridique;
      const single = sitesOfEntity(juridique).length === 1;
      const entityNote = `valeur donnée pour l’entité juridique ${juridique}, sur l’ensemble de ses sites (voir le contrat)`;
      const ownCpam = cpamFor(ctx.site.finess, 'site');
      const entityCpam = ownCpam.numerator === null ? cpamFor(juridique, 'entity') : null;
      const cpam = entityCpam?.numerator != null && single ? entityCpam : ownCpam;
      const ownPhmev = phmevFor(ctx.site.finess, 'site');
      const entityPhmev = ownPhmev.phmev === null ? phmevFor(juridique, 'entity') : null;
      const phmev = entityPhmev?.phmev && single ? entityPhmev : ownPhmev;
      const atEntity = !single && (entityCpam?.numerator != null || entityPhmev?.phmev != null);
      return { cpam, ...phmev, entityNote: atEntity && cpam.numerator === null && phmev.phmev === null ? entityNote : null };
    },
    contract(members, _targeted, siteMeasures) {
      const perSite = members.map((m) => siteMeasures.get(m.finess)).filter((m): m is Sourced => m !== undefined);
      const entity = wholeEntity(members);
      const cpam = perSite.every((m) => m.cpam.numerator !== null) || !entity ? sumCpamMeasures(definition, perSite.map((m) => m.cpam)) : cpamFor(entity, 'entity');
      const sites = perSite.every((m) => m.phmev !== null);
      const phmev = sites
        ? { phmev: sumPhmev(perSite.map((m) => m.phmev as PhmevFact)), phmevBefore: perSite.every((m) => m.phmevBefore) ? sumPhmev(perSite.map((m) => m.phmevBefore as PhmevFact)) : null }
        : entity
          ? phmevFor(entity, 'entity')
          : { phmev: null, phmevBefore: null };
      return { cpam, ...phmev, entityNote: null };
    },
    finish({ cpam, phmev, phmevBefore, entityNote }) {
      const open = phmevMeasure(code, phmev, phmevBefore);
      if (cpam.numerator !== null) {
        const difference = open?.value != null && cpam.value !== null ? open.value - cpam.value : null;
        return {
          ...EMPTY,
          numerator: cpam.numerator,
          denominator: cpam.denominator,
          value: cpam.value,
          period: cpam.period,
          source: 'cpam',
          cpam: cpam.cpam,
          comparison: open ? { source: 'open_phmev', value: open.value, difference, flagged: difference !== null && Math.abs(difference) > settings.phmevTolerance + 1e-9 } : null,
          noDataNote: cpam.noDataNote,
          inputs: [...cpam.inputs, ...(open?.inputs ?? [])],
        };
      }
      if (open && (open.value !== null || open.numerator !== null)) {
        return {
          ...EMPTY,
          numerator: open.numerator,
          denominator: open.denominator,
          value: open.value,
          period: String(inputs.year),
          source: 'open_phmev',
          components: open.components,
          noDataNote: open.value === null ? phmevNoValue(code, phmev, phmevBefore) : null,
          inputs: open.inputs,
        };
      }
      const absent = code in PHMEV_MEASURES ? ' ; absent d’Open PHMEV (établissements publics et ESPIC seulement)' : '';
      return { ...EMPTY, noDataNote: entityNote ?? `${cpam.noDataNote ?? 'aucune valeur'}${absent}`, inputs: cpam.inputs };
    },
  };
}

/** Why Open PHMEV, present for the year, gives no value: what is true of the files and of the establishment. */
function phmevNoValue(code: IndicatorCode, phmev: PhmevFact | null, before: PhmevFact | null): string {
  if (code !== 'IPP') return 'aucune boîte concernée pour cet établissement dans Open PHMEV : pas de part calculable';
  if (!before) return 'Open PHMEV de l’année précédente absent : pas de référence pour l’évolution';
  if ((phmev?.ipp.rem ?? 0) === 0) return 'aucune ligne d’IPP (ATC A02BC) pour cet établissement dans Open PHMEV, ni cette année ni l’année précédente';
  return 'aucune ligne d’IPP (ATC A02BC) pour cet établissement dans l’Open PHMEV de l’année précédente : pas de référence pour l’évolution';
}

type Scored = { numerator: number; denominator: number; components: ResultComponent[]; inputs: SourceRef[] } | null;

/** DMI (points) and clinical pharmacy (documents): measured from the evidence returned in time. */
function evidenceFamily(definition: IndicatorDefinition, inputs: RegionYearInputs): Family<Scored> {
  const { today, year } = inputs;
  const sources = (finess: string, evidence: readonly EvidenceState[]): SourceRef[] => {
    const kinds = new Set(evidence.map((e) => e.kind));
    const earlier = new Set(evidence.filter((e) => campaignYear(e.campaign) < year).map((e) => `${e.campaign}#${e.kind}`));
    const used = (e: EvidenceRecord) => (campaignYear(e.campaign) === year ? kinds.has(e.kind) : earlier.has(`${e.campaign}#${e.kind}`));
    return inputs.evidence.filter((e) => e.finess === finess && e.status === 'accepted' && used(e)).map((e) => e.source);
  };
  const scored = (finess: string, evidence: readonly EvidenceState[]): Scored => {
    if (definition.measure === 'points') {
      const components = DMI_PARTS.map((part): ResultComponent => {
        const states = evidence.filter((e) => part.kinds.includes(e.kind));
        const done = states.length > 0 && states.every((e) => e.status === 'in_time');
        const mapping = states.find((e) => e.kind === 'cartographie_dmi' && campaignYear(e.campaign) < year);
        return {
          id: part.id,
          label: part.label,
          numerator: done ? part.points : 0,
          denominator: part.points,
          value: done ? part.points : 0,
          unit: 'points',
          target: { comparator: '>=', value: part.points, source: 'default' },
          status: done ? 'met' : evidenceGate(states, today) === 'open' ? 'pending' : 'not_met',
          note: mapping ? `cartographie de la campagne ${mapping.campaign}, toujours valable` : null,
        };
      });
      return { numerator: components.reduce((a, c) => a + (c.numerator ?? 0), 0), denominator: DMI_MAX_POINTS, components, inputs: sources(finess, evidence) };
    }
    return { numerator: evidence.filter((e) => e.status === 'in_time').length, denominator: evidence.length, components: [], inputs: sources(finess, evidence) };
  };
  return {
    site: (ctx) => (ctx.targeted ? scored(ctx.site.finess, ctx.evidence) : null),
    contract(_members, targeted, siteMeasures) {
      const parts = targeted.map((m) => siteMeasures.get(m.finess)).filter((p): p is NonNullable<Scored> => p !== null && p !== undefined);
      if (parts.length === 0) return null;
      return {
        numerator: parts.reduce((a, p) => a + p.numerator, 0),
        denominator: parts.reduce((a, p) => a + p.denominator, 0),
        components: [],
        inputs: parts.flatMap((p) => p.inputs),
      };
    },
    finish(m) {
      if (!m || m.denominator === 0) return { ...EMPTY, noDataNote: m ? 'aucun document demandé par le calendrier' : null };
      // Points of a contract are read on the sites' scale: total points over total maximum, times 3.
      const value = definition.measure === 'points' ? (m.numerator / m.denominator) * DMI_MAX_POINTS : (m.numerator / m.denominator) * 100;
      return { ...EMPTY, numerator: m.numerator, denominator: m.denominator, value, source: 'evidence', components: m.components, inputs: m.inputs };
    },
  };
}

/**
 * DMI implanted per site: a site's own count, or its legal entity's when the entity has that one site
 * (PMSI files are often sent per legal entity; an entity of several sites cannot be split).
 */
function dmiCountsBySite(inputs: RegionYearInputs): Map<string, number> {
  const counts = new Map<string, number>();
  const sites = inputs.establishments.filter((e) => e.region === inputs.region);
  for (const site of sites) {
    const own = inputs.dmiFacts.find((f) => f.level === 'site' && f.finess === site.finess);
    const single = sites.filter((s) => s.finessJuridique === site.finessJuridique).length === 1;
    const entity = single ? inputs.dmiFacts.find((f) => f.level === 'entity' && f.finess === site.finessJuridique) : undefined;
    const fact = own ?? entity;
    if (fact) counts.set(site.finess, fact.implants);
  }
  return counts;
}

/** What a site's share of a budget rests on: its weight, and whether a `pending` status still decides it. */
interface Claim {
  weight: number;
  undecided: boolean;
}

/**
 * Splits the MO incentive among the sites whose contract met MO, and the DMI budget among the sites
 * scoring DMI points, by the configured rule; a contract's row shows its sites' total. While a share
 * depends on a `pending` status, the split is provisional: the undecided sites are counted as if they
 * succeeded (MO met, DMI's open parts earned), so the decided sites' shares are what they are sure to
 * get at least; once every status is final the budget goes, to the cent, to the sites decided.
 */
function allocate(results: IndicatorResult[], inputs: RegionYearInputs, settings: RegionSettings): void {
  const contractRow = (indicator: IndicatorCode, contrat: string) => results.find((r) => r.indicator === indicator && r.scope === 'contract' && r.contrat === contrat);
  const share = (indicator: IndicatorCode, budget: 'interessement_mo' | 'budget_dmi', amount: number | null, claim: (r: IndicatorResult) => Claim | null, rule: string) => {
    if (amount === null) return;
    const rows = results.filter((r) => r.indicator === indicator && r.scope === 'site' && r.status !== 'not_targeted');
    const claims = rows.map(claim);
    const provisional = claims.some((c) => c?.undecided);
    const amounts = splitToTheCent(amount, claims.map((c) => c?.weight ?? 0));
    rows.forEach((row, i) => {
      row.allocation = { budget, amount: amounts[i] as number, rule, provisional, undecided: claims[i]?.undecided ?? false };
    });
    for (const contract of results.filter((r) => r.indicator === indicator && r.scope === 'contract' && r.status !== 'not_targeted')) {
      const members = rows.filter((r) => r.contrat === contract.contrat);
      const total = members.reduce((a, r) => a + (r.allocation?.amount ?? 0), 0);
      contract.allocation = { budget, amount: Math.round(total * 100) / 100, rule, provisional, undecided: members.some((r) => r.allocation?.undecided) };
    }
  };

  const moRule = settings.moIncentive.rule;
  share(
    'MO',
    'interessement_mo',
    settings.moIncentive.budget,
    (r) => {
      // A site of a multi-site contract earns when the contract, judged as a whole, met MO.
      const status = contractRow('MO', r.contrat)?.status ?? r.status;
      if (status !== 'met' && status !== 'pending') return null;
      return { weight: moRule === 'egal' ? 1 : moRule === 'prorata_ucd' ? (r.denominator ?? 0) : (r.amounts?.total ?? 0), undecided: status === 'pending' };
    },
    RULE_LABELS[moRule] ?? moRule,
  );

  const dmiCounts = dmiCountsBySite(inputs);
  const reachable = (r: IndicatorResult) => r.components.reduce((a, c) => a + (c.status === 'pending' ? (c.denominator ?? 0) : (c.numerator ?? 0)), 0);
  const dmiEligible = results.filter((r) => r.indicator === 'DMI' && r.scope === 'site' && reachable(r) > 0);
  const countsKnown = dmiEligible.every((r) => r.finess !== null && dmiCounts.has(r.finess));
  const dmiRule = settings.dmiBudget.rule === 'points_x_dmi' && !countsKnown ? 'points' : settings.dmiBudget.rule;
  share(
    'DMI',
    'budget_dmi',
    settings.dmiBudget.budget,
    (r) => {
      if (r.status === 'neutralised' || reachable(r) === 0) return null;
      const points = reachable(r);
      return { weight: dmiRule === 'egal' ? 1 : dmiRule === 'points' ? points : points * (dmiCounts.get(r.finess ?? '') ?? 0), undecided: r.components.some((c) => c.status === 'pending') };
    },
    `${RULE_LABELS[dmiRule] ?? dmiRule}${dmiRule !== settings.dmiBudget.rule ? ' (nombre de DMI posés inconnu)' : ''}`,
  );
}

import { campaignsOfYear } from '../domain/campaign';
import { computeIndicators } from '../domain/indicators';
import type { IndicatorResult } from '../domain/schemas';
import type { EvidenceStore } from '../store/evidence-store';
import type { FactStore } from '../store/fact-store';
import type { ReferentialStore } from '../store/referential-store';
import type { ResultStore } from '../store/result-store';
import { ComputeMessage } from '../store/compute-queue';
import { dedupe } from './apply';

/** The second-generation contract runs from 1 July 2022: a DMI mapping accepted since then may still count. */
const FIRST_CONTRACT_YEAR = 2022;

/** The campaigns of the year and of the contract's earlier years (their DMI mappings stay valid). */
function campaignsSince(year: number): string[] {
  const years = Array.from({ length: Math.max(0, year - FIRST_CONTRACT_YEAR) + 1 }, (_, i) => year - i);
  return years.flatMap(campaignsOfYear);
}

/** What a computation reads (referential, facts, evidence) and where it writes its results. */
export interface ComputeStores {
  referential: Pick<ReferentialStore, 'listRegions' | 'listEstablishments' | 'listTargetings' | 'listObjectives' | 'listDeadlines' | 'listParameters'>;
  facts: Pick<FactStore, 'listMoFacts' | 'listCpamFacts' | 'listPhmevFacts' | 'listDmiFacts'>;
  evidence: Pick<EvidenceStore, 'list'>;
  results: Pick<ResultStore, 'replace'>;
}

/**
 * Computes again the indicators of one region and year a request names (all when it names none)
 * from the stored facts, evidence and referential, as of `today`, replacing their previous results.
 * Idempotent: the same inputs and day give the same items.
 */
export async function computeRegionYear(request: ComputeMessage, stores: ComputeStores, today: string): Promise<IndicatorResult[]> {
  const { region, year } = request;
  const [establishments, targetings, objectives, deadlines, parameters, moFacts, previousMoFacts, cpamFacts, previousCpamFacts, phmevFacts, previousPhmevFacts, dmiFacts, evidence] = await Promise.all([
    stores.referential.listEstablishments(region),
    stores.referential.listTargetings(region, year),
    stores.referential.listObjectives(),
    stores.referential.listDeadlines(region),
    stores.referential.listParameters(),
    stores.facts.listMoFacts(region, year),
    stores.facts.listMoFacts(region, year - 1),
    stores.facts.listCpamFacts(region, year),
    stores.facts.listCpamFacts(region, year - 1),
    stores.facts.listPhmevFacts(region, year),
    stores.facts.listPhmevFacts(region, year - 1),
    stores.facts.listDmiFacts(region, year),
    Promise.all(campaignsSince(year).map((c) => stores.evidence.list(region, c))).then((lists) => lists.flat()),
  ]);
  const results = computeIndicators(
    { region, year, today, establishments, targetings, objectives, deadlines, parameters, moFacts, previousMoFacts, cpamFacts, previousCpamFacts, phmevFacts, previousPhmevFacts, evidence, dmiFacts },
    request.indicators,
  );
  await stores.results.replace(region, year, results, request.indicators);
  return results;
}

/** Whether a list of regions and years names this one. */
export function includesRegionYear(list: readonly { region: string; year: number }[] | undefined, region: string, year: number): boolean {
  return (list ?? []).some((r) => r.region === region && r.year === year);
}

/**
 * Every indicator of every region and year the store knows, as of `today` (statuses move with the
 * date), except those `upToDate` names (computed for the day since their last input).
 */
export async function computeAll(stores: ComputeStores, today: string, upToDate: readonly { region: string; year: number }[] = []): Promise<number> {
  let count = 0;
  for (const { region, years } of await stores.referential.listRegions()) {
    for (const year of years) {
      if (includesRegionYear(upToDate, region, year)) continue;
      count += (await computeRegionYear({ region, year }, stores, today)).length;
    }
  }
  return count;
}

/** A compute message's body read, or why it cannot be. */
function readBody(body: string): { request: ComputeMessage } | { error: Error } {
  try {
    return { request: ComputeMessage.parse(JSON.parse(body)) };
  } catch (error) {
    return { error: error as Error };
  }
}

/**
 * One run per region and year for a batch of message bodies: a burst of uploads asks many times for
 * the same region, and one computation over the stored facts, started after they were all written,
 * answers every message. Each body is read once. Returns what answers one body of the batch: the
 * (shared) run of its region and year, or its own failure when it cannot be read, so that it alone
 * goes back to the queue.
 */
export function batchRuns(bodies: readonly string[], run: (merged: ComputeMessage) => Promise<void>): (body: string) => Promise<void> {
  const read = new Map(bodies.map((b) => [b, readBody(b)]));
  const requests = [...read.values()].flatMap((r) => ('request' in r ? [r.request] : []));
  const merged = new Map(dedupe(requests).map((r) => [`${r.region}#${r.year}`, r]));
  const started = new Map<string, Promise<void>>();
  return async (body) => {
    const outcome = read.get(body) ?? readBody(body);
    if ('error' in outcome) throw outcome.error;
    const id = `${outcome.request.region}#${outcome.request.year}`;
    let running = started.get(id);
    if (!running) {
      running = run(merged.get(id) ?? outcome.request);
      started.set(id, running);
    }
    return running;
  };
}

/**
 * Compute messages waiting in a queue, merged into one per region and year (the union of the
 * indicators asked): a run that drops many files computes each region and year once, after the
 * drops. A body that is not a compute message is kept as it is, to fail on its own.
 */
export function mergeComputeBodies(bodies: readonly string[]): string[] {
  const unreadable: string[] = [];
  const requests: ComputeMessage[] = [];
  for (const body of bodies) {
    const outcome = readBody(body);
    if ('request' in outcome) requests.push(outcome.request);
    else unreadable.push(body);
  }
  return [...dedupe(requests).map((r) => JSON.stringify(r)), ...unreadable];
}

import { grouped } from '../domain/grouped';
import type { Establishment } from '../domain/schemas';
import type { FileOutput } from '../formats/output';
import type { ComputeMessage } from '../store/compute-queue';
import type { AuditLog } from '../store/audit-log';
import type { FactStore } from '../store/fact-store';
import type { ReferentialStore } from '../store/referential-store';
import { withReferentialAudit, type ReferentialCounts } from './referential-audit';


/** The indicators Open PHMEV measures (or measures again beside CPAM's extract). */
const PHMEV_INDICATORS: ComputeMessage['indicators'] = ['IPP', 'GENERIQUES', 'BIOSIMILAIRES'];

/** The stores a file's output is written to: the referential's (with what its audit counts) and the facts'. */
export interface ApplyStores {
  referential: ReferentialCounts & Pick<ReferentialStore, 'allEstablishments' | 'replaceEstablishments' | 'replaceTargetings' | 'putObjectives' | 'putParameters' | 'putCalendar'>;
  facts: Pick<FactStore, 'putMoFacts' | 'putCpamFacts' | 'putPhmevFacts' | 'putDmiFacts'>;
}

/**
 * Stores what an accepted file gives, guarded by the upload's event order so that a late event of
 * an older upload changes nothing, and says which indicators must be computed again. A referential
 * change is recorded in each region's audit log (lib/pipeline/referential-audit.ts).
 *
 * A referential file replaces the data of the regions it names and only those: `region` when it
 * was sent from that region's inputs page, else the regions of its rows.
 */
export async function applyOutput(output: FileOutput, order: string, stores: ApplyStores, audit: AuditLog, region?: string): Promise<ComputeMessage[]> {
  // Targeting and objectives name regions through their sites.
  const bySite = output.type === 'targetings' || output.type === 'objectives';
  const sites = bySite ? new Map((await stores.referential.allEstablishments()).map((e) => [e.finess, e])) : new Map<string, Establishment>();
  return withReferentialAudit(output, order, stores.referential, audit, () => storeOutput(output, order, stores, sites, region), regionsReplaced(output, sites, region));
}

/**
 * The regions whose data a referential file replaces (`null` for the part every region shares),
 * or null for a file that is not a referential one: what its report says and what is written.
 */
export function regionsReplaced(output: FileOutput, establishments: ReadonlyMap<string, Pick<Establishment, 'region'>>, scope: string | undefined): { regions: string[]; shared: boolean } | null {
  const regionOfSite = (finess: string | null) => (finess === null ? null : (establishments.get(finess)?.region ?? null));
  let named: (string | null)[];
  if (output.type === 'establishments') named = output.establishments.map((e) => e.region);
  else if (output.type === 'targetings') named = output.targetings.map((t) => regionOfSite(t.finess)).filter((r) => r !== null);
  else if (output.type === 'objectives') named = output.objectives.map((o) => o.region ?? regionOfSite(o.finess));
  else if (output.type === 'parameters') named = output.sets.map((p) => p.region);
  else if (output.type === 'calendar') named = [null];
  else return null;
  if (scope !== undefined) return { regions: [scope], shared: false };
  return { regions: [...new Set(named.filter((r) => r !== null))].sort(), shared: named.includes(null) };
}

/** Requests for a year of the regions a shared (null) or regional item concerns. */
async function regionsConcerned(referential: Pick<ReferentialStore, 'listRegions'>, regions: readonly (string | null)[], year: number): Promise<ComputeMessage[]> {
  const known = (await referential.listRegions()).map((r) => r.region);
  return known.filter((r) => regions.includes(null) || regions.includes(r)).map((r) => ({ region: r, year }));
}

type FactOutput = Extract<FileOutput, { type: 'mo-facts' | 'cpam-facts' | 'phmev-facts' | 'dmi-facts' }>;
type ReferentialOutput = Extract<FileOutput, { type: 'establishments' | 'targetings' | 'objectives' | 'calendar' | 'parameters' }>;

/**
 * Writes the output to the one store it belongs to. `sites` are the establishments the referential
 * knew when the file was applied, read once (targetings and objectives name regions through them).
 */
async function storeOutput(output: FileOutput, order: string, stores: ApplyStores, sites: ReadonlyMap<string, Establishment>, scope: string | undefined): Promise<ComputeMessage[]> {
  // Kept on the evidence record, which the caller writes for every upload, accepted or not.
  if (output.type === 'evidence') return [];
  if (output.type === 'mo-facts' || output.type === 'cpam-facts' || output.type === 'phmev-facts' || output.type === 'dmi-facts') return storeFacts(output, order, stores);
  return storeReferential(output, order, stores.referential, sites, scope);
}

async function storeReferential(
  output: ReferentialOutput,
  order: string,
  referential: ApplyStores['referential'],
  sites: ReadonlyMap<string, Establishment>,
  scope: string | undefined,
): Promise<ComputeMessage[]> {
  const regionOf = new Map([...sites].map(([finess, e]) => [finess, e.region]));
  switch (output.type) {
    case 'establishments': {
      const regions = new Set(scope === undefined ? output.establishments.map((e) => e.region) : [scope]);
      await referential.replaceEstablishments(output.establishments, order, regions);
      return (await referential.listRegions()).filter((r) => regions.has(r.region)).flatMap((r) => r.years.map((year) => ({ region: r.region, year })));
    }
    case 'targetings': {
      const named = output.targetings.flatMap((t) => regionOf.get(t.finess) ?? []);
      const regions = new Set(scope === undefined ? named : [scope]);
      await referential.replaceTargetings(output.year, output.targetings, regionOf, order, regions);
      return [...regions].map((region) => ({ region, year: output.year }));
    }
    case 'objectives': {
      // Grouped by the item they are stored in: a region's, or (null) the one every region shares.
      const groups = grouped(output.objectives, (o) => scope ?? o.region ?? (o.finess === null ? null : (regionOf.get(o.finess) ?? null)));
      const written = await Promise.all([...groups].map(async ([region, rows]) => ((await referential.putObjectives(output.year, rows, order, region)) ? [region] : [])));
      return regionsConcerned(referential, written.flat(), output.year);
    }
    case 'parameters': {
      const groups = grouped(output.sets, (p) => scope ?? p.region);
      const written = await Promise.all([...groups].map(async ([region, sets]) => ((await referential.putParameters(output.year, sets, order, region)) ? [region] : [])));
      return regionsConcerned(referential, written.flat(), output.year);
    }
    case 'calendar': {
      // Deadlines decide whether evidence came in time.
      const region = scope ?? null;
      return (await referential.putCalendar(output.year, output.deadlines, order, region)) ? regionsConcerned(referential, [region], output.year) : [];
    }
  }
}

/** The facts written, as the computations they ask for, and whether the year after each one's changes too. */
async function writeFacts(output: FactOutput, order: string, facts: ApplyStores['facts']): Promise<{ requests: ComputeMessage[]; yearAfter: boolean }> {
  switch (output.type) {
    case 'mo-facts':
      // The year after, when there is one, compares its amounts with this one's (anomalies).
      return { requests: (await facts.putMoFacts(output.facts, order)).map((f) => ({ region: f.region, year: f.year, indicators: ['MO'] })), yearAfter: true };
    case 'cpam-facts':
      // A growth without CPAM's reference value is measured against the year before's.
      return { requests: (await facts.putCpamFacts(output.facts, order)).map((f) => ({ region: f.region, year: f.year, indicators: [f.indicator] })), yearAfter: true };
    case 'phmev-facts':
      // Growth is against the year before's file: the year after, when there is one, changes too.
      return { requests: (await facts.putPhmevFacts(output.facts, order)).map((f) => ({ region: f.region, year: f.year, indicators: PHMEV_INDICATORS })), yearAfter: true };
    case 'dmi-facts':
      return { requests: (await facts.putDmiFacts(output.facts, order)).map((f) => ({ region: f.region, year: f.year, indicators: ['DMI'] })), yearAfter: false };
  }
}

/** Writes a file's facts and asks for their years, and for the year after each when the store knows it. */
async function storeFacts(output: FactOutput, order: string, stores: ApplyStores): Promise<ComputeMessage[]> {
  const { requests, yearAfter } = await writeFacts(output, order, stores.facts);
  const own = dedupe(requests);
  if (!yearAfter || own.length === 0) return own;
  const known = new Set((await stores.referential.listRegions()).flatMap((r) => r.years.map((y) => `${r.region}#${y}`)));
  return [...own, ...own.map((r) => ({ ...r, year: r.year + 1 })).filter((r) => known.has(`${r.region}#${r.year}`))];
}

/** One request per region and year, naming the union of the indicators asked (all, when one asked for all). */
export function dedupe(requests: readonly ComputeMessage[]): ComputeMessage[] {
  const merged = new Map<string, ComputeMessage>();
  for (const r of requests) {
    const id = `${r.region}#${r.year}`;
    const known = merged.get(id);
    if (!known) merged.set(id, r.indicators ? { ...r, indicators: [...r.indicators] } : { region: r.region, year: r.year });
    else if (known.indicators) {
      if (!r.indicators) delete known.indicators;
      else known.indicators = [...new Set([...known.indicators, ...r.indicators])];
    }
  }
  return [...merged.values()];
}

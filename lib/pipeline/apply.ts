import type { FileOutput } from '../formats/output';
import type { ComputeMessage } from '../store/compute-queue';
import type { AuditLog } from '../store/audit-log';
import type { DynamoStore } from '../store/dynamo-store';
import { withReferentialAudit } from './referential-audit';

export type ComputeRequest = ComputeMessage;

/** The indicators Open PHMEV measures (or measures again beside CPAM's extract). */
const PHMEV_INDICATORS: ComputeRequest['indicators'] = ['IPP', 'GENERIQUES', 'BIOSIMILAIRES'];

/**
 * Stores what an accepted file gives, guarded by the upload's event order so that a late event of
 * an older upload changes nothing, and says which indicators must be computed again. A referential
 * change is recorded in each region's audit log (lib/pipeline/referential-audit.ts).
 */
export async function applyOutput(output: FileOutput, order: string, store: DynamoStore, audit: AuditLog): Promise<ComputeRequest[]> {
  return withReferentialAudit(output, order, store, audit, () => storeOutput(output, order, store));
}

async function storeOutput(output: FileOutput, order: string, store: DynamoStore): Promise<ComputeRequest[]> {
  const everyRegion = async (year: number) => (await store.listRegions()).map((r) => ({ region: r.region, year }));
  const knownYears = async (requests: ComputeRequest[]) => {
    const known = new Set((await store.listRegions()).flatMap((r) => r.years.map((y) => `${r.region}#${y}`)));
    return requests.filter((r) => known.has(`${r.region}#${r.year}`));
  };
  switch (output.type) {
    case 'establishments':
      await store.replaceEstablishments(output.establishments, order);
      return (await store.listRegions()).flatMap((r) => r.years.map((year) => ({ region: r.region, year })));
    case 'targetings': {
      const regionOf = new Map((await store.allEstablishments()).map((e) => [e.finess, e.region]));
      await store.replaceTargetings(output.year, output.targetings, regionOf, order);
      return everyRegion(output.year);
    }
    case 'objectives':
      return (await store.putObjectives(output.year, output.objectives, order)) ? everyRegion(output.year) : [];
    case 'parameters':
      return (await store.putParameters(output.year, output.sets, order)) ? everyRegion(output.year) : [];
    case 'calendar':
      // Deadlines decide whether evidence came in time.
      return (await store.putCalendar(output.year, output.deadlines, order)) ? everyRegion(output.year) : [];
    case 'mo-facts': {
      const written = await store.putMoFacts(output.facts, order);
      const requests: ComputeRequest[] = dedupe(written.map((f) => ({ region: f.region, year: f.year, indicators: ['MO'] })));
      // The year after, when there is one, compares its amounts with this one's (anomalies).
      return [...requests, ...(await knownYears(requests.map((r) => ({ ...r, year: r.year + 1 }))))];
    }
    case 'cpam-facts': {
      const written = await store.putCpamFacts(output.facts, order);
      const requests: ComputeRequest[] = dedupe(written.map((f) => ({ region: f.region, year: f.year, indicators: [f.indicator] })));
      // A growth without CPAM's reference value is measured against the year before's.
      return [...requests, ...(await knownYears(requests.map((r) => ({ ...r, year: r.year + 1 }))))];
    }
    case 'phmev-facts': {
      const written = await store.putPhmevFacts(output.facts, order);
      // Growth is against the year before's file: the year after, when there is one, changes too.
      const requests: ComputeRequest[] = dedupe(written.map((f) => ({ region: f.region, year: f.year, indicators: PHMEV_INDICATORS })));
      return [...requests, ...(await knownYears(requests.map((r) => ({ ...r, year: r.year + 1 }))))];
    }
    case 'dmi-facts': {
      const written = await store.putDmiFacts(output.facts, order);
      return dedupe(written.map((f) => ({ region: f.region, year: f.year, indicators: ['DMI'] })));
    }
    case 'evidence':
      // Kept on the evidence record, which the caller writes for every upload, accepted or not.
      return [];
  }
}

/** One request per region and year, naming the union of the indicators asked (all, when one asked for all). */
export function dedupe(requests: readonly ComputeRequest[]): ComputeRequest[] {
  const merged = new Map<string, ComputeRequest>();
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

import type { FileOutput } from '../formats/output';
import type { DynamoStore } from '../store/dynamo-store';

/** A region and year whose indicators must be computed again. */
export interface ComputeRequest {
  region: string;
  year: number;
}

/**
 * Stores what an accepted file gives, guarded by the upload's event order so that a late event of
 * an older upload changes nothing, and says which indicators must be computed again.
 */
export async function applyOutput(output: FileOutput, order: string, store: DynamoStore): Promise<ComputeRequest[]> {
  const everyRegion = async (year: number) => (await store.listRegions()).map((r) => ({ region: r.region, year }));
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
    case 'calendar':
      // Deadlines feed reminders and summaries, which read the calendar when they run.
      await store.putCalendar(output.year, output.deadlines, order);
      return [];
    case 'mo-facts': {
      const requests: ComputeRequest[] = [];
      for (const fact of output.facts) if (await store.putMoFact(fact, order)) requests.push({ region: fact.region, year: fact.year });
      return requests;
    }
    case 'cpam-facts': {
      const requests: ComputeRequest[] = [];
      for (const fact of output.facts) if (await store.putCpamFact(fact, order)) requests.push({ region: fact.region, year: fact.year });
      return requests;
    }
    case 'evidence':
      // Kept on the evidence record, which the caller writes for every upload, accepted or not.
      return [];
  }
}

export function dedupe(requests: readonly ComputeRequest[]): ComputeRequest[] {
  return [...new Map(requests.map((r) => [`${r.region}#${r.year}`, r])).values()];
}

import { computeMo } from '../domain/mo';
import type { IndicatorResult } from '../domain/schemas';
import type { DynamoStore } from '../store/dynamo-store';
import type { ComputeRequest } from './apply';

/**
 * Computes again every indicator of one region and year from the stored facts and referential,
 * replacing the previous results. Idempotent: the same inputs give the same items.
 */
export async function computeRegionYear(request: ComputeRequest, store: DynamoStore): Promise<IndicatorResult[]> {
  const { region, year } = request;
  const [establishments, targetings, objectives, facts] = await Promise.all([
    store.listEstablishments(region),
    store.listTargetings(region, year),
    store.listObjectives(),
    store.listMoFacts(region, year),
  ]);
  const results = computeMo({ region, year, establishments, targetings, objectives, facts });
  await store.replaceResults(region, year, results);
  return results;
}

/**
 * How an indicator result is kept: its table keys, its indicator (what a partial recomputation
 * selects by), and the whole result as one JSON text. A result holds dozens of nested values (its
 * components, anomalies, notes); as DynamoDB attributes each one is validated, encoded and decoded
 * on every write and read, which made writing a region's results most of a computation's time on
 * the embedded default. Results are only ever read whole, by region and year.
 *
 * Items written before, with the result's fields as attributes, are still read.
 */
import { IndicatorResult } from '../domain/schemas';
import { withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';

type Key = { pk: string; sk: string };

/** A result's item. */
export function resultItem(r: IndicatorResult): Key & { indicator: string; result: string } {
  return { ...dynamoKeys.result(r.region, r.year, r.indicator, r.scope, r.finess ?? r.contrat), indicator: r.indicator, result: JSON.stringify(r) };
}

/** The result a stored item holds, in either layout. */
export function resultOf(item: Key & Record<string, unknown>): IndicatorResult {
  return IndicatorResult.parse(typeof item.result === 'string' ? JSON.parse(item.result) : withoutKeys(item));
}

/** Whether a stored item already holds exactly this result (it need not be written again). */
export function holdsResult(stored: Record<string, unknown> | undefined, item: { result: string }): boolean {
  return stored !== undefined && stored.result === item.result;
}

/**
 * How indicator results are kept: one item per region, year and indicator, holding the gzip of the
 * JSON array of its results (more items, numbered parts, when an indicator's results would not fit
 * in one). Results are only ever read whole, by region and year, and a partial computation replaces
 * whole indicators: one item per result made a region's 4,000 results 4,000 writes at each
 * computation, most of its time on the embedded default (1.4 s of 2.3 s for a region of 300
 * establishments) and as many write units on AWS.
 *
 * Within an indicator the results are in the order the layouts before listed them (scope, then
 * FINESS or contract), so that reading them back gives the same list.
 *
 * Items of the layouts before, one per result (its JSON text, or its fields as attributes), are still
 * read, and are deleted when their indicator is next computed.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { grouped } from '../domain/grouped';
import { IndicatorResult } from '../domain/schemas';
import { withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';

type Key = { pk: string; sk: string };

/** An indicator's results, or a part of them: what one item holds. */
export type ResultsItem = Key & { indicator: string; results: Uint8Array };

/**
 * Compressed bytes above which an indicator's results are split in two parts: DynamoDB refuses
 * items over 400 KB. Results compress about tenfold: a region's largest indicator is about 30 KB.
 */
export const MAX_PART_BYTES = 300 * 1024;

const PackedResults = z.object({ results: z.instanceof(Uint8Array) });
const PackedList = z.array(IndicatorResult);

/** Where a result stood in the layout before: its sort key after the indicator. */
function placeOf(r: IndicatorResult): string {
  return `${r.scope}#${r.finess ?? r.contrat}`;
}

/** Results' JSON texts as one or more gzip parts, halved until each fits. */
function packed(texts: readonly string[]): Uint8Array[] {
  const bytes = gzipSync(`[${texts.join(',')}]`);
  if (bytes.byteLength <= MAX_PART_BYTES || texts.length === 1) return [bytes];
  const half = Math.ceil(texts.length / 2);
  return [...packed(texts.slice(0, half)), ...packed(texts.slice(half))];
}

/**
 * The items of a region and year's results: one per indicator (or its numbered parts).
 * @example
 * resultItems('PACA', 2025, results).map((i) => i.sk) // ['RESULT#MO#PART#000', 'RESULT#GENERIQUES#PART#000', …]
 */
export function resultItems(region: string, year: number, results: readonly IndicatorResult[]): ResultsItem[] {
  return [...grouped(results, (r) => r.indicator)].flatMap(([indicator, list]) => {
    const texts = list
      .map((r) => ({ place: placeOf(r), text: JSON.stringify(r) }))
      .sort((a, b) => (a.place < b.place ? -1 : a.place > b.place ? 1 : 0))
      .map((r) => r.text);
    return packed(texts).map((bytes, part) => ({ ...dynamoKeys.resultPart(region, year, indicator, part), indicator, results: bytes }));
  });
}

/** The results a stored item holds, in any of the layouts. */
export function resultsOf(item: Key & Record<string, unknown>): IndicatorResult[] {
  if (item.results !== undefined) return PackedList.parse(JSON.parse(gunzipSync(PackedResults.parse(item).results).toString('utf8')));
  return [IndicatorResult.parse(typeof item.result === 'string' ? JSON.parse(item.result) : withoutKeys(item))];
}

/** Whether a stored item already holds exactly these results (it need not be written again). */
export function holdsResults(stored: Record<string, unknown> | undefined, item: ResultsItem): boolean {
  return stored?.results instanceof Uint8Array && Buffer.from(stored.results).equals(item.results);
}

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IndicatorResult } from '../domain/schemas';
import { dynamoKeys } from './keys';
import { holdsResults, resultItems, resultsOf } from './result-items';
import { TableItems } from './table-items';

/** The indicators' results of each region and year, as the computation last gave them. */
export class ResultStore {
  private readonly items: TableItems;

  constructor(db: DynamoDBDocumentClient, table: string) {
    this.items = new TableItems(db, table);
  }

  /** Replaces the results of a region and year, only those of the indicators named when some are. */
  async replace(region: string, year: number, results: readonly IndicatorResult[], indicators?: readonly string[]): Promise<void> {
    const k = dynamoKeys.resultPrefix(region, year);
    const existing = (await this.items.query(k.pk, k.skPrefix)).filter((i) => !indicators || indicators.includes(String(i.indicator)));
    const items = resultItems(region, year, results);
    const keep = new Set(items.map((i) => i.sk));
    // Most indicators of a region do not move with one upload: only those that changed are written.
    const before = new Map(existing.map((i) => [i.sk, i]));
    const changed = items.filter((i) => !holdsResults(before.get(i.sk), i));
    await this.items.writeAll(changed, existing.filter((i) => !keep.has(i.sk)).map((i) => ({ pk: i.pk, sk: i.sk })));
  }

  async list(region: string, year: number): Promise<IndicatorResult[]> {
    const k = dynamoKeys.resultPrefix(region, year);
    return (await this.items.query(k.pk, k.skPrefix)).flatMap(resultsOf);
  }
}

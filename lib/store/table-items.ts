import { BatchWriteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { SourceRef } from '../domain/schemas';
import { isConditionFailure, queryPrefix } from './dynamo-query';

export type Key = { pk: string; sk: string };
export type Item = Record<string, unknown> & Key;

/** Replaced sources a fact keeps: enough to follow corrections, bounded so the item stays small. */
export const MAX_HISTORY = 20;
/** Conditional writes in flight at once when a file's facts or a referential file are applied. */
const WRITE_CONCURRENCY = 16;

/**
 * The item operations the aggregate stores (referential, facts, results, evidence, file events,
 * reminders) share over the one table: writes that must happen once are conditional puts (dynalite
 * has no transactions); bulk writes grow with establishments, never with file rows.
 */
export class TableItems {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async query(pk: string, skPrefix: string): Promise<Item[]> {
    return (await queryPrefix(this.db, this.table, pk, skPrefix)) as Item[];
  }

  /** Puts and deletes by batches of 25, sending again what DynamoDB left unprocessed. */
  async writeAll(puts: Item[], deletes: Key[] = []): Promise<void> {
    const requests = [
      ...puts.map((Item) => ({ PutRequest: { Item } })),
      ...deletes.map((Key) => ({ DeleteRequest: { Key } })),
    ];
    for (let i = 0; i < requests.length; i += 25) {
      let pending: typeof requests | undefined = requests.slice(i, i + 25);
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 8) throw new Error('DynamoDB kept unprocessed items after 8 retries');
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        const out = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.table]: pending } }));
        pending = out.UnprocessedItems?.[this.table] as typeof requests | undefined;
      }
    }
  }

  /**
   * Puts an item unless a newer upload gave it (`order` greater than this one). The same order is
   * written again: a processing interrupted after some writes is then completed by its retry, which
   * rewrites the same values and still asks for the computations.
   * Returns whether it was written and the item it replaced, if any.
   */
  async putIfNewer(item: Item & { order: string }): Promise<{ written: boolean; old: Item | null }> {
    try {
      const out = await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR #order <= :order',
          ExpressionAttributeNames: { '#order': 'order' },
          ExpressionAttributeValues: { ':order': item.order },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { written: true, old: (out.Attributes as Item | undefined) ?? null };
    } catch (error) {
      if (isConditionFailure(error)) return { written: false, old: null };
      throw error;
    }
  }

  /**
   * Writes a fact unless a newer upload already gave it, and keeps the source it replaced in its
   * `replaced` list (newest first), so the history of uploads stays readable on the fact itself.
   */
  async putFact(item: Item & { order: string; source: SourceRef }): Promise<boolean> {
    const { written, old } = await this.putIfNewer({ ...item, replaced: [] });
    if (!written || !old) return written;
    const previous = SourceRef.safeParse(old.source);
    const history = z.array(SourceRef).catch([]).parse(old.replaced);
    const same = previous.success && previous.data.key === item.source.key && previous.data.version === item.source.version;
    const replaced = same || !previous.success ? history : [previous.data, ...history].slice(0, MAX_HISTORY);
    if (replaced.length === 0) return true;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET replaced = :replaced',
          ConditionExpression: '#order = :order',
          ExpressionAttributeNames: { '#order': 'order' },
          ExpressionAttributeValues: { ':replaced': replaced, ':order': item.order },
        }),
      );
    } catch (error) {
      // A newer upload wrote meanwhile: its own write keeps the history from here.
      if (!isConditionFailure(error)) throw error;
    }
    return true;
  }

  /**
   * Replaces a set of items by the set a newer file gives: each item is written only if the file is
   * newer than what wrote it, and items the file no longer has become tombstones (kept with the
   * file's order), so a late event of an older file can neither bring back nor overwrite anything.
   */
  async replaceSet(existing: readonly Item[], keep: readonly Item[], order: string): Promise<void> {
    const keepKeys = new Set(keep.map((i) => i.sk));
    const tombstones = existing.filter((i) => !keepKeys.has(i.sk) && i.removed !== true).map((i) => ({ pk: i.pk, sk: i.sk, order, removed: true }));
    await this.inBatches([...keep.map((i) => ({ ...i, order })), ...tombstones], (w) => this.putIfNewer(w));
  }

  /** Runs writes `WRITE_CONCURRENCY` at a time, in order of the list, returning their results in that order. */
  async inBatches<T, R>(items: readonly T[], write: (item: T) => Promise<R>): Promise<R[]> {
    const out: R[] = [];
    for (let i = 0; i < items.length; i += WRITE_CONCURRENCY) out.push(...(await Promise.all(items.slice(i, i + WRITE_CONCURRENCY).map(write))));
    return out;
  }
}

import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Whether a conditional write was refused because its condition did not hold: the SDK's class, or
 * its name when the error comes through another copy of the SDK (bundles, emulators).
 */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/**
 * Every item of a partition whose sort key starts with `skPrefix`, page after page, read
 * consistently: a reader that follows a write (a computation after its facts, a page after a save)
 * must see it.
 */
export async function queryPrefix(db: DynamoDBDocumentClient, table: string, pk: string, skPrefix: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** An item as its record: the table's `pk` and `sk` left out. */
export function withoutKeys<T extends Record<string, unknown>>(item: T): Omit<T, 'pk' | 'sk'> {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}

/**
 * The parts of an UpdateCommand setting each field to its value (`SET #f0 = :f0, #f1 = :f1`), names
 * and values given as placeholders so that any field name (a reserved word such as `status`) is safe.
 */
export function setFields(fields: Record<string, unknown>): {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
} {
  const names = Object.keys(fields);
  return {
    UpdateExpression: `SET ${names.map((_, i) => `#f${i} = :f${i}`).join(', ')}`,
    ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#f${i}`, n])),
    ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:f${i}`, fields[n]])),
  };
}

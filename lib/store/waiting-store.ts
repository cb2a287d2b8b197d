import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { isConditionFailure, queryPrefix } from './dynamo-query';
import { dynamoKeys } from './keys';

/**
 * An accepted ATIH or CPAM extract that named establishments the referential did not know: its
 * event (to read its archived copy again, with the same order) and those FINESS.
 */
export const WaitingFile = z.object({
  key: z.string(),
  order: z.string(),
  version: z.string(),
  eTag: z.string(),
  size: z.number(),
  sequencer: z.string(),
  eventTime: z.string(),
  versionId: z.string().nullable(),
  finess: z.array(z.string()),
});
export type WaitingFile = z.infer<typeof WaitingFile>;

/** The extracts awaiting FINESS (one item per S3 key, its newest event). */
export class WaitingFileStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Records (or updates) what a key's event still waits for; an older event never replaces a newer one. */
  async put(file: WaitingFile): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...dynamoKeys.waitingFile(file.key), ...file },
          ConditionExpression: 'attribute_not_exists(pk) OR #order <= :order',
          ExpressionAttributeNames: { '#order': 'order' },
          ExpressionAttributeValues: { ':order': file.order },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** A key's event of this order (or newer) waits for nothing any more. */
  async clear(key: string, order: string): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: dynamoKeys.waitingFile(key),
          ConditionExpression: '#order <= :order',
          ExpressionAttributeNames: { '#order': 'order' },
          ExpressionAttributeValues: { ':order': order },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async list(): Promise<WaitingFile[]> {
    const k = dynamoKeys.waitingFilePrefix();
    return (await queryPrefix(this.db, this.table, k.pk, k.skPrefix)).map((item) => WaitingFile.parse(item));
  }
}

/**
 * What OMéDIT sent from its inputs page: one record per upload form signed, with who asked for it,
 * when, for which kind and year, and the file's own name (the key carries the kind's name, which
 * ingest recognises). Records are never rewritten nor deleted: they are the history of each input,
 * beside the files themselves, each kept under its own key.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { Region } from '../domain/schemas';
import { queryPrefix, withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';

export const InputUpload = z.object({
  region: Region,
  uploadId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  /** A table kind of the registry that OMéDIT sends (lib/portal/inputs.ts). */
  kind: z.string().min(1).max(64),
  year: z.number().int().nullable(),
  key: z.string().min(1).max(1024),
  /** The name of the file on the sender's computer, as the page shows it. */
  fileName: z.string().min(1).max(255),
  size: z.number().int().nonnegative(),
  /** The account that asked for the upload form (its e-mail address, as in the audit log). */
  by: z.string().min(1).max(254),
  at: z.string(),
});
export type InputUpload = z.infer<typeof InputUpload>;

export class InputStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** @throws ZodError for a record out of shape; Error when DynamoDB refuses the write. */
  async put(upload: InputUpload): Promise<void> {
    const item = InputUpload.parse(upload);
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...dynamoKeys.inputUpload(item.region, item.at, item.uploadId), ...item },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** A region's uploads, newest first. */
  async list(region: string): Promise<InputUpload[]> {
    const k = dynamoKeys.inputUploadPrefix(region);
    const items = await queryPrefix(this.db, this.table, k.pk, k.skPrefix);
    return items.map((item) => InputUpload.parse(withoutKeys(item))).sort((a, b) => b.at.localeCompare(a.at));
  }
}

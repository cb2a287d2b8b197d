/**
 * What OMéDIT sent from its inputs page: one record per upload form signed, with who asked for it,
 * when, for which kind and year, and the file's own name (the key carries the kind's name, which
 * ingest recognises). Records are never rewritten nor deleted: they are the history of each input,
 * beside the files themselves, each kept under its own key.
 */
import { createHash } from 'node:crypto';
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

/**
 * An input put straight into the drop zone (`referential/<file>`, `atih|cpam/<year>/<file>`, a
 * script's CPAM or ATIH export): one record per event read, written by ingest, with the regions its
 * rows name as the rules of lib/pipeline/apply.ts apply it. It has no sender; each version is kept
 * as its archive copy, which is what is downloaded (the key itself holds only the newest).
 */
export const DroppedInput = z.object({
  key: z.string().min(1).max(1024),
  archiveKey: z.string().min(1).max(1200),
  reportKey: z.string().min(1).max(1200),
  /** The event order of this version (lib/store/keys.ts `eventOrder`). */
  order: z.string().min(1),
  kind: z.string().min(1).max(64),
  year: z.number().int().nullable(),
  fileName: z.string().min(1).max(1024),
  size: z.number().int().nonnegative(),
  /** When S3 received it. */
  at: z.string(),
  status: z.enum(['accepted', 'rejected']),
  /** The regions whose own data its rows replace or give facts for. */
  regions: z.array(Region),
  /** Whether it also holds rows for every region (a calendar, objectives or parameters without region). */
  shared: z.boolean(),
});
export type DroppedInput = z.infer<typeof DroppedInput>;

/** Whether a dropped input concerns a region: its rows name it, or hold what every region shares. */
export function concerns(input: Pick<DroppedInput, 'regions' | 'shared'>, region: string): boolean {
  return input.shared || input.regions.includes(region);
}

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

  /**
   * Records one version of a dropped input; the same event read again (an extract read once its
   * establishments are known) rewrites its record with the regions it now concerns.
   * @throws ZodError for a record out of shape; Error when DynamoDB refuses the write.
   */
  async putDropped(input: DroppedInput): Promise<void> {
    const item = DroppedInput.parse(input);
    const id = createHash('sha256').update(`${item.key}\n${item.order}`).digest('hex').slice(0, 32);
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...dynamoKeys.droppedInput(item.at, id), ...item } }));
  }

  /** Every dropped input of the deployment, newest first: callers keep those of the regions they may see. */
  async listDropped(): Promise<DroppedInput[]> {
    const k = dynamoKeys.droppedInputPrefix();
    const items = await queryPrefix(this.db, this.table, k.pk, k.skPrefix);
    return items.map((item) => DroppedInput.parse(withoutKeys(item))).sort((a, b) => b.at.localeCompare(a.at) || b.order.localeCompare(a.order));
  }
}

import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { Campaign, Finess, Region } from '../domain/schemas';
import { isConditionFailure, queryPrefix, withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';

/**
 * A personal upload link as issued: the token carries the same region, campaign, FINESS, id and
 * expiry, signed; this record is what lets a link be revoked before it expires, and says who issued it.
 */
export const LinkRecord = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  region: Region,
  campaign: Campaign,
  finess: Finess,
  issuedAt: z.string(),
  expiresAt: z.string(),
  /** Who or what issued it: a reminder step (`rappel J-14`), a staff credential's name, `caqes serve`. */
  issuedBy: z.string(),
  revokedAt: z.string().nullable(),
  revokedBy: z.string().nullable(),
});
export type LinkRecord = z.infer<typeof LinkRecord>;


/** The personal links of the table, in their establishment's region and campaign partition. */
export class LinkStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Records a new link.
   * @throws Error when a link with the same id already exists (ids are random: never in practice).
   */
  async put(link: LinkRecord): Promise<void> {
    const record = LinkRecord.parse(link);
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...dynamoKeys.link(record.region, record.campaign, record.finess, record.id), ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** The link with that id, or null when it was never issued for that establishment and campaign. */
  async get(region: string, campaign: string, finess: string, id: string): Promise<LinkRecord | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: dynamoKeys.link(region, campaign, finess, id), ConsistentRead: true }));
    if (!out.Item) return null;
    const rest = withoutKeys(out.Item);
    return LinkRecord.parse(rest);
  }

  /** Every link issued to one establishment for one campaign, revoked or not. */
  async list(region: string, campaign: string, finess: string): Promise<LinkRecord[]> {
    const k = dynamoKeys.linkPrefix(region, campaign, finess);
    return (await queryPrefix(this.db, this.table, k.pk, k.skPrefix)).map((item) => LinkRecord.parse(withoutKeys(item)));
  }

  /** Revokes one link; false when it does not exist or was already revoked (the first revocation is kept). */
  async revoke(link: Pick<LinkRecord, 'region' | 'campaign' | 'finess' | 'id'>, at: string, by: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: dynamoKeys.link(link.region, link.campaign, link.finess, link.id),
          UpdateExpression: 'SET revokedAt = :at, revokedBy = :by',
          ConditionExpression: 'attribute_exists(pk) AND attribute_type(revokedAt, :null)',
          ExpressionAttributeValues: { ':at': at, ':by': by, ':null': 'NULL' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}

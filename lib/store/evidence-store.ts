import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EvidenceRecord } from '../domain/schemas';
import { withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';
import { TableItems, type Item } from './table-items';

/** What establishments uploaded as evidence, one record per upload, with its outcome. */
export class EvidenceStore {
  private readonly items: TableItems;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.items = new TableItems(db, table);
  }

  /**
   * Records an upload's outcome unless a newer event of the same upload did. The same content put
   * again at the same key keeps the day it was first received: a re-delivery is not a late upload.
   */
  async put(record: EvidenceRecord, uploadId: string): Promise<boolean> {
    const key = dynamoKeys.evidence(record.region, record.campaign, record.finess, record.kind, uploadId);
    const known = await this.db.send(new GetCommand({ TableName: this.table, Key: key }));
    const before = known.Item ? EvidenceRecord.safeParse(withoutKeys(known.Item as Item)) : null;
    const receivedAt = before?.success && before.data.source.version === record.source.version && before.data.receivedAt < record.receivedAt ? before.data.receivedAt : record.receivedAt;
    return (await this.items.putIfNewer({ ...key, ...record, receivedAt })).written;
  }

  async list(region: string, campaign: string): Promise<EvidenceRecord[]> {
    const k = dynamoKeys.evidencePrefix(region, campaign);
    return (await this.items.query(k.pk, k.skPrefix)).map((i) => EvidenceRecord.parse(withoutKeys(i)));
  }
}

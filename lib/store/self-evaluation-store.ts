import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { conflict, SelfEvaluationReport } from '../domain/self-evaluation';
import { isConditionFailure, queryPrefix, withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';


function asReport(item: Record<string, unknown>): SelfEvaluationReport {
  return SelfEvaluationReport.parse(withoutKeys(item));
}

/**
 * The self-evaluation reports in the table: per contract and year, a current item guarded by its
 * version number, and one immutable item per version (the history OMéDIT reads). dynalite has no
 * transactions, so a write is two conditional puts: the current item only if it still has the version
 * the writer read (two tabs saving at once: one wins, the other is told, nothing is lost silently),
 * then its version item, written once. A write interrupted between the two leaves its version only on
 * the current item: the next write puts it back in the history before going on.
 */
export class SelfEvaluationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** A contract's report of a year as it stands, or null when it was never opened. */
  async get(region: string, year: number, contrat: string): Promise<SelfEvaluationReport | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: dynamoKeys.selfEvaluation(region, year, contrat), ConsistentRead: true }));
    return out.Item ? asReport(out.Item) : null;
  }

  /** Every report of a region's year, as they stand. */
  async list(region: string, year: number): Promise<SelfEvaluationReport[]> {
    const k = dynamoKeys.selfEvaluationPrefix(region, year);
    return (await queryPrefix(this.db, this.table, k.pk, k.skPrefix)).map(asReport);
  }

  /** Every version of a contract's report, oldest first. */
  async versions(region: string, year: number, contrat: string): Promise<SelfEvaluationReport[]> {
    const k = dynamoKeys.selfEvaluationVersionPrefix(region, year, contrat);
    return (await queryPrefix(this.db, this.table, k.pk, k.skPrefix)).map(asReport);
  }

  /**
   * Opens a report (its version 1), unless it already exists: opening a year again leaves every
   * report already opened as it is. Returns whether it was opened now.
   */
  async open(report: SelfEvaluationReport): Promise<boolean> {
    const item = SelfEvaluationReport.parse(report);
    if (item.version !== 1) throw new RangeError('a report is opened at version 1');
    try {
      await this.db.send(new PutCommand({ TableName: this.table, Item: { ...this.currentKey(item), ...item }, ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    await this.putVersion(item);
    return true;
  }

  /**
   * Writes the next version of a report, only if the current one is still the version before it.
   * @throws SelfEvaluationError `conflict` when another write came first, saying which version is now current.
   */
  async save(next: SelfEvaluationReport): Promise<void> {
    const item = SelfEvaluationReport.parse(next);
    const current = await this.get(item.region, item.year, item.contrat);
    if (!current || current.version !== item.version - 1) throw conflict(current ?? item);
    // The version before may have been left out of the history by an interrupted write.
    await this.putVersion(current);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...this.currentKey(item), ...item },
          ConditionExpression: '#v = :expected',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':expected': current.version },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      throw conflict((await this.get(item.region, item.year, item.contrat)) ?? item);
    }
    await this.putVersion(item);
  }

  private currentKey(report: SelfEvaluationReport) {
    return dynamoKeys.selfEvaluation(report.region, report.year, report.contrat);
  }

  /** Puts a version in the history once: an existing version item is never rewritten. */
  private async putVersion(report: SelfEvaluationReport): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...dynamoKeys.selfEvaluationVersion(report.region, report.year, report.contrat, report.version), ...report },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

}

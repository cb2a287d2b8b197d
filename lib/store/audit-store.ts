import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { Region } from '../domain/schemas';
import { isConditionFailure, withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';

/**
 * What a write was. The self-evaluation reports record their year's opening, each submission,
 * OMéDIT's review of an indicator or of the contract (`review.recorded`) and a locked or submitted
 * report reopened; their drafts are in each report's own history of versions.
 */
export const AuditAction = z.enum([
  'link.issued',
  'link.revoked',
  'reminder.sent',
  'referential.establishments',
  'referential.targetings',
  'referential.objectives',
  'referential.calendar',
  'referential.parameters',
  'account.created',
  'account.disabled',
  'account.password_reset',
  'review.recorded',
  'report.reopened',
  'report.opened',
  'report.submitted',
  'input.uploaded',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/**
 * Who wrote: an account (its e-mail address, on purpose: that is what an audit log is for), a
 * personal link (its id), the machine credential of `caqes link`, or the pipeline (`system`).
 */
export const AuditActor = z.object({
  kind: z.enum(['account', 'link', 'machine', 'system']),
  id: z.string().min(1).max(254),
});
export type AuditActor = z.infer<typeof AuditActor>;

/** Before and after are small JSON values (counts, a status, a link's id and expiry), never whole lists. */
const Snapshot = z
  .json()
  .nullable()
  .refine((value) => JSON.stringify(value).length <= 4096, 'audit snapshot larger than 4 KiB');
export type AuditSnapshot = z.infer<typeof Snapshot>;

export const AuditEntry = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
  /** ISO instant of the write. */
  at: z.string(),
  /** The region whose data changed; null for the platform (accounts). */
  region: Region.nullable(),
  actor: AuditActor,
  action: AuditAction,
  /** The action in French, as the log shows it. */
  label: z.string(),
  /** What was written to: a FINESS, a referential file, an account's e-mail… */
  target: z.string().nullable(),
  before: Snapshot,
  after: Snapshot,
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** At most this many entries per region and query: the page asks for a period. */
export const AUDIT_PAGE_LIMIT = 500;

/** The audit log in the table: one partition per region, one for the platform, entries sorted by instant. */
export class AuditStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Writes an entry once: an entry with the same region, instant and id is left as it is (a
   * re-delivered event records nothing twice). Returns whether it was written now.
   * @throws ZodError for an entry out of shape; Error when DynamoDB refuses the write.
   */
  async put(entry: AuditEntry): Promise<boolean> {
    const item = AuditEntry.parse(entry);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...dynamoKeys.audit(item.region, item.at, item.id), ...item },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The entries of a region (or of the platform) between two ISO instants, newest first, at most `AUDIT_PAGE_LIMIT`. */
  async list(region: string | null, from: string, to: string): Promise<AuditEntry[]> {
    const k = dynamoKeys.auditRange(region, from, to);
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': k.pk, ':from': k.skFrom, ':to': k.skTo },
        ScanIndexForward: false,
        Limit: AUDIT_PAGE_LIMIT,
      }),
    );
    return (out.Items ?? []).map((item) => AuditEntry.parse(withoutKeys(item)));
  }
}

import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { isConditionFailure, withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';
import { TableItems } from './table-items';

/** An address SES reported as bouncing for good or complaining: reminders no longer go to it. */
export const SuppressedAddress = z.object({
  address: z.string(),
  reason: z.enum(['bounce', 'complaint']),
  detail: z.string().nullable(),
  at: z.string(),
});
export type SuppressedAddress = z.infer<typeof SuppressedAddress>;

export const ReminderMarker = z.object({
  region: z.string(),
  campaign: z.string(),
  deadline: z.string(),
  finess: z.string(),
  step: z.string(),
  /**
   * `suppressed`: due, but every address of the establishment is on the suppression list; `failed`:
   * SES refused it, the next run sends it (even once its step is past); `settled`: it failed, and
   * the establishment owed nothing any more when it was to be sent again.
   */
  status: z.enum(['claimed', 'sent', 'suppressed', 'failed', 'settled']),
  claimedAt: z.string(),
  sentAt: z.string().nullable(),
  /** SES's message id, recorded with the marker. */
  messageId: z.string().nullable(),
  /** The run's day (`today`) that claimed it: the digest of that day counts it. */
  day: z.string().optional(),
  lastError: z.string().nullable().optional(),
});
export type ReminderMarker = z.infer<typeof ReminderMarker>;

/** OMéDIT's digest of a region and day: claimed, then sent (with SES's message id) or failed. */
export const DigestMarker = z.object({
  region: z.string(),
  day: z.string(),
  status: z.enum(['claimed', 'sent', 'failed']),
  claimedAt: z.string(),
  sentAt: z.string().nullable(),
  messageId: z.string().nullable(),
  lastError: z.string().nullable().optional(),
});
export type DigestMarker = z.infer<typeof DigestMarker>;

/**
 * What the reminders leave behind: a marker per reminder and per OMéDIT digest (claimed before it is
 * sent, so that two runs never send it twice), and the addresses SES said not to write to again.
 */
export class ReminderStore {
  private readonly items: TableItems;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.items = new TableItems(db, table);
  }

  /**
   * Claims a reminder before it is sent. False when another run already claimed or sent it; a
   * claim older than `staleAfterMs` that never became `sent` (a crash between claim and send) is
   * taken over, so nothing is skipped silently.
   */
  async claimReminder(marker: Omit<ReminderMarker, 'status' | 'sentAt' | 'messageId'>, staleAfterMs: number): Promise<boolean> {
    const key = dynamoKeys.reminder(marker.region, marker.campaign, marker.deadline, marker.finess, marker.step);
    return this.claim({ ...key, ...marker }, marker.claimedAt, staleAfterMs);
  }

  /**
   * Puts a marker as `claimed` unless one is there that was sent or is being sent: a marker whose
   * sending failed, or claimed more than `staleAfterMs` before `claimedAt` (a crash between claim and
   * send), is taken over. Whether it was claimed.
   */
  private async claim(item: Record<string, unknown> & { pk: string; sk: string }, claimedAt: string, staleAfterMs: number): Promise<boolean> {
    const staleBefore = new Date(Date.parse(claimedAt) - staleAfterMs).toISOString();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...item, status: 'claimed', sentAt: null, messageId: null },
          ConditionExpression: 'attribute_not_exists(pk) OR #s = :failed OR (#s = :claimed AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':failed': 'failed', ':stale': staleBefore },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markReminderSent(marker: ReminderMarker): Promise<void> {
    const key = dynamoKeys.reminder(marker.region, marker.campaign, marker.deadline, marker.finess, marker.step);
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...key, ...marker } }));
  }

  /** Puts an address on the suppression list; the first report of it is kept. */
  async suppressAddress(entry: SuppressedAddress): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({ TableName: this.table, Item: { ...dynamoKeys.suppression(entry.address), ...entry, address: entry.address.trim().toLowerCase() }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async listSuppressed(): Promise<SuppressedAddress[]> {
    const k = dynamoKeys.suppressionPrefix();
    return (await this.items.query(k.pk, k.skPrefix)).map((i) => SuppressedAddress.parse(withoutKeys(i)));
  }

  /**
   * Claims the day's digest of a region, as a reminder is claimed: false when another run sent it or
   * is sending it; a digest SES refused, or a claim older than `staleAfterMs`, is taken over.
   */
  async claimDigest(region: string, day: string, claimedAt: string, staleAfterMs: number): Promise<boolean> {
    return this.claim({ ...dynamoKeys.digest(region, day), region, day, claimedAt }, claimedAt, staleAfterMs);
  }

  async markDigest(marker: DigestMarker): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...dynamoKeys.digest(marker.region, marker.day), ...marker } }));
  }

  /** The day's digest marker of a region (items written before digests had states read as `sent`). */
  async getDigest(region: string, day: string): Promise<DigestMarker | null> {
    const out = await this.db.send(new GetCommand({ TableName: this.table, Key: dynamoKeys.digest(region, day), ConsistentRead: true }));
    return out.Item ? DigestMarker.parse({ status: 'sent', sentAt: null, messageId: null, region, day, ...out.Item }) : null;
  }

  async listReminders(region: string, campaign: string): Promise<ReminderMarker[]> {
    const k = dynamoKeys.reminderPrefix(region, campaign);
    return (await this.items.query(k.pk, k.skPrefix)).map((i) => ReminderMarker.parse(withoutKeys(i)));
  }
}

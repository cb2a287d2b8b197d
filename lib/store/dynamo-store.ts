import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  Deadline,
  Establishment,
  EvidenceRecord,
  IndicatorResult,
  MoFact,
  Objective,
  Targeting,
} from '../domain/schemas';
import { z } from 'zod';
import { dynamoKeys } from './keys';

type Key = { pk: string; sk: string };
type Item = Record<string, unknown> & Key;

export const FileStatus = z.enum(['processing', 'accepted', 'rejected']);

export const FileEvent = z.object({
  key: z.string(),
  order: z.string(),
  version: z.string(),
  status: FileStatus,
  kind: z.string().nullable(),
  reportKey: z.string().nullable(),
  errorCount: z.number().int(),
  warningCount: z.number().int(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** The computations the file asked for: sent again when a re-delivered event finds it processed. */
  compute: z.array(z.object({ region: z.string(), year: z.number().int() })).default([]),
});
export type FileEvent = z.infer<typeof FileEvent>;

export const ReminderMarker = z.object({
  region: z.string(),
  campaign: z.string(),
  deadline: z.string(),
  finess: z.string(),
  step: z.string(),
  status: z.enum(['claimed', 'sent']),
  claimedAt: z.string(),
  sentAt: z.string().nullable(),
  messageId: z.string().nullable(),
});
export type ReminderMarker = z.infer<typeof ReminderMarker>;

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

function strip<T extends Item>(item: T): Omit<T, 'pk' | 'sk'> {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}

/**
 * DynamoDB access for both runtimes. Writes that must happen once are conditional puts (dynalite
 * has no transactions); bulk writes grow with establishments, never with file rows.
 */
export class DynamoStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private async query(pk: string, skPrefix: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((page.Items ?? []) as Item[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  private async writeAll(puts: Item[], deletes: Key[] = []): Promise<void> {
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

  /** Puts an item only when its `order` is newer than the stored one; false when it was not. */
  private async putIfNewer(item: Item & { order: string }): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR #order < :order',
          ExpressionAttributeNames: { '#order': 'order' },
          ExpressionAttributeValues: { ':order': item.order },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  // Referential

  async listRegions(): Promise<{ region: string; years: number[] }[]> {
    const k = dynamoKeys.regionsPrefix();
    const items = await this.query(k.pk, k.skPrefix);
    return items.map((i) => ({
      region: String(i.region),
      years: [...((i.years as Set<number> | undefined) ?? [])].map(Number).sort(),
    }));
  }

  private async noteRegionYear(region: string, year?: number): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: dynamoKeys.region(region),
        UpdateExpression: year === undefined ? 'SET #r = :r' : 'SET #r = :r ADD #y :y',
        ExpressionAttributeNames: year === undefined ? { '#r': 'region' } : { '#r': 'region', '#y': 'years' },
        ExpressionAttributeValues: year === undefined ? { ':r': region } : { ':r': region, ':y': new Set([year]) },
      }),
    );
  }

  /** Replaces the establishments of every region named in the file; sites left out are removed. */
  async replaceEstablishments(establishments: readonly Establishment[]): Promise<void> {
    const regions = new Set(establishments.map((e) => e.region));
    for (const known of await this.listRegions()) regions.add(known.region);
    for (const region of regions) {
      const keep = establishments.filter((e) => e.region === region);
      const existing = await this.listEstablishments(region);
      const stale = existing.filter((e) => !keep.some((k) => k.finess === e.finess));
      await this.writeAll(
        keep.map((e) => ({ ...dynamoKeys.establishment(region, e.finess), ...e })),
        stale.map((e) => dynamoKeys.establishment(region, e.finess)),
      );
      if (keep.length > 0) await this.noteRegionYear(region);
    }
  }

  async listEstablishments(region: string): Promise<Establishment[]> {
    const k = dynamoKeys.establishmentPrefix(region);
    return (await this.query(k.pk, k.skPrefix)).map((i) => Establishment.parse(strip(i)));
  }

  async allEstablishments(): Promise<Establishment[]> {
    const regions = await this.listRegions();
    return (await Promise.all(regions.map((r) => this.listEstablishments(r.region)))).flat();
  }

  /** Replaces a year's targeting in every region (the file is the whole list for that year). */
  async replaceTargetings(year: number, targetings: readonly Targeting[], regionOf: ReadonlyMap<string, string>): Promise<void> {
    const regions = new Set((await this.listRegions()).map((r) => r.region));
    for (const region of regions) {
      const k = dynamoKeys.targetingPrefix(region, year);
      const existing = await this.query(k.pk, k.skPrefix);
      const keep = targetings.filter((t) => regionOf.get(t.finess) === region);
      const keepKeys = new Set(keep.map((t) => dynamoKeys.targeting(region, year, t.finess, t.indicator).sk));
      await this.writeAll(
        keep.map((t) => ({ ...dynamoKeys.targeting(region, year, t.finess, t.indicator), ...t })),
        existing.filter((i) => !keepKeys.has(i.sk)).map((i) => ({ pk: i.pk, sk: i.sk })),
      );
      if (keep.length > 0) await this.noteRegionYear(region, year);
    }
  }

  async listTargetings(region: string, year?: number): Promise<Targeting[]> {
    const k = dynamoKeys.targetingPrefix(region, year);
    return (await this.query(k.pk, k.skPrefix)).map((i) => Targeting.parse(strip(i)));
  }

  async putObjectives(year: number, objectives: readonly Objective[], order: string): Promise<boolean> {
    return this.putIfNewer({ ...dynamoKeys.objectives(year), order, objectives: [...objectives] });
  }

  async listObjectives(): Promise<Objective[]> {
    const k = dynamoKeys.objectivesPrefix();
    return (await this.query(k.pk, k.skPrefix)).flatMap((i) => z.array(Objective).parse(i.objectives));
  }

  async putCalendar(year: number, deadlines: readonly Deadline[], order: string): Promise<boolean> {
    return this.putIfNewer({ ...dynamoKeys.calendar(year), order, deadlines: [...deadlines] });
  }

  async listDeadlines(): Promise<Deadline[]> {
    const k = dynamoKeys.calendarPrefix();
    return (await this.query(k.pk, k.skPrefix)).flatMap((i) => z.array(Deadline).parse(i.deadlines));
  }

  // Facts and results

  /** Stores a fact unless a newer upload already gave this establishment and year. */
  async putMoFact(fact: MoFact, order: string): Promise<boolean> {
    const written = await this.putIfNewer({ ...dynamoKeys.moFact(fact.region, fact.year, fact.finess), order, ...fact });
    if (written) await this.noteRegionYear(fact.region, fact.year);
    return written;
  }

  async listMoFacts(region: string, year: number): Promise<MoFact[]> {
    const k = dynamoKeys.moFactPrefix(region, year);
    return (await this.query(k.pk, k.skPrefix)).map((i) => MoFact.parse(strip(i)));
  }

  async replaceResults(region: string, year: number, results: readonly IndicatorResult[]): Promise<void> {
    const k = dynamoKeys.resultPrefix(region, year);
    const existing = await this.query(k.pk, k.skPrefix);
    const items = results.map((r) => ({
      ...dynamoKeys.result(region, year, r.indicator, r.scope, r.finess ?? r.contrat),
      ...r,
    }));
    const keep = new Set(items.map((i) => i.sk));
    await this.writeAll(items, existing.filter((i) => !keep.has(i.sk)).map((i) => ({ pk: i.pk, sk: i.sk })));
  }

  async listResults(region: string, year: number): Promise<IndicatorResult[]> {
    const k = dynamoKeys.resultPrefix(region, year);
    return (await this.query(k.pk, k.skPrefix)).map((i) => IndicatorResult.parse(strip(i)));
  }

  // Evidence

  async putEvidence(record: EvidenceRecord, uploadId: string, order: string): Promise<boolean> {
    return this.putIfNewer({
      ...dynamoKeys.evidence(record.region, record.campaign, record.finess, record.kind, uploadId),
      order,
      ...record,
    });
  }

  async listEvidence(region: string, campaign: string): Promise<EvidenceRecord[]> {
    const k = dynamoKeys.evidencePrefix(region, campaign);
    return (await this.query(k.pk, k.skPrefix)).map((i) => EvidenceRecord.parse(strip(i)));
  }

  // File events: one record per S3 event, so a re-delivered event is recognised.

  /**
   * Claims an event for processing. Returns the existing record when the event was already
   * processed to the end; a record left `processing` by a crash is taken over.
   */
  async claimFileEvent(event: Pick<FileEvent, 'key' | 'order' | 'version' | 'startedAt'>): Promise<FileEvent | null> {
    const key = dynamoKeys.fileEvent(event.key, event.order);
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, ...event, status: 'processing', kind: null, reportKey: null, errorCount: 0, warningCount: 0, finishedAt: null, compute: [] },
          ConditionExpression: 'attribute_not_exists(pk) OR #s = :processing',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':processing': 'processing' },
        }),
      );
      return null;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.db.send(new GetCommand({ TableName: this.table, Key: key }));
      return FileEvent.parse(strip(existing.Item as Item));
    }
  }

  async finishFileEvent(event: FileEvent): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.table, Item: { ...dynamoKeys.fileEvent(event.key, event.order), ...event } }));
  }

  async listFileEvents(s3Key: string): Promise<FileEvent[]> {
    const k = dynamoKeys.fileEventPrefix(s3Key);
    return (await this.query(k.pk, k.skPrefix)).map((i) => FileEvent.parse(strip(i)));
  }

  // Reminder markers

  /**
   * Claims a reminder before it is sent. False when another run already claimed or sent it; a
   * claim older than `staleAfterMs` that never became `sent` (a crash between claim and send) is
   * taken over, so nothing is skipped silently.
   */
  async claimReminder(marker: Omit<ReminderMarker, 'status' | 'sentAt' | 'messageId'>, staleAfterMs: number): Promise<boolean> {
    const key = dynamoKeys.reminder(marker.region, marker.campaign, marker.deadline, marker.finess, marker.step);
    const staleBefore = new Date(Date.parse(marker.claimedAt) - staleAfterMs).toISOString();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, ...marker, status: 'claimed', sentAt: null, messageId: null },
          ConditionExpression: 'attribute_not_exists(pk) OR (#s = :claimed AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':claimed': 'claimed', ':stale': staleBefore },
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

  async listReminders(region: string, campaign: string): Promise<ReminderMarker[]> {
    const k = dynamoKeys.reminderPrefix(region, campaign);
    return (await this.query(k.pk, k.skPrefix)).map((i) => ReminderMarker.parse(strip(i)));
  }
}

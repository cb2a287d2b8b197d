import {
  BatchWriteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import {
  CpamFact,
  Deadline,
  DmiFact,
  Establishment,
  EvidenceRecord,
  IndicatorResult,
  MoFact,
  Objective,
  PhmevFact,
  SourceRef,
  Targeting,
} from '../domain/schemas';
import { ParameterSet } from '../domain/settings';
import { IssueCode } from '../formats/report';
import { ComputeMessage } from './compute-queue';
import { z } from 'zod';
import { isConditionFailure, queryPrefix, setFields, withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';
import { holdsResult, resultItem, resultOf } from './result-items';
import { alreadyStored, applyUpload, encodePeriods, establishmentOf, factsOf, MAX_HISTORY, periodsOf } from './mo-fact-items';

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
  /** The report summed up: rows read and accepted, and the number of issues of each code. */
  rowsRead: z.number().int().default(0),
  rowsAccepted: z.number().int().default(0),
  issueCounts: z.partialRecord(IssueCode, z.number().int()).default({}),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** The computations the file asked for: sent again when a re-delivered event finds it processed. */
  compute: z.array(ComputeMessage).default([]),
  /** How many times processing started, and why the last one failed (a dead-lettered file says so here). */
  attempts: z.number().int().default(1),
  lastError: z.string().nullable().default(null),
});
export type FileEvent = z.infer<typeof FileEvent>;

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

/** Conditional writes in flight at once when a file's facts or a referential file are applied. */
const WRITE_CONCURRENCY = 16;

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
    return (await queryPrefix(this.db, this.table, pk, skPrefix)) as Item[];
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

  /**
   * Puts an item unless a newer upload gave it (`order` greater than this one). The same order is
   * written again: a processing interrupted after some writes is then completed by its retry, which
   * rewrites the same values and still asks for the computations.
   * Returns whether it was written and the item it replaced, if any.
   */
  private async putIfNewer(item: Item & { order: string }): Promise<{ written: boolean; old: Item | null }> {
    try {
      const out = await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR #order <= :order',
          ExpressionAttributeNames: { '#order': 'order' },
          ExpressionAttributeValues: { ':order': item.order },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { written: true, old: (out.Attributes as Item | undefined) ?? null };
    } catch (error) {
      if (isConditionFailure(error)) return { written: false, old: null };
      throw error;
    }
  }

  /**
   * Writes a fact unless a newer upload already gave it, and keeps the source it replaced in its
   * `replaced` list (newest first), so the history of uploads stays readable on the fact itself.
   */
  private async putFact(item: Item & { order: string; source: SourceRef }): Promise<boolean> {
    const { written, old } = await this.putIfNewer({ ...item, replaced: [] });
    if (!written || !old) return written;
    const previous = SourceRef.safeParse(old.source);
    const history = z.array(SourceRef).catch([]).parse(old.replaced);
    const same = previous.success && previous.data.key === item.source.key && previous.data.version === item.source.version;
    const replaced = same || !previous.success ? history : [previous.data, ...history].slice(0, MAX_HISTORY);
    if (replaced.length === 0) return true;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET replaced = :replaced',
          ConditionExpression: '#order = :order',
          ExpressionAttributeNames: { '#order': 'order' },
          ExpressionAttributeValues: { ':replaced': replaced, ':order': item.order },
        }),
      );
    } catch (error) {
      // A newer upload wrote meanwhile: its own write keeps the history from here.
      if (!isConditionFailure(error)) throw error;
    }
    return true;
  }

  /**
   * Replaces a set of items by the set a newer file gives: each item is written only if the file is
   * newer than what wrote it, and items the file no longer has become tombstones (kept with the
   * file's order), so a late event of an older file can neither bring back nor overwrite anything.
   */
  private async replaceSet(existing: readonly Item[], keep: readonly Item[], order: string): Promise<void> {
    const keepKeys = new Set(keep.map((i) => i.sk));
    const tombstones = existing.filter((i) => !keepKeys.has(i.sk) && i.removed !== true).map((i) => ({ pk: i.pk, sk: i.sk, order, removed: true }));
    await this.inBatches([...keep.map((i) => ({ ...i, order })), ...tombstones], (w) => this.putIfNewer(w));
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

  /**
   * Replaces the establishments of the regions named (by default those of the file's rows) by the
   * file's, sites left out becoming tombstones, unless a newer referential file already did. Other
   * regions are not read nor written: one region's file never changes another's establishments.
   */
  async replaceEstablishments(establishments: readonly Establishment[], order: string, regions: ReadonlySet<string> = new Set(establishments.map((e) => e.region))): Promise<void> {
    for (const region of regions) {
      const k = dynamoKeys.establishmentPrefix(region);
      const keep = establishments.filter((e) => e.region === region);
      await this.replaceSet(await this.query(k.pk, k.skPrefix), keep.map((e) => ({ ...dynamoKeys.establishment(region, e.finess), ...e })), order);
      if (keep.length > 0) await this.noteRegionYear(region);
    }
  }

  async listEstablishments(region: string): Promise<Establishment[]> {
    const k = dynamoKeys.establishmentPrefix(region);
    return (await this.query(k.pk, k.skPrefix)).filter((i) => i.removed !== true).map((i) => Establishment.parse(withoutKeys(i)));
  }

  async allEstablishments(): Promise<Establishment[]> {
    const regions = await this.listRegions();
    return (await Promise.all(regions.map((r) => this.listEstablishments(r.region)))).flat();
  }

  /**
   * Replaces a year's targeting of the regions named (the file is their whole list for that year),
   * unless a newer file did; other regions keep theirs.
   */
  async replaceTargetings(year: number, targetings: readonly Targeting[], regionOf: ReadonlyMap<string, string>, order: string, regions: ReadonlySet<string>): Promise<void> {
    for (const region of regions) {
      const k = dynamoKeys.targetingPrefix(region, year);
      const keep = targetings.filter((t) => regionOf.get(t.finess) === region);
      await this.replaceSet(
        await this.query(k.pk, k.skPrefix),
        keep.map((t) => ({ ...dynamoKeys.targeting(region, year, t.finess, t.indicator), ...t })),
        order,
      );
      if (keep.length > 0) await this.noteRegionYear(region, year);
    }
  }

  async listTargetings(region: string, year?: number): Promise<Targeting[]> {
    const k = dynamoKeys.targetingPrefix(region, year);
    return (await this.query(k.pk, k.skPrefix)).filter((i) => i.removed !== true).map((i) => Targeting.parse(withoutKeys(i)));
  }

  /** A year's objectives of one region (or, `region` null, those for every region), unless a newer file gave them. */
  async putObjectives(year: number, objectives: readonly Objective[], order: string, region: string | null = null): Promise<boolean> {
    return (await this.putIfNewer({ ...dynamoKeys.objectives(year, region), order, objectives: [...objectives] })).written;
  }

  async listObjectives(): Promise<Objective[]> {
    const k = dynamoKeys.objectivesPrefix();
    return (await this.query(k.pk, k.skPrefix)).flatMap((i) => z.array(Objective).parse(i.objectives));
  }

  /** A year's calendar of one region (or, `region` null, the one every region shares), unless a newer file gave it. */
  async putCalendar(year: number, deadlines: readonly Deadline[], order: string, region: string | null = null): Promise<boolean> {
    return (await this.putIfNewer({ ...dynamoKeys.calendar(year, region), order, region, deadlines: [...deadlines] })).written;
  }

  async putParameters(year: number, sets: readonly ParameterSet[], order: string, region: string | null = null): Promise<boolean> {
    return (await this.putIfNewer({ ...dynamoKeys.parameters(year, region), order, sets: [...sets] })).written;
  }

  async listParameters(): Promise<ParameterSet[]> {
    const k = dynamoKeys.parametersPrefix();
    return (await this.query(k.pk, k.skPrefix)).flatMap((i) => z.array(ParameterSet).parse(i.sets));
  }

  /**
   * The deadlines of a region: for each year, the region's own calendar when its OMéDIT gave one,
   * else the calendar every region shares. Without a region, every calendar stored.
   */
  async listDeadlines(region?: string): Promise<Deadline[]> {
    const k = dynamoKeys.calendarPrefix();
    const items = (await this.query(k.pk, k.skPrefix)).map((i) => ({ region: typeof i.region === 'string' ? i.region : null, deadlines: z.array(Deadline).parse(i.deadlines) }));
    if (region === undefined) return items.flatMap((i) => i.deadlines);
    const own = new Set(items.filter((i) => i.region === region).flatMap((i) => i.deadlines.map((d) => d.year)));
    return items.filter((i) => i.region === region || (i.region === null && !i.deadlines.some((d) => own.has(d.year)))).flatMap((i) => i.deadlines);
  }

  // Facts and results

  /** Runs writes `WRITE_CONCURRENCY` at a time, in order of the list, returning their results in that order. */
  private async inBatches<T, R>(items: readonly T[], write: (item: T) => Promise<R>): Promise<R[]> {
    const out: R[] = [];
    for (let i = 0; i < items.length; i += WRITE_CONCURRENCY) out.push(...(await Promise.all(items.slice(i, i + WRITE_CONCURRENCY).map(write))));
    return out;
  }

  /**
   * Stores an extract's MO facts, each unless a newer upload already gave its establishment and
   * period, and returns those written. One item per establishment and year holds its periods
   * (lib/store/mo-fact-items.ts): one conditional write each, so writes grow with establishments,
   * never with the file's rows or its months.
   */
  async putMoFacts(facts: readonly MoFact[], order: string): Promise<MoFact[]> {
    const groups = new Map<string, MoFact[]>();
    for (const fact of facts) {
      const id = `${fact.region}#${fact.year}#${fact.finess}`;
      groups.set(id, [...(groups.get(id) ?? []), fact]);
    }
    const written = (await this.inBatches([...groups.values()], (group) => this.putEstablishmentYear(group, order))).flat();
    await this.noteRegionYears(written);
    return written;
  }

  /**
   * Applies an upload's facts of one establishment and year to its item: read, merged, written back
   * unless another upload wrote it meanwhile (its revision moved), in which case it is read again.
   */
  private async putEstablishmentYear(facts: readonly MoFact[], order: string): Promise<MoFact[]> {
    const { region, year, finess } = facts[0]!;
    const key = dynamoKeys.moFacts(region, year, finess);
    for (let attempt = 0; attempt < 10; attempt++) {
      const items = await this.query(key.pk, key.sk);
      const { periods, written } = applyUpload(periodsOf(items), facts, order);
      if (alreadyStored(items, periods)) return written;
      const revision = items.find((i) => i.sk === key.sk)?.revision;
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...key, region, year, finess, revision: typeof revision === 'number' ? revision + 1 : 1, periods: encodePeriods(periods) },
            ...(typeof revision === 'number'
              ? { ConditionExpression: 'revision = :revision', ExpressionAttributeValues: { ':revision': revision } }
              : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) continue;
        throw error;
      }
      // Items of one period each, from before: their periods are in the year's item now.
      await this.writeAll([], items.filter((i) => i.sk !== key.sk).map((i) => ({ pk: i.pk, sk: i.sk })));
      return written;
    }
    throw new Error(`faits MO de ${finess} (${region}, ${year}) : écrits par d’autres dépôts à chaque essai, réessayer`);
  }

  /** Records once per region and year that facts exist for it (the summaries and the daily computation list them). */
  private async noteRegionYears(facts: readonly { region: string; year: number }[]): Promise<void> {
    const pairs = new Map(facts.map((f) => [`${f.region}#${f.year}`, f]));
    for (const { region, year } of pairs.values()) await this.noteRegionYear(region, year);
  }

  async listMoFacts(region: string, year: number): Promise<MoFact[]> {
    const k = dynamoKeys.moFactPrefix(region, year);
    const byEstablishment = new Map<string, Item[]>();
    for (const item of await this.query(k.pk, k.skPrefix)) {
      const finess = establishmentOf(item);
      byEstablishment.set(finess, [...(byEstablishment.get(finess) ?? []), item]);
    }
    return [...byEstablishment].flatMap(([finess, items]) => factsOf(region, year, finess, periodsOf(items)));
  }

  /** Stores an extract's CPAM values, each unless a newer upload already gave its establishment, indicator and period; returns those written. */
  async putCpamFacts(facts: readonly CpamFact[], order: string): Promise<CpamFact[]> {
    const done = await this.inBatches(facts, (fact) => this.putFact({ ...dynamoKeys.cpamFact(fact.region, fact.year, fact.indicator, fact.finess, fact.period), order, ...fact }));
    const written = facts.filter((_, i) => done[i]);
    await this.noteRegionYears(written);
    return written;
  }

  /** Stores an Open PHMEV year's facts, each unless a newer upload already gave it; returns those written. */
  async putPhmevFacts(facts: readonly PhmevFact[], order: string): Promise<PhmevFact[]> {
    const done = await this.inBatches(facts, (fact) => this.putFact({ ...dynamoKeys.phmevFact(fact.region, fact.year, fact.finess), order, ...fact }));
    const written = facts.filter((_, i) => done[i]);
    await this.noteRegionYears(written);
    return written;
  }

  async listPhmevFacts(region: string, year: number): Promise<PhmevFact[]> {
    const k = dynamoKeys.phmevFactPrefix(region, year);
    return (await this.query(k.pk, k.skPrefix)).map((i) => PhmevFact.parse(withoutKeys(i)));
  }

  /** Stores a PMSI DMI year's facts, each unless a newer upload already gave it; returns those written. */
  async putDmiFacts(facts: readonly DmiFact[], order: string): Promise<DmiFact[]> {
    const done = await this.inBatches(facts, (fact) => this.putFact({ ...dynamoKeys.dmiFact(fact.region, fact.year, fact.finess), order, ...fact }));
    const written = facts.filter((_, i) => done[i]);
    await this.noteRegionYears(written);
    return written;
  }

  async listDmiFacts(region: string, year: number): Promise<DmiFact[]> {
    const k = dynamoKeys.dmiFactPrefix(region, year);
    return (await this.query(k.pk, k.skPrefix)).map((i) => DmiFact.parse(withoutKeys(i)));
  }

  async listCpamFacts(region: string, year: number): Promise<CpamFact[]> {
    const k = dynamoKeys.cpamFactPrefix(region, year);
    return (await this.query(k.pk, k.skPrefix)).map((i) => CpamFact.parse(withoutKeys(i)));
  }

  /** Replaces the results of a region and year, only those of the indicators named when some are. */
  async replaceResults(region: string, year: number, results: readonly IndicatorResult[], indicators?: readonly string[]): Promise<void> {
    const k = dynamoKeys.resultPrefix(region, year);
    const existing = (await this.query(k.pk, k.skPrefix)).filter((i) => !indicators || indicators.includes(String(i.indicator)));
    const items = results.map(resultItem);
    const keep = new Set(items.map((i) => i.sk));
    // Most results of a region do not move with one upload: only those that changed are written.
    const before = new Map(existing.map((i) => [i.sk, i]));
    const changed = items.filter((i) => !holdsResult(before.get(i.sk), i));
    await this.writeAll(changed, existing.filter((i) => !keep.has(i.sk)).map((i) => ({ pk: i.pk, sk: i.sk })));
  }

  async listResults(region: string, year: number): Promise<IndicatorResult[]> {
    const k = dynamoKeys.resultPrefix(region, year);
    return (await this.query(k.pk, k.skPrefix)).map(resultOf);
  }

  // Evidence

  /**
   * Records an upload's outcome unless a newer event of the same upload did. The same content put
   * again at the same key keeps the day it was first received: a re-delivery is not a late upload.
   */
  async putEvidence(record: EvidenceRecord, uploadId: string): Promise<boolean> {
    const key = dynamoKeys.evidence(record.region, record.campaign, record.finess, record.kind, uploadId);
    const known = await this.db.send(new GetCommand({ TableName: this.table, Key: key }));
    const before = known.Item ? EvidenceRecord.safeParse(withoutKeys(known.Item as Item)) : null;
    const receivedAt = before?.success && before.data.source.version === record.source.version && before.data.receivedAt < record.receivedAt ? before.data.receivedAt : record.receivedAt;
    return (await this.putIfNewer({ ...key, ...record, receivedAt })).written;
  }

  async listEvidence(region: string, campaign: string): Promise<EvidenceRecord[]> {
    const k = dynamoKeys.evidencePrefix(region, campaign);
    return (await this.query(k.pk, k.skPrefix)).map((i) => EvidenceRecord.parse(withoutKeys(i)));
  }

  // File events: one record per S3 event, so a re-delivered event is recognised.

  /**
   * Claims an event for processing. Returns the existing record when the event was already
   * processed to the end; a record left `processing` by a crash is taken over.
   */
  async claimFileEvent(event: Pick<FileEvent, 'key' | 'order' | 'version' | 'startedAt'>): Promise<FileEvent | null> {
    const key = dynamoKeys.fileEvent(event.key, event.order);
    try {
      // An update, not a put: the attempts and last error of an interrupted processing are kept.
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression:
            'SET #key = :key, #order = :order, version = :version, startedAt = :startedAt, #s = :processing, kind = :null, reportKey = :null, ' +
            'errorCount = :zero, warningCount = :zero, rowsRead = :zero, rowsAccepted = :zero, issueCounts = :empty, finishedAt = :null, compute = :none, ' +
            'lastError = if_not_exists(lastError, :null) ADD attempts :one',
          ConditionExpression: 'attribute_not_exists(pk) OR #s = :processing',
          ExpressionAttributeNames: { '#s': 'status', '#key': 'key', '#order': 'order' },
          ExpressionAttributeValues: {
            ':key': event.key,
            ':order': event.order,
            ':version': event.version,
            ':startedAt': event.startedAt,
            ':processing': 'processing',
            ':null': null,
            ':zero': 0,
            ':empty': {},
            ':none': [],
            ':one': 1,
          },
        }),
      );
      return null;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const existing = await this.db.send(new GetCommand({ TableName: this.table, Key: key }));
      return FileEvent.parse(withoutKeys(existing.Item as Item));
    }
  }

  /** Ends the processing of an event with its outcome; its attempts and last error stay. */
  async finishFileEvent(event: Omit<FileEvent, 'attempts' | 'lastError'>): Promise<void> {
    const { key: s3Key, order, ...fields } = event;
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: dynamoKeys.fileEvent(s3Key, order),
        ...setFields(fields),
      }),
    );
  }

  /**
   * Records why the processing of an event failed: the event is delivered again, and after its last
   * attempt the dead-letter queue keeps the message while this record says which file and why.
   */
  async failFileEvent(s3Key: string, order: string, error: string, at: string): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.table,
        Key: dynamoKeys.fileEvent(s3Key, order),
        UpdateExpression: 'SET lastError = :error, lastFailedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':error': error, ':at': at },
      }),
    );
  }

  async listFileEvents(s3Key: string): Promise<FileEvent[]> {
    const k = dynamoKeys.fileEventPrefix(s3Key);
    return (await this.query(k.pk, k.skPrefix)).map((i) => FileEvent.parse(withoutKeys(i)));
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
    return (await this.query(k.pk, k.skPrefix)).map((i) => SuppressedAddress.parse(withoutKeys(i)));
  }

  /**
   * Claims the day's digest of a region, as a reminder is claimed: false when another run sent it or
   * is sending it; a digest SES refused, or a claim older than `staleAfterMs`, is taken over.
   */
  async claimDigest(region: string, day: string, claimedAt: string, staleAfterMs: number): Promise<boolean> {
    const staleBefore = new Date(Date.parse(claimedAt) - staleAfterMs).toISOString();
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...dynamoKeys.digest(region, day), region, day, claimedAt, status: 'claimed', sentAt: null, messageId: null },
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
    return (await this.query(k.pk, k.skPrefix)).map((i) => ReminderMarker.parse(withoutKeys(i)));
  }
}

import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { Deadline, Establishment, Objective, Targeting } from '../domain/schemas';
import { ParameterSet } from '../domain/settings';
import { withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';
import { TableItems } from './table-items';

/**
 * Records that a region has data (and, given a year, data for that year): the list of regions and
 * years the summaries and the daily computation go through. Written by the referential and by facts.
 */
export async function noteRegionYear(db: DynamoDBDocumentClient, table: string, region: string, year?: number): Promise<void> {
  await db.send(
    new UpdateCommand({
      TableName: table,
      Key: dynamoKeys.region(region),
      UpdateExpression: year === undefined ? 'SET #r = :r' : 'SET #r = :r ADD #y :y',
      ExpressionAttributeNames: year === undefined ? { '#r': 'region' } : { '#r': 'region', '#y': 'years' },
      ExpressionAttributeValues: year === undefined ? { ':r': region } : { ':r': region, ':y': new Set([year]) },
    }),
  );
}

/**
 * The referential OMéDIT gives: establishments, targetings, objectives, calendars and parameters,
 * and the regions and years known. A file replaces the data of the regions it names, never another's.
 */
export class ReferentialStore {
  private readonly items: TableItems;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.items = new TableItems(db, table);
  }

  async listRegions(): Promise<{ region: string; years: number[] }[]> {
    const k = dynamoKeys.regionsPrefix();
    const items = await this.items.query(k.pk, k.skPrefix);
    return items.map((i) => ({
      region: String(i.region),
      years: [...((i.years as Set<number> | undefined) ?? [])].map(Number).sort(),
    }));
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
      await this.items.replaceSet(await this.items.query(k.pk, k.skPrefix), keep.map((e) => ({ ...dynamoKeys.establishment(region, e.finess), ...e })), order);
      if (keep.length > 0) await noteRegionYear(this.db, this.table, region);
    }
  }

  async listEstablishments(region: string): Promise<Establishment[]> {
    const k = dynamoKeys.establishmentPrefix(region);
    return (await this.items.query(k.pk, k.skPrefix)).filter((i) => i.removed !== true).map((i) => Establishment.parse(withoutKeys(i)));
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
      await this.items.replaceSet(
        await this.items.query(k.pk, k.skPrefix),
        keep.map((t) => ({ ...dynamoKeys.targeting(region, year, t.finess, t.indicator), ...t })),
        order,
      );
      if (keep.length > 0) await noteRegionYear(this.db, this.table, region, year);
    }
  }

  async listTargetings(region: string, year?: number): Promise<Targeting[]> {
    const k = dynamoKeys.targetingPrefix(region, year);
    return (await this.items.query(k.pk, k.skPrefix)).filter((i) => i.removed !== true).map((i) => Targeting.parse(withoutKeys(i)));
  }

  /** A year's objectives of one region (or, `region` null, those for every region), unless a newer file gave them. */
  async putObjectives(year: number, objectives: readonly Objective[], order: string, region: string | null = null): Promise<boolean> {
    return (await this.items.putIfNewer({ ...dynamoKeys.objectives(year, region), order, objectives: [...objectives] })).written;
  }

  async listObjectives(): Promise<Objective[]> {
    const k = dynamoKeys.objectivesPrefix();
    return (await this.items.query(k.pk, k.skPrefix)).flatMap((i) => z.array(Objective).parse(i.objectives));
  }

  /** A year's calendar of one region (or, `region` null, the one every region shares), unless a newer file gave it. */
  async putCalendar(year: number, deadlines: readonly Deadline[], order: string, region: string | null = null): Promise<boolean> {
    return (await this.items.putIfNewer({ ...dynamoKeys.calendar(year, region), order, region, deadlines: [...deadlines] })).written;
  }

  async putParameters(year: number, sets: readonly ParameterSet[], order: string, region: string | null = null): Promise<boolean> {
    return (await this.items.putIfNewer({ ...dynamoKeys.parameters(year, region), order, sets: [...sets] })).written;
  }

  async listParameters(): Promise<ParameterSet[]> {
    const k = dynamoKeys.parametersPrefix();
    return (await this.items.query(k.pk, k.skPrefix)).flatMap((i) => z.array(ParameterSet).parse(i.sets));
  }

  /**
   * The deadlines of a region: for each year, the region's own calendar when its OMéDIT gave one,
   * else the calendar every region shares. Without a region, every calendar stored.
   */
  async listDeadlines(region?: string): Promise<Deadline[]> {
    const k = dynamoKeys.calendarPrefix();
    const items = (await this.items.query(k.pk, k.skPrefix)).map((i) => ({ region: typeof i.region === 'string' ? i.region : null, deadlines: z.array(Deadline).parse(i.deadlines) }));
    if (region === undefined) return items.flatMap((i) => i.deadlines);
    const own = new Set(items.filter((i) => i.region === region).flatMap((i) => i.deadlines.map((d) => d.year)));
    return items.filter((i) => i.region === region || (i.region === null && !i.deadlines.some((d) => own.has(d.year)))).flatMap((i) => i.deadlines);
  }
}

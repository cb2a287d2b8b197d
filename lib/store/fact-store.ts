import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CpamFact, DmiFact, MoFact, PhmevFact } from '../domain/schemas';
import { withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';
import { noteRegionYear } from './referential-store';
import { TableItems } from './table-items';

/**
 * The facts the extracts give (ATIH's MO, CPAM's values, Open PHMEV, PMSI DMI): each written unless
 * a newer upload already gave it, keeping the sources it replaced.
 */
export class FactStore {
  private readonly items: TableItems;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.items = new TableItems(db, table);
  }

  /**
   * Stores an extract's MO facts, each unless a newer upload already gave its establishment and
   * period, and returns those written. A year is given either whole or month by month: the newest
   * upload's way wins, the other periods of that establishment and year becoming tombstones so that
   * nothing is counted twice. Writes grow with establishment-months, never with the file's rows.
   */
  async putMoFacts(facts: readonly MoFact[], order: string): Promise<MoFact[]> {
    const done = await this.items.inBatches(facts, (fact) => this.items.putFact({ ...dynamoKeys.moFact(fact.region, fact.year, fact.finess, fact.month), order, ...fact }));
    const written = facts.filter((_, i) => done[i]);
    const otherPeriods = new Map<string, { region: string; year: number; finess: string; months: (number | null)[] }>();
    for (const f of written) {
      const others = f.month === null ? Array.from({ length: 12 }, (_, i) => i + 1) : [null];
      otherPeriods.set(`${f.region}#${f.year}#${f.finess}#${f.month === null}`, { region: f.region, year: f.year, finess: f.finess, months: others });
    }
    const tombstones = [...otherPeriods.values()].flatMap((g) => g.months.map((month) => ({ ...dynamoKeys.moFact(g.region, g.year, g.finess, month), order, removed: true })));
    await this.items.inBatches(tombstones, (t) => this.items.putIfNewer(t));
    await this.noteRegionYears(written);
    return written;
  }

  /** Records once per region and year that facts exist for it (the summaries and the daily computation list them). */
  private async noteRegionYears(facts: readonly { region: string; year: number }[]): Promise<void> {
    const pairs = new Map(facts.map((f) => [`${f.region}#${f.year}`, f]));
    for (const { region, year } of pairs.values()) await noteRegionYear(this.db, this.table, region, year);
  }

  async listMoFacts(region: string, year: number): Promise<MoFact[]> {
    const k = dynamoKeys.moFactPrefix(region, year);
    return (await this.items.query(k.pk, k.skPrefix)).filter((i) => i.removed !== true).map((i) => MoFact.parse(withoutKeys(i)));
  }

  /** Stores an extract's CPAM values, each unless a newer upload already gave its establishment, indicator and period; returns those written. */
  async putCpamFacts(facts: readonly CpamFact[], order: string): Promise<CpamFact[]> {
    const done = await this.items.inBatches(facts, (fact) => this.items.putFact({ ...dynamoKeys.cpamFact(fact.region, fact.year, fact.indicator, fact.finess, fact.period), order, ...fact }));
    const written = facts.filter((_, i) => done[i]);
    await this.noteRegionYears(written);
    return written;
  }

  /** Stores an Open PHMEV year's facts, each unless a newer upload already gave it; returns those written. */
  async putPhmevFacts(facts: readonly PhmevFact[], order: string): Promise<PhmevFact[]> {
    const done = await this.items.inBatches(facts, (fact) => this.items.putFact({ ...dynamoKeys.phmevFact(fact.region, fact.year, fact.finess), order, ...fact }));
    const written = facts.filter((_, i) => done[i]);
    await this.noteRegionYears(written);
    return written;
  }

  async listPhmevFacts(region: string, year: number): Promise<PhmevFact[]> {
    const k = dynamoKeys.phmevFactPrefix(region, year);
    return (await this.items.query(k.pk, k.skPrefix)).map((i) => PhmevFact.parse(withoutKeys(i)));
  }

  /** Stores a PMSI DMI year's facts, each unless a newer upload already gave it; returns those written. */
  async putDmiFacts(facts: readonly DmiFact[], order: string): Promise<DmiFact[]> {
    const done = await this.items.inBatches(facts, (fact) => this.items.putFact({ ...dynamoKeys.dmiFact(fact.region, fact.year, fact.finess), order, ...fact }));
    const written = facts.filter((_, i) => done[i]);
    await this.noteRegionYears(written);
    return written;
  }

  async listDmiFacts(region: string, year: number): Promise<DmiFact[]> {
    const k = dynamoKeys.dmiFactPrefix(region, year);
    return (await this.items.query(k.pk, k.skPrefix)).map((i) => DmiFact.parse(withoutKeys(i)));
  }

  async listCpamFacts(region: string, year: number): Promise<CpamFact[]> {
    const k = dynamoKeys.cpamFactPrefix(region, year);
    return (await this.items.query(k.pk, k.skPrefix)).map((i) => CpamFact.parse(withoutKeys(i)));
  }
}

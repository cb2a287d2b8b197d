import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { grouped } from '../domain/grouped';
import { CpamFact, DmiFact, MoFact, PhmevFact, type SourceRef } from '../domain/schemas';
import { isConditionFailure, withoutKeys } from './dynamo-query';
import { dynamoKeys } from './keys';
import { applyUpload, establishmentOf, factsOf, periodsOf, periodsToWrite, type UcdTexts } from './mo-fact-items';
import { noteRegionYear } from './referential-store';
import { TableItems, type Item } from './table-items';

/**
 * The facts the extracts give (ATIH's MO, CPAM's values, Open PHMEV, PMSI DMI): each written unless
 * a newer upload already gave it, keeping the sources it replaced.
 */
/** A fact written one item each: where it belongs, and the upload it came from. */
type SourcedFact = { region: string; year: number; source: SourceRef };

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
   * period, and returns those written. One item per establishment and year holds its periods
   * (lib/store/mo-fact-items.ts): one conditional write each, so writes grow with establishments,
   * never with the file's rows or its months.
   */
  async putMoFacts(facts: readonly MoFact[], order: string): Promise<MoFact[]> {
    const groups = grouped(facts, (fact) => `${fact.region}#${fact.year}#${fact.finess}`);
    const stored = await this.storedMoItems(facts);
    const written = (await this.items.inBatches([...groups], ([id, group]) => this.putEstablishmentYear(group, order, stored.get(id) ?? []))).flat();
    await this.noteRegionYears(written);
    return written;
  }

  /**
   * The MO items of the facts' regions and years, by `region#year#finess`: one query per region and
   * year (paged by DynamoDB) rather than one per establishment, 300 requests for an extract of 300.
   */
  private async storedMoItems(facts: readonly MoFact[]): Promise<Map<string, Item[]>> {
    const stored = new Map<string, Item[]>();
    const regionYears = new Map(facts.map((f) => [`${f.region}#${f.year}`, f]));
    for (const { region, year } of regionYears.values()) {
      for (const [finess, items] of await this.moItemsByEstablishment(region, year)) stored.set(`${region}#${year}#${finess}`, items);
    }
    return stored;
  }

  /** A region and year's MO items (year items, and items of one period from before), by establishment. */
  private async moItemsByEstablishment(region: string, year: number): Promise<Map<string, Item[]>> {
    const k = dynamoKeys.moFactPrefix(region, year);
    return grouped(await this.items.query(k.pk, k.skPrefix), establishmentOf);
  }

  /**
   * Applies an upload's facts of one establishment and year to its item: merged with `known`, what
   * was read of it, written back unless another upload wrote it meanwhile (its revision moved), in
   * which case it is read again.
   */
  private async putEstablishmentYear(facts: readonly MoFact[], order: string, known: Item[]): Promise<MoFact[]> {
    const { region, year, finess } = facts[0]!;
    const key = dynamoKeys.moFacts(region, year, finess);
    for (let attempt = 0; attempt < 10; attempt++) {
      const items = attempt === 0 ? known : await this.items.query(key.pk, key.sk);
      const { periods, written } = applyUpload(periodsOf(items), facts, order);
      const encoded = periodsToWrite(items, periods);
      if (encoded === null) return written;
      const revision = items.find((i) => i.sk === key.sk)?.revision;
      try {
        await this.db.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...key, region, year, finess, revision: typeof revision === 'number' ? revision + 1 : 1, periods: encoded },
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
      await this.items.writeAll([], items.filter((i) => i.sk !== key.sk).map((i) => ({ pk: i.pk, sk: i.sk })));
      return written;
    }
    throw new Error(`faits MO de ${finess} (${region}, ${year}) : écrits par d’autres dépôts à chaque essai, réessayer`);
  }

  /**
   * Writes one item per fact, each unless a newer upload already gave it (its history of sources
   * kept), notes the regions and years written, and returns the facts written.
   */
  private async putEach<F extends SourcedFact>(facts: readonly F[], order: string, keyOf: (fact: F) => { pk: string; sk: string }): Promise<F[]> {
    const done = await this.items.inBatches(facts, (fact) => this.items.putFact({ ...keyOf(fact), order, ...fact }));
    const written = facts.filter((_, i) => done[i]);
    await this.noteRegionYears(written);
    return written;
  }

  /** Records once per region and year that facts exist for it (the summaries and the daily computation list them). */
  private async noteRegionYears(facts: readonly { region: string; year: number }[]): Promise<void> {
    const pairs = new Map(facts.map((f) => [`${f.region}#${f.year}`, f]));
    for (const { region, year } of pairs.values()) await noteRegionYear(this.db, this.table, region, year);
  }

  async listMoFacts(region: string, year: number): Promise<MoFact[]> {
    const texts: UcdTexts = new Map();
    return [...(await this.moItemsByEstablishment(region, year))].flatMap(([finess, items]) => factsOf(region, year, finess, periodsOf(items), texts));
  }

  /** Stores an extract's CPAM values, each unless a newer upload already gave its establishment, indicator and period; returns those written. */
  async putCpamFacts(facts: readonly CpamFact[], order: string): Promise<CpamFact[]> {
    return this.putEach(facts, order, (fact) => dynamoKeys.cpamFact(fact.region, fact.year, fact.indicator, fact.finess, fact.period));
  }

  /** Stores an Open PHMEV year's facts, each unless a newer upload already gave it; returns those written. */
  async putPhmevFacts(facts: readonly PhmevFact[], order: string): Promise<PhmevFact[]> {
    return this.putEach(facts, order, (fact) => dynamoKeys.phmevFact(fact.region, fact.year, fact.finess));
  }

  async listPhmevFacts(region: string, year: number): Promise<PhmevFact[]> {
    const k = dynamoKeys.phmevFactPrefix(region, year);
    return (await this.items.query(k.pk, k.skPrefix)).map((i) => PhmevFact.parse(withoutKeys(i)));
  }

  /** Stores a PMSI DMI year's facts, each unless a newer upload already gave it; returns those written. */
  async putDmiFacts(facts: readonly DmiFact[], order: string): Promise<DmiFact[]> {
    return this.putEach(facts, order, (fact) => dynamoKeys.dmiFact(fact.region, fact.year, fact.finess));
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

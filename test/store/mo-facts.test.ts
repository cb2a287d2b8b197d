/**
 * An establishment's year of MO facts as one item (lib/store/mo-fact-items.ts): what uploads in any
 * order leave, what the items written before (one per period) still give, and that concurrent
 * uploads of the same establishment and year lose nothing.
 */
import { DeleteCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MoFact } from '../../lib/domain/schemas';
import { FactStore } from '../../lib/store/fact-store';
import { applyUpload, factsOf, periodsOf, periodsToWrite } from '../../lib/store/mo-fact-items';
import { mo } from '../domain/indicator-fixtures';
import { useDynaliteTable } from '../helpers/dynalite-table';

const SITE = '130000011';
const OTHER = '130000029';
const JAN = '2026-01-31T08:00:00.000Z#0001#a';
const FEB = '2026-02-28T08:00:00.000Z#0001#b';
const MAR = '2026-03-31T08:00:00.000Z#0001#c';

const month = (m: number | null, units: number, key = 'atih/2025/mo.csv', version = 'v1'): MoFact =>
  mo(SITE, units, 0, { month: m, source: { key, version }, ucdCosts: [{ ucd: '9412631', units, amount: units * 50.25 }] });

/** The facts one item of these periods gives back, as the store lists them. */
const listed = (periods: ReturnType<typeof periodsOf>) => factsOf('PACA', 2025, SITE, periods);
const stored = (periods: ReturnType<typeof periodsOf>) => [{ pk: 'p', sk: `FACT#MO#${SITE}`, periods: periodsToWrite([], periods) }];

describe('an upload applied to an establishment’s year', () => {
  it('keeps every fact as given, the UCD lists included, to the cent', () => {
    const facts = [month(1, 10), month(2, 20)];
    const { periods, written } = applyUpload(new Map(), facts, JAN);
    expect(written).toEqual(facts);
    expect(listed(periodsOf(stored(periods)))).toEqual(facts);
  });

  it('round-trips any fact through the stored item unchanged', () => {
    const amount = fc.double({ min: 0, max: 1e9, noNaN: true });
    const ucd = fc.stringMatching(/^[0-9]{7}$/);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.record({ ucd, units: amount, amount }), { maxLength: 5 }),
        fc.array(fc.record({ ucd, units: amount, lines: fc.nat() }), { maxLength: 5 }),
        amount,
        (m, ucdCosts, i999ByUcd, total) => {
          const fact = mo(SITE, total, 0, { month: m, totalAmount: total / 3, ucdCosts, i999ByUcd });
          expect(listed(periodsOf(stored(applyUpload(new Map(), [fact], JAN).periods)))).toEqual([fact]);
        },
      ),
    );
  });

  it('lets a later upload of a month replace it, keeping the source it replaced, newest first', () => {
    const first = applyUpload(new Map(), [month(3, 10, 'atih/2025/janvier.csv')], JAN).periods;
    const second = applyUpload(first, [month(3, 12, 'atih/2025/fevrier.csv')], FEB).periods;
    const third = applyUpload(second, [month(3, 15, 'atih/2025/mars.csv')], MAR).periods;
    expect(listed(third)).toEqual([{ ...month(3, 15, 'atih/2025/mars.csv'), replaced: [{ key: 'atih/2025/fevrier.csv', version: 'v1' }, { key: 'atih/2025/janvier.csv', version: 'v1' }] }]);
  });

  it('writes nothing when the stored item already holds these periods (a redelivery), and the new bytes otherwise', () => {
    const { periods } = applyUpload(new Map(), [month(1, 10), month(2, 20)], JAN);
    expect(periodsToWrite(stored(periods), periods)).toBeNull();
    const again = applyUpload(periodsOf(stored(periods)), [month(1, 10), month(2, 20)], JAN).periods;
    expect(periodsToWrite(stored(periods), again)).toBeNull();
    const changed = applyUpload(periodsOf(stored(periods)), [month(2, 21)], FEB).periods;
    const bytes = periodsToWrite(stored(periods), changed);
    expect(bytes).not.toBeNull();
    expect(listed(periodsOf([{ pk: 'p', sk: `FACT#MO#${SITE}`, periods: bytes }]))).toEqual([month(1, 10), { ...month(2, 21), replaced: [] }]);
  });

  it('ignores an older upload arriving late, and says so (nothing written)', () => {
    const newer = applyUpload(new Map(), [month(3, 12)], FEB).periods;
    const late = applyUpload(newer, [month(3, 99)], JAN);
    expect(late.written).toEqual([]);
    expect(listed(late.periods)).toEqual([month(3, 12)]);
  });

  it('applies the same upload again as it was (a retried processing), with no history of itself', () => {
    const once = applyUpload(new Map(), [month(3, 12)], FEB).periods;
    const again = applyUpload(once, [month(3, 12)], FEB);
    expect(again.written).toEqual([month(3, 12)]);
    expect(listed(again.periods)).toEqual([month(3, 12)]);
  });

  it('counts a year given whole once: the months given before become tombstones, and a late monthly upload cannot bring them back', () => {
    const monthly = applyUpload(new Map(), [month(1, 10), month(2, 20)], JAN).periods;
    const whole = applyUpload(monthly, [month(null, 300)], FEB).periods;
    expect(listed(whole)).toEqual([month(null, 300)]);
    const late = applyUpload(whole, [month(5, 7)], JAN);
    expect(late.written).toEqual([]);
    expect(listed(late.periods)).toEqual([month(null, 300)]);
  });

  it('counts months given after a whole year instead of it', () => {
    const whole = applyUpload(new Map(), [month(null, 300)], JAN).periods;
    const monthly = applyUpload(whole, [month(4, 40)], FEB).periods;
    expect(listed(monthly)).toEqual([month(4, 40)]);
  });
});

describe('the store’s MO facts', () => {
  const table = useDynaliteTable();
  let store: FactStore;
  beforeEach(async () => {
    const { Items = [] } = await table.db.send(new ScanCommand({ TableName: table.table }));
    for (const { pk, sk } of Items) await table.db.send(new DeleteCommand({ TableName: table.table, Key: { pk, sk } }));
    store = new FactStore(table.db, table.table);
  });

  const factItems = async () =>
    ((await table.db.send(new ScanCommand({ TableName: table.table }))).Items ?? []).filter((i) => String(i.sk).startsWith('FACT#MO#'));

  it('writes one item per establishment and year, whatever the number of months', async () => {
    const facts = [...Array.from({ length: 12 }, (_, m) => month(m + 1, m + 1)), mo(OTHER, 5, 0, { month: 1 })];
    expect(await store.putMoFacts(facts, JAN)).toEqual(facts);
    expect((await factItems()).map((i) => i.sk).sort()).toEqual([`FACT#MO#${SITE}`, `FACT#MO#${OTHER}`].sort());
    expect(await store.listMoFacts('PACA', 2025)).toEqual(expect.arrayContaining(facts));
    expect(await store.listMoFacts('PACA', 2025)).toHaveLength(13);
  });

  it('reads what a region and year already hold once for the whole extract, not once per establishment', async () => {
    await store.putMoFacts([month(1, 10)], JAN);
    const sent: string[] = [];
    const send = table.db.send.bind(table.db);
    const spy = vi.spyOn(table.db, 'send').mockImplementation(((command: { constructor: { name: string } }) => {
      sent.push(command.constructor.name);
      return send(command as never);
    }) as never);
    try {
      const third = mo('130000037', 7, 0, { month: 2 });
      await store.putMoFacts([month(2, 20), mo(OTHER, 5, 0, { month: 2 }), third], FEB);
      expect(sent.filter((name) => name === 'QueryCommand')).toHaveLength(1);
      expect(sent.filter((name) => name === 'PutCommand')).toHaveLength(3);
    } finally {
      spy.mockRestore();
    }
    expect(await store.listMoFacts('PACA', 2025)).toEqual(expect.arrayContaining([month(1, 10), month(2, 20, 'atih/2025/mo.csv')]));
    expect(await store.listMoFacts('PACA', 2025)).toHaveLength(4);
  });

  it('keeps both uploads when two of the same establishment and year are written at once', async () => {
    await Promise.all([store.putMoFacts([month(1, 10, 'atih/2025/a.csv')], JAN), store.putMoFacts([month(2, 20, 'atih/2025/b.csv')], FEB)]);
    expect(await store.listMoFacts('PACA', 2025)).toEqual([month(1, 10, 'atih/2025/a.csv'), month(2, 20, 'atih/2025/b.csv')]);
  });

  it('reads the items of one period each written before, and folds them into the year’s item at the next upload', async () => {
    // The layout before: one item per period, a tombstone carrying only its order.
    const { region: _r, ...march } = month(3, 30, 'atih/2025/ancien.csv');
    await table.db.send(new PutCommand({ TableName: table.table, Item: { pk: 'REGION#PACA#YEAR#2025', sk: `FACT#MO#${SITE}#M03`, order: JAN, region: 'PACA', ...march, replaced: [] } }));
    await table.db.send(new PutCommand({ TableName: table.table, Item: { pk: 'REGION#PACA#YEAR#2025', sk: `FACT#MO#${SITE}#Y`, order: JAN, removed: true } }));
    expect(await store.listMoFacts('PACA', 2025)).toEqual([month(3, 30, 'atih/2025/ancien.csv')]);

    // A late whole year older than the tombstone stays out; a newer April joins March.
    expect(await store.putMoFacts([month(null, 999)], '2025-12-31T08:00:00.000Z#0001#z')).toEqual([]);
    await store.putMoFacts([month(4, 40, 'atih/2025/avril.csv')], FEB);
    expect(await store.listMoFacts('PACA', 2025)).toEqual([month(3, 30, 'atih/2025/ancien.csv'), month(4, 40, 'atih/2025/avril.csv')]);
    expect((await factItems()).map((i) => i.sk)).toEqual([`FACT#MO#${SITE}`]);
  });
});

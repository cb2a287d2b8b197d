/**
 * Indicator results as the store keeps them (lib/store/result-items.ts): one item per indicator,
 * read back whole, written only when they changed, items of the layouts before still read and
 * replaced at the next computation.
 */
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { MAX_PART_BYTES } from '../../lib/store/result-items';
import { ResultStore } from '../../lib/store/result-store';
import { useDynaliteTable } from '../helpers/dynalite-table';
import { result } from '../report/fixtures';

const table = useDynaliteTable();

const timone = result({ name: 'CHU Timone', status: 'met', finess: '130000011', value: 12.5, numerator: 125, denominator: 1000, anomalies: [{ code: 'ucd-cost', message: 'coût par UCD de 1 234,50 € pour l’UCD 9412631' }] });
const nord = result({ name: 'CHU Nord', status: 'not_met', finess: '130000029', value: 18.25 });
const contract = result({ name: 'Contrat CPOM-13-001', status: 'met', scope: 'contract', finess: null, indicator: 'MO' });

type Write = { PutRequest?: { Item: { sk: string } }; DeleteRequest?: { Key: { sk: string } } };

/** The batch writes the store sent while `run` ran. */
async function writesDuring(run: () => Promise<void>): Promise<{ puts: string[]; deletes: string[] }> {
  const send = vi.spyOn(table.db, 'send');
  await run();
  const writes = send.mock.calls
    .map(([c]) => c.input as { RequestItems?: Record<string, Write[]> })
    .flatMap((i) => Object.values(i.RequestItems ?? {}).flat());
  send.mockRestore();
  return { puts: writes.filter((w) => w.PutRequest).map((w) => w.PutRequest!.Item.sk), deletes: writes.filter((w) => w.DeleteRequest).map((w) => w.DeleteRequest!.Key.sk) };
}

async function regionItems(pk: string): Promise<Record<string, unknown>[]> {
  return ((await table.db.send(new ScanCommand({ TableName: table.table }))).Items ?? []).filter((i) => i.pk === pk);
}

describe('the store’s indicator results', () => {
  it('gives back every result exactly as computed, nested parts included, ordered by site then contract', async () => {
    const store = new ResultStore(table.db, table.table);
    await store.replace('PACA', 2025, [contract, nord, timone]);
    expect(await store.list('PACA', 2025)).toEqual([contract, timone, nord]);
  });

  it('keeps one item per indicator, not one per establishment', async () => {
    const store = new ResultStore(table.db, table.table);
    const [a, b, c, d] = [timone, nord, contract, { ...nord, indicator: 'GENERIQUES' as const }].map((r) => ({ ...r, region: 'BRETAGNE' }));
    const { puts } = await writesDuring(() => store.replace('BRETAGNE', 2025, [a!, b!, c!, d!]));
    expect(puts).toEqual(['RESULT#MO#PART#000', 'RESULT#GENERIQUES#PART#000']);
    expect(await store.list('BRETAGNE', 2025)).toEqual([d, c, a, b]);
  });

  it('writes only the indicators whose results changed, and removes those no longer computed', async () => {
    const store = new ResultStore(table.db, table.table);
    const atb = { ...nord, indicator: 'GENERIQUES' as const };
    const idm = { ...nord, indicator: 'IPP' as const };
    await store.replace('PACA', 2025, [timone, nord, atb, idm]);
    const moved = { ...nord, value: 14.75, status: 'met' as const };
    const { puts, deletes } = await writesDuring(() => store.replace('PACA', 2025, [timone, moved, atb]));
    expect(puts).toEqual(['RESULT#MO#PART#000']);
    expect(deletes).toEqual(['RESULT#IPP#PART#000']);
    expect(await store.list('PACA', 2025)).toEqual([atb, timone, moved]);
  });

  it('replaces only the indicators a partial computation names', async () => {
    const store = new ResultStore(table.db, table.table);
    const atb = { ...nord, indicator: 'GENERIQUES' as const };
    await store.replace('PACA', 2025, [timone, atb]);
    const { puts, deletes } = await writesDuring(() => store.replace('PACA', 2025, [nord], ['MO']));
    expect({ puts, deletes }).toEqual({ puts: ['RESULT#MO#PART#000'], deletes: [] });
    expect(await store.list('PACA', 2025)).toEqual([atb, nord]);
  });

  it('splits an indicator whose results would pass DynamoDB’s 400 KB into parts, read back whole and in order', async () => {
    const store = new ResultStore(table.db, table.table);
    // Notes of random letters barely compress: 600 results of about 1.5 KB each.
    let seed = 7;
    const letter = () => String.fromCharCode(97 + ((seed = (seed * 48271) % 2147483647) % 26));
    const many = Array.from({ length: 600 }, (_, i) => ({ ...timone, finess: String(130000000 + i).padStart(9, '0'), note: Array.from({ length: 1500 }, letter).join('') }));
    await store.replace('PACA', 2025, many);
    const items = await regionItems('REGION#PACA#YEAR#2025');
    expect(items.length).toBeGreaterThan(1);
    expect(items.map((i) => i.sk)).toEqual(items.map((_, k) => `RESULT#MO#PART#${String(k).padStart(3, '0')}`));
    for (const item of items) expect((item.results as Uint8Array).byteLength).toBeLessThanOrEqual(MAX_PART_BYTES);
    expect(await store.list('PACA', 2025)).toEqual(many);
  });

  it('reads results written before, one item each (JSON text or attributes), and replaces them at the next computation', async () => {
    const store = new ResultStore(table.db, table.table);
    const old = { ...timone, region: 'CORSE', finess: '2A0000717' };
    const older = { ...nord, region: 'CORSE', finess: '2B0000013' };
    await table.db.send(new PutCommand({ TableName: table.table, Item: { pk: 'REGION#CORSE#YEAR#2025', sk: 'RESULT#MO#site#2A0000717', indicator: 'MO', result: JSON.stringify(old) } }));
    await table.db.send(new PutCommand({ TableName: table.table, Item: { pk: 'REGION#CORSE#YEAR#2025', sk: 'RESULT#MO#site#2B0000013', ...older } }));
    expect(await store.list('CORSE', 2025)).toEqual([old, older]);
    await store.replace('CORSE', 2025, [old, older]);
    expect((await regionItems('REGION#CORSE#YEAR#2025')).map((i) => i.sk)).toEqual(['RESULT#MO#PART#000']);
    expect(await store.list('CORSE', 2025)).toEqual([old, older]);
  });

  it('never touches another region’s or year’s results', async () => {
    const store = new ResultStore(table.db, table.table);
    const corse = { ...timone, region: 'CORSE', finess: '2A0000717' };
    await store.replace('CORSE', 2025, [corse]);
    await store.replace('PACA', 2024, [{ ...timone, year: 2024 }]);
    await store.replace('PACA', 2025, [timone]);
    await store.replace('PACA', 2025, []);
    expect(await store.list('CORSE', 2025)).toEqual([corse]);
    expect(await store.list('PACA', 2024)).toEqual([{ ...timone, year: 2024 }]);
    expect(await store.list('PACA', 2025)).toEqual([]);
  });
});

/**
 * Indicator results as the store keeps them (lib/store/result-items.ts): read back whole, written
 * only when they changed, items of the layout before still read and replaced at the next computation.
 */
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it, vi } from 'vitest';
import { ResultStore } from '../../lib/store/result-store';
import { useDynaliteTable } from '../helpers/dynalite-table';
import { result } from '../report/fixtures';

const table = useDynaliteTable();

const timone = result({ name: 'CHU Timone', status: 'met', finess: '130000011', value: 12.5, numerator: 125, denominator: 1000, anomalies: [{ code: 'ucd-cost', message: 'coût par UCD de 1 234,50 € pour l’UCD 9412631' }] });
const nord = result({ name: 'CHU Nord', status: 'not_met', finess: '130000029', value: 18.25 });
const contract = result({ name: 'Contrat CPOM-13-001', status: 'met', scope: 'contract', finess: null, indicator: 'MO' });

describe('the store’s indicator results', () => {
  it('gives back every result exactly as computed, nested parts included', async () => {
    const store = new ResultStore(table.db, table.table);
    await store.replace('PACA', 2025, [timone, nord, contract]);
    expect(await store.list('PACA', 2025)).toEqual(expect.arrayContaining([timone, nord, contract]));
    expect(await store.list('PACA', 2025)).toHaveLength(3);
  });

  it('writes only the results that changed, and removes those no longer computed', async () => {
    const store = new ResultStore(table.db, table.table);
    const send = vi.spyOn(table.db, 'send');
    const moved = { ...nord, value: 14.75, status: 'met' as const };
    await store.replace('PACA', 2025, [timone, moved]);
    const writes = send.mock.calls.map(([c]) => c.input as { RequestItems?: Record<string, { PutRequest?: { Item: { sk: string } }; DeleteRequest?: { Key: { sk: string } } }[]> }).flatMap((i) => Object.values(i.RequestItems ?? {}).flat());
    send.mockRestore();
    expect(writes.filter((w) => w.PutRequest).map((w) => w.PutRequest!.Item.sk)).toEqual(['RESULT#MO#site#130000029']);
    expect(writes.filter((w) => w.DeleteRequest).map((w) => w.DeleteRequest!.Key.sk)).toEqual(['RESULT#MO#contract#CPOM-13-001']);
    expect(await store.list('PACA', 2025)).toEqual([timone, moved]);
  });

  it('reads a result written before as attributes, and replaces it at the next computation', async () => {
    const store = new ResultStore(table.db, table.table);
    const old = { ...timone, region: 'CORSE', finess: '2A0000717' };
    await table.db.send(new PutCommand({ TableName: table.table, Item: { pk: 'REGION#CORSE#YEAR#2025', sk: 'RESULT#MO#site#2A0000717', ...old } }));
    expect(await store.list('CORSE', 2025)).toEqual([old]);
    await store.replace('CORSE', 2025, [old]);
    const items = ((await table.db.send(new ScanCommand({ TableName: table.table }))).Items ?? []).filter((i) => i.pk === 'REGION#CORSE#YEAR#2025');
    expect(items).toEqual([{ pk: 'REGION#CORSE#YEAR#2025', sk: 'RESULT#MO#site#2A0000717', indicator: 'MO', result: JSON.stringify(old) }]);
    expect(await store.list('CORSE', 2025)).toEqual([old]);
  });
});

/**
 * The stores' own behaviour against dynalite alone (no S3, no handlers): what each write leaves in
 * the table and what a read gives back. The pipeline's and portal's integration tests use the same
 * stores through the embedded default.
 */
import { describe, expect, it } from 'vitest';
import { AccountStore, type AccountRecord } from '../../lib/store/account-store';
import { FileEventStore } from '../../lib/store/file-event-store';
import { useDynaliteTable } from '../helpers/dynalite-table';

const table = useDynaliteTable();

describe('FileEventStore', () => {
  const key = 'atih/2025/mo-paca.csv';
  const claim = { key, order: '2026-02-23T08:00:00.000Z#0001#etag', version: 'v1', startedAt: '2026-02-23T08:00:01.000Z' };

  it('claims an event once, keeps its attempts and last error over a retry, and says the outcome once finished', async () => {
    const fileEvents = new FileEventStore(table.db, table.table);
    expect(await fileEvents.claim(claim)).toBeNull();
    await fileEvents.fail(key, claim.order, 'S3 indisponible', '2026-02-23T08:00:05.000Z');
    // The retry takes over the record left `processing`.
    expect(await fileEvents.claim({ ...claim, startedAt: '2026-02-23T08:01:00.000Z' })).toBeNull();
    await fileEvents.finish({
      key, order: claim.order, version: 'v1', status: 'accepted', kind: 'atih-mo', reportKey: `reports/${key}/1.json`,
      errorCount: 0, warningCount: 2, rowsRead: 40, rowsAccepted: 40, issueCounts: { 'unknown-finess': 2 },
      startedAt: '2026-02-23T08:01:00.000Z', finishedAt: '2026-02-23T08:01:03.000Z', compute: [{ region: 'PACA', year: 2025, indicators: ['MO'] }],
    });
    // A re-delivered event finds the record finished: it is given back, not processed again.
    const again = await fileEvents.claim({ ...claim, startedAt: '2026-02-23T09:00:00.000Z' });
    expect(again).toMatchObject({ status: 'accepted', attempts: 2, lastError: 'S3 indisponible', warningCount: 2, compute: [{ region: 'PACA', year: 2025, indicators: ['MO'] }] });
    expect(again).not.toHaveProperty('pk');
    expect((await fileEvents.list(key)).map((e) => e.status)).toEqual(['accepted']);
  });
});

describe('AccountStore', () => {
  const account: AccountRecord = {
    email: 'pharmacien@omedit-paca.fr', role: 'omedit', regions: ['PACA'], passwordHash: 'scrypt$abc', status: 'active',
    createdAt: '2026-01-05T09:00:00.000Z', createdBy: 'admin@ars.fr', updatedAt: '2026-01-05T09:00:00.000Z', updatedBy: 'admin@ars.fr', passwordChangedAt: '2026-01-05T09:00:00.000Z',
  };

  it('creates an account once and reads it back as its record, without the table keys', async () => {
    const store = new AccountStore(table.db, table.table);
    expect(await store.create(account)).toBe(true);
    expect(await store.create({ ...account, role: 'admin' })).toBe(false);
    expect(await store.get('Pharmacien@OMEDIT-paca.fr ')).toEqual(account);
    expect(await store.list()).toEqual([account]);
  });

  it('disables an account and says what it was and what it is, and changes nothing for an unknown address', async () => {
    const store = new AccountStore(table.db, table.table);
    const change = await store.update(account.email, { status: 'disabled' }, 'admin@ars.fr', '2026-02-01T10:00:00.000Z');
    expect(change?.before.status).toBe('active');
    expect(change?.after).toEqual({ ...account, status: 'disabled', updatedAt: '2026-02-01T10:00:00.000Z' });
    expect(await store.get(account.email)).toEqual(change?.after);
    expect(await store.update('inconnu@omedit.fr', { status: 'disabled' }, 'admin@ars.fr', '2026-02-01T10:00:00.000Z')).toBeNull();
  });
});

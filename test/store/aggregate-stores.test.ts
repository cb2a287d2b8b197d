/**
 * The aggregate stores against dynalite alone: what each write leaves in the table, item by item
 * (keys and attributes as a state folder written before the stores were split holds them), and
 * what a read gives back.
 */
import { describe, expect, it } from 'vitest';
import type { Establishment, EvidenceRecord, MoFact } from '../../lib/domain/schemas';
import { queryPrefix } from '../../lib/store/dynamo-query';
import { EvidenceStore } from '../../lib/store/evidence-store';
import { FactStore } from '../../lib/store/fact-store';
import { periodsOf } from '../../lib/store/mo-fact-items';
import { ReferentialStore } from '../../lib/store/referential-store';
import { ReminderStore } from '../../lib/store/reminder-store';
import { useDynaliteTable } from '../helpers/dynalite-table';

const table = useDynaliteTable();

const raw = (pk: string, skPrefix = '') => queryPrefix(table.db, table.table, pk, skPrefix);

const site = (finess: string, region: string): Establishment => ({
  finess, finessJuridique: '130780000', raisonSociale: `CH ${finess}`, region, categorie: 'ex-DG', contrat: 'C1', emails: ['pharmacie@ch.example'],
});

describe('ReferentialStore', () => {
  it('replaces a region\'s establishments: a site left out becomes a tombstone, an older file changes nothing, another region is untouched', async () => {
    const referential = new ReferentialStore(table.db, table.table);
    await referential.replaceEstablishments([site('130000001', 'PACA'), site('130000002', 'PACA'), site('2A0000001', 'CORSE')], '2026-02-01|a');
    await referential.replaceEstablishments([site('130000001', 'PACA')], '2026-02-02|b');
    // An older file's late event: neither brings 130000002 back nor overwrites 130000001.
    await referential.replaceEstablishments([site('130000001', 'PACA'), site('130000002', 'PACA')], '2026-01-31|z');

    expect((await referential.listEstablishments('PACA')).map((e) => e.finess)).toEqual(['130000001']);
    expect((await referential.listEstablishments('CORSE')).map((e) => e.finess)).toEqual(['2A0000001']);
    expect(await raw('REGION#PACA', 'ESTABLISHMENT#')).toEqual([
      { pk: 'REGION#PACA', sk: 'ESTABLISHMENT#130000001', ...site('130000001', 'PACA'), order: '2026-02-02|b' },
      { pk: 'REGION#PACA', sk: 'ESTABLISHMENT#130000002', order: '2026-02-02|b', removed: true },
    ]);
    expect(await referential.listRegions()).toEqual([{ region: 'CORSE', years: [] }, { region: 'PACA', years: [] }]);
  });
});

const moFact = (month: number | null, source: string, i999Ucd: number): MoFact => ({
  region: 'PACA', finess: '130000001', level: 'site', year: 2025, month, totalUcd: 100, totalAmount: 1000, i999Ucd, i999Amount: 10 * i999Ucd, i997Ucd: 0, lines: 4,
  anomalies: { missingIndication: { lines: 0, ucd: 0 }, invalidIndication: { lines: 0, ucd: 0, examples: [] }, invalidUcd: { lines: 0, ucd: 0, examples: [] } },
  ucdCosts: [], i999ByUcd: [], source: { key: source, version: 'v1' }, replaced: [],
});

describe('FactStore', () => {
  it('keeps the source a correction replaced, and notes the region\'s year', async () => {
    const facts = new FactStore(table.db, table.table);
    expect(await facts.putMoFacts([moFact(null, 'atih/2025/mo-a.csv', 20)], '2026-02-01|a')).toHaveLength(1);
    expect(await facts.putMoFacts([moFact(null, 'atih/2025/mo-b.csv', 19)], '2026-02-02|b')).toHaveLength(1);
    // Older than what the store holds: not written, not returned.
    expect(await facts.putMoFacts([moFact(null, 'atih/2025/mo-old.csv', 50)], '2026-01-01|z')).toEqual([]);

    const [fact] = await facts.listMoFacts('PACA', 2025);
    expect(fact).toMatchObject({ i999Ucd: 19, source: { key: 'atih/2025/mo-b.csv' }, replaced: [{ key: 'atih/2025/mo-a.csv', version: 'v1' }] });
    expect(fact).not.toHaveProperty('pk');
    // One item for the establishment's year, written twice (the older upload changed nothing).
    const items = await raw('REGION#PACA#YEAR#2025', 'FACT#MO#130000001');
    expect(items).toEqual([expect.objectContaining({ pk: 'REGION#PACA#YEAR#2025', sk: 'FACT#MO#130000001', region: 'PACA', year: 2025, finess: '130000001', revision: 2 })]);
    expect(periodsOf(items).get('Y')?.order).toBe('2026-02-02|b');
    expect((await new ReferentialStore(table.db, table.table).listRegions()).find((r) => r.region === 'PACA')?.years).toEqual([2025]);
  });

  it('"the newest upload\'s way wins": a month given after the whole year makes the year a tombstone, so nothing counts twice', async () => {
    const facts = new FactStore(table.db, table.table);
    await facts.putMoFacts([moFact(3, 'atih/2025/mo-m03.csv', 5)], '2026-02-03|c');
    expect((await facts.listMoFacts('PACA', 2025)).map((f) => f.month)).toEqual([3]);
    const periods = periodsOf(await raw('REGION#PACA#YEAR#2025', 'FACT#MO#130000001'));
    expect(periods.get('Y')).toEqual({ order: '2026-02-03|c', fact: null });
    expect(periods.get('M03')?.order).toBe('2026-02-03|c');
  });
});

describe('EvidenceStore', () => {
  const record: EvidenceRecord = {
    region: 'PACA', campaign: '2025-S2', finess: '130000001', kind: 'plan_actions', fileName: 'plan.pdf', receivedAt: '2026-03-01T10:00:00.000Z',
    status: 'accepted', errorCount: 0, firstError: null, reportKey: 'reports/evidence/x/1.json', order: '2026-03-01|a', summary: null, source: { key: 'evidence/2025-S2/130000001/plan_actions/u1-plan.pdf', version: 'v1' },
  };

  it('keeps the day an upload was first received when the same content comes again later: a re-delivery is not a late upload', async () => {
    const evidence = new EvidenceStore(table.db, table.table);
    expect(await evidence.put(record, 'u1')).toBe(true);
    expect(await evidence.put({ ...record, receivedAt: '2026-03-12T10:00:00.000Z', order: '2026-03-12|b' }, 'u1')).toBe(true);
    expect(await evidence.list('PACA', '2025-S2')).toEqual([{ ...record, receivedAt: '2026-03-01T10:00:00.000Z', order: '2026-03-12|b' }]);
    expect((await raw('REGION#PACA#CAMPAIGN#2025-S2', 'EVIDENCE#'))[0]).toMatchObject({ sk: 'EVIDENCE#130000001#plan_actions#u1' });
  });
});

describe('ReminderStore', () => {
  const marker = { region: 'PACA', campaign: '2025-S2', deadline: 'S2', finess: '130000001', step: 'J-14', claimedAt: '2026-02-23T06:00:00.000Z' };

  it('claims a reminder once; a failed one, or a claim older than the stale delay, is claimed again', async () => {
    const reminders = new ReminderStore(table.db, table.table);
    expect(await reminders.claimReminder(marker, 15 * 60_000)).toBe(true);
    expect(await reminders.claimReminder({ ...marker, claimedAt: '2026-02-23T06:10:00.000Z' }, 15 * 60_000)).toBe(false);
    expect(await reminders.claimReminder({ ...marker, claimedAt: '2026-02-23T06:16:00.000Z' }, 15 * 60_000)).toBe(true);
    await reminders.markReminderSent({ ...marker, claimedAt: '2026-02-23T06:16:00.000Z', status: 'failed', sentAt: null, messageId: null, lastError: 'SES indisponible' });
    expect(await reminders.claimReminder({ ...marker, claimedAt: '2026-02-23T06:17:00.000Z' }, 15 * 60_000)).toBe(true);
    expect(await reminders.listReminders('PACA', '2025-S2')).toEqual([{ ...marker, claimedAt: '2026-02-23T06:17:00.000Z', status: 'claimed', sentAt: null, messageId: null }]);
  });

  it('keeps the first report of a suppressed address, under its lower-case form', async () => {
    const reminders = new ReminderStore(table.db, table.table);
    expect(await reminders.suppressAddress({ address: 'Pharmacie@CH.example', reason: 'bounce', detail: null, at: '2026-02-23T07:00:00.000Z' })).toBe(true);
    expect(await reminders.suppressAddress({ address: 'pharmacie@ch.example', reason: 'complaint', detail: null, at: '2026-02-24T07:00:00.000Z' })).toBe(false);
    expect(await reminders.listSuppressed()).toEqual([{ address: 'pharmacie@ch.example', reason: 'bounce', detail: null, at: '2026-02-23T07:00:00.000Z' }]);
  });
});

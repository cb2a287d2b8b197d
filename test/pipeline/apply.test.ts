/**
 * applyOutput over in-memory stores: which store each output goes to, how often the referential is
 * read, and which computations it asks for.
 */
import { describe, expect, it } from 'vitest';
import type { DmiFact, Establishment, MoFact } from '../../lib/domain/schemas';
import { applyOutput, type ApplyStores } from '../../lib/pipeline/apply';
import type { AuditEvent } from '../../lib/store/audit-log';

const site = (finess: string, region: string): Establishment => ({
  finess, finessJuridique: '130780000', raisonSociale: `CH ${finess}`, region, categorie: 'ex-DG', contrat: 'C1', emails: [],
});

/** Stores that answer from fixed lists and count each call by method name. */
function fakeStores(regions: { region: string; years: number[] }[], written: { mo?: MoFact[]; dmi?: DmiFact[] } = {}) {
  const calls: string[] = [];
  const sites = [site('130000001', 'PACA'), site('2A0000001', 'CORSE')];
  const called = <T>(name: string, value: T) => {
    calls.push(name);
    return Promise.resolve(value);
  };
  const stores: ApplyStores = {
    referential: {
      listRegions: () => called('listRegions', regions),
      allEstablishments: () => called('allEstablishments', sites),
      listEstablishments: (region) => called('listEstablishments', sites.filter((s) => s.region === region)),
      listTargetings: () => called('listTargetings', []),
      listObjectives: () => called('listObjectives', []),
      listParameters: () => called('listParameters', []),
      listDeadlines: () => called('listDeadlines', []),
      replaceEstablishments: () => called('replaceEstablishments', undefined),
      replaceTargetings: (_year, _rows, _regionOf, _order, chosen) => called(`replaceTargetings:${[...chosen].join(',')}`, undefined),
      putObjectives: () => called('putObjectives', true),
      putParameters: () => called('putParameters', true),
      putCalendar: () => called('putCalendar', true),
    },
    facts: {
      putMoFacts: () => called('putMoFacts', written.mo ?? []),
      putCpamFacts: () => called('putCpamFacts', []),
      putPhmevFacts: () => called('putPhmevFacts', []),
      putDmiFacts: () => called('putDmiFacts', written.dmi ?? []),
    },
  };
  return { stores, calls };
}

const audit = { entries: [] as AuditEvent[], record(event: AuditEvent) { this.entries.push(event); return Promise.resolve(); } };
const ORDER = '2026-02-23T08:00:00.000Z|0001|etag';
const source = { key: 'atih/2024/mo.csv', version: 'v1' };

describe('applyOutput', () => {
  it('reads the establishments once for a targeting file and replaces the targeting of the regions its sites are in', async () => {
    const { stores, calls } = fakeStores([{ region: 'PACA', years: [2025] }, { region: 'CORSE', years: [2025] }]);
    const requests = await applyOutput({ type: 'targetings', year: 2025, targetings: [{ year: 2025, finess: '130000001', indicator: 'MO' }] }, ORDER, stores, audit);
    expect(requests).toEqual([{ region: 'PACA', year: 2025 }]);
    expect(calls.filter((c) => c === 'allEstablishments')).toHaveLength(1);
    expect(calls).toContain('replaceTargetings:PACA');
  });

  it('asks for the MO of the year written and of the year after when the store knows it ("the year after compares its amounts with this one\'s")', async () => {
    const fact = { region: 'PACA', year: 2024, source } as MoFact;
    const { stores, calls } = fakeStores([{ region: 'PACA', years: [2024, 2025] }], { mo: [fact, { ...fact, finess: '130000002' } as MoFact] });
    const requests = await applyOutput({ type: 'mo-facts', facts: [] }, ORDER, stores, audit);
    expect(requests).toEqual([
      { region: 'PACA', year: 2024, indicators: ['MO'] },
      { region: 'PACA', year: 2025, indicators: ['MO'] },
    ]);
    expect(calls).toEqual(['putMoFacts', 'listRegions']);
  });

  it('asks nothing and reads no region when no fact was written (a newer upload had given them all)', async () => {
    const { stores, calls } = fakeStores([{ region: 'PACA', years: [2024, 2025] }]);
    expect(await applyOutput({ type: 'mo-facts', facts: [] }, ORDER, stores, audit)).toEqual([]);
    expect(calls).toEqual(['putMoFacts']);
  });

  it('asks for the DMI of the year written only: its indicator does not compare years', async () => {
    const fact = { region: 'CORSE', year: 2024, source } as DmiFact;
    const { stores, calls } = fakeStores([{ region: 'CORSE', years: [2024, 2025] }], { dmi: [fact] });
    expect(await applyOutput({ type: 'dmi-facts', facts: [] }, ORDER, stores, audit)).toEqual([{ region: 'CORSE', year: 2024, indicators: ['DMI'] }]);
    expect(calls).toEqual(['putDmiFacts']);
  });
});

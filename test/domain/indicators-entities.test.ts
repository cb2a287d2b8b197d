/**
 * Legal entities, contracts and the share argued, written from the mutation run on
 * lib/domain/indicators.ts: which facts are a site's, an entity's or a contract's, whose argumentation
 * answers which ATIH lines, and when MO's share argued can still change. Hand-computed figures beside
 * each case; everything computed inside each test.
 */
import { describe, expect, it } from 'vitest';
import type { EvidenceRecord, EvidenceSummary } from '../../lib/domain/schemas';
import { A, B, C, computeIndicators, cpam, deadline, dmi, fullyArgued, inputs, mo, phmev, row, site, targeted, uploaded, UCD } from './indicator-fixtures';

const E1 = '130786000';
const E2 = '130786001';
const CORSE_SITE = '2A0000717';

/** An argumentation arguing `units` I999 units of the fixtures' UCD, for the whole year 2025 unless said. */
function argued(finess: string, units: number, campaign = '2025', at = '2026-01-05T09:00:00Z'): EvidenceRecord {
  const summary: EvidenceSummary = {
    type: 'argumentaire',
    lines: 1,
    argued: 1,
    ucd: units,
    arguedUcd: units,
    byUcd: [{ ucd: UCD, lines: 1, units, arguedLines: 1, arguedUnits: units }],
    ammMiroirLines: 0,
    excludedLines: 0,
    ammMiroir: [],
    exclusions: [],
  };
  return uploaded(finess, 'argumentaire_hors_amm', at, { campaign, summary });
}

describe('MO: whose ATIH lines a site reads', () => {
  it('a one-site entity’s facts are its site’s even with other sites in the region: 120 / 1 000 = 12 %', () => {
    const results = computeIndicators(
      inputs({ establishments: [site(A, 'CA', { finessJuridique: E1 }), site(B, 'CB')], targetings: targeted('MO', A, B), moFacts: [mo(E1, 1000, 120, { level: 'entity' }), mo(B, 1000, 100)], evidence: fullyArgued(A, B) }),
      ['MO'],
    );
    expect(row(results, 'MO', A)).toMatchObject({ numerator: 120, denominator: 1000, value: 12 });
  });

  it('another entity’s facts, or a site-level line under the entity’s number, are not the site’s: no data, and the note says none was received', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA', { finessJuridique: E1 }), site(B, 'CB', { finessJuridique: E2 }), site(C, 'CB', { finessJuridique: E2 })],
        targetings: targeted('MO', A),
        moFacts: [mo(E1, 1000, 120, { level: 'site' }), mo(E2, 1000, 300, { level: 'entity' })],
      }),
      ['MO'],
    );
    expect(row(results, 'MO', A)).toMatchObject({ value: null, status: 'no_data', note: 'aucune donnée ATIH reçue pour cette année' });
  });

  it('a site of a two-site entity with no data of its own: the note says the entity’s data is on the contract only when the entity sent some', () => {
    const sites = [site(A, 'GHT', { finessJuridique: E1 }), site(B, 'GHT', { finessJuridique: E1 })];
    const siteLevel = computeIndicators(inputs({ establishments: sites, targetings: targeted('MO', A, B), moFacts: [mo(E1, 1000, 120, { level: 'site' })] }), ['MO']);
    expect(row(siteLevel, 'MO', A)).toMatchObject({ status: 'no_data', note: 'aucune donnée ATIH reçue pour cette année' });
    const otherEntity = computeIndicators(inputs({ establishments: sites, targetings: targeted('MO', A, B), moFacts: [mo(E2, 1000, 120, { level: 'entity' })] }), ['MO']);
    expect(row(otherEntity, 'MO', A)).toMatchObject({ status: 'no_data', note: 'aucune donnée ATIH reçue pour cette année' });
  });
});

describe('MO: a contract’s facts', () => {
  it('a one-site entity’s facts count once in its contract: (120 + 100) / (1 000 + 1 000) = 11 %', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT', { finessJuridique: E1 }), site(B, 'GHT')],
        targetings: targeted('MO', A, B),
        moFacts: [mo(E1, 1000, 120, { level: 'entity' }), mo(B, 1000, 100)],
        evidence: fullyArgued(A, B),
      }),
      ['MO'],
    );
    expect(row(results, 'MO', 'GHT')).toMatchObject({ numerator: 220, denominator: 2000, value: 11 });
  });

  it('an entity with a site in another contract is not the contract’s: only its sites’ own lines count, 100 / 1 000 = 10 %', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT', { finessJuridique: E1 }), site(B, 'GHT', { finessJuridique: E1 }), site(C, 'CX', { finessJuridique: E1 })],
        targetings: targeted('MO', A, B),
        moFacts: [mo(E1, 1000, 500, { level: 'entity' }), mo(B, 1000, 100)],
        evidence: fullyArgued(A, B),
      }),
      ['MO'],
    );
    expect(row(results, 'MO', 'GHT')).toMatchObject({ numerator: 100, denominator: 1000, value: 10 });
  });

  it('a site-level line under a whole entity’s number is not the entity’s: the contract has its sites’ lines only', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT', { finessJuridique: E1 }), site(B, 'GHT', { finessJuridique: E1 })],
        targetings: targeted('MO', A, B),
        moFacts: [mo(E1, 1000, 500, { level: 'site' }), mo(B, 1000, 100)],
        evidence: fullyArgued(A, B),
      }),
      ['MO'],
    );
    expect(row(results, 'MO', 'GHT')).toMatchObject({ numerator: 100, denominator: 1000, value: 10 });
  });

  it('a contract’s row lists no anomaly of its own and no evidence', () => {
    const results = computeIndicators(
      inputs({ establishments: [site(A, 'GHT'), site(B, 'GHT')], targetings: targeted('MO', A, B), moFacts: [mo(A, 1000, 100), mo(B, 1000, 100)], evidence: fullyArgued(A, B) }),
      ['MO'],
    );
    expect(row(results, 'MO', 'GHT')).toMatchObject({ anomalies: [], evidence: [] });
  });
});

describe('MO: whose argumentation answers which ATIH lines (seed 000: "100% prescriptions hors AMM argumentées")', () => {
  it('each site argues its own I999: A 100 units argued, B none after the cut-off, so A 100 %, B 0 of 100', () => {
    const calendar = [deadline('MO', ['argumentaire_hors_amm'], '2026-03-21', 'argumentaire_hors_amm')];
    const results = computeIndicators(
      inputs({
        today: '2026-04-01',
        establishments: [site(A, 'CA'), site(B, 'CB')],
        targetings: targeted('MO', A, B),
        deadlines: calendar,
        moFacts: [mo(A, 1000, 100, { month: 9 }), mo(B, 1000, 100, { month: 9 })],
        evidence: [argued(A, 100, '2025-S2', '2026-03-01T09:00:00Z')],
      }),
      ['MO'],
    );
    expect(row(results, 'MO', A).components[1]).toMatchObject({ numerator: 100, denominator: 100, status: 'met' });
    expect(row(results, 'MO', B).components[1]).toMatchObject({ numerator: 0, denominator: 100, status: 'not_met' });
  });

  it('a whole entity’s lines answered by its sites’ argumentations, a site with its own lines by its own: (100 + 50) / (100 + 50) = 100 %', () => {
    // E1 = A + B, both in GHT. E1 sent 100 I999 units, B also 50 of its own. A argues 100, B 50.
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT', { finessJuridique: E1 }), site(B, 'GHT', { finessJuridique: E1 })],
        targetings: targeted('MO', A, B),
        moFacts: [mo(E1, 1000, 100, { level: 'entity' }), mo(B, 500, 50)],
        evidence: [argued(A, 100), argued(B, 50)],
      }),
      ['MO'],
    );
    expect(row(results, 'MO', 'GHT').components[1]).toMatchObject({ numerator: 150, denominator: 150, value: 100 });
  });

  it('a site outside the entity, with no lines, does not argue the entity’s: 60 of 120 = 50 %', () => {
    // GHT = A + B (entity E1, 120 I999 units sent for E1) + C (its own entity, no ATIH line). A argues 60, C 60.
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT', { finessJuridique: E1 }), site(B, 'GHT', { finessJuridique: E1 }), site(C, 'GHT')],
        targetings: targeted('MO', A, B, C),
        moFacts: [mo(E1, 1000, 120, { level: 'entity' })],
        evidence: [argued(A, 60), argued(C, 60)],
      }),
      ['MO'],
    );
    expect(row(results, 'MO', 'GHT').components[1]).toMatchObject({ numerator: 60, denominator: 120, value: 50 });
  });

  it('a one-site entity’s lines are argued by its site within a contract: (120 + 100) / (120 + 100) = 100 %', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT', { finessJuridique: E1 }), site(B, 'GHT')],
        targetings: targeted('MO', A, B),
        moFacts: [mo(E1, 1000, 120, { level: 'entity' }), mo(B, 1000, 100)],
        evidence: [argued(A, 120), argued(B, 100)],
      }),
      ['MO'],
    );
    expect(row(results, 'MO', 'GHT').components[1]).toMatchObject({ numerator: 220, denominator: 220, value: 100 });
  });

  it('an argumentation of 2024 is not 2025’s: nothing argued, measured on the whole year 2025', () => {
    const r = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A), moFacts: [mo(A, 1000, 100)], evidence: [argued(A, 100, '2024-S2', '2025-01-05T09:00:00Z')] }), ['MO']), 'MO', A);
    expect(r.components[1]).toMatchObject({ numerator: 0, denominator: 100 });
    expect(r.components[1]!.note).toMatch(/^mesurée sur l’année 2025 entière : le calendrier ne demande pas d’argumentaire par semestre/);
  });
});

describe('MO: when the share argued is still open, and what was assumed', () => {
  const september = [mo(A, 1000, 100, { month: 9 })];
  const plan = uploaded(A, 'plan_actions', '2026-03-01T09:00:00Z');

  it('the argumentation’s day itself (21/03/2026) is still open: 75 of 100 argued is pending; the day after, not met', () => {
    const calendar = [deadline('MO', ['argumentaire_hors_amm'], '2026-03-21', 'argumentaire_hors_amm')];
    const run = (today: string) =>
      row(computeIndicators(inputs({ today, establishments: [site(A, 'CA')], targetings: targeted('MO', A), deadlines: calendar, moFacts: september, evidence: [argued(A, 75, '2025-S2', '2026-03-01T09:00:00Z')] }), ['MO']), 'MO', A);
    expect(run('2026-03-21').components[1]).toMatchObject({ value: 75, status: 'pending' });
    expect(run('2026-03-22').components[1]).toMatchObject({ value: 75, status: 'not_met' });
  });

  it('another document still before its date does not reopen the argumentation: not met once its own cut-off has passed', () => {
    const calendar = [deadline('MO', ['plan_actions'], '2026-04-30'), deadline('MO', ['argumentaire_hors_amm'], '2026-03-21', 'argumentaire_hors_amm')];
    const r = row(computeIndicators(inputs({ today: '2026-03-25', establishments: [site(A, 'CA')], targetings: targeted('MO', A), deadlines: calendar, moFacts: september, evidence: [plan, argued(A, 75, '2025-S2', '2026-03-01T09:00:00Z')] }), ['MO']), 'MO', A);
    expect(r.components[1]).toMatchObject({ value: 75, status: 'not_met' });
    expect(r.status).toBe('not_met');
  });

  it('a contract is open while one of its targeted sites can still send: pending, though the untargeted one has nothing to send', () => {
    const calendar = [deadline('MO', ['argumentaire_hors_amm'], '2026-03-21', 'argumentaire_hors_amm')];
    const results = computeIndicators(
      inputs({
        today: '2026-03-10',
        establishments: [site(A, 'GHT'), site(B, 'GHT')],
        targetings: targeted('MO', A),
        deadlines: calendar,
        moFacts: [mo(A, 1000, 100, { month: 9 }), mo(B, 1000, 100, { month: 9 })],
        evidence: [argued(A, 75, '2025-S2', '2026-03-01T09:00:00Z')],
      }),
      ['MO'],
    );
    expect(row(results, 'MO', 'GHT').components[1]).toMatchObject({ status: 'pending' });
  });

  it('nothing sent and no calendar: 0 of 100 argued, measured on the whole year, and it says so', () => {
    const r = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A), moFacts: [mo(A, 1000, 100)] }), ['MO']), 'MO', A);
    expect(r.components[1]).toMatchObject({ numerator: 0, denominator: 100 });
    expect(r.components[1]!.note).toMatch(/^mesurée sur l’année 2025 entière/);
  });

  it('a 2024 calendar row, or a 2025 row asking only the action plan, does not say how 2025 is argued: the assumption is still written', () => {
    const note = (deadlines: ReturnType<typeof deadline>[]) =>
      row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A), deadlines, moFacts: [mo(A, 1000, 100)], evidence: fullyArgued(A) }), ['MO']), 'MO', A).components[1]!.note;
    expect(note([{ ...deadline('MO', ['argumentaire_hors_amm'], '2025-03-21', 'argumentaire_hors_amm'), year: 2024, campaign: '2024-S2' }])).toMatch(/^mesurée sur l’année 2025 entière/);
    expect(note([deadline('MO', ['plan_actions'], '2026-04-30')])).toMatch(/^mesurée sur l’année 2025 entière/);
  });

  it('a calendar asking the argumentation for the whole year 2025, or an argumentation sent for 2025-S2: nothing assumed', () => {
    const yearly = { ...deadline('MO', ['argumentaire_hors_amm'], '2026-03-21', 'argumentaire_hors_amm'), campaign: '2025' };
    const asked = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A), deadlines: [yearly], moFacts: [mo(A, 1000, 100)], evidence: fullyArgued(A) }), ['MO']), 'MO', A);
    expect(asked.components[1]!.note).not.toMatch(/mesurée sur l’année/);
    const s2 = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A), moFacts: september, evidence: [argued(A, 100, '2025-S2')] }), ['MO']), 'MO', A);
    expect(s2.components[1]!.note).not.toMatch(/mesurée sur l’année/);
    const both = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('MO', A), moFacts: september, evidence: [argued(A, 100, '2025'), argued(A, 100, '2025-S2')] }), ['MO']), 'MO', A);
    expect(both.components[1]!.note).not.toMatch(/mesurée sur l’année/);
  });

  it('délai de rigueur: the status’s own note and the late file’s are joined by " ; "', () => {
    const calendar = [deadline('MO', ['argumentaire_hors_amm'], '2026-03-21', 'argumentaire_hors_amm')];
    const late = { ...argued(A, 100, '2025-S2', '2026-03-25T09:00:00Z'), fileName: 'argumentaire-v2.xlsx' };
    const r = row(computeIndicators(inputs({ today: '2026-04-01', establishments: [site(A, 'CA')], targetings: targeted('MO', A), deadlines: calendar, moFacts: september, evidence: [argued(A, 75, '2025-S2', '2026-03-01T09:00:00Z'), late] }), ['MO']), 'MO', A);
    expect(r.note).toBe(
      'Part des prescriptions hors AMM argumentées (UCD I999 de l’ATIH) : objectif non atteint ; fichier « argumentaire-v2.xlsx » reçu le 25/03/2026, après le délai de rigueur du 21/03/2026 : conservé, non pris en compte',
    );
  });
});

describe('CPAM and Open PHMEV: a site’s or its entity’s values', () => {
  it('a one-site entity’s CPAM value is its site’s even with other sites in the region, and an entity’s site in Corse changes nothing: 50 %', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA', { finessJuridique: E1 }), site(B, 'CB'), site(CORSE_SITE, 'CX', { finessJuridique: E1, region: 'CORSE' })],
        targetings: targeted('BIOSIMILAIRES', A),
        cpamFacts: [cpam(E1, 'BIOSIMILAIRES', 50, 100, { level: 'entity' })],
      }),
      ['BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ numerator: 50, denominator: 100, value: 50 });
  });

  it('the year before’s reference is the site’s own row, not an entity-level row under the same number: 55 000 / 50 000 = +10 %', () => {
    const before = [cpam(A, 'IPP', 1_000_000, null, { year: 2024, period: '2024', level: 'entity' }), cpam(A, 'IPP', 50_000, null, { year: 2024, period: '2024' })];
    const r = row(computeIndicators(inputs({ establishments: [site(A, 'CA')], targetings: targeted('IPP', A), cpamFacts: [cpam(A, 'IPP', 55_000, null)], previousCpamFacts: before }), ['IPP']), 'IPP', A);
    expect(r.denominator).toBe(50_000);
    expect(r.value).toBeCloseTo(10, 9);
  });

  it('Open PHMEV of a one-site entity is its site’s; a site’s own line wins over its entity’s', () => {
    const entityOnly = computeIndicators(inputs({ establishments: [site(A, 'CA', { finessJuridique: E1 })], targetings: targeted('BIOSIMILAIRES', A), phmevFacts: [phmev(E1, 2025, { level: 'entity' })] }), ['BIOSIMILAIRES']);
    expect(row(entityOnly, 'BIOSIMILAIRES', A)).toMatchObject({ source: 'open_phmev', value: 30 });
    const both = computeIndicators(
      inputs({
        establishments: [site(A, 'CA', { finessJuridique: E1 })],
        targetings: targeted('BIOSIMILAIRES', A),
        phmevFacts: [phmev(E1, 2025, { level: 'entity', biosimilars: { biosimilar: 900, reference: 100 } }), phmev(A, 2025, { biosimilars: { biosimilar: 100, reference: 300 } })],
      }),
      ['BIOSIMILAIRES'],
    );
    expect(row(both, 'BIOSIMILAIRES', A)).toMatchObject({ value: 25 });
  });

  it('an entity-level line under the site’s own number is not the site’s line: 300 / (300 + 700) = 30 %, growth +3 %', () => {
    const r = (code: 'BIOSIMILAIRES' | 'IPP') =>
      row(
        computeIndicators(
          inputs({
            establishments: [site(A, 'CA')],
            targetings: targeted(code, A),
            phmevFacts: [phmev(A, 2025, { level: 'entity', biosimilars: { biosimilar: 900, reference: 100 } }), phmev(A, 2025, { ipp: { rem: 10_300, bse: 0, boxes: 0 } })],
            previousPhmevFacts: [phmev(A, 2024, { level: 'entity', ipp: { rem: 8_000, bse: 0, boxes: 0 } }), phmev(A, 2024)],
          }),
          [code],
        ),
        code,
        A,
      );
    expect(r('BIOSIMILAIRES').value).toBe(30);
    expect(r('IPP')).toMatchObject({ numerator: 10_300, denominator: 10_000 });
  });

  it('the year before’s Open PHMEV line is the site’s own: (10 300 / 10 000) − 1 = +3 %', () => {
    const r = row(
      computeIndicators(
        inputs({
          establishments: [site(A, 'CA', { finessJuridique: E1 }), site(B, 'CB')],
          targetings: targeted('IPP', A),
          phmevFacts: [phmev(A, 2025, { ipp: { rem: 10_300, bse: 0, boxes: 0 } })],
          previousPhmevFacts: [phmev(B, 2024, { ipp: { rem: 5_000, bse: 0, boxes: 0 } }), phmev(E1, 2024, { level: 'entity', ipp: { rem: 8_000, bse: 0, boxes: 0 } }), phmev(A, 2024)],
        }),
        ['IPP'],
      ),
      'IPP',
      A,
    );
    expect(r).toMatchObject({ numerator: 10_300, denominator: 10_000 });
    expect(r.value).toBeCloseTo(3, 9);
  });

  it('a site of a two-site entity with nothing anywhere says CPAM gave nothing, not that its entity did', () => {
    const results = computeIndicators(inputs({ establishments: [site(A, 'GHT', { finessJuridique: E1 }), site(B, 'GHT', { finessJuridique: E1 })], targetings: targeted('BIOSIMILAIRES', A, B) }), ['BIOSIMILAIRES']);
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ status: 'no_data', note: 'aucune valeur dans l’extrait CPAM ; absent d’Open PHMEV (établissements publics et ESPIC seulement)' });
  });
});

describe('CPAM: a contract’s value', () => {
  it('a whole entity’s value is the contract’s when one of its sites has none: 500 / 1 000 = 50 %, not A’s 30 / 100 alone', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT', { finessJuridique: E1 }), site(B, 'GHT', { finessJuridique: E1 })],
        targetings: targeted('BIOSIMILAIRES', A, B),
        cpamFacts: [cpam(A, 'BIOSIMILAIRES', 30, 100), cpam(E1, 'BIOSIMILAIRES', 500, 1000, { level: 'entity' })],
      }),
      ['BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', 'GHT')).toMatchObject({ numerator: 500, denominator: 1000, value: 50 });
  });

  it('an entity with a site outside the contract is not the contract’s: no value', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT', { finessJuridique: E1 }), site(B, 'GHT', { finessJuridique: E1 }), site(C, 'CX', { finessJuridique: E1 })],
        targetings: targeted('BIOSIMILAIRES', A, B),
        cpamFacts: [cpam(E1, 'BIOSIMILAIRES', 500, 1000, { level: 'entity' })],
      }),
      ['BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', 'GHT')).toMatchObject({ value: null, status: 'no_data' });
  });

  it('a contract of two entities is no entity’s: with B’s value missing the contract has none, never E1’s 500 / 1 000', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT', { finessJuridique: E1 }), site(B, 'GHT', { finessJuridique: E2 })],
        targetings: targeted('BIOSIMILAIRES', A, B),
        cpamFacts: [cpam(A, 'BIOSIMILAIRES', 30, 100), cpam(E1, 'BIOSIMILAIRES', 500, 1000, { level: 'entity' })],
      }),
      ['BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', A)).toMatchObject({ numerator: 30, denominator: 100, value: 30 });
    expect(row(results, 'BIOSIMILAIRES', 'GHT')).toMatchObject({ value: null, status: 'no_data' });
  });

  it('Open PHMEV for one site of a contract of two entities: the contract has no value', () => {
    const results = computeIndicators(
      inputs({ establishments: [site(A, 'GHT', { finessJuridique: E1 }), site(B, 'GHT', { finessJuridique: E2 })], targetings: targeted('BIOSIMILAIRES', A, B), phmevFacts: [phmev(A, 2025)] }),
      ['BIOSIMILAIRES'],
    );
    expect(row(results, 'BIOSIMILAIRES', 'GHT')).toMatchObject({ value: null, status: 'no_data' });
  });
});

describe('DMI: a contract’s row and its sites’ counts', () => {
  const calendar = [deadline('DMI', ['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'])];
  const all = (finess: string) => (['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'] as const).map((k) => uploaded(finess, k, '2026-02-01T09:00:00Z'));

  it('a contract’s DMI row has no parts of its own and lists its sites’ files', () => {
    const evidence = [...all(A), ...all(B)];
    const results = computeIndicators(inputs({ today: '2026-04-01', establishments: [site(A, 'GHT'), site(B, 'GHT')], targetings: targeted('DMI', A, B), deadlines: calendar, evidence }), ['DMI']);
    const ght = row(results, 'DMI', 'GHT');
    expect(ght).toMatchObject({ numerator: 6, denominator: 6, value: 3, components: [] });
    expect(ght.inputs.map((i) => i.key).sort()).toEqual(evidence.map((e) => e.source.key).sort());
  });

  it('a contract with one site decided and one whose audit can still come: the contract’s share is undecided', () => {
    const results = computeIndicators(
      inputs({
        today: '2026-03-01',
        establishments: [site(A, 'GHT'), site(B, 'GHT')],
        targetings: targeted('DMI', A, B),
        deadlines: calendar,
        evidence: [...all(A), ...all(B).slice(0, 2)],
        parameters: [{ year: 2025, region: 'PACA', values: { budget_dmi: 600, regle_dmi: 'points' } }],
      }),
      ['DMI'],
    );
    expect([A, B].map((f) => row(results, 'DMI', f).allocation)).toEqual([
      { budget: 'budget_dmi', amount: 300, rule: 'au prorata des points', provisional: true, undecided: false },
      { budget: 'budget_dmi', amount: 300, rule: 'au prorata des points', provisional: true, undecided: true },
    ]);
    expect(row(results, 'DMI', 'GHT').allocation).toEqual({ budget: 'budget_dmi', amount: 600, rule: 'au prorata des points', provisional: true, undecided: true });
  });

  it('a count at site level under the entity’s number, or another entity’s count, is not the site’s: the budget goes by points', () => {
    const run = (facts: ReturnType<typeof dmi>[]) =>
      row(
        computeIndicators(
          inputs({
            today: '2026-04-01',
            establishments: [site(A, 'CA'), site(B, 'CB', { finessJuridique: E1 }), site(C, 'CC')],
            targetings: targeted('DMI', A, B),
            deadlines: calendar,
            evidence: [...all(A), ...all(B)],
            dmiFacts: [dmi(A, 'site', 100), ...facts],
            parameters: [{ year: 2025, region: 'PACA', values: { budget_dmi: 1000 } }],
          }),
          ['DMI'],
        ),
        'DMI',
        B,
      ).allocation;
    expect(run([dmi(E1, 'site', 300)])).toMatchObject({ amount: 500, rule: 'au prorata des points (nombre de DMI posés inconnu)' });
    expect(run([dmi(E2, 'entity', 300)])).toMatchObject({ amount: 500, rule: 'au prorata des points (nombre de DMI posés inconnu)' });
    // With a third PACA site of its own entity, B's one-site entity's 300 DMI are still B's: 3 × 100 : 3 × 300.
    expect(run([dmi(E1, 'entity', 300)])).toMatchObject({ amount: 750, rule: 'au prorata des points × nombre de DMI posés' });
  });

  it('MO computed beside DMI does not change DMI’s rule: every DMI site’s count is known (C, on MO only, has none), by points × DMI', () => {
    const results = computeIndicators(
      inputs({
        today: '2026-04-01',
        establishments: [site(A, 'CA'), site(B, 'CB'), site(C, 'CC')],
        targetings: [...targeted('DMI', A, B), ...targeted('MO', A, B, C)],
        deadlines: calendar,
        evidence: [...all(A), ...all(B), ...fullyArgued(A, B, C)],
        moFacts: [mo(A, 1000, 100), mo(B, 1000, 100), mo(C, 1000, 100)],
        dmiFacts: [dmi(A, 'site', 100), dmi(B, 'site', 300)],
        parameters: [{ year: 2025, region: 'PACA', values: { budget_dmi: 1000 } }],
      }),
      ['MO', 'DMI'],
    );
    expect(row(results, 'DMI', B).allocation).toMatchObject({ amount: 750, rule: 'au prorata des points × nombre de DMI posés' });
  });
});

describe('MO incentive: by the valued amount, the contract judged as a whole', () => {
  it('prorata_montant follows the euros, not the UCD: 1 000 000 € and 3 000 000 € share 1 000 € as 250 and 750', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'CA'), site(B, 'CB')],
        targetings: targeted('MO', A, B),
        moFacts: [mo(A, 3000, 300, { totalAmount: 1_000_000 }), mo(B, 1000, 100, { totalAmount: 3_000_000 })],
        evidence: fullyArgued(A, B),
        parameters: [{ year: 2025, region: 'PACA', values: { budget_interessement_mo: 1000 } }],
      }),
      ['MO'],
    );
    expect([A, B].map((f) => row(results, 'MO', f).allocation?.amount)).toEqual([250, 750]);
  });

  it('every indicator computed: the MO contract’s status decides its sites’ shares, not another indicator’s row of the same contract', () => {
    const results = computeIndicators(
      inputs({
        establishments: [site(A, 'GHT'), site(B, 'GHT')],
        targetings: targeted('MO', A, B),
        moFacts: [mo(A, 1000, 100), mo(B, 1000, 100)],
        evidence: fullyArgued(A, B),
        parameters: [{ year: 2025, region: 'PACA', values: { budget_interessement_mo: 1000, regle_interessement_mo: 'egal' } }],
      }),
    );
    expect([A, B].map((f) => row(results, 'MO', f).allocation?.amount)).toEqual([500, 500]);
  });
});

describe('MO incentive: a pending contract’s site without data', () => {
  it('B has no ATIH line in a contract still pending: B’s share is 0, A’s 1 000 € is undecided', () => {
    const results = computeIndicators(
      inputs({
        today: '2026-03-01',
        establishments: [site(A, 'GHT'), site(B, 'GHT')],
        targetings: targeted('MO', A, B),
        deadlines: [deadline('MO', ['plan_actions'])],
        moFacts: [mo(A, 1000, 100)],
        evidence: fullyArgued(A, B),
        parameters: [{ year: 2025, region: 'PACA', values: { budget_interessement_mo: 1000 } }],
      }),
      ['MO'],
    );
    expect(row(results, 'MO', 'GHT').status).toBe('pending');
    expect([A, B].map((f) => row(results, 'MO', f).allocation)).toEqual([
      { budget: 'interessement_mo', amount: 1000, rule: 'au prorata du montant liste en sus valorisé', provisional: true, undecided: true },
      { budget: 'interessement_mo', amount: 0, rule: 'au prorata du montant liste en sus valorisé', provisional: true, undecided: true },
    ]);
  });
});

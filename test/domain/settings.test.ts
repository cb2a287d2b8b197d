import { describe, expect, it } from 'vitest';
import { CATALOGUE, DEFAULT_NEUTRALISED } from '../../lib/domain/catalogue';
import { INDICATOR_CODES } from '../../lib/domain/schemas';
import { settingsFor } from '../../lib/domain/settings';

describe('the indicator catalogue', () => {
  it('has the 13 codes of the 2024 contract, each with a French label', () => {
    expect([...CATALOGUE.keys()].sort()).toEqual([...INDICATOR_CODES].sort());
    for (const d of CATALOGUE.values()) expect(d.label).toMatch(/^[A-ZÉ]/);
  });

  it('suggests (never applies) the seven indicators measured on prescriptions executed in town for ex-OQN sites (IDF FAQ: seven PHEV items)', () => {
    expect([...DEFAULT_NEUTRALISED].sort()).toEqual(['BIOSIMILAIRES', 'GENERIQUES', 'IPP', 'PANSEMENTS', 'PERFADOM', 'TRANSPORTS', 'TRANSPORTS_AUTRES']);
  });

  it('carries the seed’s MO targets and the DMI scoring, and no other built-in target (issue 18)', () => {
    expect(CATALOGUE.get('MO')?.defaultTargets).toEqual({ PACA: { comparator: '<', value: 15 }, CORSE: { comparator: '<', value: 10 } });
    expect(CATALOGUE.get('MO')?.namedExceptions.map((e) => [e.name, e.comparator, e.value])).toEqual([
      ['AP-HM', '<', 20],
      ['Institut Paoli-Calmettes (IPC)', '<', 20],
    ]);
    expect(CATALOGUE.get('DMI')).toMatchObject({ measure: 'points', evidence: ['cartographie_dmi', 'plan_actions_dmi', 'audit_dmi'] });
    for (const d of CATALOGUE.values()) if (d.code !== 'MO') expect([d.code, d.defaultTargets]).toEqual([d.code, {}]);
  });
});

describe('settingsFor', () => {
  const sets = [
    { year: 2025, region: null, values: { regle_interessement_mo: 'egal' as const, facteur_saut_montant: 4 } },
    { year: 2025, region: 'PACA', values: { budget_interessement_mo: 126_331, facteur_saut_montant: 2.5 } },
    { year: 2024, region: 'PACA', values: { budget_dmi: 1 } },
  ];

  it('the region’s values over those for every region over the defaults, for that year only', () => {
    expect(settingsFor(sets, 'PACA', 2025)).toEqual({
      moIncentive: { budget: 126_331, rule: 'egal' },
      dmiBudget: { budget: null, rule: 'points_x_dmi' },
      suggestedNeutralisations: DEFAULT_NEUTRALISED,
      dmiMappingValidity: null,
      amountJumpFactor: 2.5,
      ucdCostFactor: 2,
      cpamTolerance: 0.1,
      phmevTolerance: 1,
      reminderOffsets: [-30, -14, -7, -1, 1, 7],
      digestTo: null,
    });
    expect(settingsFor(sets, 'CORSE', 2025)).toMatchObject({ moIncentive: { budget: null, rule: 'egal' }, amountJumpFactor: 4 });
  });
});

import { describe, expect, it } from 'vitest';
import { calendrierFormat } from '../../lib/formats/kinds/calendrier';
import { cp1252, read, where, payload } from './helpers';

const HEADER = 'Campagne;Échéance;Date;Indicateur;Documents;Libellé';

describe('referential/calendrier-<year>.csv', () => {
  it('reads the seed deadlines: French and ISO dates, identifiers normalised, documents split', async () => {
    const out = await read(
      calendrierFormat,
      cp1252([
        HEADER,
        '2025-s2;Retour preuves;09/03/2026;MO;argumentaire_hors_amm, plan_actions;Retour des éléments de preuve S2 2025',
        '2025-S2;retour_preuves;9/3/2026;DMI;cartographie_dmi,audit_dmi;Retour des éléments de preuve S2 2025',
        '2025-S2;argumentaire_hors_amm;2026-03-21;;argumentaire_hors_amm;Justification des prescriptions hors AMM (date butoir)',
      ]),
      { year: 2025 },
    );
    expect(out.list).toEqual([]);
    expect(payload(out.output)).toEqual([
      { year: 2025, campaign: '2025-S2', id: 'retour_preuves', date: '2026-03-09', indicator: 'MO', documents: ['argumentaire_hors_amm', 'plan_actions'], label: 'Retour des éléments de preuve S2 2025' },
      { year: 2025, campaign: '2025-S2', id: 'retour_preuves', date: '2026-03-09', indicator: 'DMI', documents: ['cartographie_dmi', 'audit_dmi'], label: 'Retour des éléments de preuve S2 2025' },
      { year: 2025, campaign: '2025-S2', id: 'argumentaire_hors_amm', date: '2026-03-21', indicator: null, documents: ['argumentaire_hors_amm'], label: 'Justification des prescriptions hors AMM (date butoir)' },
    ]);
  });

  it('the optional `rigueur` column says which deadlines are strict; empty leaves the default (the hors-AMM argumentation strict)', async () => {
    const out = await read(
      calendrierFormat,
      cp1252([
        `${HEADER};Délai de rigueur`,
        '2025-S2;retour_preuves;09/03/2026;MO;plan_actions;Retour des éléments de preuve S2 2025;oui',
        '2025-S2;argumentaire_hors_amm;21/03/2026;MO;argumentaire_hors_amm;Argumentaire hors-AMM S2 2025;',
        '2025-S2;rattrapage;31/03/2026;MO;argumentaire_hors_amm;Rattrapage;non',
        '2025;auto_evaluation;31/03/2026;;;Rapport;peut-être',
      ]),
      { year: 2025 },
    );
    expect(where(out.list)).toEqual(['error type-error@5:rigueur']);
    const good = await read(calendrierFormat, cp1252([`${HEADER};Rigueur`, '2025-S2;retour_preuves;09/03/2026;MO;plan_actions;Retour;oui', '2025-S2;argumentaire_hors_amm;21/03/2026;MO;argumentaire_hors_amm;Argumentaire;', '2025-S2;rattrapage;31/03/2026;MO;argumentaire_hors_amm;Rattrapage;non']), { year: 2025 });
    expect((payload(good.output) as { strict?: boolean }[]).map((d) => d.strict)).toEqual([true, undefined, false]);
  });

  it('issue 18: a `region` column gives a region its own deadline; empty, the row is for every region', async () => {
    const out = await read(
      calendrierFormat,
      cp1252([
        'Campagne;Échéance;Date;Région;Indicateur;Documents;Libellé',
        '2025-S2;retour_preuves;09/03/2026;PACA;MO;plan_actions;Retour PACA',
        '2025-S2;retour_preuves;31/03/2026;IDF;MO;plan_actions;Retour IDF',
        '2025;auto_evaluation;31/03/2026;;;;Rapport annuel',
        '2025-S2;retour_preuves;10/03/2026;PACA;MO;plan_actions;Retour PACA bis', // line 5: same region, campaign, deadline and indicator
      ]),
      { year: 2025 },
    );
    expect(where(out.list)).toEqual(['warning duplicate-row@5:echeance']);
    expect(payload(out.output)).toEqual([
      { year: 2025, region: 'PACA', campaign: '2025-S2', id: 'retour_preuves', date: '2026-03-09', indicator: 'MO', documents: ['plan_actions'], label: 'Retour PACA' },
      { year: 2025, region: 'IDF', campaign: '2025-S2', id: 'retour_preuves', date: '2026-03-31', indicator: 'MO', documents: ['plan_actions'], label: 'Retour IDF' },
      { year: 2025, campaign: '2025', id: 'auto_evaluation', date: '2026-03-31', indicator: null, documents: [], label: 'Rapport annuel' },
    ]);
  });

  it('errors with row and column: impossible date, unknown indicator, unknown document kind, empty label', async () => {
    const out = await read(
      calendrierFormat,
      cp1252([
        HEADER,
        '2025-S2;retour_preuves;31/02/2026;MO;plan_actions;Retour', // line 2
        '2025-S2;retour_preuves;09/03/2026;MOLECULES;plan_actions;Retour', // line 3
        '2025-S2;retour_preuves;09/03/2026;MO;facture;Retour', // line 4
        '2025-S2;retour_preuves;09/03/2026;DMI;audit_dmi;', // line 5
        '2024-S2;retour_preuves;09/03/2025;DMI;audit_dmi;Retour', // line 6: a 2024 campaign in calendrier-2025
      ]),
      { year: 2025 },
    );
    expect(where(out.list)).toEqual([
      'error type-error@2:date',
      'error unknown-indicator@3:indicateur',
      'error type-error@4:documents',
      'error missing-value@5:libelle',
      'error period-outside-campaign@6:campagne',
    ]);
    expect(out.list[4]!.message).toBe('Période « 2024-S2 » hors de la campagne : le fichier calendrier-2025 ne contient que les campagnes 2025.');
    expect(out.list.every((i) => !/invalid input/i.test(i.message))).toBe(true);
    expect(out.output).toBeNull();
  });
});

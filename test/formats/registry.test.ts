import { describe, expect, it } from 'vitest';
import { recognise } from '../../lib/formats/registry';
import { parseDropKey } from '../../lib/store/keys';

function tagOf(key: string) {
  const dropKey = parseDropKey(key);
  if (!dropKey) throw new Error(`not a drop-zone key: ${key}`);
  return recognise(dropKey);
}

describe('recognise: the kind of a file from its drop-zone key', () => {
  it.each([
    ['referential/etablissements.csv', { tag: 'etablissements' }],
    ['referential/Etablissements_PACA.CSV', { tag: 'etablissements' }],
    ['referential/ciblage-2025.csv', { tag: 'ciblage', year: 2025 }],
    ['referential/Objectifs_2025.csv', { tag: 'objectifs', year: 2025 }],
    ['referential/calendrier-2026.txt', { tag: 'calendrier', year: 2026 }],
    ['atih/2024/mo-paca.csv', { tag: 'atih-mo', year: 2024 }],
    ['atih/2025/MO_corse.csv', { tag: 'atih-mo', year: 2025 }],
  ])('%s → %o', (key, expected) => {
    expect(tagOf(key)).toMatchObject(expected);
  });

  it.each([
    ['referential/ciblage.csv', 'le référentiel attend etablissements.csv, ciblage-AAAA.csv, objectifs-AAAA.csv ou calendrier-AAAA.csv'],
    ['referential/notes.pdf', 'le référentiel attend etablissements.csv, ciblage-AAAA.csv, objectifs-AAAA.csv ou calendrier-AAAA.csv'],
    ['atih/2024/dmi-paca.csv', 'les extraits ATIH attendus sont nommés mo-*.csv'],
    ['atih/2024/mo-paca.xlsx', 'les extraits ATIH attendus sont nommés mo-*.csv'],
    ['cpam/2025/phev-paca.csv', 'les extraits CPAM ne sont pas encore pris en charge par cette version'],
    ['cpam/2024/OPEN_PHMEV_2024.CSV', 'les extraits CPAM ne sont pas encore pris en charge par cette version'],
  ])('%s → unknown (%s)', (key, detail) => {
    expect(tagOf(key)).toEqual({ tag: 'unknown', detail });
  });

  it('evidence: an argumentaire CSV is read as a table', () => {
    expect(tagOf('evidence/2025-S2/130786049/argumentaire_hors_amm/u1-argumentaire.csv')).toMatchObject({ tag: 'argumentaire', campaign: '2025-S2', finess: '130786049' });
  });

  it('evidence: an argumentaire workbook and other kinds are documents', () => {
    expect(tagOf('evidence/2025-S2/130786049/argumentaire_hors_amm/u1-argumentaire.xlsx')).toEqual({ tag: 'document', kind: 'argumentaire_hors_amm', campaign: '2025-S2', finess: '130786049' });
    expect(tagOf('evidence/2025-S2/2A0000014/plan_actions/u2-plan.pdf')).toEqual({ tag: 'document', kind: 'plan_actions', campaign: '2025-S2', finess: '2A0000014' });
    expect(tagOf('evidence/2025-S2/2A0000014/audit_dmi/u3-audit.csv')).toEqual({ tag: 'document', kind: 'audit_dmi', campaign: '2025-S2', finess: '2A0000014' });
  });

  it('evidence: an unknown document kind is unknown, with the accepted kinds listed', () => {
    const r = tagOf('evidence/2025-S2/130786049/facture/u4-facture.pdf');
    expect(r.tag).toBe('unknown');
    expect(r).toEqual({
      tag: 'unknown',
      detail: 'type de document « facture » inconnu (attendus : plan_actions, argumentaire_hors_amm, recueil_initiations, audit_dmi, cartographie_dmi, autodiagnostic_pharmacie_clinique, autre)',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { ciblageFormat } from '../../lib/formats/kinds/ciblage';
import { cp1252, read, referential, where, payload } from './helpers';

describe('referential/ciblage-<year>.csv', () => {
  it('reads codes in any case, spaces for underscores, the year from the file name', async () => {
    const out = await read(ciblageFormat, cp1252(['FINESS;Indicateur', '130786049;mo', '130786049;Pharmacie clinique', '2A0000014;DMI', '2A0000014;Pré-anesthésie']), {
      year: 2025,
      establishments: referential('130786049', '2A0000014'),
    });
    expect(out.list).toEqual([]);
    expect(payload(out.output)).toEqual([
      { year: 2025, finess: '130786049', indicator: 'MO' },
      { year: 2025, finess: '130786049', indicator: 'PHARMACIE_CLINIQUE' },
      { year: 2025, finess: '2A0000014', indicator: 'DMI' },
      { year: 2025, finess: '2A0000014', indicator: 'PRE_ANESTHESIE' },
    ]);
  });

  it('issue 18: the optional `neutralisation` column is OMéDIT’s list (003_a1f9fbfe3d5c11ef.txt: the ARS’s list): `oui`, its own words, or nothing', async () => {
    const out = await read(
      ciblageFormat,
      cp1252(['finess;indicateur;neutralisation', '130786049;IPP;oui', '130786049;PERFADOM;arrêté ARS du 12/01/2026', '130786049;MO;non', '2A0000014;IPP;']),
      { year: 2025, establishments: referential('130786049', '2A0000014') },
    );
    expect(out.list).toEqual([]);
    expect(payload(out.output)).toEqual([
      { year: 2025, finess: '130786049', indicator: 'IPP', neutralisation: 'sur la liste de l’ARS des établissements concernés par la neutralisation (FAQ CAQES)' },
      { year: 2025, finess: '130786049', indicator: 'PERFADOM', neutralisation: 'arrêté ARS du 12/01/2026' },
      { year: 2025, finess: '130786049', indicator: 'MO' },
      { year: 2025, finess: '2A0000014', indicator: 'IPP' },
    ]);
  });

  it('an unknown indicator code is unknown-indicator with its row and column', async () => {
    const out = await read(ciblageFormat, cp1252(['finess;indicateur', '130786049;MO', '130786049;MOLECULES_ONEREUSES']), { year: 2025 });
    expect(where(out.list)).toEqual(['error unknown-indicator@3:indicateur']);
    expect(out.list[0]).toMatchObject({ value: 'MOLECULES_ONEREUSES', message: 'Code indicateur « MOLECULES_ONEREUSES » inconnu.' });
    expect(out.output).toBeNull();
  });

  it('a site not in the referential is a warning only; a repeated pair a duplicate-row warning', async () => {
    const out = await read(ciblageFormat, cp1252(['finess;indicateur', '130786049;MO', '440053643;MO', '130786049;mo']), {
      year: 2025,
      establishments: referential('130786049'),
    });
    expect(where(out.list)).toEqual(['warning unknown-finess@3:finess', 'warning duplicate-row@4:indicateur']);
    expect(payload(out.output)).toEqual([
      { year: 2025, finess: '130786049', indicator: 'MO' },
      { year: 2025, finess: '440053643', indicator: 'MO' },
    ]);
  });

  it('missing indicateur column → missing-column on row 1', async () => {
    const out = await read(ciblageFormat, cp1252(['finess;item_caqes', '130786049;MO']), { year: 2025 });
    expect(where(out.list)).toEqual(['warning extra-column@1:item_caqes', 'error missing-column@1:indicateur']);
  });
});

import { describe, expect, it } from 'vitest';
import { ciblageFormat } from '../../lib/formats/kinds/ciblage';
import { argumentaireFormat } from '../../lib/formats/kinds/argumentaire';
import { cp1252, read, where, payload } from './helpers';

describe('readTabular: where the table starts', () => {
  it('skips a title and a date line above the header, and says so', async () => {
    const out = await read(ciblageFormat, cp1252(['Ciblage CAQES 2025 – OMéDIT PACA-Corse', 'Extraction du 12/01/2026', 'finess;indicateur', '130786049;MO']), { year: 2025 });
    expect(where(out.list)).toEqual(['warning header-row@3:null']);
    expect(out.list[0]!.message).toBe('L’en-tête des colonnes a été trouvé ligne 3 : les lignes au-dessus (titre, commentaires) sont ignorées.');
    expect(payload(out.output)).toEqual([{ year: 2025, finess: '130786049', indicator: 'MO' }]);
  });

  it('reads a two-level header whose upper cells were merged over the lower row', async () => {
    // As Excel exports it: "FINESS" and "UCD" merged over two rows (the value in the upper cell),
    // "Prescription" merged across three columns above their own names.
    const out = await read(
      argumentaireFormat,
      cp1252([
        'FINESS;UCD;Prescription;;;Argumentation;;',
        ';;libelle;code_indication;nb_ucd;argumentaire;amm_miroir;exclusion',
        '130786049;9391234;TEMOZOLOMIDE;I999;2;Astrocytome grade 3;I997001;non',
      ]),
      { finess: '130786049' },
    );
    expect(where(out.list)).toEqual(['warning header-row@2:null']);
    expect(payload(out.output)).toMatchObject({ type: 'argumentaire', lines: 1, argued: 1, ucd: 2, arguedUcd: 2 });
  });

  it('says once where blank lines were left between rows, not for trailing ones', async () => {
    const out = await read(ciblageFormat, cp1252(['finess;indicateur', '130786049;MO', '', ';', '130786049;DMI', '', '', '']), { year: 2025 });
    expect(where(out.list)).toEqual(['warning blank-row@3:null']);
    expect(out.list[0]!.message).toBe('Ligne vide ignorée (2 lignes vides à la suite).');
    expect(payload(out.output)).toHaveLength(2);
  });

  it('a header and no data row is an empty file', async () => {
    const out = await read(ciblageFormat, cp1252(['finess;indicateur', '', '']), { year: 2025 });
    expect(where(out.list)).toEqual(['error empty-file@null:null']);
    expect(out.output).toBeNull();
  });
});

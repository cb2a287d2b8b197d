import { describe, expect, it } from 'vitest';
import { argumentaireFormat } from '../../lib/formats/kinds/argumentaire';
import { cp1252, read, where, payload } from './helpers';

const APHM = '130786049';
const UPLOAD = { campaign: '2025-S2', finess: APHM };
const HEADER = 'FINESS;UCD;Libellé;Code indication;Nb UCD;Argumentaire;AMM miroir;Exclusion';

describe('evidence/<campaign>/<finess>/argumentaire_hors_amm/*.csv', () => {
  it('a line is argued only when argumentaire is filled AND (amm_miroir given OR exclusion = oui)', async () => {
    const out = await read(
      argumentaireFormat,
      cp1252([
        HEADER,
        `${APHM};9391234;TEMOZOLOMIDE;I999;2;Astrocytome de grade 3, proche de l’AMM glioblastome;I997001;non`, // text + miroir → argued
        `${APHM};9400001;RITUXIMAB;I999999;4;Avis RCP du 12/09/2025, exclusion du périmètre;;Oui`, // text + exclusion → argued
        `${APHM};9400001;RITUXIMAB;I999;1,5;En attente d’avis RCP;;non`, // text, neither → not argued
        `${APHM};9391234;TEMOZOLOMIDE;I999;3;;I997002;oui`, // no text → not argued
      ]),
      UPLOAD,
    );
    expect(out.list).toEqual([]);
    expect(out.rowsAccepted).toBe(4);
    // 4 lines, 2 argued; UCD 2 + 4 + 1,5 + 3 = 10,5 of which 2 + 4 = 6 argued.
    expect(payload(out.output)).toEqual({ type: 'argumentaire', lines: 4, argued: 2, ucd: 10.5, arguedUcd: 6 });
  });

  it('a row of another FINESS than the upload’s → wrong-establishment, file refused', async () => {
    const out = await read(
      argumentaireFormat,
      cp1252([HEADER, `${APHM};9391234;;I999;2;Texte;I997001;non`, `130001647;9391234;;I999;2;Texte;I997001;non`]),
      UPLOAD,
    );
    expect(where(out.list)).toEqual(['error wrong-establishment@3:finess']);
    expect(out.list[0]).toMatchObject({ value: '130001647', message: 'Le FINESS « 130001647 » ne correspond pas à l’établissement du dépôt (dépôt de 130786049).' });
    expect(out.output).toBeNull();
  });

  it('bad amm_miroir and exclusion cells are type-error in French', async () => {
    const out = await read(argumentaireFormat, cp1252([HEADER, `${APHM};9391234;;I999;2;Texte;miroir;non`, `${APHM};9391234;;I999;2;Texte;;peut-être`]), UPLOAD);
    expect(where(out.list)).toEqual(['error type-error@2:amm_miroir', 'error type-error@3:exclusion']);
    expect(out.list[0]!.message).toBe('Valeur « miroir » invalide dans la colonne « amm_miroir » : code d’AMM miroir commençant par I997 (ex. I997001).');
  });

  it('the optional columns may be absent: nothing is then argued', async () => {
    const out = await read(argumentaireFormat, cp1252(['finess;ucd;code_indication;nb_ucd;argumentaire', `${APHM};9391234;I999;2;Texte`]), UPLOAD);
    expect(out.list).toEqual([]);
    expect(payload(out.output)).toEqual({ type: 'argumentaire', lines: 1, argued: 0, ucd: 2, arguedUcd: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import { argumentaireFormat } from '../../lib/formats/kinds/argumentaire';
import { cp1252, read, where, payload } from './helpers';

const APHM = '130786049';
const UPLOAD = { campaign: '2025-S2', finess: APHM };
const HEADER = 'FINESS;UCD;Libellé;Code indication;Nb UCD;Argumentaire;AMM miroir;Exclusion';

describe('evidence/<campaign>/<finess>/argumentaire_hors_amm/*.csv', () => {
  // Seed 000 (webinar of 04/02/2026): "100% prescriptions hors AMM argumentées : AMM Miroir (I997) à
  // préciser ou exclure". A line is argued when its argumentation is written; AMM miroir and
  // exclusion are what the establishment says about it, counted apart, never a condition.
  it('a line is argued when its argumentaire is written; AMM miroir and exclusion are counted apart, never required', async () => {
    const out = await read(
      argumentaireFormat,
      cp1252([
        HEADER,
        `${APHM};9391234;TEMOZOLOMIDE;I999;2;Astrocytome de grade 3, proche de l’AMM glioblastome;I997001;non`, // text + miroir → argued, miroir listed
        `${APHM};9400001;RITUXIMAB;I999999;4;Avis RCP du 12/09/2025, exclusion du périmètre;;Oui`, // text + exclusion → argued, exclusion listed
        `${APHM};9400001;RITUXIMAB;I999;1,5;PNDS purpura thrombopénique, avis RCP;;non`, // a real argument alone → argued
        `${APHM};3400939391234;TEMOZOLOMIDE;I999;3;;I997002;oui`, // no text → not argued; 13-digit form of 9391234
      ]),
      UPLOAD,
    );
    expect(out.list).toEqual([]);
    expect(out.rowsAccepted).toBe(4);
    // 4 lines, 3 argued; UCD 2 + 4 + 1,5 + 3 = 10,5 of which 2 + 4 + 1,5 = 7,5 argued.
    // Per UCD: 9391234 listed 2 + 3 = 5 (2 argued, 2 lines); 9400001 listed 4 + 1,5 = 5,5, all argued.
    expect(payload(out.output)).toEqual({
      type: 'argumentaire',
      lines: 4,
      argued: 3,
      ucd: 10.5,
      arguedUcd: 7.5,
      byUcd: [
        { ucd: '9391234', lines: 2, units: 5, arguedLines: 1, arguedUnits: 2 },
        { ucd: '9400001', lines: 2, units: 5.5, arguedLines: 2, arguedUnits: 5.5 },
      ],
      ammMiroirLines: 2,
      excludedLines: 2,
      ammMiroir: [
        { ucd: '9391234', code: 'I997001' },
        { ucd: '9391234', code: 'I997002' },
      ],
      exclusions: [
        { ucd: '9400001', reason: 'Avis RCP du 12/09/2025, exclusion du périmètre' },
        { ucd: '9391234', reason: null },
      ],
    });
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

  it('the optional columns may be absent: a written argumentation still argues its line', async () => {
    const out = await read(argumentaireFormat, cp1252(['finess;ucd;code_indication;nb_ucd;argumentaire', `${APHM};9391234;I999;2;Texte`]), UPLOAD);
    expect(out.list).toEqual([]);
    expect(payload(out.output)).toMatchObject({ type: 'argumentaire', lines: 1, argued: 1, ucd: 2, arguedUcd: 2, ammMiroirLines: 0, excludedLines: 0 });
  });
});

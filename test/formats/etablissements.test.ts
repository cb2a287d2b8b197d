import { describe, expect, it } from 'vitest';
import { etablissementsFormat } from '../../lib/formats/kinds/etablissements';
import { cp1252, read, where, payload } from './helpers';

// AP-HM 130786049 (key 9: 4→8,0,6→3,8,7→5,0,3→6,1 = 31), IPC 130001647 (key 7: sum 23),
// CH Ajaccio 2A0000014 (21000001: 2+2+2 = 6 → 4), CH Bastia 2B0000020 (22000002: 4+4+2 = 10 → 0).
const HEADER = 'FINESS;Finess Juridique;Raison Sociale;Région;Catégorie;Contrat;Courriels';

describe('referential/etablissements.csv', () => {
  it('reads a Windows-1252 file with accents, other header spellings and tolerant values', async () => {
    const out = await read(
      etablissementsFormat,
      cp1252([
        HEADER,
        '130786049;130786049;Assistance Publique – Hôpitaux de Marseille;PACA;ex-DG;CAQES-APHM;pui@ap-hm.fr, dim@ap-hm.fr',
        '130001647;130001647;Institut Paoli-Calmettes;Paca;EX-DG;CAQES-IPC;pharmacie@ipc.unicancer.fr',
        '2A0000014;2A0000014;Centre hospitalier d’Ajaccio;Corse;ex dg;CAQES-2A;pui@ch-ajaccio.fr',
        '2b0000020;2b0000020;Clinique de Bastia;Corse;ex-OQN;CAQES-2B;',
      ]),
    );
    expect(out.encoding).toBe('windows-1252');
    expect(out.delimiter).toBe(';');
    expect(out.list).toEqual([]);
    expect(out.rowsRead).toBe(4);
    expect(out.rowsAccepted).toBe(4);
    expect(payload(out.output)).toEqual([
      { finess: '130786049', finessJuridique: '130786049', raisonSociale: 'Assistance Publique – Hôpitaux de Marseille', region: 'PACA', categorie: 'ex-DG', contrat: 'CAQES-APHM', emails: ['pui@ap-hm.fr', 'dim@ap-hm.fr'] },
      { finess: '130001647', finessJuridique: '130001647', raisonSociale: 'Institut Paoli-Calmettes', region: 'PACA', categorie: 'ex-DG', contrat: 'CAQES-IPC', emails: ['pharmacie@ipc.unicancer.fr'] },
      { finess: '2A0000014', finessJuridique: '2A0000014', raisonSociale: 'Centre hospitalier d’Ajaccio', region: 'CORSE', categorie: 'ex-DG', contrat: 'CAQES-2A', emails: ['pui@ch-ajaccio.fr'] },
      { finess: '2B0000020', finessJuridique: '2B0000020', raisonSociale: 'Clinique de Bastia', region: 'CORSE', categorie: 'ex-OQN', contrat: 'CAQES-2B', emails: [] },
    ]);
  });

  it('a missing column is an error on row 1 and nothing is read', async () => {
    const out = await read(etablissementsFormat, cp1252(['finess;finess_juridique;raison_sociale;region;categorie;emails', '130786049;130786049;AP-HM;PACA;ex-DG;']));
    expect(where(out.list)).toEqual(['error missing-column@1:contrat']);
    expect(out.list[0]!.message).toBe('Colonne obligatoire absente : « contrat ».');
    expect(out.output).toBeNull();
    expect(out.rowsRead).toBe(0);
  });

  it('an empty name is missing-value; a wrong key is invalid-finess; the file is refused', async () => {
    const out = await read(
      etablissementsFormat,
      cp1252([
        HEADER,
        '130786049;130786049;;PACA;ex-DG;C1;', // line 2: empty raison sociale
        '130786048;130786049;AP-HM;PACA;ex-DG;C1;', // line 3: key 8 instead of 9
        '130001647;130001647;IPC;PACA;public;C2;', // line 4: unknown category
      ]),
    );
    expect(where(out.list)).toEqual(['error missing-value@2:raison_sociale', 'error invalid-finess@3:finess', 'error type-error@4:categorie']);
    expect(out.list[1]).toMatchObject({ value: '130786048', message: 'FINESS « 130786048 » invalide : la clé de contrôle (dernier chiffre) ne correspond pas.' });
    expect(out.output).toBeNull();
    expect(out.rowsAccepted).toBe(0);
  });

  it('an extra column is only a warning; the file is accepted', async () => {
    const out = await read(etablissementsFormat, cp1252([`${HEADER};Téléphone`, '130786049;130786049;AP-HM;PACA;ex-DG;C1;pui@ap-hm.fr;04 91 38 00 00']));
    expect(where(out.list)).toEqual(['warning extra-column@1:Téléphone']);
    expect(out.issues.errors).toBe(0);
    expect(payload(out.output)).toHaveLength(1);
  });
});

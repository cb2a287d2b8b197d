/** `caqes validate FILE`: what a pharmacist sees and the exit code a script reads. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationReport } from '../../lib/formats/report';
import { workbook } from '../helpers/archives';
import { runCaqes } from '../helpers/cli';

let dir: string;

const run = (...args: string[]) => runCaqes('validate', ...args);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caqes-validate-'));
  await mkdir(join(dir, 'zone', 'referential'), { recursive: true });
  await mkdir(join(dir, 'zone', 'atih', '2025'), { recursive: true });
  await mkdir(join(dir, 'zone', 'evidence', '2025-S1', '130786049', 'recueil_initiations'), { recursive: true });
  await writeFile(
    join(dir, 'zone', 'referential', 'etablissements.csv'),
    'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails\n130786049;130786049;AP-HM;PACA;ex-DG;C1;a@ap-hm.example\n',
  );
  await writeFile(join(dir, 'zone', 'atih', '2025', 'mo-2025.csv'), 'finess;annee;ucd;code_indication;nb_ucd;montant\n130786049;2025;9391234;I999;2;200\n440053643;2025;9391234;I999;2;200\n');
  await writeFile(join(dir, 'ciblage-2025.csv'), 'finess;indicateur\n130786049;MO\n130786049;MOLECULES\n');
  await writeFile(
    join(dir, 'zone', 'evidence', '2025-S1', '130786049', 'recueil_initiations', 'recueil.xlsx'),
    await workbook((wb) => {
      const ws = wb.addWorksheet('Recueil');
      ws.addRow(['finess', 'dci', 'indication', 'date_initiation', 'nb_patients']);
      ws.addRow(['130786049', 'RITUXIMAB', 'LZM', new Date(Date.UTC(2025, 1, 3)), 2]);
    }),
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('caqes validate', () => {
  it('reads an .ods saved by LibreOffice, targets typed as percentages: exit 0, without a warning', async () => {
    const { code, out } = await run('test/fixtures/libreoffice/ods/referential/objectifs-2025.ods');
    expect(code).toBe(0);
    expect(out).toContain('Lecture : classeur OpenDocument, feuille « objectifs-2025 »');
    expect(out).not.toContain('⚠');
  });

  // Issue 24: targets of 0,15 "and `caqes validate` accepts the file without a word".
  it('accepts targets written as bare fractions, but says how they were read and asks: exit 0', async () => {
    await writeFile(join(dir, 'objectifs-2025.csv'), 'indicateur;region;comparateur;cible\nMO;PACA;<;0,15\nMO;CORSE;<;10\n');
    const { code, out } = await run(join(dir, 'objectifs-2025.csv'));
    expect(code).toBe(0);
    expect(out).toContain('⚠ ligne 2 : Valeur « 0,15 » de la colonne « cible » incohérente : s’agit-il de 15 % ? La cible est lue comme 0,15 % pour MO');
  });

  it('names a CSV saved in UTF-16 and says what to do: exit 1', async () => {
    await writeFile(join(dir, 'ciblage-2024.csv'), Buffer.from('\ufefffiness\tindicateur\r\n130786049\tMO\r\n', 'utf16le'));
    const { code, out } = await run(join(dir, 'ciblage-2024.csv'));
    expect(code).toBe(1);
    expect(out).toContain('CSV enregistré en UTF-16 (« Texte Unicode » d’Excel)');
  });

  it('accepts a file laid out like the drop zone, checks FINESS against the referential beside it: exit 0', async () => {
    const { code, out } = await run(join(dir, 'zone', 'atih', '2025', 'mo-2025.csv'));
    expect(code).toBe(0);
    expect(out).toContain('Type : Extrait ATIH molécules onéreuses (liste en sus) (atih-mo)');
    expect(out).toContain(`FINESS vérifiés contre : ${join(dir, 'zone', 'referential', 'etablissements.csv')}`);
    expect(out).toContain('⚠ ligne 3 : FINESS « 440053643 » absent du référentiel des établissements : ses lignes sont ignorées.');
  });

  it('refuses a file with the line, column and French message of each error: exit 1', async () => {
    const { code, out } = await run(join(dir, 'ciblage-2025.csv'));
    expect(code).toBe(1);
    expect(out).toContain('✘ ciblage-2025.csv – refusé : 1 erreur(s) (Ciblage des établissements)');
    expect(out).toContain('ligne 3, colonne « indicateur » : Code indicateur « MOLECULES » inconnu.');
  });

  it('reads a workbook, with the campaign and establishment from its place: dates checked inside 2025-S1', async () => {
    const { code, out } = await run(join(dir, 'zone', 'evidence', '2025-S1', '130786049', 'recueil_initiations', 'recueil.xlsx'));
    expect(out).toContain('Lecture : classeur Excel, feuille « Recueil »');
    expect(code).toBe(0);
  });

  it('--json prints the report as stored under reports/', async () => {
    const { code, out } = await run(join(dir, 'ciblage-2025.csv'), '--json');
    expect(code).toBe(1);
    const report = ValidationReport.parse(JSON.parse(out));
    expect(report).toMatchObject({ kind: 'ciblage', status: 'rejected', errorCount: 1, issueCounts: { 'unknown-indicator': 1 } });
  });

  it('--kind names the kind of a file whose name says nothing; an unknown kind is a usage error: exit 2', async () => {
    await writeFile(join(dir, 'export.csv'), 'finess;indicateur\n130786049;MO\n');
    expect((await run(join(dir, 'export.csv'), '--kind', 'ciblage', '--year', '2025')).code).toBe(0);
    const unknown = await run(join(dir, 'export.csv'), '--kind', 'facture');
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('--kind « facture » inconnu');
    expect((await run()).code).toBe(2);
    expect((await run(join(dir, 'absent.csv'))).code).toBe(2);
  });

  it('stops with exit 2 and the first error when the referential beside the file is itself refused', async () => {
    await mkdir(join(dir, 'bad', 'referential'), { recursive: true });
    await mkdir(join(dir, 'bad', 'atih', '2025'), { recursive: true });
    await writeFile(join(dir, 'bad', 'referential', 'etablissements.csv'), 'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails\n130786049;130786000;AP-HM;PACA;ex-DG;C1;\n');
    await writeFile(join(dir, 'bad', 'atih', '2025', 'mo-2025.csv'), 'finess;annee;ucd;code_indication;nb_ucd;montant\n130786049;2025;9391234;I999;2;200\n');
    const { code, err } = await run(join(dir, 'bad', 'atih', '2025', 'mo-2025.csv'));
    expect(code).toBe(2);
    expect(err).toContain('est refusé (1 erreur(s), dont ligne 2, colonne « finess_juridique » : FINESS « 130786000 » invalide : la clé de contrôle (dernier chiffre) ne correspond pas.)');
  });
});

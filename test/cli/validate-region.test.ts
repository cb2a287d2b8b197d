/** `caqes validate` on a file of a region's upload folder: checked as ingest checks a file sent from OMéDIT's page. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaqes } from '../helpers/cli';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caqes-validate-region-'));
  await mkdir(join(dir, 'referential', 'CORSE', 'u1'), { recursive: true });
  await writeFile(
    join(dir, 'referential', 'CORSE', 'u1', 'etablissements.csv'),
    'finess;finess_juridique;raison_sociale;region;categorie;contrat;emails\n2A0000717;2A0000709;CH Ajaccio;Corse;ex-DG;C3;d@ch.example\n130780018;130780000;CHU Timone;PACA;ex-DG;C1;a@chu.example\n',
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('caqes validate, a region’s upload folder', () => {
  it('refuses a row of another region, with its line and column: exit 1', async () => {
    const { code, out } = await runCaqes('validate', join(dir, 'referential', 'CORSE', 'u1', 'etablissements.csv'));
    expect(code).toBe(1);
    expect(out).toContain('ligne 3, colonne « region » : Ligne d’une autre région que celle de ce dépôt : « PACA » (ce dépôt est pour CORSE).');
  }, 60_000);
});

/**
 * `caqes backup` of a state folder, taken while `caqes serve` runs on it, restored into an empty
 * folder: a portal started on the copy has the same accounts, links, uploads, e-mails and link key.
 */
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../../lib/cli/serve';
import { withFinessKey } from '../../lib/domain/finess';
import { directoryOutbox } from '../../lib/local/mail-gateway';
import { statePaths } from '../../lib/local/state';
import { runCaqes } from '../helpers/cli';
import { writeDataDir } from '../helpers/data-dir';

const A = withFinessKey('13000701');
const files: Record<string, string> = {
  'referential/etablissements.csv': ['finess;finess_juridique;raison_sociale;region;categorie;contrat;emails', `${A};${A};CH Alpha;PACA;ex-DG;C1;pui@ch-alpha.example`, ''].join('\n'),
  'referential/ciblage-2025.csv': ['finess;indicateur', `${A};MO`, ''].join('\n'),
  'referential/calendrier-2025.csv': ['campagne;echeance;date;indicateur;documents;libelle', '2025-S2;retour_preuves;09/03/2026;MO;plan_actions;Retour des éléments de preuve du semestre 2', ''].join('\n'),
  'referential/parametres-2025.csv': ['parametre;region;valeur', 'emails_omedit;PACA;omedit-paca@ars.example', ''].join('\n'),
  [`evidence/2025-S2/${A}/autre/u1-note.pdf`]: '%PDF-1.4\n%%EOF\n',
};
const PASSWORD = 'Une phrase de passe assez longue';

let root: string;
let stateDir: string;
let backup: string;
let token: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'caqes-backup-'));
  stateDir = join(root, 'etat');
  backup = join(root, 'sauvegardes', 'caqes.jsonl.gz');
  const dataDir = await writeDataDir('caqes-backup-data-', files);
  await writeFile(join(root, 'mdp'), `${PASSWORD}\n`);
  expect((await runCaqes('run', '--state', stateDir, '--data', dataDir, '--today', '2026-02-23', '--out', join(root, 'out'))).code).toBe(0);
  expect((await runCaqes('user', 'add', '--state', stateDir, '--role', 'omedit', '--region', 'PACA', '--email', 'pharmacien@ars.example', '--password-file', join(root, 'mdp'))).code).toBe(0);
  const link = await runCaqes('link', '--state', stateDir, '--finess', A, '--campaign', '2025-S2', '--json');
  token = (JSON.parse(link.out) as { url: string }).url.split('#')[1]!;
}, 120_000);

describe('backup and restore of a state folder', () => {
  it('a backup taken while caqes serve runs on the state, readable by its owner only', async () => {
    const serving = await startServe({ port: 0, stateDir, today: '2026-02-23' });
    try {
      const taken = await runCaqes('backup', '--state', stateDir, '--out', backup);
      expect(taken.code).toBe(0);
      expect(taken.out).toMatch(/^Sauvegarde de .* écrite dans .*caqes\.jsonl\.gz : \d+ élément\(s\) DynamoDB, \d+ objet\(s\) S3, \d+ fichier\(s\)/);
    } finally {
      await serving.stop();
    }
    expect((await stat(backup)).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('restored into an empty folder: the same account, link, upload, e-mails and link key', async () => {
    const copy = join(root, 'copie');
    const restored = await runCaqes('restore', '--state', copy, '--from', backup);
    expect(restored.code).toBe(0);
    expect(await readFile(statePaths(copy).secrets, 'utf8')).toBe(await readFile(statePaths(stateDir).secrets, 'utf8'));
    expect(await directoryOutbox(statePaths(copy).mail).list()).toEqual(await directoryOutbox(statePaths(stateDir).mail).list());

    const serving = await startServe({ port: 0, stateDir: copy, today: '2026-02-23' });
    try {
      const post = (path: string, body: unknown) =>
        fetch(`${serving.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: serving.url }, body: JSON.stringify(body) });
      expect((await post('/api/auth/login', { email: 'pharmacien@ars.example', password: PASSWORD })).status).toBe(200);
      expect((await fetch(`${serving.url}/api/depot`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      const rt = serving.embedded.runtime;
      expect((await rt.evidence.list('PACA', '2025-S2')).map((e) => e.finess)).toEqual([A]);
      expect((await rt.referential.listEstablishments('PACA')).map((e) => e.raisonSociale)).toEqual(['CH Alpha']);
      // Nothing was ingested again on restore: each file still has its one record.
      expect(await rt.fileEvents.list('referential/etablissements.csv')).toHaveLength(1);
    } finally {
      await serving.stop();
    }
  }, 60_000);

  it('never into a folder that is not empty, and a backup cut short is said as such', async () => {
    const busy = await runCaqes('restore', '--state', stateDir, '--from', backup);
    expect(busy.code).toBe(3);
    expect(busy.err).toContain('n’est pas vide : une restauration se fait dans un dossier vide ou inexistant (rien n’a été modifié)');

    const bytes = await readFile(backup);
    const cut = join(root, 'coupee.jsonl.gz');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const broken = await runCaqes('restore', '--state', join(root, 'vide'), '--from', cut);
    expect(broken.code).toBe(3);
    expect(broken.err).toMatch(/sauvegarde (illisible|incomplète) : .*coupee\.jsonl\.gz/);
  }, 60_000);
});

/**
 * The single-machine runtime's state folder (`--state`): each step below is its own runtime (the
 * emulators started on the folder and stopped again), as separate commands or a restarted
 * `caqes serve` would be; what one step made, the next finds.
 */
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Serving } from '../../lib/cli/serve';
import { withFinessKey } from '../../lib/domain/finess';
import { statePaths } from '../../lib/local/state';
import { runCaqes } from '../helpers/cli';
import { writeDataDir } from '../helpers/data-dir';

const A = withFinessKey('13000301');
const B = withFinessKey('13000302');

const referential: Record<string, string> = {
  'referential/etablissements.csv': ['finess;finess_juridique;raison_sociale;region;categorie;contrat;emails', `${A};${A};CH Alpha;PACA;ex-DG;C1;pui@ch-alpha.example`, `${B};${B};CH Bêta;PACA;ex-DG;C2;pui@ch-beta.example`, ''].join('\n'),
  'referential/ciblage-2025.csv': ['finess;indicateur', `${A};MO`, `${B};MO`, ''].join('\n'),
  'referential/calendrier-2025.csv': [
    'campagne;echeance;date;indicateur;documents;libelle',
    '2025-S2;retour_preuves;09/03/2026;MO;plan_actions;Retour des éléments de preuve du semestre 2',
    '2025;auto_evaluation;31/03/2026;;;Rapport annuel d’auto-évaluation 2025',
    '',
  ].join('\n'),
  'referential/parametres-2025.csv': ['parametre;region;valeur', 'emails_omedit;PACA;omedit-paca@ars.example', ''].join('\n'),
};
const PLAN = `evidence/2025-S2/${A}/plan_actions/u1-plan.pdf`;

let stateDir: string;
let dataDir: string;
let passwordFile: string;

async function api(serving: Serving, path: string, init: { method?: string; token?: string; cookie?: string; body?: unknown } = {}) {
  const response = await fetch(`${serving.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.cookie ? { cookie: init.cookie } : {}),
      ...(init.body ? { 'content-type': 'application/json', origin: serving.url } : {}),
    },
    body: init.body ? JSON.stringify(init.body) : undefined,
  });
  return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> | null, cookies: response.headers.getSetCookie() };
}

beforeAll(async () => {
  stateDir = join(await mkdtemp(join(tmpdir(), 'caqes-state-test-')), 'etat');
  dataDir = await writeDataDir('caqes-state-data-', referential);
  passwordFile = join(dataDir, 'mot-de-passe.txt');
  await writeFile(passwordFile, 'Un mot de passe assez long 2026\n');
});

describe('a campaign kept in a state folder across runtimes', () => {
  let link = '';
  let cookie = '';

  it('run --state drops the folder on the first day, then only what is new (by key and ETag)', async () => {
    const first = await runCaqes('run', '--state', stateDir, '--data', dataDir, '--today', '2026-02-23', '--out', join(dataDir, '..', 'out1'), '--json');
    expect(first.code).toBe(0);
    const firstRun = JSON.parse(first.out) as { files: { key: string; status: string }[]; unchanged: number };
    expect(firstRun.files.map((f) => `${f.key}:${f.status}`).sort()).toEqual(Object.keys(referential).map((k) => `${k}:accepted`).sort());
    expect(firstRun.unchanged).toBe(0);

    // The next day one file arrives and the establishments file is corrected (same key, new content).
    await mkdir(join(dataDir, 'evidence', '2025-S2', A, 'plan_actions'), { recursive: true });
    await writeFile(join(dataDir, PLAN), '%PDF-1.4\n%%EOF\n');
    await writeFile(join(dataDir, 'referential/etablissements.csv'), referential['referential/etablissements.csv']!.replace('CH Bêta', 'CH Bêta (site nord)'));
    const second = await runCaqes('run', '--state', stateDir, '--data', dataDir, '--today', '2026-02-24', '--out', join(dataDir, '..', 'out2'), '--json');
    const secondRun = JSON.parse(second.out) as { files: { key: string; status: string }[]; unchanged: number };
    expect(secondRun.files.map((f) => f.key).sort()).toEqual([PLAN, 'referential/etablissements.csv'].sort());
    expect(secondRun.unchanged).toBe(3);
  }, 120_000);

  it('remind --state twice on the same day sends nothing twice', async () => {
    // 23/02 already reminded both of J-14 (run sends the day's reminders); A has since sent its plan.
    const again = await runCaqes('remind', '--state', stateDir, '--today', '2026-02-24', '--json');
    expect(again.code).toBe(0);
    const outcomes = (JSON.parse(again.out) as { reminders: { finess: string; step: string; outcome: string }[] }).reminders;
    expect(outcomes.map((r) => `${r.finess}:${r.step}:${r.outcome}`)).toEqual([`${B}:J-14:already-sent`]);
    const mails = await runCaqes('mail', 'list', '--state', stateDir, '--json');
    const kept = JSON.parse(mails.out) as { destination: { to: string[] }; subject: string; delivery: string }[];
    // J-14 to each establishment and one digest, on 23/02; 24/02's digest; nothing else.
    expect(kept.map((m) => m.destination.to.join(',')).sort()).toEqual(['omedit-paca@ars.example', 'omedit-paca@ars.example', 'pui@ch-alpha.example', 'pui@ch-beta.example']);
    expect(kept.every((m) => m.delivery === 'kept')).toBe(true);
  }, 60_000);

  it('an account, a personal link, a session and a report draft made on one runtime are there on the next', async () => {
    // The portal's clock starts on 24/02 and the state keeps it: the commands below date what they write alike.
    await (await startServe({ port: 0, stateDir, today: '2026-02-24', simulated: true })).stop();
    const added = await runCaqes('user', 'add', '--state', stateDir, '--role', 'omedit', '--region', 'PACA', '--email', 'pharmacien@ars.example', '--password-file', passwordFile);
    expect(added.code).toBe(0);
    const issued = await runCaqes('link', '--state', stateDir, '--finess', B, '--campaign', '2025-S2', '--json');
    expect(issued.code).toBe(0);
    link = (JSON.parse(issued.out) as { url: string }).url;

    const serving = await startServe({ port: 0, stateDir, today: '2026-02-24', simulated: true });
    try {
      const login = await api(serving, '/api/auth/login', { method: 'POST', body: { email: 'pharmacien@ars.example', password: 'Un mot de passe assez long 2026' } });
      expect(login.status, JSON.stringify(login.body)).toBe(200);
      cookie = login.cookies.map((c) => c.split(';')[0]).join('; ');
      const token = link.split('#')[1]!;
      const report = await api(serving, '/api/depot/report', { token });
      expect(report.status, JSON.stringify(report.body)).toBe(200);
      const saved = await api(serving, '/api/depot/report', { method: 'POST', token, body: { version: report.body!.version, declarations: { MO: { actions: 'Revue des prescriptions hors AMM en COMEDIMS' } } } });
      expect(saved.status).toBe(200);
    } finally {
      await serving.stop();
    }
  }, 120_000);

  it('after a restart: the account signs in, its session holds, the link opens the form, the draft and the upload are there', async () => {
    const serving = await startServe({ port: 0, stateDir, today: '2026-02-24', simulated: true });
    try {
      // The accounts were made on an earlier run: none is made again (no new password printed).
      expect(serving.accounts).toEqual([]);
      expect((await api(serving, '/api/auth/me', { cookie })).status).toBe(200);
      const token = link.split('#')[1]!;
      const depot = await api(serving, '/api/depot', { token });
      expect(depot.status).toBe(200);
      const report = await api(serving, '/api/depot/report', { token });
      expect(JSON.stringify(report.body)).toContain('Revue des prescriptions hors AMM en COMEDIMS');
      const rt = serving.embedded.runtime;
      expect((await rt.evidence.list('PACA', '2025-S2')).map((e) => e.finess)).toEqual([A]);
      expect((await rt.referential.listEstablishments('PACA')).map((e) => e.raisonSociale).sort()).toEqual(['CH Alpha', 'CH Bêta (site nord)']);
    } finally {
      await serving.stop();
    }
  }, 120_000);

  it('as separate processes: the second `caqes remind` of a day sends nothing', async () => {
    const caqes = (...args: string[]) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(process.execPath, ['bin/caqes.mjs', ...args], { env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' } });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
        child.on('close', (code) => resolve({ code, out }));
      });
    const first = await caqes('remind', '--state', stateDir, '--today', '2026-03-02', '--json');
    const second = await caqes('remind', '--state', stateDir, '--today', '2026-03-02', '--json');
    type Outcomes = { reminders: { finess: string; deadline: string; step: string; outcome: string }[] };
    const outcomes = (run: { out: string }) => (JSON.parse(run.out) as Outcomes).reminders.map((r) => `${r.finess}:${r.deadline}:${r.step}:${r.outcome}`);
    expect(first.code).toBe(0);
    expect(outcomes(first)).toContain(`${B}:retour_preuves:J-7:sent`);
    expect(outcomes(first).every((o) => o.endsWith(':sent'))).toBe(true);
    expect(outcomes(second)).toEqual(outcomes(first).map((o) => o.replace(/:sent$/, ':already-sent')));
  }, 120_000);
});

describe('a state folder that cannot be used as it is is said, never reset', () => {
  it('a folder with other files: which folder, and what to give instead (exit code 3)', async () => {
    const foreign = await writeDataDir('caqes-foreign-', { 'notes.txt': 'mes notes' });
    const run = await runCaqes('remind', '--state', foreign, '--today', '2026-02-24');
    expect(run.code).toBe(3);
    expect(run.err).toContain(`${foreign} n’est pas un dossier d’état CAQES`);
    expect(await readFile(join(foreign, 'notes.txt'), 'utf8')).toBe('mes notes');
  });

  it('a damaged link key file: which file, and to restore a backup; the file is left as it was', async () => {
    const paths = statePaths(stateDir);
    const key = await readFile(paths.secrets, 'utf8');
    await writeFile(paths.secrets, '{"linkKey": "tronqu');
    try {
      const run = await runCaqes('remind', '--state', stateDir, '--today', '2026-02-24');
      expect(run.code).toBe(3);
      expect(run.err).toContain(`état local endommagé : ${paths.secrets} n’est pas du JSON valide`);
      expect(run.err).toContain('caqes restore');
      expect(await readFile(paths.secrets, 'utf8')).toBe('{"linkKey": "tronqu');
    } finally {
      await writeFile(paths.secrets, key);
    }
  });

  it('a LevelDB store that does not open: which folder, and to restore a backup; nothing is recreated', async () => {
    const current = join(statePaths(stateDir).dynamodb, 'CURRENT');
    const saved = await readFile(current, 'utf8');
    await writeFile(current, 'abîmé\n');
    try {
      const run = await runCaqes('remind', '--state', stateDir, '--today', '2026-02-24');
      expect(run.code).toBe(3);
      expect(run.err).toContain(`état local endommagé : la base DynamoDB locale ${statePaths(stateDir).dynamodb} ne s’ouvre pas`);
      expect(run.err).toContain('restaurez la dernière sauvegarde');
      expect(await readFile(current, 'utf8')).toBe('abîmé\n');
    } finally {
      await writeFile(current, saved);
    }
    // Put back, the state opens again: nothing was reset meanwhile.
    const again = await runCaqes('remind', '--state', stateDir, '--today', '2026-02-24', '--json');
    expect(again.code).toBe(0);
  });

  it('a put a killed process left unfinished is removed at the next start; the objects stay', async () => {
    const folder = join(statePaths(stateDir).s3, 'caqes-local', 'referential');
    const part = join(folder, '.0a1b2c3d4e5f._S3rver_part');
    // Killed while it held the state: its lock is still there, its process gone.
    const killed = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
    await writeFile(statePaths(stateDir).lock, JSON.stringify({ pid: killed, command: 'run', startedAt: '2026-02-24T07:00:00.000Z' }));
    await writeFile(part, 'finess;finess_juridique');
    const run = await runCaqes('remind', '--state', stateDir, '--today', '2026-02-24', '--json');
    expect(run.code).toBe(0);
    await expect(readFile(part)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await readFile(join(folder, 'etablissements.csv._S3rver_object'), 'latin1')).toContain('CH Alpha');
  });

  it('a state another live process holds: which command and process', async () => {
    const paths = statePaths(stateDir);
    await writeFile(paths.lock, JSON.stringify({ pid: process.ppid, command: 'serve', startedAt: '2026-02-24T07:00:00.000Z' }));
    const run = await runCaqes('remind', '--state', stateDir, '--today', '2026-02-24');
    expect(run.code).toBe(3);
    expect(run.err).toContain(`l’état ${paths.dir} est utilisé par « caqes serve » (processus ${process.ppid}`);
  });
});

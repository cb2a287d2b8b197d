/**
 * `caqes run --state` after a run that stopped midway: the files it had put into the local S3 but
 * not ingested to the end (their events waiting, or left `processing` by a killed ingest) are
 * ingested by the next run, not counted as already received: their indicators are computed.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { withFinessKey } from '../../lib/domain/finess';
import { startLocal } from '../../lib/local/single-machine';
import { statePaths } from '../../lib/local/state';
import { runCaqes } from '../helpers/cli';
import { writeDataDir } from '../helpers/data-dir';

const A = withFinessKey('13000301');
const EXTRACT = 'atih/2025/mo-2025.csv';
const files: Record<string, string> = {
  'referential/etablissements.csv': ['finess;finess_juridique;raison_sociale;region;categorie;contrat;emails', `${A};${A};CH Alpha;PACA;ex-DG;C1;pui@ch-alpha.example`, ''].join('\n'),
  'referential/ciblage-2025.csv': ['finess;indicateur', `${A};MO`, ''].join('\n'),
  // 12 I999 of 100 UCD: 12 %.
  [EXTRACT]: ['finess;annee;mois;ucd;libelle;code_indication;nb_ucd;montant', `${A};2025;1;9412631;IG;I999;12;1 200,00`, `${A};2025;1;9412631;IG;I000125;88;8 800,00`, ''].join('\n'),
};

/** A file put into the local S3 that the data folder does not hold (as the portal's uploads). */
const UPLOADED = 'referential/objectifs-2025.csv';
const UPLOADED_BODY = ['indicateur;region;finess;comparateur;cible', `MO;PACA;${A};<;20`, ''].join('\n');

/** A state whose first run put every file (and UPLOADED) then stopped: their events waited in its memory, the extract's ingest begun (its event claimed, `processing`), as when the process is killed. */
async function interruptedState(dataDir: string): Promise<string> {
  const stateDir = join(await mkdtemp(join(tmpdir(), 'caqes-interrupted-')), 'etat');
  const first = await startLocal({ stateDir, command: 'run' });
  const rt = first.embedded.runtime;
  for (const [key, body] of [...Object.entries(files), [UPLOADED, UPLOADED_BODY]]) await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: body }));
  const etag = createHash('md5').update(readFileSync(join(dataDir, EXTRACT))).digest('hex');
  await rt.fileEvents.claim({ key: EXTRACT, order: '2026-02-23T06:00:00.000Z#0001#killed', version: `etag:${etag}`, startedAt: '2026-02-23T06:00:00.000Z' });
  await first.stop();
  return stateDir;
}

/** `caqes run --state` on the folder: every file accepted in this run, none counted as already received, the MO share computed; then a run of the next day finds them all received. */
async function expectIngestedByTheNextRun(stateDir: string, dataDir: string, name: string, alsoReported: string[]): Promise<void> {
  const out = join(dataDir, '..', name);
  const next = await runCaqes('run', '--state', stateDir, '--data', dataDir, '--today', '2026-02-23', '--out', out, '--json');
  expect(next.code).toBe(0);
  const run = JSON.parse(next.out) as { files: { key: string; status: string }[]; unchanged: number };
  expect(run.files.map((f) => `${f.key}:${f.status}`).sort()).toEqual([...Object.keys(files), ...alsoReported].map((k) => `${k}:accepted`).sort());
  expect(run.unchanged).toBe(0);
  const indicators = JSON.parse(readFileSync(join(out, 'indicators.json'), 'utf8')) as { finess: string | null; indicator: string; value: number | null }[];
  expect(indicators.find((r) => r.finess === A && r.indicator === 'MO')?.value).toBeCloseTo(12, 6);

  const third = await runCaqes('run', '--state', stateDir, '--data', dataDir, '--today', '2026-02-24', '--out', `${out}-2`, '--json');
  const after = JSON.parse(third.out) as { files: unknown[]; unchanged: number };
  expect(after.files).toEqual([]);
  expect(after.unchanged).toBe(3);
}

describe('a run stopped after its puts, before ingest finished', () => {
  it('the S3 events it left in the state are ingested by the next run, its files (and an upload the folder lacks) reported there', async () => {
    const dataDir = await writeDataDir('caqes-interrupted-data-', files);
    const stateDir = await interruptedState(dataDir);
    expect(readdirSync(statePaths(stateDir).ingestQueue).filter((n) => n.endsWith('.json'))).toHaveLength(4);
    // The upload the folder does not hold is ingested too: only its waiting event knew of it.
    await expectIngestedByTheNextRun(stateDir, dataDir, 'out-restored', [UPLOADED]);
    expect(readdirSync(statePaths(stateDir).ingestQueue)).toEqual([]);
  }, 120_000);

  it('without those events (a state of an earlier version): the files held but not ingested to their end are dropped again', async () => {
    const dataDir = await writeDataDir('caqes-interrupted-data-', files);
    const stateDir = await interruptedState(dataDir);
    rmSync(statePaths(stateDir).ingestQueue, { recursive: true });
    await expectIngestedByTheNextRun(stateDir, dataDir, 'out-dropped-again', []);
  }, 120_000);
});

/**
 * `caqes run --state` after a run that stopped midway: the files it had put into the local S3 but
 * not ingested to the end (their events waited in memory, or were left `processing` by a killed
 * ingest) are dropped again, not counted as already received: their indicators are computed.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { withFinessKey } from '../../lib/domain/finess';
import { startLocal } from '../../lib/local/single-machine';
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

describe('a run stopped after its puts, before ingest finished', () => {
  it('the next run --state drops those files again and computes their indicators', async () => {
    const stateDir = join(await mkdtemp(join(tmpdir(), 'caqes-interrupted-')), 'etat');
    const dataDir = await writeDataDir('caqes-interrupted-data-', files);

    // The first run put every file, then stopped: their events were only in its memory. The
    // extract's ingest had begun (its event claimed, `processing`), as when the process is killed.
    const first = await startLocal({ stateDir, command: 'run' });
    const rt = first.embedded.runtime;
    for (const [key, body] of Object.entries(files)) await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: body }));
    const etag = createHash('md5').update(readFileSync(join(dataDir, EXTRACT))).digest('hex');
    await rt.fileEvents.claim({ key: EXTRACT, order: '2026-02-23T06:00:00.000Z#0001#killed', version: `etag:${etag}`, startedAt: '2026-02-23T06:00:00.000Z' });
    await first.stop();

    const out = join(dataDir, '..', 'out-interrupted');
    const next = await runCaqes('run', '--state', stateDir, '--data', dataDir, '--today', '2026-02-23', '--out', out, '--json');
    expect(next.code).toBe(0);
    const run = JSON.parse(next.out) as { files: { key: string; status: string }[]; unchanged: number };
    expect(run.files.map((f) => `${f.key}:${f.status}`).sort()).toEqual(Object.keys(files).map((k) => `${k}:accepted`).sort());
    expect(run.unchanged).toBe(0);
    const indicators = JSON.parse(readFileSync(join(out, 'indicators.json'), 'utf8')) as { finess: string | null; indicator: string; value: number | null }[];
    expect(indicators.find((r) => r.finess === A && r.indicator === 'MO')?.value).toBeCloseTo(12, 6);

    // Ingested to the end this time: a third run finds every file already received.
    const third = await runCaqes('run', '--state', stateDir, '--data', dataDir, '--today', '2026-02-24', '--out', join(dataDir, '..', 'out-interrupted-2'), '--json');
    expect((JSON.parse(third.out) as { files: unknown[]; unchanged: number }).unchanged).toBe(3);
  }, 120_000);
});

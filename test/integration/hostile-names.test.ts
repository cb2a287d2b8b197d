/**
 * "Every received object is kept and gets a report", whatever its name: the names that used to
 * crash ingest (`100% + annexe`), vanish (`%20`, `%2F`) or stop the whole `caqes run` (a name the
 * local S3 cannot keep as a file) go through the whole `caqes run` and each gets its record and report.
 */
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPipeline, type RunResult } from '../../lib/cli/run';
import { writeDataDir } from '../helpers/data-dir';

const A = '130780018';
const PDF = '%PDF-1.4\n%%EOF\n';
const evidence = (name: string) => `evidence/2025-S2/${A}/plan_actions/${name}`;

const ACCEPTED = [
  evidence("u1-Plan d'actions 2025 100% + annexe.pdf"),
  evidence('u2-plan%20v2.pdf'),
  evidence('u3-plan%2Fannexe.pdf'),
  evidence('u4-plan +%25+ é 東京.pdf'),
  evidence('u5-plan%.pdf'),
];
/** 230 characters: stored by the local S3, refused by ingest's rule on names (200 characters). */
const TOO_LONG = evidence(`u6-${'p'.repeat(223)}.pdf`);
/** 250 bytes: the local S3 cannot keep it as a file; refused with the same rule as on AWS. */
const UNSTORABLE = evidence(`u7-${'p'.repeat(243)}.pdf`);
/** 119 characters but 237 bytes: within ingest's rule, beyond what the local S3 can keep. */
const UNSTORABLE_BYTES = evidence(`u8-${'é'.repeat(115)}.pdf`);

let dir: string;
let result: RunResult;
const reportOf = (key: string) => result.files.find((f) => f.key === key)?.report ?? null;

beforeAll(async () => {
  dir = await writeDataDir('caqes-names-', {
    'referential/etablissements.csv': `finess;finess_juridique;raison_sociale;region;categorie;contrat;emails\n${A};130780000;CHU Test;PACA;ex-DG;C1;a@chu.example\n`,
    ...Object.fromEntries([...ACCEPTED, TOO_LONG, UNSTORABLE, UNSTORABLE_BYTES].map((k) => [k, PDF])),
  });
  result = await runPipeline({ dataDir: dir, today: '2026-02-23', outDir: join(tmpdir(), `caqes-names-out-${process.pid}`) });
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await rm(join(tmpdir(), `caqes-names-out-${process.pid}`), { recursive: true, force: true });
});

describe('caqes run with hostile names', () => {
  it('ends with no message in the dead-letter queue', () => {
    expect(result.deadLetters).toEqual([]);
  });

  it.each(ACCEPTED)('%s is read under its own name and accepted', (key) => {
    const report = reportOf(key);
    expect(report?.key).toBe(key);
    expect(report?.issues).toEqual([]);
    expect(report?.status).toBe('accepted');
  });

  it('refuses a 230-character name with the ingest rule (200 characters)', () => {
    const first = reportOf(TOO_LONG)?.issues[0];
    expect(first?.code).toBe('unsafe-name');
    expect(first?.message).toMatch(/200 caractères/);
  });

  it('refuses a name the local S3 cannot keep, with the rule it breaks, instead of stopping the run', () => {
    expect(reportOf(UNSTORABLE)?.issues[0]).toMatchObject({ code: 'unsafe-name', message: expect.stringMatching(/200 caractères/) });
    expect(reportOf(UNSTORABLE_BYTES)?.issues[0]).toMatchObject({ code: 'unsafe-name', message: expect.stringMatching(/237 octets.*233/) });
  });
});

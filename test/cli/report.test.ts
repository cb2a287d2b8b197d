/**
 * `caqes report`: a contract's self-evaluation report exported through the running portal (`caqes
 * serve` over the sample region), as the printable page and as a PDF printed by this machine's
 * Chromium; and its refusals.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Serving } from '../../lib/cli/serve';
import { chromiumAvailable } from '../browser/chromium';
import { runCaqes } from '../helpers/cli';

let dir: string;
let serving: Serving;

const run = (...args: string[]) => runCaqes('report', ...args);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'caqes-report-cli-'));
  // `caqes report` finds the portal through the state file `caqes serve` writes.
  process.env.CAQES_SERVE_STATE = join(dir, 'serve.json');
  serving = await startServe({ port: 0, dataDir: 'events/sample', today: '2026-02-23' });
}, 90_000);

afterAll(async () => {
  await serving?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('caqes report', () => {
  it('writes a multi-site contract’s report as its printable French page', async () => {
    const out = join(dir, 'rapports', 'CAQES-PACA-001.html');
    const done = await run('--contract', 'CAQES-PACA-001', '--campaign', '2025-S2', '--out', out);
    expect(done).toMatchObject({ code: 0, err: '' });
    expect(done.out).toBe(`Rapport d’auto-évaluation 2025 du contrat CAQES-PACA-001 (PACA) écrit en HTML : ${out}\n`);
    const html = await readFile(out, 'utf8');
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('CAQES-PACA-001');
    expect(html).toContain('Hôpitaux Universitaires de Marseille – site Timone (fictif)');
    expect(html).toContain('Hôpitaux Universitaires de Marseille – site Nord (fictif)');
  });

  it.skipIf(!chromiumAvailable)('prints it to PDF with Chromium', async () => {
    const out = join(dir, 'CAQES-CORSE-001.pdf');
    const done = await run('--contract', 'CAQES-CORSE-001', '--campaign', '2025', '--out', out);
    expect(done).toMatchObject({ code: 0, err: '' });
    const pdf = await readFile(out);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(5_000);
  }, 60_000);

  it('says which contracts exist when the one asked has no report', async () => {
    const done = await run('--contract', 'CAQES-PACA-999', '--campaign', '2025', '--out', join(dir, 'x.html'));
    expect(done.code).toBe(1);
    expect(done.err).toMatch(/^Refusé : aucun rapport 2025 pour le contrat « CAQES-PACA-999 » \(contrats : CAQES-CORSE-001, /);
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });

  it('refuses a command it cannot run, before asking the portal anything', async () => {
    expect((await run('--campaign', '2025', '--out', join(dir, 'y.html'))).code).toBe(2);
    expect((await run('--contract', 'CAQES-PACA-001', '--campaign', '2025', '--out', join(dir, 'y.docx'))).code).toBe(2);
    expect((await run('--contract', 'CAQES-PACA-001', '--campaign', '25', '--out', join(dir, 'y.html'))).code).toBe(2);
  });
});

/**
 * `caqes serve` on a state folder with `--today`: the simulated day on both pages, and the daily jobs
 * run inside the process, catching up once a day missed while it was stopped.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startServe, type Serving } from '../../lib/cli/serve';
import { withFinessKey } from '../../lib/domain/finess';
import { latestSlotDay } from '../../lib/local/daily-jobs';
import { directoryOutbox } from '../../lib/local/mail-gateway';
import { statePaths } from '../../lib/local/state';
import { writeDataDir } from '../helpers/data-dir';

const A = withFinessKey('13000501');
const OMEDIT = 'omedit-paca@ars.example';
const referential: Record<string, string> = {
  'referential/etablissements.csv': ['finess;finess_juridique;raison_sociale;region;categorie;contrat;emails', `${A};${A};CH Alpha;PACA;ex-DG;C1;pui@ch-alpha.example`, ''].join('\n'),
  'referential/ciblage-2025.csv': ['finess;indicateur', `${A};MO`, ''].join('\n'),
  'referential/calendrier-2025.csv': ['campagne;echeance;date;indicateur;documents;libelle', '2025-S2;retour_preuves;09/03/2026;MO;plan_actions;Retour des éléments de preuve du semestre 2', ''].join('\n'),
  'referential/parametres-2025.csv': ['parametre;region;valeur', `emails_omedit;PACA;${OMEDIT}`, ''].join('\n'),
};

let stateDir: string;
let dataDir: string;

async function serve(today: string, data?: string): Promise<Serving> {
  const serving = await startServe({ port: 0, stateDir, dataDir: data, today, simulated: true, dailyJobs: true, jobsIntervalMs: 3_600_000 });
  // The check made at start-up, then one more: what was due has run.
  await serving.jobs!.tick();
  return serving;
}

const jobRuns = async () => JSON.parse(await readFile(statePaths(stateDir).jobs, 'utf8')) as Record<string, string>;
const digests = async () => (await directoryOutbox(statePaths(stateDir).mail).list()).filter((m) => m.destination.to.includes(OMEDIT));

beforeAll(async () => {
  stateDir = join(await mkdtemp(join(tmpdir(), 'caqes-serve-state-')), 'etat');
  dataDir = await writeDataDir('caqes-serve-data-', referential);
});

describe('caqes serve --today on a state folder', () => {
  it('both pages say the simulated day; the daily jobs ran for it', async () => {
    const serving = await serve('2026-02-23', dataDir);
    try {
      for (const page of ['/depot', '/omedit']) {
        const html = await (await fetch(`${serving.url}${page}`)).text();
        expect(html).toMatch(/<body[^>]*>\n<p role="note" class="horloge-simulee" data-today="2026-02-2[34]">Horloge simulée \(portail local\) : nous sommes le (lundi 23|mardi 24) février 2026/);
        expect(html).toContain('Partie du 23 février 2026');
      }
      const now = serving.embedded.runtime.now();
      expect(await jobRuns()).toEqual({ remind: latestSlotDay('06:00', now), summarize: latestSlotDay('06:30', now) });
    } finally {
      await serving.stop();
    }
  }, 120_000);

  it('restarted four days later: each job runs once, for the latest day, not once per day missed', async () => {
    const before = await digests();
    const serving = await serve('2026-02-27');
    try {
      const now = serving.embedded.runtime.now();
      expect(await jobRuns()).toEqual({ remind: latestSlotDay('06:00', now), summarize: latestSlotDay('06:30', now) });
      const after = await digests();
      // Nothing loaded this time: the one digest is the reminder job's, for the day caught up; none
      // for the days the portal was stopped.
      expect(after.length - before.length).toBe(1);
      await serving.jobs!.tick();
      expect(await digests()).toHaveLength(after.length);
    } finally {
      await serving.stop();
    }
  }, 120_000);
});

/**
 * A campaign replayed day by day from the command line over 60 days on one state folder: each day
 * is a new runtime (`caqes remind --state S --data D --today T`, the emulators started on the folder
 * and stopped), files are added to D on the day they arrive, one day has no run and one has two.
 * Each establishment gets each step once, and the e-mails kept in the state say the same.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { withFinessKey } from '../../lib/domain/finess';
import { runCaqes } from '../helpers/cli';
import { writeDataDir } from '../helpers/data-dir';

const A = withFinessKey('13000401'); // sends its plan on 15/02, after J-30
const B = withFinessKey('13000402'); // never sends it
const OMEDIT = 'omedit-paca@ars.example';

const referential: Record<string, string> = {
  'referential/etablissements.csv': ['finess;finess_juridique;raison_sociale;region;categorie;contrat;emails', `${A};${A};CH Alpha;PACA;ex-DG;C1;pui@ch-alpha.example`, `${B};${B};CH Bêta;PACA;ex-DG;C2;pui@ch-beta.example`, ''].join('\n'),
  'referential/ciblage-2025.csv': ['finess;indicateur', `${A};MO`, `${B};MO`, ''].join('\n'),
  'referential/calendrier-2025.csv': ['campagne;echeance;date;indicateur;documents;libelle', '2025-S2;retour_preuves;09/03/2026;MO;plan_actions;Retour des éléments de preuve du semestre 2', ''].join('\n'),
  'referential/parametres-2025.csv': ['parametre;region;valeur', `emails_omedit;PACA;${OMEDIT}`, ''].join('\n'),
};
const arrivals: Record<string, Record<string, string>> = {
  '2026-02-15': { [`evidence/2025-S2/${A}/plan_actions/u1-plan.pdf`]: '%PDF-1.4\n%%EOF\n' },
};
/** No run that day (the machine was off): J-14 goes out the next day. */
const SKIPPED = '2026-02-23';
/** Two runs that day: the second sends nothing. */
const TWICE = '2026-03-02';

type Outcome = { finess: string; deadline: string; step: string; outcome: string };
const runs: { day: string; reminders: Outcome[]; digests: { outcome: string }[] }[] = [];
let stateDir: string;

function days(from: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => new Date(Date.parse(`${from}T12:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10));
}

beforeAll(async () => {
  stateDir = join(await mkdtemp(join(tmpdir(), 'caqes-walk-state-')), 'etat');
  const dataDir = await writeDataDir('caqes-walk-data-', referential);
  for (const day of days('2026-01-28', 60)) {
    for (const [key, body] of Object.entries(arrivals[day] ?? {})) {
      await mkdir(dirname(join(dataDir, key)), { recursive: true });
      await writeFile(join(dataDir, key), body);
    }
    if (day === SKIPPED) continue;
    for (let n = 0; n < (day === TWICE ? 2 : 1); n++) {
      const run = await runCaqes('remind', '--state', stateDir, '--data', dataDir, '--today', day, '--json');
      if (run.code !== 0) throw new Error(`${day}: ${run.err}`);
      runs.push({ day, ...(JSON.parse(run.out) as { reminders: Outcome[]; digests: { outcome: string }[] }) });
    }
  }
}, 600_000);

function sent(finess: string): string[] {
  return runs.flatMap((r) => r.reminders.filter((m) => m.finess === finess && m.outcome === 'sent').map((m) => `${r.day} ${m.step}`));
}

describe('60 days, one runtime a day, on one state folder', () => {
  it('A, whose plan came on 15/02, got J-30 only', () => {
    expect(sent(A)).toEqual(['2026-02-07 J-30']);
  });

  it('B got each step once; J-14, due the day nothing ran, the day after', () => {
    expect(sent(B)).toEqual(['2026-02-07 J-30', '2026-02-24 J-14', '2026-03-02 J-7', '2026-03-08 J-1', '2026-03-10 J+1', '2026-03-16 J+7']);
  });

  it('the second run of a day sent nothing, not even a second digest', () => {
    const [first, second] = runs.filter((r) => r.day === TWICE);
    expect(first!.reminders.filter((m) => m.outcome === 'sent')).toHaveLength(1);
    expect(second!.reminders.map((m) => m.outcome)).toEqual(['already-sent']);
    expect(second!.digests.map((d) => d.outcome)).toEqual(['already-sent']);
  });

  it('the e-mails kept in the state: those seven reminders, and at most one digest a day', async () => {
    const listed = await runCaqes('mail', 'list', '--state', stateDir, '--json');
    const mails = JSON.parse(listed.out) as { at: string; destination: { to: string[] } }[];
    const toEstablishments = mails.filter((m) => !m.destination.to.includes(OMEDIT));
    expect(toEstablishments.map((m) => `${m.at.slice(0, 10)} ${m.destination.to.join(',')}`)).toEqual([
      '2026-02-07 pui@ch-alpha.example',
      '2026-02-07 pui@ch-beta.example',
      '2026-02-24 pui@ch-beta.example',
      '2026-03-02 pui@ch-beta.example',
      '2026-03-08 pui@ch-beta.example',
      '2026-03-10 pui@ch-beta.example',
      '2026-03-16 pui@ch-beta.example',
    ]);
    const digestDays = mails.filter((m) => m.destination.to.includes(OMEDIT)).map((m) => m.at.slice(0, 10));
    expect(new Set(digestDays).size).toBe(digestDays.length);
    expect(digestDays).toContain('2026-03-02');
  });
});

/** `caqes remind`: what would be sent on a given day, or what was. */
import { describe, expect, it } from 'vitest';
import { runCaqes } from '../helpers/cli';

const run = (...args: string[]) => runCaqes('remind', ...args);

describe('caqes remind', () => {
  it('--dry-run --json: every reminder due on the sample’s 10/03/2026, what it owes, and the digests, nothing sent', async () => {
    const { code, out } = await run('--data', 'events/sample', '--today', '2026-03-10', '--dry-run', '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out) as {
      today: string;
      reminders: { finess: string; deadline: string; step: string; outcome: string; owed: { kind: string; state: string }[]; email: { to: string[]; html?: string } }[];
      digests: { region: string; outcome: string; email: { to: string[]; subject: string } }[];
    };
    expect(json.today).toBe('2026-03-10');
    expect(new Set(json.reminders.map((r) => r.outcome))).toEqual(new Set(['dry-run']));
    // The Clinique des Calanques sent an executable as its action plan: J+1 of the 09/03 deadline, refused.
    const calanques = json.reminders.find((r) => r.finess === '130004013' && r.deadline === 'retour_preuves')!;
    expect(calanques).toMatchObject({ step: 'J+1', owed: [{ kind: 'plan_actions', state: 'refused' }], email: { to: ['direction@clinique-calanques.example'] } });
    expect(calanques.email.html).toBeUndefined();
    expect(json.digests.map((d) => [d.region, d.outcome, d.email.to.join()])).toEqual([
      ['CORSE', 'dry-run', 'omedit-corse@ars-fictive.example'],
      ['PACA', 'dry-run', 'omedit-paca@ars-fictive.example'],
    ]);
  }, 60_000);

  it('in French, each e-mail with what is owed; --data is required', async () => {
    const { code, out } = await run('--data', 'events/sample', '--today', '2026-03-10', '--dry-run');
    expect(code).toBe(0);
    expect(out).toContain('Relances CAQES du 10/03/2026 (simulation : rien n’est envoyé)');
    expect(out).toContain("      - Plan d’actions (fichier « plan.exe » reçu mais refusé");
    expect(out).toContain('Synthèse OMéDIT PACA (serait envoyée) à omedit-paca@ars-fictive.example :');
    expect((await run('--today', '2026-03-10')).code).toBe(2);
  }, 60_000);
});

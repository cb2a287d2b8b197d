/**
 * Real e-mail on the single-machine runtime: with an SMTP relay configured, reminders and digests go
 * through it (here a local SMTP sink on 127.0.0.1, smtp-server), sender and reply-to as configured,
 * credentials read from a file; the state keeps a copy of each, marked relayed.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withFinessKey } from '../../lib/domain/finess';
import { runCaqes } from '../helpers/cli';
import { writeDataDir } from '../helpers/data-dir';

const A = withFinessKey('13000601');
const referential: Record<string, string> = {
  'referential/etablissements.csv': ['finess;finess_juridique;raison_sociale;region;categorie;contrat;emails', `${A};${A};CH Alpha;PACA;ex-DG;C1;pui@ch-alpha.example`, ''].join('\n'),
  'referential/ciblage-2025.csv': ['finess;indicateur', `${A};MO`, ''].join('\n'),
  'referential/calendrier-2025.csv': ['campagne;echeance;date;indicateur;documents;libelle', '2025-S2;retour_preuves;09/03/2026;MO;plan_actions;Retour des éléments de preuve du semestre 2', ''].join('\n'),
};

interface Received {
  from: string;
  to: string[];
  user: string;
  data: string;
}
const received: Received[] = [];
let sink: SMTPServer;
let port: number;
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  sink = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === 'relais-caqes' && auth.password === 'secret du relais') callback(null, { user: auth.username });
      else callback(new Error('Identifiants refusés'));
    },
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), user: String(session.user), data });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
  port = (sink.server.address() as AddressInfo).port;
  dir = await mkdtemp(join(tmpdir(), 'caqes-smtp-'));
  await writeFile(join(dir, 'smtp-password'), 'secret du relais\n');
});

afterAll(async () => {
  process.env = saved;
  await new Promise<void>((resolve) => sink.close(resolve));
});

describe('reminders through an SMTP relay', () => {
  it('the reminder and the digest reach the relay, from and reply-to as configured, authenticated with the password file', async () => {
    Object.assign(process.env, {
      CAQES_SMTP_HOST: '127.0.0.1',
      CAQES_SMTP_PORT: String(port),
      CAQES_SMTP_TLS: 'none',
      CAQES_SMTP_USER: 'relais-caqes',
      CAQES_SMTP_PASSWORD_FILE: join(dir, 'smtp-password'),
      CAQES_SENDER: 'caqes@omedit-paca.example',
      CAQES_REPLY_TO: 'omedit@ars-paca.example',
    });
    const dataDir = await writeDataDir('caqes-smtp-data-', referential);
    const stateDir = join(dir, 'etat');
    const run = await runCaqes('remind', '--state', stateDir, '--data', dataDir, '--today', '2026-02-23', '--json');
    expect(run.code).toBe(0);
    expect(received.map((m) => `${m.user} ${m.from} → ${m.to.join(',')}`)).toEqual([
      'relais-caqes caqes@omedit-paca.example → pui@ch-alpha.example',
      // No emails_omedit in the parameters: the digest goes to OMéDIT's reply-to address.
      'relais-caqes caqes@omedit-paca.example → omedit@ars-paca.example',
    ]);
    expect(received[0]!.data).toMatch(/^Reply-To: omedit@ars-paca\.example\r?$/m);
    expect(received[0]!.data).toMatch(/^Content-Type: multipart\/alternative/m);
    expect(received[0]!.data).toContain('CH Alpha');

    const kept = JSON.parse((await runCaqes('mail', 'list', '--state', stateDir, '--json')).out) as { delivery: string; relay: string }[];
    expect(kept.map((m) => `${m.delivery} ${m.relay}`)).toEqual([`relayed 127.0.0.1:${port}`, `relayed 127.0.0.1:${port}`]);
    const listed = await runCaqes('mail', 'list', '--state', stateDir);
    expect(listed.out).toContain(`→ pui@ch-alpha.example : `);
    expect(listed.out).toContain(`(envoyé par 127.0.0.1:${port})`);
  }, 60_000);

  it('a relay without encryption elsewhere than on this machine is refused before anything is sent', async () => {
    Object.assign(process.env, { CAQES_SMTP_HOST: 'smtp.ars-paca.example', CAQES_SMTP_TLS: 'none' });
    const run = await runCaqes('remind', '--state', join(dir, 'autre-etat'), '--today', '2026-02-23');
    expect(run.code).toBe(3);
    expect(run.err).toContain('sans chiffrement (tls « none ») seul un relais de cette machine (127.0.0.1) est accepté');
  });

  it('a user without a password file is refused, naming the setting', async () => {
    Object.assign(process.env, { CAQES_SMTP_HOST: 'smtp.ars-paca.example', CAQES_SMTP_TLS: 'starttls', CAQES_SMTP_PASSWORD_FILE: '' });
    const run = await runCaqes('remind', '--state', join(dir, 'autre-etat'), '--today', '2026-02-23');
    expect(run.code).toBe(3);
    expect(run.err).toContain('un utilisateur sans fichier de mot de passe (passwordFile, CAQES_SMTP_PASSWORD_FILE)');
  });
});

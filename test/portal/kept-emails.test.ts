/**
 * OMéDIT's page lists the e-mails this machine kept (issue 20: single-machine runtime without an
 * SMTP relay): what would have been sent, when (Paris), to whom, its subject and text, for OMéDIT's
 * own regions only (regions are tenants); where e-mail goes through AWS's SES there is nothing to list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDirectory } from '../../lib/portal/accounts';
import { portalDeps } from '../../lib/portal/deps';
import { handleRequest, type PortalDeps } from '../../lib/portal/routes';
import { startPortal, type Portal } from './fixture';

let portal: Portal;
let deps: PortalDeps;
const cookies = new Map<string, string>();

async function signIn(email: string, role: 'omedit' | 'ars', regions: string[]): Promise<void> {
  const rt = portal.serving.embedded.runtime;
  const password = (await localDirectory(rt.accounts, rt.now).create({ email, role, regions }, 'test'))!.temporaryPassword!;
  const response = await handleRequest({ method: 'POST', path: '/api/auth/login', query: {}, headers: { origin: portal.serving.url }, body: JSON.stringify({ email, password }), sourceIp: '127.0.0.1' }, deps);
  cookies.set(email, response.headers['set-cookie']!.split(';')[0]!);
}

async function emails(as: string, query: Record<string, string> = {}, over: Partial<PortalDeps> = {}) {
  const response = await handleRequest({ method: 'GET', path: '/api/omedit/emails', query, headers: { cookie: cookies.get(as)!, origin: portal.serving.url }, body: null }, { ...deps, ...over });
  return { status: response.status, body: JSON.parse(response.body) as { available: boolean; emails: { region: string; when: string; to: string[]; subject: string; deliveryLabel: string; text: string }[]; error?: { code: string } } };
}

beforeAll(async () => {
  portal = await startPortal();
  deps = portalDeps(portal.serving.embedded.runtime);
  await signIn('omedit-paca@mails.test', 'omedit', ['PACA']);
  await signIn('omedit-corse@mails.test', 'omedit', ['CORSE']);
  await signIn('ars-paca@mails.test', 'ars', ['PACA']);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

const PACA = 'omedit-paca@mails.test';
const CORSE = 'omedit-corse@mails.test';

describe('the e-mails kept on this machine, on OMéDIT’s page', () => {
  // `caqes serve --today 2026-02-23` ran the reminder job of the day: J-14 of 09/03/2026 and the
  // hors-AMM argumentation's first reminder, for A and B (PACA) and D (Corse), no relay configured.
  it('lists its region’s reminders: when (Paris), to whom, the subject, kept not sent, and the text', async () => {
    const answer = await emails(PACA, { region: 'PACA' });
    expect(answer.status).toBe(200);
    expect(answer.body.available).toBe(true);
    expect(answer.body.emails.map((m) => m.to.join()).sort()).toEqual(['a@chu.example', 'a@chu.example', 'b@ch.example', 'b@ch.example']);
    const timone = answer.body.emails.find((m) => m.subject.startsWith('CAQES 2025-S2 : Retour des éléments de preuve'))!;
    // 06:00 UTC is 07:00 in Paris in February.
    expect(timone).toMatchObject({ region: 'PACA', when: '23/02/2026 à 07:00', deliveryLabel: 'conservé sur cette machine, non envoyé' });
    expect(timone.text).toContain('09/03/2026');
  });

  it('shows a region none of another’s: Corse’s OMéDIT reads Corse’s two, PACA’s is refused Corse', async () => {
    const corse = await emails(CORSE);
    expect(corse.body.emails.map((m) => [m.region, m.to.join()])).toEqual([
      ['CORSE', 'd@ch.example'],
      ['CORSE', 'd@ch.example'],
    ]);
    expect((await emails(PACA)).body.emails.some((m) => m.to.includes('d@ch.example'))).toBe(false);
    expect(await emails(PACA, { region: 'CORSE' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  });

  it('is OMéDIT’s only: the ARS, which reads no personal link, is refused', async () => {
    expect(await emails('ars-paca@mails.test', { region: 'PACA' })).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
  });

  it('has nothing to list where e-mail goes through AWS’s SES', async () => {
    expect(await emails(PACA, { region: 'PACA' }, { keptEmails: null })).toMatchObject({ status: 200, body: { available: false, emails: [] } });
  });
});

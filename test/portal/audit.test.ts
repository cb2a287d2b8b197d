/**
 * The audit log, on the embedded default: each kind of write (a referential file applied, a reminder
 * sent, a link issued or revoked, an account created, disabled or reset, from the page or from
 * `caqes user`) leaves one entry with who, when, what, before and after, in its region's log or the
 * platform's; a write repeated (a re-delivered event, a second run) leaves no second entry; nothing
 * secret is ever in an entry, nor anything personal in the Powertools logs.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../lib/cli/main';
import { serveStatePath } from '../../lib/cli/serve';
import { portalDeps } from '../../lib/portal/deps';
import { handleRequest, type PortalDeps } from '../../lib/portal/routes';
import { auditLog } from '../../lib/store/audit-log';
import { applyOutput } from '../../lib/pipeline/apply';
import { remindDeps, runReminders } from '../../lib/pipeline/remind';
import type { AuditEntry } from '../../lib/store/audit-log';
import { A, CAMPAIGN, D, startPortal, TODAY, type Portal } from './fixture';

let portal: Portal;
let deps: PortalDeps;
const logged: unknown[] = [];
let adminCookie: string;
let omeditCookie: string;
const secrets: string[] = [];

const WHOLE_CAMPAIGN = { from: '2026-01-01', to: '2030-12-31' };

async function ask(method: string, path: string, cookie: string, payload: { query?: Record<string, string>; body?: unknown } = {}) {
  const response = await handleRequest(
    { method, path, query: payload.query ?? {}, headers: { cookie, origin: portal.serving.url }, body: payload.body === undefined ? null : JSON.stringify(payload.body), sourceIp: '127.0.0.1' },
    deps,
  );
  return { status: response.status, headers: response.headers, body: JSON.parse(response.body) as Record<string, unknown> };
}

async function signIn(email: string, password: string): Promise<string> {
  const response = await handleRequest(
    { method: 'POST', path: '/api/auth/login', query: {}, headers: { origin: portal.serving.url }, body: JSON.stringify({ email, password }), sourceIp: '127.0.0.1' },
    deps,
  );
  expect(response.status).toBe(200);
  const cookie = response.headers['set-cookie']!.split(';')[0]!;
  secrets.push(cookie.split('=')[1]!);
  return cookie;
}

async function log(region: string | null): Promise<AuditEntry[]> {
  return portal.serving.embedded.runtime.audit.list(region, '2000-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z');
}

/** `caqes …` in this process, its output captured. */
async function caqes(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    const code = await main(args);
    return { code, out: out.mock.calls.map((c) => String(c[0])).join(''), err: err.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

beforeAll(async () => {
  portal = await startPortal();
  const capture = (level: string) => (message: unknown, ...extra: unknown[]) => void logged.push({ level, message, extra });
  deps = { ...portalDeps(portal.serving.embedded.runtime), logger: { info: capture('info'), warn: capture('warn'), error: capture('error') } };
  const [omedit, admin] = portal.serving.accounts;
  secrets.push(omedit!.password, admin!.password, portal.serving.staffToken, ...portal.serving.links.map((l) => new URL(l.url).hash.slice(1)));
  omeditCookie = await signIn(omedit!.email, omedit!.password);
  adminCookie = await signIn(admin!.email, admin!.password);
}, 90_000);

afterAll(async () => {
  await portal?.stop();
});

describe('referential changes', () => {
  it('are in each region’s log as counts before and after, written by the pipeline when the file arrived', async () => {
    const paca = await log('PACA');
    const corse = await log('CORSE');
    const of = (entries: AuditEntry[], action: string) => entries.filter((e) => e.action === action);
    expect(of(paca, 'referential.establishments')).toEqual([
      expect.objectContaining({
        region: 'PACA',
        actor: { kind: 'system', id: 'pipeline' },
        label: 'Référentiel des établissements modifié',
        target: 'etablissements',
        before: { etablissements: 0 },
        after: { etablissements: 2 },
        at: expect.stringMatching(new RegExp(`^${TODAY}T`)),
      }),
    ]);
    expect(of(corse, 'referential.establishments')).toEqual([expect.objectContaining({ before: { etablissements: 0 }, after: { etablissements: 1 } })]);
    expect(of(paca, 'referential.targetings')).toEqual([expect.objectContaining({ target: 'ciblage-2025', before: { ciblage: 0 }, after: { ciblage: 2 } })]);
    expect(of(corse, 'referential.calendar')).toEqual([expect.objectContaining({ label: 'Calendrier modifié', target: 'calendrier-2025', before: { calendrier: 0 }, after: { calendrier: 2 } })]);
  });

  it('are recorded once when the same file’s event comes again', async () => {
    const rt = portal.serving.embedded.runtime;
    const audit = auditLog(rt.audit, rt.now);
    const output = { type: 'targetings' as const, year: 2025, targetings: await rt.referential.listTargetings('PACA', 2025).then(async (paca) => [...paca, ...(await rt.referential.listTargetings('CORSE', 2025))]) };
    const order = '2026-02-24T09:00:00.000Z|0000000000000000000000000000000A|etag';
    const before = (await log('PACA')).length;
    await applyOutput(output, order, rt, audit);
    await applyOutput(output, order, rt, audit);
    const added = (await log('PACA')).slice(0, (await log('PACA')).length - before);
    expect(added).toEqual([expect.objectContaining({ action: 'referential.targetings', at: '2026-02-24T09:00:00.000Z', before: { ciblage: 2 }, after: { ciblage: 2 } })]);
  });
});

describe('reminders', () => {
  it('each one sent is in its region’s log, once, even when the job runs again', async () => {
    const sent = (await log('PACA')).filter((e) => e.action === 'reminder.sent');
    // On 23/02/2026 A and B each got J-14 of the action plan and J-30 of the argumentation.
    expect(sent.map((e) => `${e.target} ${(e.after as { step: string }).step}`).sort()).toEqual([`${A} J-14`, `${A} J-30`, '830100012 J-14', '830100012 J-30']);
    expect(sent[0]).toMatchObject({ actor: { kind: 'system', id: 'pipeline' }, label: 'Relance envoyée', before: null, after: { campaign: CAMPAIGN, recipients: 1, messageId: expect.any(String) } });
    expect((await log('CORSE')).filter((e) => e.action === 'reminder.sent').map((e) => e.target)).toEqual([D, D]);

    const rt = portal.serving.embedded.runtime;
    const again = await runReminders(TODAY, { ...remindDeps(rt), now: () => new Date(`${TODAY}T07:00:00Z`) });
    expect(again.reminders.every((r) => r.outcome === 'already-sent')).toBe(true);
    expect((await log('PACA')).filter((e) => e.action === 'reminder.sent')).toHaveLength(4);
  });
});

describe('links', () => {
  it('issued and revoked on OMéDIT’s page are in the region’s log, with the account that did it', async () => {
    const issued = await ask('POST', '/api/omedit/links', omeditCookie, { body: { finess: D, campaign: CAMPAIGN, days: 7 } });
    expect(issued.status).toBe(201);
    secrets.push(new URL(issued.body.url as string).hash.slice(1));
    const revoked = await ask('POST', '/api/omedit/links/revoke', omeditCookie, { body: { finess: D, campaign: CAMPAIGN } });
    expect(revoked.status).toBe(200);
    const n = revoked.body.revoked as number;
    expect(n).toBeGreaterThanOrEqual(2);

    const page = await ask('GET', '/api/omedit/audit', omeditCookie, { query: { region: 'CORSE', ...WHOLE_CAMPAIGN } });
    const entries = page.body.entries as AuditEntry[];
    const [revocation, issue] = entries.filter((e) => e.action.startsWith('link.'));
    expect(issue).toMatchObject({
      region: 'CORSE',
      actor: { kind: 'account', id: 'omedit@caqes.test' },
      label: 'Lien de dépôt créé',
      target: D,
      before: null,
      after: { id: issued.body.id, campaign: CAMPAIGN, expiresAt: issued.body.expiresAt },
    });
    expect(revocation).toMatchObject({
      actor: { kind: 'account', id: 'omedit@caqes.test' },
      label: 'Liens de dépôt désactivés',
      before: { campaign: CAMPAIGN, unrevokedLinks: n },
      after: { campaign: CAMPAIGN, unrevokedLinks: 0, revoked: n },
    });
    // Newest first.
    expect(entries.map((e) => e.at)).toEqual([...entries.map((e) => e.at)].sort().reverse());
    // The machine credential of caqes link is named as such.
    const scripted = await caqes('link', '--finess', A, '--campaign', CAMPAIGN, '--days', '3');
    expect(scripted.code).toBe(0);
    expect((await log('PACA'))[0]).toMatchObject({ action: 'link.issued', actor: { kind: 'machine', id: 'omedit-local' }, target: A });
  });

  it('a period is asked for by day, and one upside down is refused', async () => {
    const none = await ask('GET', '/api/omedit/audit', omeditCookie, { query: { from: '2020-01-01', to: '2020-01-31' } });
    expect(none.body).toMatchObject({ from: '2020-01-01T00:00:00.000Z', to: '2020-01-31T23:59:59.999Z', regions: ['CORSE', 'PACA'], entries: [] });
    expect(await ask('GET', '/api/omedit/audit', omeditCookie, { query: { from: '2026-02-01', to: '2026-01-01' } })).toMatchObject({ status: 400 });
  });
});

describe('accounts', () => {
  it('created, disabled and reset on the administrator’s page are in the platform’s log, readable by the administrator only', async () => {
    const created = await ask('POST', '/api/admin/accounts', adminCookie, { body: { email: 'Lectrice.ARS@ars.example.fr', role: 'ars', regions: ['PACA', 'CORSE'] } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ account: { email: 'lectrice.ars@ars.example.fr', role: 'ars', regions: ['CORSE', 'PACA'], status: 'active' }, temporaryPassword: expect.stringMatching(/^.{20}$/) });
    secrets.push(created.body.temporaryPassword as string);
    const reset = await ask('POST', '/api/admin/accounts/reset', adminCookie, { body: { email: 'lectrice.ars@ars.example.fr' } });
    secrets.push(reset.body.temporaryPassword as string);
    expect(reset.body.temporaryPassword).not.toBe(created.body.temporaryPassword);
    expect((await ask('POST', '/api/admin/accounts/disable', adminCookie, { body: { email: 'lectrice.ars@ars.example.fr' } })).status).toBe(200);

    const page = await ask('GET', '/api/admin/audit', adminCookie, { query: WHOLE_CAMPAIGN });
    const mine = (page.body.entries as AuditEntry[]).filter((e) => e.target === 'lectrice.ars@ars.example.fr');
    expect(mine.map((e) => e.action)).toEqual(['account.disabled', 'account.password_reset', 'account.created']);
    const [disabled, wasReset, made] = mine;
    const by = { kind: 'account', id: 'admin@caqes.test' };
    expect(made).toMatchObject({ region: null, actor: by, label: 'Compte créé', before: null, after: { role: 'ars', regions: ['CORSE', 'PACA'], status: 'active' } });
    expect(wasReset).toMatchObject({ actor: by, label: 'Mot de passe réinitialisé', after: { delivery: 'mot de passe provisoire affiché une fois' } });
    expect(disabled).toMatchObject({ actor: by, label: 'Compte désactivé', before: { status: 'active' }, after: { status: 'disabled' } });
    // The accounts caqes serve made for the session are there too.
    expect((page.body.entries as AuditEntry[]).filter((e) => e.actor.id === 'caqes serve').map((e) => e.target).sort()).toEqual(['admin@caqes.test', 'omedit@caqes.test']);
    // OMéDIT reads regions' logs, not the platform's.
    expect(await ask('GET', '/api/admin/audit', omeditCookie)).toMatchObject({ status: 403 });
  });

  it('made with caqes user are in the platform’s log too; a password chosen in a file is never printed, one made is printed once', async () => {
    const made = await caqes('user', 'add', '--role', 'assurance_maladie', '--region', 'PACA', '--email', 'cpam@am.example.fr');
    expect(made.code).toBe(0);
    const password = /Mot de passe \(affiché une seule fois\) : (\S+)/.exec(made.out)![1]!;
    secrets.push(password);
    expect(made.out).toContain('Compte créé : cpam@am.example.fr : Assurance Maladie (lecture seule) – PACA');

    const file = join(serveStatePath(), '..', 'mot-de-passe.txt');
    await writeFile(file, 'un-mot-de-passe-choisi-long\n', { mode: 0o600 });
    secrets.push('un-mot-de-passe-choisi-long');
    const chosen = await caqes('user', 'add', '--role', 'omedit', '--region', 'CORSE,PACA', '--email', 'pharma@omedit.example.fr', '--password-file', file);
    expect(chosen.code).toBe(0);
    expect(chosen.out).toBe('Compte créé : pharma@omedit.example.fr : Pharmacien OMéDIT – CORSE, PACA\n');
    await signIn('pharma@omedit.example.fr', await readFile(file, 'utf8').then((t) => t.trim()));

    const listed = await caqes('user', 'list', '--json');
    expect(JSON.parse(listed.out)).toContainEqual({ email: 'cpam@am.example.fr', role: 'assurance_maladie', regions: ['PACA'], status: 'active', createdAt: expect.any(String) });
    expect((await caqes('user', 'disable', '--email', 'cpam@am.example.fr')).out).toContain('Compte désactivé : cpam@am.example.fr');
    expect((await caqes('user', 'add', '--role', 'ars', '--email', 'x@ars.example.fr')).err).toContain('indiquez au moins une région');
    expect((await caqes('user', 'add', '--role', 'chef', '--region', 'PACA', '--email', 'x@ars.example.fr')).code).toBe(2);
    expect((await caqes('user', 'add', '--role', 'ars', '--region', 'PACA', '--email', 'cpam@am.example.fr')).err).toContain('Un compte existe déjà pour cpam@am.example.fr');

    const entries = (await log(null)).filter((e) => e.target === 'cpam@am.example.fr');
    expect(entries.map((e) => e.action)).toEqual(['account.disabled', 'account.created']);
    expect(entries[0]!.actor).toEqual({ kind: 'machine', id: expect.stringMatching(/^caqes user \(.+\)$/) });
  });
});

describe('what is never written down', () => {
  it('no password, session id, token or personal link in any audit entry', async () => {
    const rt = portal.serving.embedded.runtime;
    const items = (await rt.clients.dynamo.send(new ScanCommand({ TableName: rt.config.CAQES_TABLE }))).Items ?? [];
    const audit = JSON.stringify(items.filter((i) => String(i.pk).endsWith('#AUDIT')));
    expect(audit.length).toBeGreaterThan(1000);
    expect(secrets.length).toBeGreaterThan(8);
    for (const secret of secrets) expect(audit, 'a secret in the audit log').not.toContain(secret);
  });

  it('no e-mail address, password, cookie or token in what the portal logs', () => {
    const text = JSON.stringify(logged);
    expect(logged.length).toBeGreaterThan(3);
    expect(text).not.toMatch(/@caqes\.test|@ars\.example|@omedit\.example|caqes-session/);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });
});

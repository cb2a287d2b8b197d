/**
 * What the functions write to their logs (CloudWatch on AWS) on a whole campaign run at the most
 * verbose level, failures included: no establishment's e-mail address, no personal link, no
 * credential or key.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runOnEmbedded } from '../../lib/cli/run';
import { startEmbedded, type Embedded } from '../../lib/local/embedded';
import { localContext, scheduledEvent } from '../../lib/local/invoke';

const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g;

let embedded: Embedded;
let out: string;
const printed: string[] = [];
/** Everything that must never reach a log: addresses, personal links' tokens, the portal's secrets. */
const secrets = new Set<string>();
let failure: unknown;
const previousLevel = process.env.POWERTOOLS_LOG_LEVEL;

/** The log lines (Powertools prints one JSON object per line). */
function logLines(): Record<string, unknown>[] {
  return printed
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"service"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
  }
  out = await mkdtemp(join(tmpdir(), 'caqes-logs-'));
  embedded = await startEmbedded({ portalUrl: 'https://portail.example' });
  const result = await runOnEmbedded(embedded, { dataDir: 'events/sample', today: '2026-02-23', outDir: out });
  expect(result.emails.length).toBeGreaterThan(0);

  for (const address of (await readFile('events/sample/referential/etablissements.csv', 'latin1')).match(EMAIL) ?? []) secrets.add(address);
  for (const mail of await embedded.sentEmails()) {
    for (const address of mail.destination.to) secrets.add(address);
    for (const [, token] of (mail.body.text ?? '').matchAll(/#([A-Za-z0-9_.-]{20,})/g)) secrets.add(token!);
  }
  secrets.add(embedded.staffToken);
  secrets.add(process.env.CAQES_LINK_KEY!);

  // SES refusing an address says which in its message: the next day's run fails on it.
  const rt = embedded.runtime;
  vi.spyOn(rt.clients.ses, 'send').mockImplementation((async (command: unknown) => {
    if (command instanceof SendEmailCommand) {
      throw Object.assign(new Error('Email address is not verified. The following identities failed the check in region EU-WEST-3: pharmacie.timone@hum-fictif.example'), { name: 'MessageRejected' });
    }
    throw new Error('unexpected SES call');
  }) as typeof rt.clients.ses.send);
  const remind = await import('../../functions/remind/handler');
  failure = await remind.handler(scheduledEvent('2026-03-02'), localContext('caqes-remind')).catch((error: unknown) => error);
}, 180_000);

afterAll(async () => {
  vi.restoreAllMocks();
  await embedded?.stop();
  await rm(out, { recursive: true, force: true });
  if (previousLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
  else process.env.POWERTOOLS_LOG_LEVEL = previousLevel;
});

describe('the logs of a campaign run', () => {
  it('say what happened: each file ingested, the indicators computed, the reminders run, the failure', () => {
    const messages = logLines().map((l) => l.message);
    expect(messages.filter((m) => m === 'object ingested').length).toBeGreaterThanOrEqual(30);
    expect(messages).toContain('indicators computed');
    expect(messages).toContain('reminders run');
    expect(messages).toContain('invocation failed');
    expect(secrets.size).toBeGreaterThan(10);
  });

  it('hold no e-mail address, personal link, credential or key', () => {
    const text = logLines()
      .map((l) => JSON.stringify(l))
      .join('\n');
    for (const secret of secrets) expect(text, `a log line holds « ${secret.slice(0, 12)}… »`).not.toContain(secret);
    expect(text.match(EMAIL) ?? []).toEqual([]);
  });

  it('redact the error Lambda prints when a run fails', () => {
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).name).toBe('MessageRejected');
    expect((failure as Error).message).toBe('Email address is not verified. The following identities failed the check in region EU-WEST-3: [masqué]');
  });
});

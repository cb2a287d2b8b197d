/**
 * The embedded default's SES: a loopback endpoint answering SES v2's SendEmail, so the pipeline sends
 * exactly as on AWS (lib/notify/ses-sender.ts, unchanged). Each e-mail is kept in an outbox (in memory,
 * or one file per e-mail in the state folder) and, when an SMTP relay is configured, relayed; a relay
 * that fails answers an error, so the reminder's claim stays unsent and a later run takes it over.
 */
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { KEPT_EMAILS_PATH } from '../portal/kept-emails';
import type { SmtpRelay } from './smtp-relay';
import { StateError, writeStateFile } from './state';

/** An e-mail as the embedded default keeps it: what SES was asked to send, when, and whether a relay took it. */
export const KeptEmail = z.object({
  messageId: z.string(),
  at: z.string(),
  from: z.string(),
  replyTo: z.array(z.string()),
  destination: z.object({ to: z.array(z.string()) }),
  subject: z.string(),
  body: z.object({ text: z.string().optional(), html: z.string().optional() }),
  /** `relayed` through the SMTP relay, or only `kept` here (no relay configured). */
  delivery: z.enum(['kept', 'relayed']),
  relay: z.string().optional(),
});
export type KeptEmail = z.infer<typeof KeptEmail>;

export interface Outbox {
  add(mail: KeptEmail): Promise<void>;
  /** Oldest first. */
  list(): Promise<KeptEmail[]>;
}

export function memoryOutbox(): Outbox {
  const mails: KeptEmail[] = [];
  return {
    add: async (mail) => void mails.push(mail),
    list: async () => [...mails],
  };
}

/** One JSON file per e-mail, named by time then id so that a listing is in sending order. */
export function directoryOutbox(dir: string): Outbox {
  return {
    add: (mail) => writeStateFile(join(dir, `${mail.at.replace(/[:.]/g, '-')}_${mail.messageId.replace(/[^\w.@-]/g, '_')}.json`), mail),
    async list() {
      const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
      return Promise.all(
        names.map(async (name) => {
          let raw: unknown = null;
          try {
            raw = JSON.parse(await readFile(join(dir, name), 'utf8'));
          } catch {
            // Said below with the file's name.
          }
          const parsed = KeptEmail.safeParse(raw);
          if (!parsed.success) throw new StateError(`e-mail conservé illisible : ${join(dir, name)} ; supprimez-le ou restaurez une sauvegarde`);
          return parsed.data;
        }),
      );
    },
  };
}

/** The part of SES v2's SendEmail request the pipeline uses (a simple content). */
const SendEmailRequest = z.object({
  FromEmailAddress: z.string(),
  ReplyToAddresses: z.array(z.string()).optional(),
  Destination: z.object({ ToAddresses: z.array(z.string()).min(1) }),
  Content: z.object({
    Simple: z.object({
      Subject: z.object({ Data: z.string() }),
      Body: z.object({ Text: z.object({ Data: z.string() }).optional(), Html: z.object({ Data: z.string() }).optional() }),
    }),
  }),
});

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export interface MailGateway {
  url: string;
  outbox: Outbox;
  close(): Promise<void>;
}

/**
 * Serves the SES v2 SendEmail endpoint on a free loopback port, and the list of what it kept
 * (`KEPT_EMAILS_PATH`). `now` stamps each e-mail (the runtime's clock, simulated or not).
 */
export async function startMailGateway(options: { outbox: Outbox; relay: SmtpRelay | null; now: () => Date }): Promise<MailGateway> {
  const { outbox, relay } = options;
  const server: Server = createServer((request, response) => {
    const fail = (status: number, type: string, message: string) =>
      response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type }).end(JSON.stringify({ message }));
    // What it kept, oldest first (`{ emails: KeptEmail[] }`), for OMéDIT's page through the runtime's SES endpoint.
    if (request.method === 'GET' && request.url === KEPT_EMAILS_PATH) {
      void outbox
        .list()
        .then((emails) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ emails })))
        .catch((error: unknown) => fail(500, 'InternalFailure', (error as Error).message));
      return;
    }
    if (request.method !== 'POST' || !request.url?.startsWith('/v2/email/outbound-emails')) return fail(404, 'NotFoundException', 'not an SES v2 SendEmail request');
    void (async () => {
      const parsed = SendEmailRequest.safeParse(await readJson(request).catch(() => null));
      if (!parsed.success) return fail(400, 'BadRequestException', 'malformed SendEmail request');
      const r = parsed.data;
      const mail = {
        from: relay?.from ?? r.FromEmailAddress,
        replyTo: relay?.replyTo ? [relay.replyTo] : (r.ReplyToAddresses ?? []),
        to: r.Destination.ToAddresses,
        subject: r.Content.Simple.Subject.Data,
        text: r.Content.Simple.Body.Text?.Data,
        html: r.Content.Simple.Body.Html?.Data,
      };
      let messageId: string = randomUUID();
      if (relay) {
        try {
          messageId = await relay.send(mail);
        } catch (error) {
          // The relay's own words (no credentials in them): the reminder stays claimed, retried later.
          return fail(503, 'SendingPausedException', `SMTP relay ${relay.label} refused: ${(error as Error).message}`);
        }
      }
      await outbox.add({
        messageId,
        at: options.now().toISOString(),
        from: mail.from,
        replyTo: mail.replyTo,
        destination: { to: mail.to },
        subject: mail.subject,
        body: { text: mail.text, html: mail.html },
        delivery: relay ? 'relayed' : 'kept',
        ...(relay ? { relay: relay.label } : {}),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ MessageId: messageId }));
    })().catch((error: unknown) => fail(500, 'InternalFailure', (error as Error).message));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    outbox,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

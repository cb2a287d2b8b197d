/**
 * The single-machine runtime's real e-mail: an SMTP relay (the establishment's or the ARS's mail
 * server, or a provider's) through nodemailer. Configured by the environment or a JSON file; without
 * one, e-mails are kept locally (lib/local/mail-gateway.ts). On AWS, SES sends them.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { StateError } from './state';

export const SmtpTls = z.enum(['starttls', 'tls', 'none']);

/** A relay as written in the config file (`CAQES_SMTP_CONFIG`, or `smtp.json` in the state folder). */
export const SmtpConfig = z.object({
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65_535).optional(),
  /** `starttls` (port 587, the default), `tls` (port 465) or `none`, for a relay on this machine only. */
  tls: SmtpTls.default('starttls'),
  user: z.string().min(1).optional(),
  /** The password is read from this file (its first line), never given on the command line or in the environment. */
  passwordFile: z.string().min(1).optional(),
  from: z.string().min(3).optional(),
  replyTo: z.string().min(3).optional(),
});
export type SmtpConfig = z.infer<typeof SmtpConfig>;

export interface SmtpRelay {
  /** `host:port`, as said in the outputs (never the credentials). */
  label: string;
  from?: string;
  replyTo?: string;
  send(mail: { from: string; replyTo: string[]; to: string[]; subject: string; text?: string; html?: string }): Promise<string>;
  close(): void;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** The relay the environment or `file` describes, or `null` when none is configured. */
export async function smtpConfig(env: NodeJS.ProcessEnv, file: string | null): Promise<SmtpConfig | null> {
  if (env.CAQES_SMTP_HOST) {
    return parseConfig(
      {
        host: env.CAQES_SMTP_HOST,
        port: env.CAQES_SMTP_PORT,
        tls: env.CAQES_SMTP_TLS,
        user: env.CAQES_SMTP_USER,
        passwordFile: env.CAQES_SMTP_PASSWORD_FILE,
        from: env.CAQES_SENDER,
        replyTo: env.CAQES_REPLY_TO,
      },
      'les variables CAQES_SMTP_*',
    );
  }
  const path = env.CAQES_SMTP_CONFIG ?? file;
  if (!path) return null;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (!env.CAQES_SMTP_CONFIG && (error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new StateError(`configuration SMTP illisible : ${path} (${(error as NodeJS.ErrnoException).code ?? 'erreur'})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new StateError(`configuration SMTP : ${path} n’est pas du JSON valide (attendu : {"host": …, "port": 587, "tls": "starttls", "user": …, "passwordFile": …, "from": …, "replyTo": …})`);
  }
  return parseConfig(raw, path);
}

function parseConfig(raw: unknown, where: string): SmtpConfig {
  const cleaned = raw && typeof raw === 'object' ? Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== '')) : raw;
  const parsed = SmtpConfig.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StateError(`configuration SMTP (${where}) : « ${issue.path.join('.') || 'host'} » incorrect (${issue.message}) ; tls vaut starttls, tls ou none`);
  }
  if (parsed.data.tls === 'none' && !LOOPBACK.has(parsed.data.host)) {
    throw new StateError(`configuration SMTP (${where}) : sans chiffrement (tls « none ») seul un relais de cette machine (127.0.0.1) est accepté ; utilisez starttls ou tls pour ${parsed.data.host}`);
  }
  if (parsed.data.user && !parsed.data.passwordFile) throw new StateError(`configuration SMTP (${where}) : un utilisateur sans fichier de mot de passe (passwordFile, CAQES_SMTP_PASSWORD_FILE)`);
  return parsed.data;
}

/** The relay's transport (nodemailer), its password read from its file now. */
export async function openSmtpRelay(config: SmtpConfig): Promise<SmtpRelay> {
  let pass: string | undefined;
  if (config.passwordFile) {
    try {
      pass = (await readFile(config.passwordFile, 'utf8')).split(/\r?\n/)[0];
    } catch {
      throw new StateError(`configuration SMTP : impossible de lire le fichier de mot de passe ${config.passwordFile}`);
    }
  }
  const port = config.port ?? (config.tls === 'tls' ? 465 : 587);
  // Loaded with a relay only: every command starting the embedded default loaded it for nothing.
  const { default: nodemailer } = await import('nodemailer');
  const transport = nodemailer.createTransport({
    host: config.host,
    port,
    secure: config.tls === 'tls',
    requireTLS: config.tls === 'starttls',
    ignoreTLS: config.tls === 'none',
    ...(config.user ? { auth: { user: config.user, pass: pass ?? '' } } : {}),
  });
  return {
    label: `${config.host}:${port}`,
    from: config.from,
    replyTo: config.replyTo,
    async send(mail) {
      const info = await transport.sendMail({
        from: mail.from,
        to: mail.to,
        ...(mail.replyTo.length > 0 ? { replyTo: mail.replyTo } : {}),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
      return info.messageId;
    },
    close: () => transport.close(),
  };
}

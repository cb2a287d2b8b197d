import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { RenderedEmail } from './reminder-email';
import { headerSafe } from './escape';

export interface SenderOptions {
  from: string;
  replyTo?: string;
  configurationSet?: string;
}

/**
 * The header naming what an e-mail is (`rappel/<region>/<campagne>/<échéance>/<FINESS>/<étape>`,
 * `recapitulatif/<region>/<jour>`): the rare duplicate that at-least-once sending allows carries the
 * same value as its first copy, so a mail client or a reader recognises it.
 */
export const REFERENCE_HEADER = 'X-CAQES-Reference';

/** Sends one e-mail through SES v2 and returns its message id. */
export async function sendEmail(ses: SESv2Client, email: RenderedEmail, options: SenderOptions, reference?: string): Promise<string> {
  const out = await ses.send(
    new SendEmailCommand({
      FromEmailAddress: headerSafe(options.from),
      ReplyToAddresses: options.replyTo ? [headerSafe(options.replyTo)] : undefined,
      Destination: { ToAddresses: email.to.map(headerSafe) },
      ConfigurationSetName: options.configurationSet,
      Content: {
        Simple: {
          Subject: { Data: email.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: email.text, Charset: 'UTF-8' }, Html: { Data: email.html, Charset: 'UTF-8' } },
          ...(reference ? { Headers: [{ Name: REFERENCE_HEADER, Value: headerSafe(reference) }] } : {}),
        },
      },
    }),
  );
  return out.MessageId ?? '';
}

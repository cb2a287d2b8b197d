import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { RenderedEmail } from './reminder-email';
import { headerSafe } from './escape';

export interface SenderOptions {
  from: string;
  replyTo?: string;
  configurationSet?: string;
}

/** Sends one e-mail through SES v2 and returns its message id. */
export async function sendEmail(ses: SESv2Client, email: RenderedEmail, options: SenderOptions): Promise<string> {
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
        },
      },
    }),
  );
  return out.MessageId ?? '';
}

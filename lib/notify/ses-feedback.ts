import { z } from 'zod';
import type { SuppressedAddress } from '../store/reminder-store';

/**
 * SES's event publishing record, as the configuration set sends it to SNS: only the fields read.
 * A bounce is permanent or transient; a complaint is an addressee marking the message as spam.
 */
const SesEvent = z.object({
  eventType: z.string(),
  bounce: z
    .object({
      bounceType: z.string(),
      bounceSubType: z.string().optional(),
      timestamp: z.string(),
      bouncedRecipients: z.array(z.object({ emailAddress: z.string(), diagnosticCode: z.string().optional() })),
    })
    .optional(),
  complaint: z
    .object({
      timestamp: z.string(),
      complaintFeedbackType: z.string().optional(),
      complainedRecipients: z.array(z.object({ emailAddress: z.string() })),
    })
    .optional(),
});

/**
 * The addresses an SES event puts on the suppression list: every recipient of a permanent bounce
 * (the address does not exist or refuses mail for good) or of a complaint. Transient bounces (a full
 * mailbox) are not: the next reminder may go through.
 * @throws SyntaxError or ZodError for a message that is not an SES event.
 */
export function suppressionsOf(message: string): SuppressedAddress[] {
  const event = SesEvent.parse(JSON.parse(message));
  if (event.eventType === 'Bounce' && event.bounce?.bounceType === 'Permanent') {
    const bounce = event.bounce;
    return bounce.bouncedRecipients.map((r) => ({
      address: r.emailAddress,
      reason: 'bounce',
      detail: r.diagnosticCode ?? bounce.bounceSubType ?? null,
      at: bounce.timestamp,
    }));
  }
  if (event.eventType === 'Complaint' && event.complaint) {
    const complaint = event.complaint;
    return complaint.complainedRecipients.map((r) => ({ address: r.emailAddress, reason: 'complaint', detail: complaint.complaintFeedbackType ?? null, at: complaint.timestamp }));
  }
  return [];
}

import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { dueReminders, type DueReminder } from '../domain/reminders';
import type { EvidenceRecord, Targeting } from '../domain/schemas';
import { renderReminder, type RenderedEmail } from '../notify/reminder-email';
import { sendEmail, type SenderOptions } from '../notify/ses-sender';
import type { PersonalLinkIssuer } from '../portal/links';
import type { DynamoStore } from '../store/dynamo-store';

export interface SentReminder {
  region: string;
  campaign: string;
  deadline: string;
  deadlineDate: string;
  finess: string;
  establishment: string;
  step: string;
  email: RenderedEmail;
  /** `sent`, `already-sent` (another run did it), or `dry-run`. */
  outcome: 'sent' | 'already-sent' | 'dry-run';
  messageId: string | null;
}

export interface RemindDeps {
  store: DynamoStore;
  ses: SESv2Client;
  sender: SenderOptions;
  /** Issues the establishment's personal upload link that the e-mail carries (lib/portal/links.ts). */
  personalLink: PersonalLinkIssuer;
  now: () => Date;
}

/** A claim not turned into `sent` within this time was interrupted (a crash between claim and send). */
const STALE_CLAIM_MS = 15 * 60 * 1000;

/**
 * Sends, for `today`, each reminder whose step is due, exactly once: a conditional claim is written
 * before sending and turned into `sent` after, so repeated or concurrent runs send nothing twice.
 * Each e-mail sent carries a new personal link, issued once the reminder is claimed; a dry run
 * issues none and shows where the link will stand.
 */
export async function runReminders(today: string, deps: RemindDeps, options: { dryRun?: boolean } = {}): Promise<SentReminder[]> {
  const { store } = deps;
  const deadlines = await store.listDeadlines();
  const out: SentReminder[] = [];
  for (const { region } of await store.listRegions()) {
    const establishments = await store.listEstablishments(region);
    const targetings: Targeting[] = await store.listTargetings(region);
    const campaigns = [...new Set(deadlines.map((d) => d.campaign))];
    const evidence: EvidenceRecord[] = (await Promise.all(campaigns.map((c) => store.listEvidence(region, c)))).flat();
    const due = dueReminders({ today, deadlines, establishments, targetings, evidence });
    for (const reminder of due) out.push(await deliver(region, reminder, deps, options.dryRun ?? false));
  }
  return out;
}

async function deliver(region: string, reminder: DueReminder, deps: RemindDeps, dryRun: boolean): Promise<SentReminder> {
  const { deadline, establishment } = reminder;
  const base = {
    region,
    campaign: deadline.campaign,
    deadline: deadline.id,
    deadlineDate: deadline.date,
    finess: establishment.finess,
    establishment: establishment.raisonSociale,
    step: reminder.step,
  };
  if (dryRun) return { ...base, email: renderReminder(reminder, null), outcome: 'dry-run', messageId: null };
  const marker = { region, campaign: deadline.campaign, deadline: deadline.id, finess: establishment.finess, step: reminder.step, claimedAt: deps.now().toISOString() };
  if (!(await deps.store.claimReminder(marker, STALE_CLAIM_MS))) return { ...base, email: renderReminder(reminder, null), outcome: 'already-sent', messageId: null };
  // Issued after the claim, so only an e-mail about to be sent gets a link.
  const link = await deps.personalLink({ region, campaign: deadline.campaign, finess: establishment.finess, issuedBy: `rappel ${reminder.step}` });
  const email = renderReminder(reminder, link);
  const messageId = await sendEmail(deps.ses, email, deps.sender);
  await deps.store.markReminderSent({ ...marker, status: 'sent', sentAt: deps.now().toISOString(), messageId });
  return { ...base, email, outcome: 'sent', messageId };
}

/**
 * The e-mails a single machine kept or relayed (issue 20), on OMéDIT's page: the runtime's SES is
 * then the local gateway (lib/local/mail-gateway.ts), which lists what it was asked to send. Only the
 * e-mails of the caller's regions are shown: an e-mail belongs to a region when its message id is
 * the one a reminder marker or a digest marker of that region recorded (regions are tenants). On AWS
 * SES keeps nothing to list: the section is absent.
 */
import { z } from 'zod';
import { todayOf } from '../domain/clock';
import { Region } from '../domain/schemas';
import { formatFrenchDate } from '../io/french';
import type { ReferentialStore } from '../store/referential-store';
import type { ReminderStore } from '../store/reminder-store';
import { assertRegion, visibleRegions } from './access';
import type { StaffCaller } from './caller';

/** Where the local gateway lists what it kept (lib/local/mail-gateway.ts serves it). */
export const KEPT_EMAILS_PATH = '/caqes/kept-emails';

export const EmailsQuery = z.object({ region: Region.optional() }).strict();

/** The part of a kept e-mail the page shows (the gateway's `KeptEmail` is the whole record). */
const KeptEmailListing = z.object({
  emails: z.array(
    z.object({
      messageId: z.string(),
      at: z.string(),
      destination: z.object({ to: z.array(z.string()) }),
      subject: z.string(),
      body: z.object({ text: z.string().optional() }),
      delivery: z.enum(['kept', 'relayed']),
      relay: z.string().optional(),
    }),
  ),
});
type KeptEmail = z.infer<typeof KeptEmailListing>['emails'][number];

/** Reads the local gateway's list; null where the runtime's SES is AWS's. */
export type KeptEmailSource = (() => Promise<KeptEmail[]>) | null;

/** The gateway behind the runtime's SES endpoint, when it is the local one. */
export function keptEmailSource(sesEndpoint: string | undefined): KeptEmailSource {
  if (!sesEndpoint) return null;
  return async () => {
    const response = await fetch(new URL(KEPT_EMAILS_PATH, sesEndpoint));
    if (!response.ok) throw new Error(`the local SES gateway answered ${response.status} for its kept e-mails`);
    return KeptEmailListing.parse(await response.json()).emails;
  };
}

/** One e-mail as OMéDIT's page lists it, its words ready to show. */
export interface KeptEmailView {
  region: string;
  at: string;
  /** `23/02/2026 à 06:00`, Paris time. */
  when: string;
  to: string[];
  subject: string;
  delivery: 'kept' | 'relayed';
  /** `conservé sur cette machine, non envoyé` or `envoyé par le relais smtp.example:587`. */
  deliveryLabel: string;
  text: string;
}

const PARIS_TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });

/** The message ids a region's reminders and digests recorded: its e-mails, and no other region's. */
async function regionMessageIds(deps: KeptEmailsDeps, region: string, days: readonly string[]): Promise<Set<string>> {
  const campaigns = [...new Set((await deps.referential.listDeadlines()).map((d) => d.campaign))];
  const reminders = (await Promise.all(campaigns.map((c) => deps.reminders.listReminders(region, c)))).flat();
  const digests = await Promise.all(days.map((day) => deps.reminders.getDigest(region, day)));
  return new Set([...reminders.map((r) => r.messageId), ...digests.map((d) => d?.messageId)].filter((id): id is string => typeof id === 'string' && id !== ''));
}

export interface KeptEmailsDeps {
  referential: Pick<ReferentialStore, 'listDeadlines' | 'listRegions'>;
  reminders: Pick<ReminderStore, 'listReminders' | 'getDigest'>;
  keptEmails: KeptEmailSource;
}

/**
 * The e-mails kept or relayed on this machine for a region of the caller's (or all its regions),
 * newest first; `available: false` where e-mail goes through AWS's SES.
 * @throws ApiError 403 for a region the caller may not see.
 */
export async function listKeptEmails(caller: StaffCaller, region: string | undefined, deps: KeptEmailsDeps): Promise<{ available: boolean; emails: KeptEmailView[] }> {
  if (region !== undefined) assertRegion(caller, region);
  if (!deps.keptEmails) return { available: false, emails: [] };
  const regions = region !== undefined ? [region] : visibleRegions(caller, (await deps.referential.listRegions()).map((r) => r.region));
  const kept = await deps.keptEmails();
  const days = [...new Set(kept.map((m) => todayOf(m.at)))];
  const views: KeptEmailView[] = [];
  for (const r of regions) {
    const ids = await regionMessageIds(deps, r, days);
    for (const m of kept.filter((k) => ids.has(k.messageId))) {
      views.push({
        region: r,
        at: m.at,
        when: `${formatFrenchDate(todayOf(m.at))} à ${PARIS_TIME.format(new Date(m.at))}`,
        to: m.destination.to,
        subject: m.subject,
        delivery: m.delivery,
        deliveryLabel: m.delivery === 'relayed' ? `envoyé par le relais ${m.relay ?? 'SMTP'}` : 'conservé sur cette machine, non envoyé',
        text: m.body.text ?? '',
      });
    }
  }
  return { available: true, emails: views.sort((a, b) => b.at.localeCompare(a.at)) };
}

import type { SESv2Client } from '@aws-sdk/client-sesv2';
import { z } from 'zod';
import { ANNUAL_DEADLINE } from '../domain/evidence';
import { forRegion } from '../domain/regional';
import { dueReminders, lateEstablishments, type DueReminder, type OwedItem, type OwedReportPart } from '../domain/reminders';
import type { Deadline, EvidenceRecord, Targeting } from '../domain/schemas';
import { settingsFor, type ParameterSet } from '../domain/settings';
import { renderDigest, type DigestLine, type DigestReports } from '../notify/digest-email';
import { renderReminder, type RenderedEmail } from '../notify/reminder-email';
import { sendEmail, type SenderOptions } from '../notify/ses-sender';
import { auditLog, SYSTEM_ACTOR, type AuditLog } from '../store/audit-log';
import { issueLink, linkDeps, type PersonalLinkIssuer } from '../portal/links';
import { reportGaps } from '../report/self-evaluation-view';
import type { Runtime } from '../runtime';
import type { DynamoStore, SuppressedAddress } from '../store/dynamo-store';
import type { SelfEvaluationStore } from '../store/self-evaluation-store';
import { readRegionYear, regionReports } from './self-evaluation';

export interface SentReminder {
  region: string;
  campaign: string;
  deadline: string;
  deadlineDate: string;
  finess: string;
  establishment: string;
  step: string;
  /** What the establishment still owes, and why. */
  owed: OwedItem[];
  email: RenderedEmail;
  /** `sent`, `already-sent` (another run did it), `dry-run`, or `suppressed` (every address of the establishment is). */
  outcome: 'sent' | 'already-sent' | 'dry-run' | 'suppressed';
  messageId: string | null;
}

/** OMéDIT's digest of a region's run: sent, already sent by an earlier run of the day, or previewed. */
export interface SentDigest {
  region: string;
  email: RenderedEmail;
  outcome: 'sent' | 'already-sent' | 'dry-run';
  messageId: string | null;
}

export interface RemindRun {
  reminders: SentReminder[];
  digests: SentDigest[];
}

/** What the reminder function answers (and `caqes run` reads back): the outcome of each e-mail, without its content. */
export const RemindOutcome = z.object({
  today: z.string(),
  reminders: z.array(
    z.object({
      region: z.string(),
      campaign: z.string(),
      deadline: z.string(),
      finess: z.string(),
      step: z.string(),
      outcome: z.enum(['sent', 'already-sent', 'dry-run', 'suppressed']),
      messageId: z.string().nullable(),
    }),
  ),
  digests: z.array(z.object({ region: z.string(), outcome: z.enum(['sent', 'already-sent', 'dry-run']), messageId: z.string().nullable() })),
});
export type RemindOutcome = z.infer<typeof RemindOutcome>;

/** The outcome of a run, as the function answers it. */
export function outcomeOf(today: string, run: RemindRun): RemindOutcome {
  return {
    today,
    reminders: run.reminders.map(({ region, campaign, deadline, finess, step, outcome, messageId }) => ({ region, campaign, deadline, finess, step, outcome, messageId })),
    digests: run.digests.map(({ region, outcome, messageId }) => ({ region, outcome, messageId })),
  };
}

export interface RemindDeps {
  store: DynamoStore;
  /** The self-evaluation reports: what each still lacks goes with its deadline's reminders, where each stands in the digest. */
  reports: Pick<SelfEvaluationStore, 'get' | 'list'>;
  ses: SESv2Client;
  sender: SenderOptions;
  /** Issues the establishment's personal upload link that the e-mail carries (lib/portal/links.ts). */
  personalLink: PersonalLinkIssuer;
  /** Where each reminder sent is recorded (the region's audit log). */
  audit?: AuditLog;
  now: () => Date;
}

/** What a reminder run needs, from the runtime of this process (the same in both runtimes). */
export function remindDeps(rt: Runtime): RemindDeps {
  return {
    store: rt.store,
    reports: rt.reports,
    ses: rt.clients.ses,
    sender: { from: rt.config.CAQES_SENDER, replyTo: rt.config.CAQES_REPLY_TO, configurationSet: rt.config.CAQES_SES_CONFIGURATION_SET },
    personalLink: (request) => issueLink(linkDeps(rt), request),
    audit: auditLog(rt.audit, rt.now),
    now: rt.now,
  };
}

/**
 * A region's self-evaluation reports of each year the calendar gives an `auto_evaluation` deadline:
 * what each site's report still lacks (by year and FINESS), and where each report stands.
 */
async function regionReportState(deps: RemindDeps, region: string, deadlines: readonly Deadline[], today: string): Promise<{ gaps: Map<string, OwedReportPart[]>; digest: DigestReports[] }> {
  const gaps = new Map<string, OwedReportPart[]>();
  const digest: DigestReports[] = [];
  const years = [...new Set(deadlines.filter((d) => d.id === ANNUAL_DEADLINE).map((d) => d.year))].sort();
  for (const year of years) {
    const models = regionReports(await readRegionYear(deps, region, year, today));
    if (models.length === 0) continue;
    for (const model of models) for (const site of model.sites) gaps.set(`${year}#${site.finess}`, reportGaps(model));
    digest.push({ year, deadline: models[0]!.lock.deadline, reports: models.map((m) => ({ contrat: m.contrat, sites: m.sites.map((s) => s.raisonSociale).join(', '), status: m.status })) });
  }
  return { gaps, digest };
}

/** A claim not turned into `sent` within this time was interrupted (a crash between claim and send). */
const STALE_CLAIM_MS = 15 * 60 * 1000;

/** Where a region's digest goes: its `emails_omedit` (the most recent year that sets it), else OMéDIT's reply-to address. */
function digestRecipients(parameters: readonly ParameterSet[], region: string, replyTo: string | undefined): string[] {
  const years = [...new Set(parameters.map((p) => p.year))].sort((a, b) => b - a);
  for (const year of years) {
    const to = settingsFor(parameters, region, year).digestTo;
    if (to) return [...to];
  }
  return replyTo ? [replyTo] : [];
}

/**
 * Sends, for `today`, each reminder whose step is due, exactly once: a conditional claim is written
 * before sending and turned into `sent` after, so repeated or concurrent runs send nothing twice.
 * Each e-mail sent carries a new personal link, issued once the reminder is claimed; addresses on
 * the suppression list (bounces, complaints) are left out. Then each region's OMéDIT gets one digest
 * of the day: who was reminded of what, who is late, which addresses were left out. A dry run sends
 * nothing and issues no link.
 */
export async function runReminders(today: string, deps: RemindDeps, options: { dryRun?: boolean } = {}): Promise<RemindRun> {
  const { store } = deps;
  const dryRun = options.dryRun ?? false;
  const [allDeadlines, parameters, suppressed] = await Promise.all([store.listDeadlines(), store.listParameters(), store.listSuppressed()]);
  const suppressedBy = new Map(suppressed.map((s) => [s.address, s]));
  const run: RemindRun = { reminders: [], digests: [] };
  for (const { region } of await store.listRegions()) {
    const deadlines = forRegion(allDeadlines, region);
    const establishments = await store.listEstablishments(region);
    const targetings: Targeting[] = await store.listTargetings(region);
    const campaigns = [...new Set(deadlines.map((d) => d.campaign))];
    const evidence: EvidenceRecord[] = (await Promise.all(campaigns.map((c) => store.listEvidence(region, c)))).flat();
    const reports = await regionReportState(deps, region, deadlines, today);
    const inputs = {
      today,
      deadlines,
      establishments,
      targetings,
      evidence,
      offsets: (year: number) => settingsFor(parameters, region, year).reminderOffsets,
      reportGaps: (year: number, finess: string) => reports.gaps.get(`${year}#${finess}`) ?? [],
    };
    const lines: DigestLine[] = [];
    for (const reminder of dueReminders(inputs)) {
      const left = reminder.establishment.emails.map((e) => suppressedBy.get(e.trim().toLowerCase())).filter((s): s is SuppressedAddress => s !== undefined);
      const sent = await deliver(region, reminder, left, deps, dryRun);
      run.reminders.push(sent);
      lines.push({ reminder, outcome: sent.outcome, suppressed: left });
    }
    const to = digestRecipients(parameters, region, deps.sender.replyTo);
    if (to.length > 0) run.digests.push(await digest(region, today, lines, lateEstablishments(inputs), reports.digest, to, deps, dryRun));
  }
  return run;
}

async function deliver(region: string, reminder: DueReminder, suppressed: readonly SuppressedAddress[], deps: RemindDeps, dryRun: boolean): Promise<SentReminder> {
  const { deadline, establishment } = reminder;
  const base = {
    region,
    campaign: deadline.campaign,
    deadline: deadline.id,
    deadlineDate: deadline.date,
    finess: establishment.finess,
    establishment: establishment.raisonSociale,
    step: reminder.step,
    owed: reminder.owed,
  };
  const recipients = establishment.emails.filter((e) => !suppressed.some((s) => s.address === e.trim().toLowerCase()));
  const preview = { ...renderReminder(reminder, null), to: recipients };
  if (dryRun) return { ...base, email: preview, outcome: recipients.length ? 'dry-run' : 'suppressed', messageId: null };
  const marker = { region, campaign: deadline.campaign, deadline: deadline.id, finess: establishment.finess, step: reminder.step, claimedAt: deps.now().toISOString() };
  if (!(await deps.store.claimReminder(marker, STALE_CLAIM_MS))) return { ...base, email: preview, outcome: 'already-sent', messageId: null };
  // Nowhere to send it: recorded as such once per step, so the digest says it once, not every day.
  if (recipients.length === 0) {
    await deps.store.markReminderSent({ ...marker, status: 'suppressed', sentAt: null, messageId: null });
    return { ...base, email: preview, outcome: 'suppressed', messageId: null };
  }
  // Issued after the claim, so only an e-mail about to be sent gets a link.
  const link = await deps.personalLink({ region, campaign: deadline.campaign, finess: establishment.finess, issuedBy: `rappel ${reminder.step}` });
  const email = { ...renderReminder(reminder, link), to: recipients };
  const messageId = await sendEmail(deps.ses, email, deps.sender);
  await deps.store.markReminderSent({ ...marker, status: 'sent', sentAt: deps.now().toISOString(), messageId });
  // After the marker: only the run that won the claim and sent gets here, once.
  await deps.audit?.record({
    region,
    actor: SYSTEM_ACTOR,
    action: 'reminder.sent',
    target: establishment.finess,
    after: { campaign: deadline.campaign, deadline: deadline.id, step: reminder.step, recipients: recipients.length, messageId },
  });
  return { ...base, email, outcome: 'sent', messageId };
}

async function digest(
  region: string,
  today: string,
  lines: readonly DigestLine[],
  late: readonly DueReminder[],
  reports: readonly DigestReports[],
  to: readonly string[],
  deps: RemindDeps,
  dryRun: boolean,
): Promise<SentDigest> {
  const email = renderDigest(region, today, lines, late, to, reports);
  if (dryRun) return { region, email, outcome: 'dry-run', messageId: null };
  // One digest a day: a second run of the day (a retry, a catch-up) does not send another.
  if (!(await deps.store.claimDigest(region, today, deps.now().toISOString()))) return { region, email, outcome: 'already-sent', messageId: null };
  return { region, email, outcome: 'sent', messageId: await sendEmail(deps.ses, email, deps.sender) };
}

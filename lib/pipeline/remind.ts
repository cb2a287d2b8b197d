import type { SESv2Client } from '@aws-sdk/client-sesv2';
import type { Logger } from '@aws-lambda-powertools/logger';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ANNUAL_DEADLINE } from '../domain/evidence';
import { deadlinesForRegion } from '../domain/regional';
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
import type { ReferentialStore } from '../store/referential-store';
import type { ReminderMarker, ReminderStore, SuppressedAddress } from '../store/reminder-store';
import type { SelfEvaluationStore } from '../store/self-evaluation-store';
import { readRegionYear, regionReports, type ReportReads } from './self-evaluation';

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
  /**
   * `sent`, `already-sent` (another run did it), `dry-run`, `suppressed` (every address of the
   * establishment is), or `failed` (SES refused it: the next run sends it).
   */
  outcome: 'sent' | 'already-sent' | 'dry-run' | 'suppressed' | 'failed';
  messageId: string | null;
}

/**
 * OMéDIT's digest of a region's run: sent, already sent by an earlier run of the day, being sent by
 * another run (`in-progress`), refused by SES (`failed`: a later run of the day sends it), or previewed.
 */
export interface SentDigest {
  region: string;
  email: RenderedEmail;
  outcome: 'sent' | 'already-sent' | 'in-progress' | 'failed' | 'dry-run';
  messageId: string | null;
}

export interface RemindRun {
  reminders: SentReminder[];
  digests: SentDigest[];
  /** What SES answered to each e-mail it refused: the function fails with the first, once every other e-mail is sent. */
  errors: unknown[];
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
      outcome: z.enum(['sent', 'already-sent', 'dry-run', 'suppressed', 'failed']),
      messageId: z.string().nullable(),
    }),
  ),
  digests: z.array(z.object({ region: z.string(), outcome: z.enum(['sent', 'already-sent', 'in-progress', 'failed', 'dry-run']), messageId: z.string().nullable() })),
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

export interface RemindDeps extends ReportReads {
  referential: ReportReads['referential'] & Pick<ReferentialStore, 'listRegions' | 'listParameters'>;
  /** The reminder and digest markers, and the suppression list. */
  reminders: Omit<ReminderStore, 'suppressAddress'>;
  /** The self-evaluation reports: what each still lacks goes with its deadline's reminders, where each stands in the digest. */
  reports: Pick<SelfEvaluationStore, 'get' | 'list'>;
  ses: SESv2Client;
  sender: SenderOptions;
  /** Issues the establishment's personal upload link that the e-mail carries (lib/portal/links.ts). */
  personalLink: PersonalLinkIssuer;
  /** Where each reminder sent is recorded (the region's audit log). */
  audit?: AuditLog;
  /** Where an e-mail SES refused, or a marker that could not be written, is said. */
  logger?: Pick<Logger, 'error'>;
  /** How long the digest waits for the claims of concurrent runs to end (default 30 s). */
  claimWaitMs?: number;
  now: () => Date;
}

/** What a reminder run needs, from the runtime of this process (the same in both runtimes). */
export function remindDeps(rt: Runtime): RemindDeps {
  return {
    referential: rt.referential,
    results: rt.results,
    evidence: rt.evidence,
    reminders: rt.reminders,
    reports: rt.reports,
    ses: rt.clients.ses,
    sender: { from: rt.config.CAQES_SENDER, replyTo: rt.config.CAQES_REPLY_TO, configurationSet: rt.config.CAQES_SES_CONFIGURATION_SET },
    personalLink: (request) => issueLink(linkDeps(rt), request),
    audit: auditLog(rt.audit, rt.now),
    logger: rt.logger,
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
 * Sends, for `today`, each reminder whose step is due, at least once and almost always exactly once:
 * a conditional claim is written before sending and turned into `sent` (with SES's message id)
 * after, so repeated or concurrent runs send nothing twice; a reminder SES refused is marked `failed`
 * and sent by the next run, even once its step is past. Each e-mail sent carries a new personal link,
 * issued once the reminder is claimed; addresses on the suppression list (bounces, complaints) are
 * left out. Then each region's OMéDIT gets one digest of the day, counted from the markers: who was
 * reminded of what, which reminder failed or is stuck, who is late, which addresses were left out.
 * A dry run sends nothing and issues no link.
 */
export async function runReminders(today: string, deps: RemindDeps, options: { dryRun?: boolean } = {}): Promise<RemindRun> {
  const { referential } = deps;
  const dryRun = options.dryRun ?? false;
  const [parameters, suppressed] = await Promise.all([referential.listParameters(), deps.reminders.listSuppressed()]);
  const suppressedBy = new Map(suppressed.map((s) => [s.address, s]));
  const run: RemindRun = { reminders: [], digests: [], errors: [] };
  for (const { region } of await referential.listRegions()) {
    // The region's own calendar (or the shared one), then only the rows for it or for every region.
    const deadlines = deadlinesForRegion(await referential.listDeadlines(region), region);
    const establishments = await referential.listEstablishments(region);
    const targetings: Targeting[] = await referential.listTargetings(region);
    const campaigns = [...new Set(deadlines.map((d) => d.campaign))];
    const evidence: EvidenceRecord[] = (await Promise.all(campaigns.map((c) => deps.evidence.list(region, c)))).flat();
    const reports = await regionReportState(deps, region, deadlines, today);
    const inputs: ReminderInputs = {
      today,
      deadlines,
      establishments,
      targetings,
      evidence,
      offsets: (year: number) => settingsFor(parameters, region, year).reminderOffsets,
      reportGaps: (year: number, finess: string) => reports.gaps.get(`${year}#${finess}`) ?? [],
    };
    const due = dueReminders(inputs);
    const delivered: Delivered[] = [];
    for (const reminder of [...due, ...(await interruptedReminders(region, due, inputs, deps, dryRun))]) {
      const left = reminder.establishment.emails.map((e) => suppressedBy.get(e.trim().toLowerCase())).filter((s): s is SuppressedAddress => s !== undefined);
      const sent = await deliver(region, today, reminder, left, deps, dryRun, run.errors);
      run.reminders.push(sent);
      delivered.push({ reminder, sent, suppressed: left });
    }
    const to = digestRecipients(parameters, region, deps.sender.replyTo);
    if (to.length > 0) run.digests.push(await digest(region, today, delivered, lateEstablishments(inputs), reports.digest, to, deps, dryRun, run.errors));
  }
  return run;
}

type ReminderInputs = Parameters<typeof dueReminders>[0];

interface Delivered {
  reminder: DueReminder;
  sent: SentReminder;
  suppressed: SuppressedAddress[];
}

/** A reminder's identity among its region's markers. */
function markerId(m: { campaign: string; deadline: string; finess: string; step: string }): string {
  return `${m.campaign}#${m.deadline}#${m.finess}#${m.step}`;
}

const idOf = (r: DueReminder) => markerId({ campaign: r.deadline.campaign, deadline: r.deadline.id, finess: r.establishment.finess, step: r.step });

async function regionMarkers(region: string, campaigns: readonly string[], reminders: Pick<ReminderStore, 'listReminders'>): Promise<Map<string, ReminderMarker>> {
  const markers = (await Promise.all(campaigns.map((c) => reminders.listReminders(region, c)))).flat();
  return new Map(markers.map((m) => [markerId(m), m]));
}

/**
 * The reminders SES refused (`failed`) or whose run stopped between claim and send (a claim older
 * than the stale delay) that are not due again today: sent now, with what the establishment owes
 * today, even once their step is past. One that owes nothing any more is `settled`.
 */
async function interruptedReminders(region: string, due: readonly DueReminder[], inputs: ReminderInputs, deps: RemindDeps, dryRun: boolean): Promise<DueReminder[]> {
  const dueIds = new Set(due.map(idOf));
  const staleBefore = deps.now().getTime() - STALE_CLAIM_MS;
  const markers = await regionMarkers(region, [...new Set(inputs.deadlines.map((d) => d.campaign))], deps.reminders);
  const retried: DueReminder[] = [];
  for (const [id, m] of markers) {
    const interrupted = m.status === 'failed' || (m.status === 'claimed' && Date.parse(m.claimedAt) < staleBefore);
    if (!interrupted || dueIds.has(id)) continue;
    const [reminder] = dueReminders({
      ...inputs,
      deadlines: inputs.deadlines.filter((d) => d.campaign === m.campaign && d.id === m.deadline),
      establishments: inputs.establishments.filter((e) => e.finess === m.finess),
      offsets: () => [Number(m.step.slice(1))],
    });
    if (reminder) retried.push(reminder);
    else if (!dryRun) await deps.reminders.markReminderSent({ ...m, status: 'settled' });
  }
  return retried;
}

/** Writes a marker after SES accepted the e-mail, again a few times: each failure here is a possible duplicate. */
async function persist(write: () => Promise<void>): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      await write();
      return true;
    } catch (error) {
      if (attempt >= 4) return false;
      await sleep(100 * 2 ** attempt);
    }
  }
}

function errorText(error: unknown): string {
  return (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);
}

async function deliver(
  region: string,
  today: string,
  reminder: DueReminder,
  suppressed: readonly SuppressedAddress[],
  deps: RemindDeps,
  dryRun: boolean,
  errors: unknown[],
): Promise<SentReminder> {
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
  const marker = { region, campaign: deadline.campaign, deadline: deadline.id, finess: establishment.finess, step: reminder.step, claimedAt: deps.now().toISOString(), day: today };
  if (!(await deps.reminders.claimReminder(marker, STALE_CLAIM_MS))) return { ...base, email: preview, outcome: 'already-sent', messageId: null };
  // Nowhere to send it: recorded as such once per step, so the digest says it once, not every day.
  if (recipients.length === 0) {
    await deps.reminders.markReminderSent({ ...marker, status: 'suppressed', sentAt: null, messageId: null });
    return { ...base, email: preview, outcome: 'suppressed', messageId: null };
  }
  // Issued after the claim, so only an e-mail about to be sent gets a link.
  const link = await deps.personalLink({ region, campaign: deadline.campaign, finess: establishment.finess, issuedBy: `rappel ${reminder.step}` });
  const email = { ...renderReminder(reminder, link), to: recipients };
  const reference = `rappel/${region}/${markerId(marker).replace(/#/g, '/')}`;
  let messageId: string;
  try {
    messageId = await sendEmail(deps.ses, email, deps.sender, reference);
  } catch (error) {
    await deps.reminders.markReminderSent({ ...marker, status: 'failed', sentAt: null, messageId: null, lastError: errorText(error) });
    deps.logger?.error('reminder not sent: the next run sends it', { reference, error: error as Error });
    errors.push(error);
    return { ...base, email, outcome: 'failed', messageId: null };
  }
  if (!(await persist(() => deps.reminders.markReminderSent({ ...marker, status: 'sent', sentAt: deps.now().toISOString(), messageId })))) {
    deps.logger?.error('reminder sent but its marker not written: a run after the stale delay sends it again', { reference, messageId });
  }
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

/**
 * What each reminder of the run came to, from the markers (concurrent runs share them), once no
 * other run holds a fresh claim on one of them (or `claimWaitMs` passed: that claim is `stuck`).
 */
async function digestLines(region: string, today: string, delivered: readonly Delivered[], deps: RemindDeps): Promise<DigestLine[]> {
  const campaigns = [...new Set(delivered.map((d) => d.reminder.deadline.campaign))];
  const waitUntil = Date.now() + (deps.claimWaitMs ?? 30_000);
  const othersClaimed = (markers: Map<string, ReminderMarker>) =>
    delivered.some((d) => d.sent.outcome !== 'sent' && markers.get(idOf(d.reminder))?.status === 'claimed' && Date.parse(markers.get(idOf(d.reminder))!.claimedAt) >= deps.now().getTime() - STALE_CLAIM_MS);
  let markers = await regionMarkers(region, campaigns, deps.reminders);
  while (othersClaimed(markers) && Date.now() < waitUntil) {
    await sleep(200);
    markers = await regionMarkers(region, campaigns, deps.reminders);
  }
  return delivered.map(({ reminder, sent, suppressed }) => {
    const marker = markers.get(idOf(reminder));
    return { reminder, suppressed, outcome: marker ? markerOutcome(marker, today, sent) : sent.outcome };
  });
}

function markerOutcome(marker: ReminderMarker, today: string, sent: SentReminder): DigestLine['outcome'] {
  // This run sent it: its marker may still say `claimed` when its write failed.
  if (sent.outcome === 'sent') return 'sent';
  switch (marker.status) {
    case 'claimed':
      return 'stuck';
    case 'failed':
      return 'failed';
    case 'settled':
      return 'already-sent';
    default:
      return marker.day === today ? marker.status : 'already-sent';
  }
}

async function digest(
  region: string,
  today: string,
  delivered: readonly Delivered[],
  late: readonly DueReminder[],
  reports: readonly DigestReports[],
  to: readonly string[],
  deps: RemindDeps,
  dryRun: boolean,
  errors: unknown[],
): Promise<SentDigest> {
  const fromRun = delivered.map(({ reminder, sent, suppressed }) => ({ reminder, suppressed, outcome: sent.outcome }));
  if (dryRun) return { region, email: renderDigest(region, today, fromRun, late, to, reports), outcome: 'dry-run', messageId: null };
  // One digest a day: a second run of the day sends none, unless the first one's failed or stopped.
  if (!(await deps.reminders.claimDigest(region, today, deps.now().toISOString(), STALE_CLAIM_MS))) {
    const marker = await deps.reminders.getDigest(region, today);
    return { region, email: renderDigest(region, today, fromRun, late, to, reports), outcome: marker?.status === 'claimed' ? 'in-progress' : 'already-sent', messageId: null };
  }
  const claimedAt = deps.now().toISOString();
  const email = renderDigest(region, today, await digestLines(region, today, delivered, deps), late, to, reports);
  const reference = `recapitulatif/${region}/${today}`;
  let messageId: string;
  try {
    messageId = await sendEmail(deps.ses, email, deps.sender, reference);
  } catch (error) {
    await deps.reminders.markDigest({ region, day: today, status: 'failed', claimedAt, sentAt: null, messageId: null, lastError: errorText(error) });
    deps.logger?.error('digest not sent: a later run of the day sends it', { reference, error: error as Error });
    errors.push(error);
    return { region, email, outcome: 'failed', messageId: null };
  }
  if (!(await persist(() => deps.reminders.markDigest({ region, day: today, status: 'sent', claimedAt, sentAt: deps.now().toISOString(), messageId })))) {
    deps.logger?.error('digest sent but its marker not written: a run after the stale delay sends it again', { reference, messageId });
  }
  return { region, email, outcome: 'sent', messageId };
}

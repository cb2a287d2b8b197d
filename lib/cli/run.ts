import { createReadStream, createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { readdir, mkdir, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep, dirname } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { scheduleInstant } from '../domain/clock';
import type { IndicatorResult } from '../domain/schemas';
import type { ValidationReport } from '../formats/report';
import { ValidationReport as ReportSchema } from '../formats/report';
import type { Embedded } from '../local/embedded';
import { startLocal } from '../local/single-machine';
import { newOrChangedKeys } from '../local/unchanged';
import { localContext, scheduledEvent } from '../local/invoke';
import { deadLetterCauses, type DeadLetterCause } from '../pipeline/dead-letter-causes';
import { RemindOutcome } from '../pipeline/remind';
import type { BuiltSummary } from '../pipeline/summarize';
import { localKeyProblem } from '../local/s3-events';
import { refuseUnstored } from '../pipeline/ingest';
import { DROP_PREFIXES, dropKeyProblem } from '../store/keys';

export interface EmailSent {
  to: string[];
  replyTo: string[];
  subject: string;
  text: string;
  deadline: string;
  deadlineDate: string;
  campaign: string;
  step: string;
  finess: string;
  establishment: string;
  region: string;
  messageId: string;
}

export interface RunResult {
  today: string;
  files: { key: string; report: ValidationReport | null }[];
  /** Files of the folder left out because the state's bucket already holds them as they are (`--state`). */
  unchanged: number;
  indicators: IndicatorResult[];
  emails: EmailSent[];
  alreadySent: number;
  /** Reminders not sent because every address of the establishment is on the suppression list. */
  suppressed: number;
  /** OMéDIT's digest of the day per region, as the local SES received it. */
  digests: { region: string; to: string[]; subject: string; text: string }[];
  /** Each summary's workbook (`path`), page and CSV, copied to the output folder. */
  summaries: (BuiltSummary & { path: string; pagePath: string; csvPath: string })[];
  /** The messages that kept failing, with what they were about and why. */
  deadLetters: DeadLetterCause[];
  outDir: string;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.'))
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .filter((key) => DROP_PREFIXES.some((p) => key.startsWith(p)))
    .sort();
}

/**
 * Referential first (establishments before the files that name them), then the extracts, then the
 * evidence: the order an OMéDIT would load a campaign in. Each group is ingested to the end before
 * the next is dropped; the indicators and summaries are computed once per region and year after the
 * last group, not for every file (a region's computation before its extract arrives is thrown away).
 */
function groups(keys: string[]): string[][] {
  const rank = (key: string) =>
    key.startsWith('referential/etablissements') ? 0 : key.startsWith('referential/') ? 1 : key.startsWith('evidence/') ? 3 : 2;
  return [0, 1, 2, 3].map((r) => keys.filter((k) => rank(k) === r)).filter((g) => g.length > 0);
}


/**
 * Runs the whole pipeline on a folder laid out like the drop zone, on the embedded default: drops
 * every file into the local S3, lets the same handlers as Lambda ingest and compute, runs the
 * reminder job for `today` and the summary job, and writes what happened to `outDir`.
 */
export async function runPipeline(options: RunOptions & { stateDir?: string }): Promise<RunResult> {
  const local = await startLocal({ stateDir: options.stateDir, command: 'run' });
  try {
    return await runOnEmbedded(local.embedded, { ...options, onlyNew: local.state !== null });
  } finally {
    await local.stop();
  }
}

export interface RunOptions {
  dataDir: string;
  today: string;
  outDir: string;
  /** Drop only the files the bucket does not hold as they are (a state folder replayed day by day). */
  onlyNew?: boolean;
}

/**
 * Drops every file of a folder laid out like the drop zone into the local S3, on the day asked for
 * (files dropped then were received that day), and lets ingest process them to the end. Then every
 * region and year the store knows is computed once for the day, every indicator, its summary built:
 * what the files asked for, and what the day's summary job would compute again (statuses move with
 * the date), so that the reminders read the day's results and the summary job need not.
 * @returns the keys dropped, and the regions and years computed for the day.
 */
export async function loadDropZone(
  embedded: Embedded,
  dataDir: string,
  today: string,
  options: { onlyNew?: boolean } = {},
): Promise<{ keys: string[]; resumed: string[]; upToDate: { region: string; year: number }[] }> {
  const rt = embedded.runtime;
  // What an earlier process put but left waiting (restored from the state) is ingested first: its
  // files then count as received rather than being put again.
  const resumed = embedded.takeRestored();
  await embedded.drain({ compute: false });
  const listed = await listFiles(dataDir);
  const keys = options.onlyNew ? await newOrChangedKeys(rt, dataDir, listed) : listed;
  embedded.setClock(() => new Date(scheduleInstant(today)));
  for (const group of groups(keys)) {
    for (const key of group) {
      const unstorable = dropKeyProblem(key) ?? localKeyProblem(key);
      if (unstorable && localKeyProblem(key)) {
        await refuseUnstored(key, unstorable, rt);
        continue;
      }
      // Streamed with its length: an extract of several GiB is never held in memory.
      const path = join(dataDir, ...key.split('/'));
      const { size } = await stat(path);
      await rt.clients.s3.send(new PutObjectCommand({ Bucket: rt.objects.bucket, Key: key, Body: createReadStream(path), ContentLength: size }));
    }
    await embedded.drain({ compute: false });
  }
  const upToDate = (await rt.referential.listRegions()).flatMap((r) => r.years.map((year) => ({ region: r.region, year })));
  await rt.computeQueue.send(upToDate);
  await embedded.drain();
  return { keys, resumed, upToDate };
}

/** The same run on emulators already started (tests run it twice on one state). */
export async function runOnEmbedded(embedded: Embedded, options: RunOptions): Promise<RunResult> {
  const { keys: dropped, resumed, upToDate } = await loadDropZone(embedded, options.dataDir, options.today, { onlyNew: options.onlyNew });
  // The files an interrupted run had put, ingested now, are the run's too.
  const keys = [...new Set([...resumed, ...dropped])];
  const unchanged = (await listFiles(options.dataDir)).filter((key) => !keys.includes(key)).length;
  const rt = embedded.runtime;

  const remind = await import('../../functions/remind/handler');
  const summarize = await import('../../functions/summarize/handler');
  const { reminders, digests } = RemindOutcome.parse(await remind.handler(scheduledEvent(options.today), localContext('caqes-remind')));
  const built = (await summarize.handler({ ...scheduledEvent(options.today), detail: { upToDate } }, localContext('caqes-summarize'))) as BuiltSummary[];

  const files = await Promise.all(
    keys.map(async (key) => {
      const events = await rt.fileEvents.list(key);
      const last = events[events.length - 1];
      const report = last?.reportKey ? ReportSchema.parse(JSON.parse((await rt.objects.readBuffer(last.reportKey)).toString('utf8'))) : null;
      return { key, report };
    }),
  );

  const indicators = (
    await Promise.all((await rt.referential.listRegions()).flatMap((r) => r.years.map((y) => rt.results.list(r.region, y))))
  ).flat();

  const deadlines = await rt.referential.listDeadlines();
  const establishments = new Map((await rt.referential.allEstablishments()).map((e) => [e.finess, e]));
  const received = await embedded.sentEmails();
  const emails: EmailSent[] = reminders
    .filter((r) => r.outcome === 'sent')
    .map((r) => {
      const mail = received.find((m) => m.messageId === r.messageId);
      const deadline = deadlines.find((d) => d.campaign === r.campaign && d.id === r.deadline);
      if (!mail) throw new Error(`the local SES has no e-mail ${r.messageId}`);
      return {
        to: mail.destination.to,
        replyTo: mail.replyTo,
        subject: mail.subject,
        text: mail.body.text ?? '',
        deadline: r.deadline,
        deadlineDate: deadline?.date ?? '',
        campaign: r.campaign,
        step: r.step,
        finess: r.finess,
        establishment: establishments.get(r.finess)?.raisonSociale ?? r.finess,
        region: r.region,
        messageId: r.messageId ?? '',
      };
    });

  await mkdir(options.outDir, { recursive: true });
  const summaries = [];
  // Streamed from the local S3 to the folder: a summary is never held whole to be copied.
  const copy = async (key: string): Promise<string> => {
    const path = join(options.outDir, key);
    await mkdir(dirname(path), { recursive: true });
    await pipeline(await rt.objects.read(key), createWriteStream(path));
    return path;
  };
  for (const summary of built) {
    summaries.push({ ...summary, path: await copy(summary.key), pagePath: await copy(summary.pageKey), csvPath: await copy(summary.csvKey) });
  }
  for (const file of files) {
    if (!file.report) continue;
    const path = join(options.outDir, 'reports', `${file.key}.json`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(file.report, null, 2));
  }
  await writeFile(join(options.outDir, 'indicators.json'), JSON.stringify(indicators, null, 2));
  await writeFile(join(options.outDir, 'emails.json'), JSON.stringify(emails, null, 2));

  return {
    today: options.today,
    files,
    unchanged,
    indicators,
    emails,
    alreadySent: reminders.filter((r) => r.outcome === 'already-sent').length,
    suppressed: reminders.filter((r) => r.outcome === 'suppressed').length,
    digests: digests
      .filter((d) => d.outcome === 'sent')
      .map((d) => {
        const mail = received.find((m) => m.messageId === d.messageId);
        if (!mail) throw new Error(`the local SES has no digest ${d.messageId}`);
        return { region: d.region, to: mail.destination.to, subject: mail.subject, text: mail.body.text ?? '' };
      }),
    summaries,
    deadLetters: await deadLetterCauses(embedded.deadLetters(), rt.fileEvents),
    outDir: options.outDir,
  };
}

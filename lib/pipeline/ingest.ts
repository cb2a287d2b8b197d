import { campaignYear } from '../domain/campaign';
import { todayOf } from '../domain/clock';
import { indicatorsUsing } from '../domain/evidence';
import type { Deadline, DocumentKind, Establishment } from '../domain/schemas';
import { formatFrenchDate } from '../io/french';
import { recognise, type Recognition } from '../formats/registry';
import { issuePlace, type ValidationReport } from '../formats/report';
import { refusedBeforeReading as refused, toReport, validateFile, type Validation } from '../formats/validate';
import { auditLog } from '../store/audit-log';
import type { AuditStore } from '../store/audit-log';
import type { EvidenceStore } from '../store/evidence-store';
import type { FileEventStore } from '../store/file-event-store';
import type { InputStore } from '../store/input-store';
import { DROP_PREFIXES, dropKeyProblem, eventOrder, objectVersion, parseDropKey, s3Keys, type DropKey } from '../store/keys';
import type { ObjectStore } from '../store/object-store';
import type { SelfEvaluationStore } from '../store/self-evaluation-store';
import type { WaitingFile, WaitingFileStore } from '../store/waiting-store';
import { applyOutput, dedupe, regionsReplaced, type ApplyStores } from './apply';
import type { ComputeMessage } from '../store/compute-queue';
import { recordDroppedInput } from './dropped-input';
import { evidenceLock } from './self-evaluation';

/** What S3 says about a received object (from the ObjectCreated notification). */
export interface ReceivedObject {
  key: string;
  eTag: string;
  size: number;
  sequencer: string;
  eventTime: string;
  versionId?: string;
  /** The event's key could not be decoded: `key` is as the event wrote it (lib/pipeline/s3-event.ts). */
  undecodableKey?: boolean;
}

export interface IngestOutcome {
  key: string;
  duplicate: boolean;
  report: ValidationReport | null;
  compute: ComputeMessage[];
}

export interface IngestDeps extends ApplyStores {
  /** Each received file's record: claimed before processing, finished with its outcome, or failed. */
  fileEvents: Pick<FileEventStore, 'claim' | 'finish' | 'fail'>;
  evidence: Pick<EvidenceStore, 'put'>;
  objects: ObjectStore;
  /** Where referential changes are recorded (lib/pipeline/referential-audit.ts). */
  audit: AuditStore;
  /** The self-evaluation reports: a year's evidence is refused once its report is locked. */
  reports: Pick<SelfEvaluationStore, 'get'>;
  /** Extracts that named establishments the referential did not know yet. */
  waiting: WaitingFileStore;
  /** Where the inputs dropped by script are recorded for OMéDIT's inputs page. */
  inputs: Pick<InputStore, 'putDropped' | 'listDropped'>;
  now: () => Date;
}

/** A refused file's first error as a reminder quotes it: `ligne 3, colonne « nb_ucd » : …`. */
function firstError(report: ValidationReport): string | null {
  const issue = report.issues.find((i) => i.severity === 'error');
  if (!issue) return null;
  const place = issuePlace(issue);
  return place ? `${place} : ${issue.message}` : issue.message;
}

function documentKindOf(recognition: Recognition): DocumentKind {
  if (recognition.tag === 'document') return recognition.documentKind;
  if (recognition.tag === 'table') return recognition.kinds[0]?.documentKind ?? 'autre';
  return 'autre';
}

/** An event of a received object, once claimed: its order among the events of its key, its version, when processing started. */
interface ClaimedEvent {
  order: string;
  version: string;
  startedAt: string;
}

/** What the object's key says it is: its drop zone's place and its kind, or why it is refused unread. */
type Recognised = { dropKey: DropKey; recognition: Recognition; refusal: null } | { dropKey: null; recognition: null; refusal: Validation };

/**
 * Processes one received object exactly once, as a straight line: recognise it from its key, lock it
 * (claim its event), validate it, report, and apply it to the stores only when it is accepted.
 * A re-delivered event (same key and sequencer) changes nothing.
 */
export async function ingestObject(object: ReceivedObject, deps: IngestDeps): Promise<IngestOutcome> {
  const recognised = recogniseDrop(object);
  // Outside the drop zones is what the pipeline writes itself: nothing to read.
  if (!recognised) return { key: object.key, duplicate: false, report: null, compute: [] };

  // Copy events carry no ETag (s3rver): the content's identity is then asked of S3.
  const eTag = object.eTag || (await deps.objects.etag(object.key)) || 'unknown';
  object = { ...object, eTag };
  const event: ClaimedEvent = { order: eventOrder(object.eventTime, object.sequencer, eTag), version: objectVersion(object.versionId, object.eTag), startedAt: deps.now().toISOString() };
  const previous = await deps.fileEvents.claim({ key: object.key, ...event });
  // Asking again for the computations is harmless and covers a crash after the record was written.
  if (previous) return { key: object.key, duplicate: true, report: null, compute: previous.compute };
  try {
    return await processClaimed(object, recognised, event, deps);
  } catch (error) {
    // Delivered again, then dead-lettered if it keeps failing: the file record says why.
    const why = error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error).slice(0, 500);
    await deps.fileEvents.fail(object.key, event.order, why, deps.now().toISOString()).catch(() => undefined);
    throw error;
  }
}

/** The object's place and kind from its key; null outside the drop zones (nothing to read there). */
function recogniseDrop(object: Pick<ReceivedObject, 'key' | 'undecodableKey'>): Recognised | null {
  const dropKey = parseDropKey(object.key);
  if (!dropKey && !DROP_PREFIXES.some((p) => object.key.startsWith(p))) return null;
  const nameProblem = object.undecodableKey ? UNDECODABLE : dropKeyProblem(object.key);
  if (nameProblem) return { dropKey: null, recognition: null, refusal: refused('unsafe-name', nameProblem) };
  if (!dropKey) return { dropKey: null, recognition: null, refusal: refused('unknown-kind', `chemin de dépôt non reconnu : « ${object.key} » (attendus : ${LAYOUTS})`) };
  return { dropKey, recognition: recognise(dropKey), refusal: null };
}

/** A path under a drop zone that is not one of its layouts. */
const LAYOUTS = 'referential/<fichier>, atih/<année>/<fichier>, cpam/<année>/<fichier>, evidence/<campagne>/<FINESS>/<type de document>/<fichier>, ou referential/<RÉGION>/<dépôt>/<fichier>, atih|cpam/<année>/<RÉGION>/<dépôt>/<fichier> (page de l’OMéDIT)';

function regionOnly(establishments: ReadonlyMap<string, Establishment>, region: string): Map<string, Establishment> {
  return new Map([...establishments].filter(([, e]) => e.region === region));
}

/** What the report of a referential file says of its reach: the regions whose data it replaces, and only those. */
function replacedNote({ regions, shared }: { regions: readonly string[]; shared: boolean }): string {
  const parts = [
    ...(regions.length === 0 ? [] : [`les données de ${regions.length === 1 ? 'la région' : 'ces régions'} ${regions.join(', ')}`]),
    ...(shared ? ['ce qui est commun à toutes les régions (lignes sans région)'] : []),
  ];
  return parts.length === 0 ? 'Ce fichier ne nomme aucune région : il ne change les données d’aucune région.' : `Ce fichier remplace ${parts.join(' et ')}, et rien d’autre.`;
}

const UNDECODABLE = 'le nom transmis par S3 est mal encodé (un « % » qui ne code aucun caractère) et ne désigne aucun fichier lisible';

/** The report and the file record of an object refused before it could be read. */
async function recordRefusal(key: string, validation: Validation, event: ClaimedEvent, deps: IngestDeps): Promise<IngestOutcome> {
  const { order, version, startedAt } = event;
  const fileName = key.split('/').pop() || key;
  const report = toReport(validation, { key, version, fileName, checkedAt: deps.now().toISOString() });
  const reportKey = s3Keys.report(key, order.replace(/[|:]/g, '-'));
  await deps.objects.putJson(reportKey, report);
  await deps.fileEvents.finish({ key, order, version, status: report.status, kind: null, reportKey, errorCount: report.errorCount, warningCount: report.warningCount, rowsRead: 0, rowsAccepted: 0, issueCounts: report.issueCounts, startedAt, finishedAt: deps.now().toISOString(), compute: [] });
  return { key, duplicate: false, report, compute: [] };
}

/**
 * Records and reports a file that never reached the drop zone because the store refused its name
 * (the embedded default's S3 keeps each object as a file, whose name has a length limit): it gets
 * its record and its report as every received file does.
 */
export async function refuseUnstored(key: string, problem: string, deps: IngestDeps): Promise<IngestOutcome> {
  const startedAt = deps.now().toISOString();
  const order = eventOrder(startedAt, '0', 'non-depose');
  const version = 'non-depose';
  const previous = await deps.fileEvents.claim({ key, order, version, startedAt });
  if (previous) return { key, duplicate: true, report: null, compute: [] };
  return recordRefusal(key, refused('unsafe-name', problem), { order, version, startedAt }, deps);
}

/**
 * Keeps what an accepted extract says about establishments the referential does not know yet
 * (a national extract, or one dropped before the referential), to read it again once it knows them.
 */
async function noteUnknownFiness(object: ReceivedObject, event: { order: string; version: string }, validation: Validation, waiting: WaitingFileStore): Promise<void> {
  if (validation.output === null || validation.issues.unknownFiness.size === 0) {
    await waiting.clear(object.key, event.order);
    return;
  }
  const { key, eTag, size, sequencer, eventTime } = object;
  await waiting.put({ key, order: event.order, version: event.version, eTag, size, sequencer, eventTime, versionId: object.versionId ?? null, finess: [...validation.issues.unknownFiness].sort() });
}

/**
 * Reads again, from their archived copy and with their own event order, the extracts that named
 * establishments the referential now knows: their rows count without a second drop.
 */
async function readWaitingAgain(deps: IngestDeps): Promise<ComputeMessage[]> {
  const known = new Set((await deps.referential.allEstablishments()).flatMap((e) => [e.finess, e.finessJuridique]));
  const requests: ComputeMessage[] = [];
  for (const file of await deps.waiting.list()) {
    const object = receivedOf(file);
    const recognised = parseDropKey(file.key) ? recogniseDrop(object) : null;
    if (!recognised || !file.finess.some((f) => known.has(f))) continue;
    const outcome = await processClaimed(object, recognised, { order: file.order, version: file.version, startedAt: deps.now().toISOString() }, deps, { reread: true });
    requests.push(...outcome.compute);
  }
  return requests;
}

function receivedOf(file: WaitingFile): ReceivedObject {
  return { key: file.key, eTag: file.eTag, size: file.size, sequencer: file.sequencer, eventTime: file.eventTime, versionId: file.versionId ?? undefined };
}

/** A claimed event's processing: validated, reported, applied, then its record finished with the outcome. */
async function processClaimed(object: ReceivedObject, recognised: Recognised, event: ClaimedEvent, deps: IngestDeps, options: { reread?: boolean } = {}): Promise<IngestOutcome> {
  if (recognised.refusal) return recordRefusal(object.key, recognised.refusal, event, deps);
  const { dropKey, recognition } = recognised;
  const context = await readContext(object, dropKey, deps, options);
  const validation = await validateDropped(object, dropKey, { ...context, version: event.version, recognition }, deps);
  const written = await writeReport(object, dropKey, validation, context, event, deps);
  const compute = await applyValidated(object, recognised, validation, written, context, event, deps);
  await deps.fileEvents.finish({
    key: object.key,
    order: event.order,
    version: event.version,
    status: written.report.status,
    kind: written.report.kind,
    reportKey: written.reportKey,
    errorCount: written.report.errorCount,
    warningCount: written.report.warningCount,
    rowsRead: written.report.rowsRead,
    rowsAccepted: written.report.rowsAccepted,
    issueCounts: written.report.issueCounts,
    startedAt: event.startedAt,
    finishedAt: deps.now().toISOString(),
    compute,
  });
  return { key: object.key, duplicate: false, report: written.report, compute };
}

/** What validating a dropped object needs besides its content: the sites known, its archived copy, its establishment and lock. */
interface DropContext {
  establishments: Map<string, Establishment>;
  /** The region an OMéDIT sent it for from its inputs page, if it was. */
  scope: string | undefined;
  archiveKey: string;
  /** Whether the archived copy holds the announced content. */
  archived: boolean;
  evidenceSite: Establishment | undefined;
  lock: Awaited<ReturnType<typeof evidenceLock>> | null;
}

/** Reads the drop's context once: the sites known, the archived copy (made now), the evidence's site and its report's lock. */
async function readContext(object: ReceivedObject, dropKey: DropKey, deps: IngestDeps, options: { reread?: boolean }): Promise<DropContext> {
  const establishments = new Map((await deps.referential.allEstablishments()).map((e) => [e.finess, e]));
  const scope = 'region' in dropKey ? dropKey.region : undefined;
  const archiveKey = s3Keys.archive(object.key, object.eTag);
  // Read again (readWaitingAgain): the archived copy is already there, whatever the key holds now.
  const archived = options.reread || (await deps.objects.archive(object.key, object.eTag, archiveKey, object.versionId));
  const evidenceSite = dropKey.zone === 'evidence' ? establishments.get(dropKey.finess) : undefined;
  // Judged on the day the upload arrived, not the day it is read: a file dropped on the deadline day still counts.
  const lock = dropKey.zone === 'evidence' && evidenceSite ? await evidenceLock(deps, evidenceSite, dropKey.campaign, todayOf(object.eventTime)) : null;
  return { establishments, scope, archiveKey, archived, evidenceSite, lock };
}

/** Writes the validation report, with the reach of a referential file noted, beside the drop zone. */
async function writeReport(object: ReceivedObject, dropKey: DropKey, validation: Validation, context: DropContext, event: ClaimedEvent, deps: IngestDeps): Promise<{ report: ValidationReport; reportKey: string }> {
  const report = toReport(validation, { key: object.key, version: event.version, fileName: dropKey.fileName, checkedAt: deps.now().toISOString() });
  const replaced = validation.output ? regionsReplaced(validation.output, context.establishments, context.scope) : null;
  if (replaced) report.notes.push(replacedNote(replaced));
  const reportKey = s3Keys.report(object.key, event.order.replace(/[|:]/g, '-'));
  await deps.objects.putJson(reportKey, report);
  return { report, reportKey };
}

/**
 * Applies what the file gives (accepted files only), keeps an extract's unknown sites for later,
 * reads waiting extracts again after an establishments file, records the input dropped and an
 * evidence upload's outcome; returns the computations asked for, one per region and year.
 */
async function applyValidated(
  object: ReceivedObject,
  { dropKey, recognition }: Extract<Recognised, { refusal: null }>,
  validation: Validation,
  { report, reportKey }: { report: ValidationReport; reportKey: string },
  context: DropContext,
  event: ClaimedEvent,
  deps: IngestDeps,
): Promise<ComputeMessage[]> {
  const { order, version } = event;
  const compute: ComputeMessage[] = validation.output ? await applyOutput(validation.output, order, deps, auditLog(deps.audit, deps.now), context.scope) : [];
  if (dropKey.zone === 'atih' || dropKey.zone === 'cpam') await noteUnknownFiness(object, event, validation, deps.waiting);
  if (validation.output?.type === 'establishments') compute.push(...(await readWaitingAgain(deps)));
  const inputYear = 'year' in dropKey ? dropKey.year : recognition.tag === 'table' ? recognition.year : null;
  await recordDroppedInput({ key: object.key, dropKey, archiveKey: context.archiveKey, reportKey, order, year: inputYear, size: object.size, eventTime: object.eventTime, report, output: validation.output }, context.establishments, deps.inputs);
  if (dropKey.zone === 'evidence' && context.evidenceSite && context.lock && recognition.tag !== 'unknown') {
    const read = { report, reportKey, order, version, output: validation.output, deadlines: context.lock.deadlines };
    compute.push(await recordEvidence(object, dropKey, context.evidenceSite, documentKindOf(recognition), read, deps));
  }
  return dedupe(compute);
}

/**
 * The validation of a dropped object: refused without reading when its archived copy is gone, its
 * establishment unknown or its year's report locked; else read from the archived copy.
 */
async function validateDropped(
  object: ReceivedObject,
  dropKey: DropKey,
  read: DropContext & { version: string; recognition: Recognition },
  deps: IngestDeps,
): Promise<Validation> {
  const { archived, archiveKey, version, scope, establishments, evidenceSite, lock, recognition } = read;
  const { objects } = deps;
  if (!archived) return refused('unreadable-file', 'le fichier a été remplacé ou supprimé avant sa lecture ; la nouvelle version est traitée à part');
  if (dropKey.zone === 'evidence' && !evidenceSite) return refused('unknown-finess', '', dropKey.finess);
  if (lock?.locked) return refused('report-locked', `depuis l’échéance du ${formatFrenchDate(lock.deadline as string)}`, String(lock.year));
  // On the embedded default the archived copy is a file here (content-addressed: every opening
  // reads the same bytes), so a large extract is read in two halves at once, as `caqes validate` reads it.
  const path = objects.localFile(archiveKey);
  return validateFile(
    { fileName: dropKey.fileName, size: object.size, open: () => objects.read(archiveKey), ...(path === null ? {} : { path }) },
    recognition,
    {
      source: { key: object.key, version },
      fileName: dropKey.fileName,
      year: 'year' in dropKey ? dropKey.year : null,
      campaign: dropKey.zone === 'evidence' ? dropKey.campaign : null,
      finess: dropKey.zone === 'evidence' ? dropKey.finess : null,
      // An extract sent for one region gives that region's facts only: other sites are left out as unknown.
      establishments: scope !== undefined && dropKey.zone !== 'referential' ? regionOnly(establishments, scope) : establishments,
      ...(scope === undefined ? {} : { region: scope }),
    },
  );
}

/** An evidence file's record for its establishment and campaign, and the computation it asks for. */
async function recordEvidence(
  object: ReceivedObject,
  dropKey: Extract<DropKey, { zone: 'evidence' }>,
  site: Establishment,
  kind: DocumentKind,
  read: { report: ValidationReport; reportKey: string; order: string; version: string; output: Validation['output']; deadlines: readonly Deadline[] },
  stores: Pick<IngestDeps, 'evidence'>,
): Promise<ComputeMessage> {
  const { report, reportKey, order, version, output, deadlines } = read;
  await stores.evidence.put(
    {
      region: site.region,
      campaign: dropKey.campaign,
      finess: dropKey.finess,
      kind,
      fileName: dropKey.fileName,
      receivedAt: object.eventTime,
      status: report.status,
      errorCount: report.errorCount,
      firstError: firstError(report),
      reportKey,
      order,
      summary: output?.type === 'evidence' ? output.summary : null,
      source: { key: object.key, version },
    },
    dropKey.uploadId,
  );
  const year = campaignYear(dropKey.campaign);
  return { region: site.region, year, indicators: indicatorsUsing(kind, year, deadlines) };
}

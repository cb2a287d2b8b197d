import { TableReadError, openCsv, type TableFile } from '../io';
import type { Establishment } from '../domain/schemas';
import { checkDocument } from '../formats/kinds/document';
import { issueMessage } from '../formats/messages';
import { recognise, type Recognised } from '../formats/registry';
import { IssueList, type IssueCode, type ValidationReport } from '../formats/report';
import { readTabular, type FormatContext, type TabularOutcome } from '../formats/tabular';
import type { DynamoStore } from '../store/dynamo-store';
import { eventOrder, parseDropKey, s3Keys } from '../store/keys';
import type { ObjectStore } from '../store/object-store';

/** What S3 says about a received object (from the ObjectCreated notification). */
export interface ReceivedObject {
  key: string;
  eTag: string;
  size: number;
  sequencer: string;
  eventTime: string;
  versionId?: string;
}

/** A region and year whose indicators must be computed again. */
export interface ComputeRequest {
  region: string;
  year: number;
}

export interface IngestOutcome {
  key: string;
  duplicate: boolean;
  report: ValidationReport | null;
  compute: ComputeRequest[];
}

/** Protective limits: each is refused with its own message rather than taking the function down. */
export const INGEST_LIMITS = {
  maxBytes: 4 * 1024 ** 3,
  maxRows: 50_000_000,
  maxCellsPerRow: 500,
  maxEvidenceBytes: 50 * 1024 ** 2,
};

export interface IngestDeps {
  store: DynamoStore;
  objects: ObjectStore;
  now: () => Date;
}

const READ_ERROR_CODES: Record<TableReadError['code'], IssueCode> = {
  'empty-file': 'empty-file',
  'encoding-error': 'encoding-error',
  'too-large': 'too-large',
  'too-many-rows': 'too-many-rows',
  'too-many-cells': 'too-many-cells',
  'binary-file': 'binary-file',
  'unreadable-file': 'unreadable-file',
};

function fileIssue(issues: IssueList, code: IssueCode, detail?: string, row: number | null = null): void {
  issues.add({ code, severity: 'error', row, column: null, value: null, message: issueMessage(code, { detail }) });
}

/**
 * Processes one received object exactly once: archives the announced content, recognises its kind,
 * validates it row by row, writes its report, and applies it to the store only when it is accepted.
 * A re-delivered event (same key and sequencer) changes nothing.
 */
export async function ingestObject(object: ReceivedObject, deps: IngestDeps): Promise<IngestOutcome> {
  const { store, objects } = deps;
  const dropKey = parseDropKey(object.key);
  if (!dropKey) return { key: object.key, duplicate: false, report: null, compute: [] };

  // Copy events carry no ETag (s3rver): the content's identity is then asked of S3.
  const eTag = object.eTag || (await objects.etag(object.key)) || 'unknown';
  object = { ...object, eTag };
  const order = eventOrder(object.eventTime, object.sequencer, eTag);
  const version = object.versionId ?? `etag:${object.eTag.replace(/"/g, '')}`;
  const startedAt = deps.now().toISOString();
  const previous = await store.claimFileEvent({ key: object.key, order, version, startedAt });
  // Asking again for the computations is harmless and covers a crash after the record was written.
  if (previous) return { key: object.key, duplicate: true, report: null, compute: previous.compute };

  const establishments = new Map((await store.allEstablishments()).map((e) => [e.finess, e]));
  const recognised = recognise(dropKey);
  const issues = new IssueList();
  let csvMeta: { encoding: string | null; delimiter: string | null } = { encoding: null, delimiter: null };
  let rows = { read: 0, accepted: 0 };
  let apply: (() => Promise<ComputeRequest[]>) | null = null;

  const archiveKey = s3Keys.archive(object.key, object.eTag);
  const archived = await objects.archive(object.key, object.eTag, archiveKey, object.versionId);
  const evidenceSite = dropKey.zone === 'evidence' ? establishments.get(dropKey.finess) : undefined;

  if (!archived) {
    fileIssue(issues, 'unreadable-file', 'le fichier a été remplacé ou supprimé avant sa lecture ; la nouvelle version est traitée à part');
  } else if (recognised.tag === 'unknown') {
    fileIssue(issues, 'unknown-kind', recognised.detail);
  } else if (dropKey.zone === 'evidence' && !evidenceSite) {
    issues.add({ code: 'unknown-finess', severity: 'error', row: null, column: null, value: dropKey.finess, message: issueMessage('unknown-finess', { value: dropKey.finess }) });
  } else if (recognised.tag === 'document') {
    if (object.size > INGEST_LIMITS.maxEvidenceBytes) fileIssue(issues, 'too-large', '50 Mo au plus');
    else {
      const head = await firstBytes(await objects.read(archiveKey), 8192);
      const problem = checkDocument(dropKey.fileName, object.size, head);
      if (problem) fileIssue(issues, problem.code, problem.detail);
    }
  } else if (object.size > INGEST_LIMITS.maxBytes) {
    fileIssue(issues, 'too-large', `${Math.round(INGEST_LIMITS.maxBytes / 1024 ** 3)} Go au plus`);
  } else {
    const ctx: FormatContext = {
      key: object.key,
      fileName: dropKey.fileName,
      year: 'year' in recognised ? recognised.year : null,
      campaign: dropKey.zone === 'evidence' ? dropKey.campaign : null,
      finess: dropKey.zone === 'evidence' ? dropKey.finess : null,
      establishments,
    };
    try {
      const csv = await openCsv(await objects.read(archiveKey), INGEST_LIMITS);
      csvMeta = { encoding: csv.encoding, delimiter: csv.delimiter };
      const planned = await readAndPlan(recognised, csv, ctx, issues, { order, key: object.key, version, establishments, store });
      const outcome = planned.outcome;
      rows = { read: outcome.rowsRead, accepted: outcome.rowsAccepted };
      apply = planned.apply;
    } catch (error) {
      if (!(error instanceof TableReadError)) throw error;
      fileIssue(issues, READ_ERROR_CODES[error.code], error.message, error.line ?? null);
    }
  }

  const accepted = issues.errors === 0;
  const report: ValidationReport = {
    key: object.key,
    version,
    fileName: 'fileName' in dropKey ? dropKey.fileName : object.key,
    kind: recognised.tag === 'unknown' ? null : recognised.tag === 'document' ? `evidence-${recognised.kind}` : recognised.format.kind,
    kindLabel: recognised.tag === 'unknown' ? null : recognised.tag === 'document' ? 'Élément de preuve (document)' : recognised.format.label,
    encoding: csvMeta.encoding,
    delimiter: csvMeta.delimiter,
    rowsRead: rows.read,
    rowsAccepted: accepted ? rows.accepted : 0,
    status: accepted ? 'accepted' : 'rejected',
    errorCount: issues.errors,
    warningCount: issues.warnings,
    truncated: issues.truncated,
    issues: issues.listed,
    checkedAt: deps.now().toISOString(),
  };
  const reportKey = s3Keys.report(object.key, order.replace(/[|:]/g, '-'));
  await objects.putJson(reportKey, report);

  const compute: ComputeRequest[] = accepted && apply ? await apply() : [];
  if (dropKey.zone === 'evidence' && evidenceSite && recognised.tag !== 'unknown') {
    await store.putEvidence(
      {
        region: evidenceSite.region,
        campaign: dropKey.campaign,
        finess: dropKey.finess,
        kind: recognised.tag === 'argumentaire' ? 'argumentaire_hors_amm' : recognised.tag === 'document' ? recognised.kind : 'autre',
        fileName: dropKey.fileName,
        receivedAt: object.eventTime,
        status: report.status,
        errorCount: report.errorCount,
        reportKey,
        source: { key: object.key, version },
      },
      dropKey.uploadId,
      order,
    );
    compute.push({ region: evidenceSite.region, year: Number(dropKey.campaign.slice(0, 4)) });
  }
  const requests = dedupe(compute);
  await store.finishFileEvent({
    key: object.key,
    order,
    version,
    status: report.status,
    kind: report.kind,
    reportKey,
    errorCount: report.errorCount,
    warningCount: report.warningCount,
    startedAt,
    finishedAt: deps.now().toISOString(),
    compute: requests,
  });
  return { key: object.key, duplicate: false, report, compute: requests };
}

type Tabular = Exclude<Recognised, { tag: 'document' | 'unknown' }>;

interface ApplyContext {
  order: string;
  key: string;
  version: string;
  establishments: ReadonlyMap<string, Establishment>;
  store: DynamoStore;
}

interface Planned {
  outcome: TabularOutcome<unknown>;
  /** What the file changes in the store once accepted, returning the indicators to compute again. */
  apply: (() => Promise<ComputeRequest[]>) | null;
}

function plan<Out>(outcome: TabularOutcome<Out>, apply: (output: Out) => Promise<ComputeRequest[]>): Planned {
  const output = outcome.output;
  return { outcome, apply: output === null ? null : () => apply(output) };
}

async function readAndPlan(recognised: Tabular, csv: TableFile, ctx: FormatContext, issues: IssueList, a: ApplyContext): Promise<Planned> {
  const { store } = a;
  const allRegions = async (year: number) => (await store.listRegions()).map((r) => ({ region: r.region, year }));
  switch (recognised.tag) {
    case 'etablissements':
      return plan(await readTabular(recognised.format, csv, ctx, issues), async (list) => {
        await store.replaceEstablishments(list);
        return (await store.listRegions()).flatMap((r) => r.years.map((year) => ({ region: r.region, year })));
      });
    case 'ciblage':
      return plan(await readTabular(recognised.format, csv, ctx, issues), async (targetings) => {
        const regionOf = new Map((await store.allEstablishments()).map((e) => [e.finess, e.region]));
        await store.replaceTargetings(recognised.year, targetings, regionOf);
        return allRegions(recognised.year);
      });
    case 'objectifs':
      return plan(await readTabular(recognised.format, csv, ctx, issues), async (objectives) => {
        await store.putObjectives(recognised.year, objectives, a.order);
        return allRegions(recognised.year);
      });
    case 'calendrier':
      return plan(await readTabular(recognised.format, csv, ctx, issues), async (deadlines) => {
        await store.putCalendar(recognised.year, deadlines, a.order);
        return [];
      });
    case 'atih-mo':
      return plan(await readTabular(recognised.format, csv, ctx, issues), async (aggregates) => {
        const requests: ComputeRequest[] = [];
        for (const agg of aggregates) {
          const site = a.establishments.get(agg.finess);
          if (!site) continue;
          const fact = { ...agg, region: site.region, source: { key: a.key, version: a.version } };
          if (await store.putMoFact(fact, a.order)) requests.push({ region: site.region, year: agg.year });
        }
        return requests;
      });
    case 'argumentaire':
      return plan(await readTabular(recognised.format, csv, ctx, issues), async () => []);
  }
}

function dedupe(requests: ComputeRequest[]): ComputeRequest[] {
  const seen = new Map(requests.map((r) => [`${r.region}#${r.year}`, r]));
  return [...seen.values()];
}

async function firstBytes(stream: AsyncIterable<unknown> & { destroy?: () => void }, n: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = Buffer.from(chunk as Uint8Array);
    chunks.push(b);
    total += b.length;
    if (total >= n) break;
  }
  stream.destroy?.();
  return Buffer.concat(chunks).subarray(0, n);
}

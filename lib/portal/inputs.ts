/**
 * OMéDIT's inputs: the referential, targeting, objectives, calendar and parameters, and the ATIH,
 * PMSI, CPAM and Open PHMEV extracts, sent from its page for one of its regions. Each upload goes to
 * its own key under that region (`referential/<region>/<upload id>/…`, `atih|cpam/<year>/<region>/…`),
 * so ingest lets it change that region only (lib/pipeline/apply.ts) and every version stays; the form
 * is the same pre-signed POST pinned to one key as the establishments' (lib/store/presign.ts).
 */
import { z } from 'zod';
import { Region } from '../domain/schemas';
import { INGEST_LIMITS } from '../formats/limits';
import { recognise, TABLE_EXTENSIONS, TABLE_KINDS, type TableKind } from '../formats/registry';
import { templateColumns, templateCsv, templateXlsx, type TemplateColumn } from '../formats/templates';
import type { InputStore, InputUpload } from '../store/input-store';
import { parseDropKey, s3Keys, sanitiseFileName } from '../store/keys';
import type { AuditLog } from '../store/audit-log';
import { assertRegion } from './access';
import { actorOf } from './audit';
import type { StaffCaller } from './caller';
import { readFileResult, type FileResult, type ViewDeps } from './establishment-view';
import { apiErrors } from './errors';
import { CONTENT_TYPES } from './upload-policy';

/** The table kinds OMéDIT sends: every kind but the establishments' evidence. */
export const INPUT_KINDS: readonly TableKind[] = TABLE_KINDS.filter((k) => k.zone !== 'evidence');

/** A POST form takes up to 5 GiB: a national extract as published (1.2 GB for Open PHMEV) goes in one. */
const MAX_POST_BYTES = 5 * 1024 ** 3;

/** The body of `POST /api/omedit/inputs/uploads`. */
export const InputUploadRequest = z
  .object({
    region: Region,
    kind: z.string().min(1).max(64),
    year: z.number().int().min(2000).max(2100).nullable().default(null),
    fileName: z.string().min(1).max(255),
    size: z.number().int().nonnegative(),
  })
  .strict();
export type InputUploadRequest = z.infer<typeof InputUploadRequest>;

export const InputsQuery = z.object({ region: Region }).strict();
export const InputKeyQuery = z.object({ key: z.string().min(1).max(1024) }).strict();
export const TemplateQuery = z.object({ kind: z.string().min(1).max(64), format: z.enum(['csv', 'xlsx']) }).strict();

/**
 * The name a kind's file is stored under, which the registry recognises as that kind (and year):
 * `calendrier-2025.csv`, `mo-2025.csv`, `open-phmev-2025.csv`…
 */
export function storedName(kind: TableKind, year: number | null, extension: string): string {
  const stem = kind.id === 'atih-mo' ? 'mo' : kind.id === 'cpam-phev' ? 'phev' : kind.id;
  return `${kind.needsYear ? `${stem}-${year}` : stem}.${extension}`;
}

function inputKind(id: string): TableKind {
  const kind = INPUT_KINDS.find((k) => k.id === id);
  if (!kind) throw apiErrors.unknownKind(id, INPUT_KINDS.map((k) => k.id));
  return kind;
}

export interface PlannedInput {
  key: string;
  contentType: string;
  maxBytes: number;
  kind: TableKind;
  year: number | null;
}

/**
 * Where and how an OMéDIT's file may be uploaded: under the region asked (one of the caller's), its
 * kind's name, a table extension, within the size a reader takes (a workbook 100 MB, a CSV up to
 * the POST form's 5 GiB).
 * @throws ApiError 403 for another region; 400 `unknown-kind`, `file-type-refused`, `empty-file`, `bad-request` (year); 413.
 */
export function planInputUpload(caller: StaffCaller, request: InputUploadRequest, uploadId: string): PlannedInput {
  assertRegion(caller, request.region);
  const kind = inputKind(request.kind);
  if (kind.needsYear && request.year === null) throw apiErrors.badRequest(`l’année est à préciser pour « ${kind.format.label} »`);
  const year = kind.needsYear ? request.year : null;
  const safe = sanitiseFileName(request.fileName);
  const extension = safe.includes('.') ? safe.toLowerCase().split('.').pop()! : '';
  const contentType = CONTENT_TYPES[extension];
  if (!(TABLE_EXTENSIONS as readonly string[]).includes(extension) || !contentType) {
    throw apiErrors.fileTypeRefused(request.fileName, `formats acceptés : ${TABLE_EXTENSIONS.map((e) => `.${e}`).join(', ')}`);
  }
  const zone = kind.zone === 'atih' || kind.zone === 'cpam' ? kind.zone : 'referential';
  const key = s3Keys.regionalInput(zone, year, request.region, uploadId, storedName(kind, year, extension));
  // What ingest will make of this key: this kind, this year, nothing else.
  const dropKey = parseDropKey(key);
  const recognition = dropKey && recognise(dropKey);
  if (recognition?.tag !== 'table' || recognition.kinds.length !== 1 || recognition.kinds[0] !== kind) throw new Error(`stored name not recognised as ${kind.id}: ${key}`);
  const maxBytes = extension === 'xlsx' ? INGEST_LIMITS.maxWorkbookBytes : Math.min(INGEST_LIMITS.maxBytes, MAX_POST_BYTES);
  if (request.size === 0) throw apiErrors.emptyFile(request.fileName);
  if (request.size > maxBytes) throw apiErrors.fileTooLarge(request.fileName, maxBytes);
  return { key, contentType, maxBytes, kind, year };
}

/**
 * The region a regional input's key belongs to, checked against the caller.
 * @throws ApiError 403 for a key that is not a regional input, or one of another region.
 */
export function assertOwnInputKey(caller: StaffCaller, key: string): string {
  const dropKey = parseDropKey(key);
  const region = dropKey && dropKey.zone !== 'evidence' ? dropKey.region : undefined;
  if (region === undefined) throw apiErrors.inputsOnly();
  assertRegion(caller, region);
  return region;
}

/** What `recordUpload` needs: the upload records and the audit log. */
export interface RecordDeps {
  inputs: Pick<InputStore, 'put'>;
  audit: AuditLog;
  now: () => Date;
}

/** Records who asked for an upload, when, for what: on the inputs page (its history) and in the region's audit log. */
export async function recordUpload(caller: StaffCaller, request: InputUploadRequest, planned: PlannedInput, uploadId: string, deps: RecordDeps): Promise<void> {
  const at = deps.now().toISOString();
  await deps.inputs.put({ region: request.region, uploadId, kind: planned.kind.id, year: planned.year, key: planned.key, fileName: request.fileName, size: request.size, by: caller.name, at });
  await deps.audit.record({
    region: request.region,
    actor: actorOf(caller),
    action: 'input.uploaded',
    target: planned.key,
    after: { kind: planned.kind.id, year: planned.year, fileName: request.fileName, size: request.size },
    at,
  });
}

/** Beyond this size the page sends a file in parts, which an interrupted upload resumes. */
export const MULTIPART_FROM_BYTES = 100 * 1024 ** 2;
/** At most this many parts per file: the completion's list of parts stays a small request. */
const MAX_PARTS = 64;
const MIB = 1024 ** 2;

/** The size of each part of a file: S3's 5 MiB at least, and never more than `MAX_PARTS` parts. */
export function partSizeFor(size: number): number {
  return Math.max(5 * MIB, Math.ceil(size / MAX_PARTS / MIB) * MIB);
}

const S3UploadId = z.string().min(1).max(1024);
export const PartsRequest = z.object({ key: z.string().min(1).max(1024), uploadId: S3UploadId, partNumbers: z.array(z.number().int().min(1).max(MAX_PARTS)).min(1).max(MAX_PARTS) }).strict();
export const CompleteRequest = z
  .object({
    key: z.string().min(1).max(1024),
    uploadId: S3UploadId,
    parts: z.array(z.object({ partNumber: z.number().int().min(1).max(MAX_PARTS), etag: z.string().min(1).max(200) }).strict()).min(1).max(MAX_PARTS),
  })
  .strict();

/**
 * An upload the caller's region recorded: parts are signed and completed only for a key the page
 * planned (never another version's, which would overwrite it).
 * @throws ApiError 403 for a key of another region or outside the inputs; 404 for a key never planned.
 */
export async function recordedUpload(caller: StaffCaller, key: string, deps: { inputs: Pick<InputStore, 'list'> }): Promise<InputUpload> {
  const region = assertOwnInputKey(caller, key);
  const upload = (await deps.inputs.list(region)).find((u) => u.key === key);
  if (!upload) throw apiErrors.notFound();
  return upload;
}

/** One upload as the page lists it: who, when, the file's own name, and where its validation stands. */
export interface InputVersion {
  key: string;
  fileName: string;
  year: number | null;
  by: string;
  at: string;
  result: FileResult;
}

/** One input kind of a region: its layout, its current file per year, and every upload, newest first. */
export interface InputKindView {
  kind: string;
  label: string;
  zone: TableKind['zone'];
  needsYear: boolean;
  columns: TemplateColumn[];
  /** The newest accepted upload of each year (or of the kind, without a year). */
  current: InputVersion[];
  history: InputVersion[];
}

export interface InputsDeps extends Pick<ViewDeps, 'store' | 'objects'> {
  inputs: Pick<InputStore, 'list'>;
}

/**
 * A region's inputs page: for each kind, its uploads with their validation result, the current one
 * per year being the newest accepted.
 * @throws ApiError 403 for a region the caller may not see.
 */
export async function listInputs(caller: StaffCaller, region: string, deps: InputsDeps): Promise<{ region: string; multipartFromBytes: number; kinds: InputKindView[] }> {
  assertRegion(caller, region);
  const uploads = await deps.inputs.list(region);
  const versions = await Promise.all(uploads.map(async (u): Promise<[InputUpload, InputVersion]> => [u, { key: u.key, fileName: u.fileName, year: u.year, by: u.by, at: u.at, result: await readFileResult(u.key, deps) }]));
  const kinds = INPUT_KINDS.map((kind) => {
    const history = versions.filter(([u]) => u.kind === kind.id).map(([, v]) => v);
    const current = new Map<number | null, InputVersion>();
    for (const v of history) if (v.result.state === 'done' && v.result.status === 'accepted' && !current.has(v.year)) current.set(v.year, v);
    return { kind: kind.id, label: kind.format.label, zone: kind.zone, needsYear: kind.needsYear, columns: templateColumns(kind), current: [...current.values()], history };
  });
  return { region, multipartFromBytes: MULTIPART_FROM_BYTES, kinds };
}

/** A template to save, as the page receives it: the file's name, type and bytes in base64 (the API speaks JSON). */
export async function template(kindId: string, format: 'csv' | 'xlsx'): Promise<{ fileName: string; contentType: string; base64: string }> {
  const kind = inputKind(kindId);
  const fileName = `modele-${kind.id}.${format}`;
  const bytes = format === 'csv' ? Buffer.from(templateCsv(kind), 'utf8') : await templateXlsx(kind);
  return { fileName, contentType: CONTENT_TYPES[format]!, base64: bytes.toString('base64') };
}

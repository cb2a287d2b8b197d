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
import { concerns, type DroppedInput, type InputStore, type InputUpload } from '../store/input-store';
import { parseDropKey, s3Keys, sanitiseFileName } from '../store/keys';
import type { AuditLog } from '../store/audit-log';
import { assertRegion, can, canSeeRegion } from './access';
import { actorOf } from './audit';
import type { StaffCaller } from './caller';
import { readFileResult, reportResult, type FileResult, type ViewDeps } from './establishment-view';
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

/** Who a version comes from: the page (an account) or the drop zone (a script, no sender). */
export const DROP_ZONE_SENDER = 'déposé dans la zone de dépôt';

/** One version of an input as the page lists it: who, when, the file's own name, and where its validation stands. */
export interface InputVersion {
  /** What the result and download routes take: the upload's key, or a dropped version's archive copy. */
  key: string;
  fileName: string;
  year: number | null;
  origin: 'page' | 'drop-zone';
  /** The account that sent it from the page, or « déposé dans la zone de dépôt ». */
  by: string;
  /** How the page says it: « envoyé par omedit@… » or « déposé dans la zone de dépôt ». */
  sender: string;
  at: string;
  /** What a dropped file holds besides the region's own rows, in French, or null. */
  note: string | null;
  /** Whether the caller may download it: a dropped file naming another region is not the caller's to read whole. */
  downloadable: boolean;
  result: FileResult;
}

/** One input kind of a region: its layout, its files in force per year, and every version, newest first. */
export interface InputKindView {
  kind: string;
  label: string;
  zone: TableKind['zone'];
  needsYear: boolean;
  columns: TemplateColumn[];
  /** The files in force for each year (or for the kind, without a year). */
  current: InputVersion[];
  history: InputVersion[];
}

export interface InputsDeps extends Pick<ViewDeps, 'fileEvents' | 'objects'> {
  inputs: Pick<InputStore, 'list' | 'listDropped'>;
  /** The configured size beyond which the page sends in parts, else `MULTIPART_FROM_BYTES`. */
  multipartFromBytes?: number;
}

/** Whether the caller may download a dropped file whole: every region its rows name is one of the caller's. */
function mayDownloadDropped(caller: StaffCaller, dropped: DroppedInput): boolean {
  return can(caller, 'inputs.download') && dropped.regions.every((r) => canSeeRegion(caller, r));
}

function droppedNote(dropped: DroppedInput, region: string): string | null {
  const others = dropped.regions.some((r) => r !== region);
  const parts = [...(dropped.shared ? ['des lignes communes à toutes les régions'] : []), ...(others ? ['des lignes d’autres régions (téléchargement réservé à qui les suit toutes)'] : [])];
  return parts.length === 0 ? null : `Contient aussi ${parts.join(' et ')}.`;
}

/** A version with its reach in the region: its own rows (`region`) and rows every region shares (`shared`). */
interface Placed {
  kind: string;
  reach: { region: boolean; shared: boolean };
  version: InputVersion;
}

async function pageVersions(caller: StaffCaller, region: string, deps: InputsDeps): Promise<Placed[]> {
  const uploads = await deps.inputs.list(region);
  return Promise.all(
    uploads.map(async (u: InputUpload): Promise<Placed> => ({
      kind: u.kind,
      reach: { region: true, shared: false },
      version: { key: u.key, fileName: u.fileName, year: u.year, origin: 'page', by: u.by, sender: `envoyé par ${u.by}`, at: u.at, note: null, downloadable: can(caller, 'inputs.download'), result: await readFileResult(u.key, deps) },
    })),
  );
}

async function droppedVersions(caller: StaffCaller, region: string, deps: InputsDeps): Promise<Placed[]> {
  const dropped = (await deps.inputs.listDropped()).filter((d) => concerns(d, region));
  return Promise.all(
    dropped.map(async (d): Promise<Placed> => ({
      kind: d.kind,
      reach: { region: d.regions.includes(region), shared: d.shared },
      version: { key: d.archiveKey, fileName: d.fileName, year: d.year, origin: 'drop-zone', by: DROP_ZONE_SENDER, sender: DROP_ZONE_SENDER, at: d.at, note: droppedNote(d, region), downloadable: mayDownloadDropped(caller, d), result: await reportResult(d.reportKey, deps) },
    })),
  );
}

/**
 * The files in force of one kind, per year: the newest accepted holding the region's own rows, and
 * the newest accepted holding rows every region shares, except for a calendar, whose region's own
 * one replaces the shared one (lib/pipeline/apply.ts).
 */
function inForce(kind: TableKind, placed: readonly Placed[]): InputVersion[] {
  const accepted = placed.filter((p) => p.version.result.state === 'done' && p.version.result.status === 'accepted');
  const years = [...new Set(accepted.map((p) => p.version.year))];
  return years.flatMap((year) => {
    const ofYear = accepted.filter((p) => p.version.year === year);
    const own = ofYear.find((p) => p.reach.region);
    const shared = own && kind.id === 'calendrier' ? undefined : ofYear.find((p) => p.reach.shared);
    return [...new Set([own, shared].flatMap((p) => (p ? [p.version] : [])))];
  });
}

/**
 * A region's inputs page: for each kind, the versions sent from the page and those dropped into the
 * drop zone that concern the region, newest first, and the files in force.
 * @throws ApiError 403 for a region the caller may not see.
 */
export async function listInputs(caller: StaffCaller, region: string, deps: InputsDeps): Promise<{ region: string; multipartFromBytes: number; kinds: InputKindView[] }> {
  assertRegion(caller, region);
  const placed = [...(await pageVersions(caller, region, deps)), ...(await droppedVersions(caller, region, deps))].sort((a, b) => b.version.at.localeCompare(a.version.at));
  const kinds = INPUT_KINDS.map((kind) => {
    const ofKind = placed.filter((p) => p.kind === kind.id);
    return { kind: kind.id, label: kind.format.label, zone: kind.zone, needsYear: kind.needsYear, columns: templateColumns(kind), current: inForce(kind, ofKind), history: ofKind.map((p) => p.version) };
  });
  return { region, multipartFromBytes: deps.multipartFromBytes ?? MULTIPART_FROM_BYTES, kinds };
}

/**
 * A dropped version by its archive key, among those concerning one of the caller's regions.
 * @throws ApiError 403 when none of the caller's regions sees it.
 */
async function droppedVersion(caller: StaffCaller, archiveKey: string, deps: Pick<InputsDeps, 'inputs'>): Promise<DroppedInput> {
  const visible = (d: DroppedInput) => caller.regions === 'all' || [...caller.regions].some((r) => concerns(d, r));
  const found = (await deps.inputs.listDropped()).find((d) => d.archiveKey === archiveKey && visible(d));
  if (!found) throw apiErrors.inputsOnly();
  return found;
}

/**
 * The validation result of an input version: an upload from the page of one of the caller's
 * regions, or a dropped version concerning one of them.
 * @throws ApiError 403 otherwise.
 */
export async function inputResult(caller: StaffCaller, key: string, deps: InputsDeps): Promise<FileResult> {
  if (key.startsWith('archive/')) return reportResult((await droppedVersion(caller, key, deps)).reportKey, deps);
  assertOwnInputKey(caller, key);
  return readFileResult(key, deps);
}

/**
 * What to download for an input version, under the name it was sent with: a page upload of the
 * caller's regions, or the archive copy of a dropped version whose regions are all the caller's.
 * @throws ApiError 403 otherwise; 404 for a page key never planned.
 */
export async function inputDownload(caller: StaffCaller, key: string, deps: InputsDeps): Promise<{ key: string; fileName: string }> {
  if (!key.startsWith('archive/')) return { key, fileName: (await recordedUpload(caller, key, deps)).fileName };
  const dropped = await droppedVersion(caller, key, deps);
  if (!mayDownloadDropped(caller, dropped)) throw apiErrors.otherRegionsFile();
  return { key: dropped.archiveKey, fileName: dropped.fileName };
}

/** A template to save, as the page receives it: the file's name, type and bytes in base64 (the API speaks JSON). */
export async function template(kindId: string, format: 'csv' | 'xlsx'): Promise<{ fileName: string; contentType: string; base64: string }> {
  const kind = inputKind(kindId);
  const fileName = `modele-${kind.id}.${format}`;
  const bytes = format === 'csv' ? Buffer.from(templateCsv(kind), 'utf8') : await templateXlsx(kind);
  return { fileName, contentType: CONTENT_TYPES[format]!, base64: bytes.toString('base64') };
}

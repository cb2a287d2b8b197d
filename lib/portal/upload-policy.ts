/**
 * What an establishment may upload through its link: which kinds, which file types, how large. The
 * same rules are shown on its page and enforced twice: here before a form is signed, and by S3
 * through the signed policy (lib/store/presign.ts).
 */
import { z } from 'zod';
import { DocumentKind } from '../domain/schemas';
import { DOCUMENT_EXTENSIONS } from '../formats/kinds/document';
import { INGEST_LIMITS } from '../formats/limits';
import { recognise, TABLE_EXTENSIONS, TABLE_KINDS } from '../formats/registry';
import { documentKindLabel } from '../report/labels';
import { s3Keys, sanitiseFileName } from '../store/keys';
import type { EstablishmentCaller } from './caller';
import { apiErrors } from './errors';

/** The body of `POST /api/depot/uploads`: what the browser knows of the file before sending it. */
export const UploadRequest = z
  .object({
    kind: z.string().min(1).max(64),
    fileName: z.string().min(1).max(255),
    size: z.number().int().nonnegative(),
  })
  .strict();
export type UploadRequest = z.infer<typeof UploadRequest>;

/** The content type the form declares for each accepted extension (S3 stores it with the object). */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ods: 'application/vnd.oasis.opendocument.spreadsheet',
  odt: 'application/vnd.oasis.opendocument.text',
  csv: 'text/csv',
  txt: 'text/plain',
  tsv: 'text/tab-separated-values',
};

/** How long a signed form stays usable: enough to start the upload, not to keep the form for later. */
export const UPLOAD_FORM_SECONDS = 5 * 60;

export interface KindRule {
  kind: DocumentKind;
  label: string;
  /** Extensions accepted, without the dot. */
  extensions: string[];
  maxBytes: number;
}

const TABLE_DOCUMENT_KINDS = new Set(TABLE_KINDS.flatMap((k) => (k.documentKind ? [k.documentKind] : [])));

/**
 * What each kind of evidence accepts. Tables read row by row (hors-AMM argumentation, initiations)
 * take a table file up to the workbook limit; documents are checked for their type only, up to the
 * evidence limit, as ingest does (lib/formats/limits.ts).
 */
export function kindRules(): KindRule[] {
  return DocumentKind.options.map((kind) => {
    const table = TABLE_DOCUMENT_KINDS.has(kind);
    return {
      kind,
      label: documentKindLabel(kind),
      extensions: table ? [...TABLE_EXTENSIONS] : [...DOCUMENT_EXTENSIONS],
      maxBytes: table ? INGEST_LIMITS.maxWorkbookBytes : INGEST_LIMITS.maxEvidenceBytes,
    };
  });
}

export interface PlannedUpload {
  key: string;
  contentType: string;
  maxBytes: number;
  kind: DocumentKind;
  fileName: string;
}

/**
 * Decides where and how an establishment's file may be uploaded: under its own
 * `evidence/<campaign>/<finess>/<kind>/` prefix only (both taken from its link, never from the
 * request), with a sanitised name, the content type of its extension and the size limit of its kind.
 *
 * @example
 * planUpload(caller, { kind: 'plan_actions', fileName: 'Plan 2025.pdf', size: 120_000 }, 'u1')
 * // { key: 'evidence/2025-S2/130780018/plan_actions/u1-Plan_2025.pdf', contentType: 'application/pdf', maxBytes: 52428800, ... }
 * @throws ApiError 400 `unknown-kind`, `file-type-refused`, `empty-file`; 413 `file-too-large`.
 */
export function planUpload(caller: EstablishmentCaller, request: UploadRequest, uploadId: string): PlannedUpload {
  const kind = DocumentKind.safeParse(request.kind);
  if (!kind.success) throw apiErrors.unknownKind(request.kind, DocumentKind.options);
  const rule = kindRules().find((r) => r.kind === kind.data)!;
  const key = s3Keys.evidence(caller.campaign, caller.finess, kind.data, uploadId, request.fileName);
  const fileName = sanitiseFileName(request.fileName);
  const extension = fileName.includes('.') ? fileName.toLowerCase().split('.').pop()! : '';

  // The registry says what ingest will make of this name for this kind: the same refusal, earlier.
  const recognition = recognise({ zone: 'evidence', campaign: caller.campaign, finess: caller.finess, kind: kind.data, uploadId, fileName });
  if (recognition.tag === 'unknown') throw apiErrors.fileTypeRefused(request.fileName, recognition.detail);
  const contentType = CONTENT_TYPES[extension];
  if (!rule.extensions.includes(extension) || !contentType) {
    throw apiErrors.fileTypeRefused(request.fileName, `formats acceptés pour « ${rule.label} » : ${rule.extensions.map((e) => `.${e}`).join(', ')}`);
  }
  if (request.size === 0) throw apiErrors.emptyFile(request.fileName);
  if (request.size > rule.maxBytes) throw apiErrors.fileTooLarge(request.fileName, rule.maxBytes);
  return { key, contentType, maxBytes: rule.maxBytes, kind: kind.data, fileName };
}

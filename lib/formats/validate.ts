import { MAX_SHARED_STRINGS_BYTES, openXlsx } from '../io/xlsx-reader';
import type { ByteSource } from '../io/zip';
import { openCsv } from '../io/csv-reader';
import { isOdsHead, openOds } from '../io/ods-reader';
import { isOleHead, oleFormat } from '../io/ole';
import { TableReadError, UnsupportedFormatError, type TableFile, type TableReadErrorCode } from '../io/table';
import { checkDocument } from './kinds/document';
import { INGEST_LIMITS, type IngestLimits } from './limits';
import { issueMessage, UNREADABLE_FORMAT_DETAILS } from './messages';
import type { FileOutput } from './output';
import { headerMismatchDetail, recogniseByHeader, type KindId, type Recognition, type TableKind } from './registry';
import { IssueList, type IssueCode, type ValidationReport } from './report';
import { readTabular, type FormatContext } from './tabular';
import { firstHalf, halvesOf, readsInHalves, readTabularInHalves } from './halves';

/** A file to validate: its name, its size, and a way to read its bytes (as often as needed). */
export interface FileToValidate {
  fileName: string;
  size: number;
  open: () => Promise<ByteSource>;
  /** Where the file is on this machine, when it is: a large extract is then read in halves (lib/formats/halves.ts). */
  path?: string;
}

/** The outcome of validating one file: what the report says, and what the file gives when accepted. */
export interface Validation {
  kind: KindId | null;
  kindLabel: string | null;
  format: ValidationReport['format'];
  encoding: string | null;
  delimiter: string | null;
  sheet: string | null;
  rowsRead: number;
  rowsAccepted: number;
  issues: IssueList;
  /** Present only when the file has no error. */
  output: FileOutput | null;
}

const READ_ERROR_CODES: Record<TableReadErrorCode, IssueCode> = {
  'empty-file': 'empty-file',
  'encoding-error': 'encoding-error',
  'too-large': 'too-large',
  'too-many-rows': 'too-many-rows',
  'too-many-cells': 'too-many-cells',
  'binary-file': 'binary-file',
  'unclosed-quote': 'unreadable-file',
  'unreadable-file': 'unreadable-file',
  'record-too-long': 'record-too-long',
  'nul-byte': 'encoding-error',
  'shared-strings': 'too-large',
};

/** French details of read errors whose technical message would mean nothing to a pharmacist. */
const READ_ERROR_DETAILS: Partial<Record<TableReadErrorCode, (limits: Readonly<IngestLimits>) => string>> = {
  'too-many-rows': (l) => `${l.maxRows.toLocaleString('fr-FR')} lignes au plus`,
  'too-many-cells': (l) => `${l.maxCellsPerRow} colonnes au plus`,
  'binary-file': () => 'contenu binaire : ce n’est pas un fichier texte CSV',
  'record-too-long': (l) => `${l.maxRecordChars.toLocaleString('fr-FR')} caractères au plus`,
  'shared-strings': () =>
    `le classeur contient trop de textes distincts (leur table dépasse ${MAX_SHARED_STRINGS_BYTES / 1024 ** 2} Mo une fois décompressée) ; enregistrez la feuille en « CSV (séparateur : point-virgule) » et déposez ce fichier`,
  'nul-byte': () => 'un caractère nul (octet 0) dans la cellule, souvent laissé par un export de base de données ; supprimez-le et déposez le fichier à nouveau',
  'unclosed-quote': () => 'un guillemet (") ouvert sur cette ligne n’est jamais refermé, tout le reste du fichier serait lu comme une seule cellule ; vérifiez les guillemets de la ligne',
};

const ZIP_SIGNATURE = [0x50, 0x4b, 0x03, 0x04];

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

function fileIssue(issues: IssueList, code: IssueCode, detail?: string, row: number | null = null, column: string | null = null): void {
  issues.add({ code, severity: 'error', row, column, value: null, message: issueMessage(code, { detail }) });
}

/** The first `n` bytes of a stream, which is closed afterwards. */
export async function firstBytes(stream: ByteSource, n: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  const iterator = (stream as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  try {
    while (total < n) {
      const next = await iterator.next();
      if (next.done) break;
      const b = Buffer.from(next.value);
      chunks.push(b);
      total += b.length;
    }
  } finally {
    await iterator.return?.();
  }
  return Buffer.concat(chunks).subarray(0, n);
}

function describeSize(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${Math.round(bytes / 1024 ** 3)} Go au plus` : `${Math.round(bytes / 1024 ** 2)} Mo au plus`;
}

/**
 * Validates one file of a recognised kind: opens it with the reader its content calls for (an
 * OpenDocument or Excel workbook whatever its extension says, CSV otherwise), decides the kind from the header when its
 * place left several possible, and reads every row against the kind's format. Never throws for bad
 * content: every problem is an issue with its line and column. Errors of the byte source itself
 * (S3 unreachable) propagate, so the caller can retry.
 */
export async function validateFile(file: FileToValidate, recognition: Recognition, ctx: FormatContext, limits: Readonly<IngestLimits> = INGEST_LIMITS): Promise<Validation> {
  const issues = new IssueList();
  const v: Validation = { kind: null, kindLabel: null, format: null, encoding: null, delimiter: null, sheet: null, rowsRead: 0, rowsAccepted: 0, issues, output: null };

  if (recognition.tag === 'unknown') {
    fileIssue(issues, 'unknown-kind', recognition.detail);
    return v;
  }
  if (recognition.tag === 'document') {
    Object.assign(v, { kind: 'document', kindLabel: 'Élément de preuve (document)', format: 'document' });
    if (file.size > limits.maxEvidenceBytes) fileIssue(issues, 'too-large', describeSize(limits.maxEvidenceBytes));
    else {
      const problem = checkDocument(file.fileName, file.size, await firstBytes(await file.open(), 8192));
      if (problem) fileIssue(issues, problem.code, problem.detail);
    }
    return v;
  }

  const single = recognition.kinds.length === 1 ? recognition.kinds[0] : undefined;
  if (single) Object.assign(v, { kind: single.id, kindLabel: single.format.label });
  // 128 bytes: an OpenDocument package names its type in its first entry.
  const head = file.size > 0 ? await firstBytes(await file.open(), 128) : new Uint8Array(0);
  if (isOleHead(head)) {
    fileIssue(issues, 'unreadable-file', UNREADABLE_FORMAT_DETAILS[await oleFormat(await file.open(), limits.maxWorkbookBytes)]);
    return v;
  }
  const workbook = startsWith(head, ZIP_SIGNATURE);
  const maxBytes = workbook ? limits.maxWorkbookBytes : limits.maxBytes;
  if (file.size > maxBytes) {
    fileIssue(issues, 'too-large', describeSize(maxBytes));
    return v;
  }
  const extension = /\.(xlsx|ods)$/.exec(file.fileName.toLowerCase())?.[1];
  if (!workbook && extension !== undefined) {
    fileIssue(issues, 'unreadable-file', `ce fichier n’est pas un classeur .${extension} valide`);
    return v;
  }

  let table: TableFile | null = null;
  // A large extract on this machine: its first half opened, the rest read by a worker (halves.ts).
  const halves = !workbook && file.path !== undefined && single && readsInHalves(single.format, file.size) ? halvesOf(file.path, file.size) : null;
  /** The encoding of both halves joined, which the first half's alone may not say. */
  let joinedEncoding: string | null | undefined;
  try {
    const opened = !workbook
      ? await openCsv(halves ? firstHalf(halves.path, halves.middle) : await file.open(), limits)
      : isOdsHead(head)
        ? await openOds(file.open, limits)
        : await openXlsx(file.open, limits);
    table = opened;
    Object.assign(v, { format: opened.format, delimiter: opened.delimiter, sheet: opened.sheet, encoding: opened.encoding });
    const kind: TableKind | null = single ?? recogniseByHeader(opened.header, recognition.kinds);
    if (!kind) {
      fileIssue(issues, 'unknown-kind', headerMismatchDetail(recognition.kinds), opened.headerLine);
      await opened.close();
      return v;
    }
    Object.assign(v, { kind: kind.id, kindLabel: kind.format.label });
    const year = recognition.year ?? ctx.year;
    if (kind.needsYear && year === null) {
      fileIssue(issues, 'unknown-kind', `l’année du fichier est inconnue : nommez-le ${kind.id}-AAAA.csv ou déposez-le dans son dossier d’année`);
      await opened.close();
      return v;
    }
    let outcome;
    if (halves) {
      const read = await readTabularInHalves(kind, opened, { ...ctx, year }, issues, {
        ...halves,
        limits,
        reopen: async () => (table = await openCsv(await file.open(), limits)),
      });
      outcome = read.outcome;
      joinedEncoding = read.encoding;
    } else outcome = await readTabular(kind.format, opened, { ...ctx, year }, issues);
    Object.assign(v, { rowsRead: outcome.rowsRead, rowsAccepted: outcome.rowsAccepted, output: outcome.output });
  } catch (error) {
    await table?.close();
    if (!(error instanceof TableReadError)) throw error;
    const detail =
      error instanceof UnsupportedFormatError
        ? UNREADABLE_FORMAT_DETAILS[error.format]
        : (READ_ERROR_DETAILS[error.code]?.(limits) ?? (error.code === 'too-large' ? describeSize(maxBytes) : undefined));
    fileIssue(issues, READ_ERROR_CODES[error.code], detail, error.line ?? null, error.column ?? null);
  } finally {
    // An encoding guessed as UTF-8 on an ASCII start may have become Windows-1252 while reading.
    if (joinedEncoding !== undefined) v.encoding = joinedEncoding;
    else if (table) v.encoding = table.encoding;
    if (issues.errors > 0) v.output = null;
  }
  return v;
}

/** The validation report of one received object, as kept under `reports/` and shown to users. */
/** A validation that ended before the file could be read (its name, its place, its establishment). */
export function refusedBeforeReading(code: IssueCode, detail: string, value: string | null = null): Validation {
  const issues = new IssueList();
  issues.add({ code, severity: 'error', row: null, column: null, value, message: issueMessage(code, { value, detail }) });
  return { kind: null, kindLabel: null, format: null, encoding: null, delimiter: null, sheet: null, rowsRead: 0, rowsAccepted: 0, issues, output: null };
}

export function toReport(v: Validation, meta: { key: string; version: string; fileName: string; checkedAt: string }): ValidationReport {
  const accepted = v.issues.errors === 0;
  return {
    ...meta,
    kind: v.kind,
    kindLabel: v.kindLabel,
    format: v.format,
    encoding: v.encoding,
    delimiter: v.delimiter,
    sheet: v.sheet,
    rowsRead: v.rowsRead,
    rowsAccepted: accepted ? v.rowsAccepted : 0,
    status: accepted ? 'accepted' : 'rejected',
    errorCount: v.issues.errors,
    warningCount: v.issues.warnings,
    issueCounts: { ...v.issues.counts },
    notes: v.output && 'notes' in v.output ? (v.output.notes ?? []) : [],
    truncated: v.issues.truncated,
    issues: v.issues.listed,
    checkedAt: meta.checkedAt,
  };
}

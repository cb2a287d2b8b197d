/**
 * The one owner of every S3 key and DynamoDB key pattern. Call sites never concatenate keys.
 *
 * DynamoDB (one table, `pk` / `sk`):
 * | item                       | pk                              | sk                                          |
 * | establishment profile      | REGION#<region>                 | ESTABLISHMENT#<finess>                      |
 * | targeting                  | REGION#<region>                 | TARGETING#<year>#<finess>#<indicator>       |
 * | list of regions            | REGIONS                         | REGION#<region>                             |
 * | objectives / calendar file | REFERENTIAL                     | OBJECTIVES#<year>[#<region>] / CALENDAR#…   |
 * | parameters file            | REFERENTIAL                     | PARAMETERS#<year>[#<region>]                |
 * | MO facts (estab. and year) | REGION#<region>#YEAR#<year>     | FACT#MO#<finess> (periods M01…M12, Y inside)|
 * | CPAM fact                  | REGION#<region>#YEAR#<year>     | FACT#CPAM#<indicator>#<finess>#<period>     |
 * | Open PHMEV fact            | REGION#<region>#YEAR#<year>     | FACT#PHMEV#<finess>                         |
 * | PMSI DMI fact              | REGION#<region>#YEAR#<year>     | FACT#DMI#<finess>                           |
 * | indicator results          | REGION#<region>#YEAR#<year>     | RESULT#<indicator>#PART#<nnn> (gzip inside) |
 * | evidence record            | REGION#<region>#CAMPAIGN#<c>    | EVIDENCE#<finess>#<kind>#<upload id>        |
 * | reminder marker            | REGION#<region>#CAMPAIGN#<c>    | REMINDER#<deadline>#<finess>#<step>         |
 * | personal upload link       | REGION#<region>#CAMPAIGN#<c>    | LINK#<finess>#<link id>                     |
 * | self-evaluation report     | REGION#<region>#REPORT#<year>   | CURRENT#<contrat>                           |
 * | its versions (immutable)   | REGION#<region>#REPORT#<year>   | VERSION#<contrat>#<version, 6 digits>       |
 * | file record (per event)    | FILE#<s3 key>                   | EVENT#<order>                               |
 * | OMéDIT's input upload      | REGION#<region>#INPUTS          | UPLOAD#<iso instant>#<upload id>            |
 * | input dropped by script    | DROPZONE#INPUTS                 | DROP#<iso instant>#<id of key and order>    |
 * | extract awaiting FINESS    | WAITING#FINESS                  | FILE#<s3 key>                               |
 * | suppressed address         | SUPPRESSION                     | EMAIL#<address, lower case>                 |
 * | OMéDIT digest marker       | REGION#<region>#DIGEST          | DAY#<date>                                  |
 * | audit entry of a region    | REGION#<region>#AUDIT           | AT#<iso instant>#<entry id>                 |
 * | audit entry of the platform| PLATFORM#AUDIT                  | AT#<iso instant>#<entry id>                 |
 * | local account              | PLATFORM#ACCOUNTS               | ACCOUNT#<e-mail, lower case>                |
 * | local session              | SESSION#<SHA-256 of its id>     | SESSION                                     |
 * | failed logins (throttling) | LOGIN#<ACCOUNT|IP>#<SHA-256>    | ATTEMPTS                                    |
 */

import { Campaign, Finess, Region } from '../domain/schemas';

export const dynamoKeys = {
  establishment: (region: string, finess: string) => ({ pk: `REGION#${region}`, sk: `ESTABLISHMENT#${finess}` }),
  establishmentPrefix: (region: string) => ({ pk: `REGION#${region}`, skPrefix: 'ESTABLISHMENT#' }),
  targeting: (region: string, year: number, finess: string, indicator: string) => ({
    pk: `REGION#${region}`,
    sk: `TARGETING#${year}#${finess}#${indicator}`,
  }),
  targetingPrefix: (region: string, year?: number) => ({
    pk: `REGION#${region}`,
    skPrefix: year === undefined ? 'TARGETING#' : `TARGETING#${year}#`,
  }),
  region: (region: string) => ({ pk: 'REGIONS', sk: `REGION#${region}` }),
  regionsPrefix: () => ({ pk: 'REGIONS', skPrefix: 'REGION#' }),
  /** A year's rows for every region (`region` null) or one region's own rows: each replaced apart. */
  objectives: (year: number, region: string | null = null) => ({ pk: 'REFERENTIAL', sk: `OBJECTIVES#${year}${region === null ? '' : `#${region}`}` }),
  objectivesPrefix: () => ({ pk: 'REFERENTIAL', skPrefix: 'OBJECTIVES#' }),
  calendar: (year: number, region: string | null = null) => ({ pk: 'REFERENTIAL', sk: `CALENDAR#${year}${region === null ? '' : `#${region}`}` }),
  calendarPrefix: () => ({ pk: 'REFERENTIAL', skPrefix: 'CALENDAR#' }),
  parameters: (year: number, region: string | null = null) => ({ pk: 'REFERENTIAL', sk: `PARAMETERS#${year}${region === null ? '' : `#${region}`}` }),
  parametersPrefix: () => ({ pk: 'REFERENTIAL', skPrefix: 'PARAMETERS#' }),
  /** An establishment's year of MO facts; as a prefix it also finds the items of one period each written before. */
  moFacts: (region: string, year: number, finess: string) => ({ pk: `REGION#${region}#YEAR#${year}`, sk: `FACT#MO#${finess}` }),
  moFactPrefix: (region: string, year: number) => ({ pk: `REGION#${region}#YEAR#${year}`, skPrefix: 'FACT#MO#' }),
  cpamFact: (region: string, year: number, indicator: string, finess: string, period: string) => ({
    pk: `REGION#${region}#YEAR#${year}`,
    sk: `FACT#CPAM#${indicator}#${finess}#${period}`,
  }),
  cpamFactPrefix: (region: string, year: number) => ({ pk: `REGION#${region}#YEAR#${year}`, skPrefix: 'FACT#CPAM#' }),
  phmevFact: (region: string, year: number, finess: string) => ({ pk: `REGION#${region}#YEAR#${year}`, sk: `FACT#PHMEV#${finess}` }),
  phmevFactPrefix: (region: string, year: number) => ({ pk: `REGION#${region}#YEAR#${year}`, skPrefix: 'FACT#PHMEV#' }),
  dmiFact: (region: string, year: number, finess: string) => ({ pk: `REGION#${region}#YEAR#${year}`, sk: `FACT#DMI#${finess}` }),
  dmiFactPrefix: (region: string, year: number) => ({ pk: `REGION#${region}#YEAR#${year}`, skPrefix: 'FACT#DMI#' }),
  resultPart: (region: string, year: number, indicator: string, part: number) => ({
    pk: `REGION#${region}#YEAR#${year}`,
    sk: `RESULT#${indicator}#PART#${String(part).padStart(3, '0')}`,
  }),
  resultPrefix: (region: string, year: number) => ({ pk: `REGION#${region}#YEAR#${year}`, skPrefix: 'RESULT#' }),
  evidence: (region: string, campaign: string, finess: string, kind: string, uploadId: string) => ({
    pk: `REGION#${region}#CAMPAIGN#${campaign}`,
    sk: `EVIDENCE#${finess}#${kind}#${uploadId}`,
  }),
  evidencePrefix: (region: string, campaign: string) => ({ pk: `REGION#${region}#CAMPAIGN#${campaign}`, skPrefix: 'EVIDENCE#' }),
  reminder: (region: string, campaign: string, deadline: string, finess: string, step: string) => ({
    pk: `REGION#${region}#CAMPAIGN#${campaign}`,
    sk: `REMINDER#${deadline}#${finess}#${step}`,
  }),
  reminderPrefix: (region: string, campaign: string) => ({ pk: `REGION#${region}#CAMPAIGN#${campaign}`, skPrefix: 'REMINDER#' }),
  /** A personal upload link issued to one establishment for one campaign (lib/portal/links.ts). */
  link: (region: string, campaign: string, finess: string, linkId: string) => ({
    pk: `REGION#${region}#CAMPAIGN#${campaign}`,
    sk: `LINK#${finess}#${linkId}`,
  }),
  linkPrefix: (region: string, campaign: string, finess: string) => ({ pk: `REGION#${region}#CAMPAIGN#${campaign}`, skPrefix: `LINK#${finess}#` }),
  /**
   * A contract's self-evaluation report of a year, its current version (lib/store/self-evaluation-store.ts).
   * Contract ids come from the referential: encoded so that no `#` of theirs can reach another's key.
   */
  selfEvaluation: (region: string, year: number, contrat: string) => ({ pk: `REGION#${region}#REPORT#${year}`, sk: `CURRENT#${encodeURIComponent(contrat)}` }),
  selfEvaluationPrefix: (region: string, year: number) => ({ pk: `REGION#${region}#REPORT#${year}`, skPrefix: 'CURRENT#' }),
  /** One saved version of a report, never rewritten: its history. */
  selfEvaluationVersion: (region: string, year: number, contrat: string, version: number) => ({
    pk: `REGION#${region}#REPORT#${year}`,
    sk: `VERSION#${encodeURIComponent(contrat)}#${String(version).padStart(6, '0')}`,
  }),
  selfEvaluationVersionPrefix: (region: string, year: number, contrat: string) => ({ pk: `REGION#${region}#REPORT#${year}`, skPrefix: `VERSION#${encodeURIComponent(contrat)}#` }),
  suppression: (address: string) => ({ pk: 'SUPPRESSION', sk: `EMAIL#${address.trim().toLowerCase()}` }),
  suppressionPrefix: () => ({ pk: 'SUPPRESSION', skPrefix: 'EMAIL#' }),
  digest: (region: string, day: string) => ({ pk: `REGION#${region}#DIGEST`, sk: `DAY#${day}` }),
  /** An audit entry (lib/store/audit-log.ts): a region's, or the platform's (accounts) when `region` is null. */
  audit: (region: string | null, at: string, id: string) => ({ pk: region === null ? 'PLATFORM#AUDIT' : `REGION#${region}#AUDIT`, sk: `AT#${at}#${id}` }),
  /** The entries between two ISO instants, both included (an instant is a prefix of its entries' keys). */
  auditRange: (region: string | null, from: string, to: string) => ({
    pk: region === null ? 'PLATFORM#AUDIT' : `REGION#${region}#AUDIT`,
    skFrom: `AT#${from}`,
    skTo: `AT#${to}#\uffff`,
  }),
  /** A local account of the embedded default: accounts are not regional, so one platform partition. */
  account: (email: string) => ({ pk: 'PLATFORM#ACCOUNTS', sk: `ACCOUNT#${email.trim().toLowerCase()}` }),
  accountPrefix: () => ({ pk: 'PLATFORM#ACCOUNTS', skPrefix: 'ACCOUNT#' }),
  /** A local session, by the SHA-256 of its id: the id itself is never stored. */
  session: (idHash: string) => ({ pk: `SESSION#${idHash}`, sk: 'SESSION' }),
  /** Failed logins of an account or a client address, by the SHA-256 of either (no address in a key). */
  loginAttempts: (scope: 'ACCOUNT' | 'IP', digest: string) => ({ pk: `LOGIN#${scope}#${digest}`, sk: 'ATTEMPTS' }),
  /** An OMéDIT's upload from its inputs page: who asked for the form, when, for which kind (lib/store/input-store.ts). */
  inputUpload: (region: string, at: string, uploadId: string) => ({ pk: `REGION#${region}#INPUTS`, sk: `UPLOAD#${at}#${uploadId}` }),
  inputUploadPrefix: (region: string) => ({ pk: `REGION#${region}#INPUTS`, skPrefix: 'UPLOAD#' }),
  /** An input dropped straight into the drop zone (a script's), with the regions it concerns (lib/store/input-store.ts). */
  droppedInput: (at: string, id: string) => ({ pk: 'DROPZONE#INPUTS', sk: `DROP#${at}#${id}` }),
  droppedInputPrefix: () => ({ pk: 'DROPZONE#INPUTS', skPrefix: 'DROP#' }),
  fileEvent: (s3Key: string, order: string) => ({ pk: `FILE#${s3Key}`, sk: `EVENT#${order}` }),
  fileEventPrefix: (s3Key: string) => ({ pk: `FILE#${s3Key}`, skPrefix: 'EVENT#' }),
  /** An accepted extract naming FINESS the referential did not know yet, read again once it knows them. */
  waitingFile: (s3Key: string) => ({ pk: 'WAITING#FINESS', sk: `FILE#${s3Key}` }),
  waitingFilePrefix: () => ({ pk: 'WAITING#FINESS', skPrefix: 'FILE#' }),
};

/** Drop-zone prefixes that receive files; everything the pipeline writes lives elsewhere. */
export const DROP_PREFIXES = ['referential/', 'atih/', 'cpam/', 'evidence/'] as const;

/** Keeps letters, digits, dot, dash and underscore: no path separators, no control or HTML characters. */
export function sanitiseFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._]+/, '')
    .slice(0, 120);
  return cleaned === '' ? 'fichier' : cleaned;
}

export const s3Keys = {
  evidence: (campaign: string, finess: string, kind: string, uploadId: string, fileName: string) =>
    `evidence/${campaign}/${finess}/${kind}/${uploadId}-${sanitiseFileName(fileName)}`,
  referential: (fileName: string) => `referential/${sanitiseFileName(fileName)}`,
  extract: (source: 'atih' | 'cpam', year: number, fileName: string) => `${source}/${year}/${sanitiseFileName(fileName)}`,
  /**
   * An OMéDIT's upload from its inputs page: under its zone, then its region and upload id, so the
   * file can only change that region's data and every upload keeps its own key (its history).
   */
  regionalInput: (zone: 'referential' | 'atih' | 'cpam', year: number | null, region: string, uploadId: string, fileName: string) =>
    `${zone === 'referential' ? 'referential' : `${zone}/${year}`}/${region}/${uploadId}/${sanitiseFileName(fileName)}`,
  /** Where a region's uploads of a zone (and year) are listed from. */
  regionalInputPrefix: (zone: 'referential' | 'atih' | 'cpam', year: number | null, region: string) =>
    `${zone === 'referential' ? 'referential' : `${zone}/${year}`}/${region}/`,
  /** Immutable copy of what was received, named by content (ETag), so an overwrite loses nothing. */
  archive: (key: string, etag: string) => `archive/${key}/${etag.replace(/"/g, '')}`,
  report: (key: string, order: string) => `reports/${key}/${order}.json`,
  summary: (year: number, region: string) => `summaries/${year}/${region}.xlsx`,
  /** The summary's one-page visual report and its CSV export, beside the workbook. */
  summaryPage: (year: number, region: string) => `summaries/${year}/${region}.html`,
  summaryCsv: (year: number, region: string) => `summaries/${year}/${region}.csv`,
  /** Every summary workbook: what the portal lists (and the only prefix its function may list). */
  summaryPrefix: () => 'summaries/',
};

/** `region` and `uploadId`: a file sent from an OMéDIT's inputs page, which may change that region only. */
export type DropKey =
  | { zone: 'referential'; fileName: string; region?: string; uploadId?: string }
  | { zone: 'atih' | 'cpam'; year: number; fileName: string; region?: string; uploadId?: string }
  | { zone: 'evidence'; campaign: string; finess: string; kind: string; uploadId: string; fileName: string };

/**
 * Why a drop-zone key cannot be taken as a file name, in French, or null. Keys are free text on
 * S3: a console upload or a script can carry a path segment `..`, a backslash, control characters,
 * or the Unicode direction controls that make `plan‮fdp.exe` read as `planexe.pdf`.
 */
export function dropKeyProblem(key: string): string | null {
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) return 'le chemin contient « . » ou « .. »';
  if (key.includes('\\')) return 'le chemin contient une barre oblique inversée (\\)';
  if (/[\u0000-\u001f\u007f-\u009f]/u.test(key)) return 'le nom contient des caractères de contrôle';
  if (/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u.test(key)) return 'le nom contient des caractères qui inversent le sens d’écriture et peuvent masquer sa véritable extension';
  const fileName = key.split('/').pop() ?? '';
  if ([...fileName].length > 200) return 'le nom du fichier dépasse 200 caractères';
  return null;
}

/** Reads what a drop-zone key says about its file, or null when the key is outside the drop zones or not one of their layouts. */
export function parseDropKey(key: string): DropKey | null {
  const parts = key.split('/');
  const fileName = parts[parts.length - 1] ?? '';
  if (fileName === '') return null;
  if (parts[0] === 'referential' && parts.length === 2) return { zone: 'referential', fileName };
  if (parts[0] === 'referential' && parts.length === 4) {
    const scope = regionalScope(parts[1], parts[2]);
    return scope && { zone: 'referential', fileName, ...scope };
  }
  if ((parts[0] === 'atih' || parts[0] === 'cpam') && /^\d{4}$/.test(parts[1] ?? '')) {
    if (parts.length === 3) return { zone: parts[0], year: Number(parts[1]), fileName };
    const scope = parts.length === 5 ? regionalScope(parts[2], parts[3]) : null;
    return scope && { zone: parts[0], year: Number(parts[1]), fileName, ...scope };
  }
  if (parts[0] === 'evidence' && parts.length === 5) {
    const [, campaign = '', finess = '', kind = ''] = parts;
    // A FINESS's shape only: its key is checked against the referential, which says why it is refused.
    if (!Campaign.safeParse(campaign).success || !Finess.safeParse(finess).success || !/^[a-z][a-z0-9_]*$/.test(kind)) return null;
    const dash = fileName.indexOf('-');
    const uploadId = dash > 0 ? fileName.slice(0, dash) : fileName;
    return { zone: 'evidence', campaign, finess, kind, uploadId, fileName: dash > 0 ? fileName.slice(dash + 1) : fileName };
  }
  return null;
}

/** The region and upload id of a regional input's key, when both have their shape. */
function regionalScope(region: string | undefined, uploadId: string | undefined): { region: string; uploadId: string } | null {
  if (!Region.safeParse(region).success || !/^[A-Za-z0-9_-]{1,64}$/.test(uploadId ?? '')) return null;
  return { region: region!, uploadId: uploadId! };
}

/**
 * The version of a received object as its records name it: S3's version id (the deployed, versioned
 * bucket), else `etag:<ETag>` (s3rver keeps no versions).
 */
export function objectVersion(versionId: string | undefined, eTag: string): string {
  return versionId ?? `etag:${eTag.replace(/"/g, '')}`;
}

/**
 * A total order of the events of the drop zone: event time, then S3's per-key sequencer (hex,
 * compared after left-padding as AWS documents), then the content's ETag, because s3rver's
 * sequencer is only a millisecond clock. A re-delivered event has the same order.
 */
export function eventOrder(eventTime: string, sequencer: string, eTag: string): string {
  return `${new Date(eventTime).toISOString()}|${sequencer.toUpperCase().padStart(32, '0')}|${eTag.replace(/"/g, '')}`;
}

/**
 * The portal's routes, as plain functions of a request: the pages, their assets, and the API. Each
 * API route names what it does (an action of lib/portal/permissions.ts, `public` for signing in
 * and out, `signed-in` for any staff caller); the router resolves the caller (lib/portal/caller.ts),
 * refuses a role without that action, and the route checks the regions, FINESS and campaign it
 * touches (lib/portal/access.ts) before reading anything.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { todayOf } from '../domain/clock';
import { Campaign, Finess, Region } from '../domain/schemas';
import { AccountEmail, NewAccount, type AccountDirectory } from '../store/account-store';
import type { AuditStore } from '../store/audit-log';
import type { PresignedUpload, UploadPolicy } from '../store/presign';
import type { SelfEvaluationStore } from '../store/self-evaluation-store';
import { assertCan, assertRegion, asEstablishment, asStaff, can, evidenceKeyFiness, visibleRegions } from './access';
import { createAccount, disableAccount, resetAccountPassword } from './accounts';
import { isAssetName, readAsset } from './assets';
import { actorOf } from './audit';
import { describeAudit } from './audit-sentences';
import { readAudit, type AuditLog } from '../store/audit-log';
import type { AuthConfig } from './auth-config';
import { credentialsOf, resolveCaller, type Caller, type CallerDeps, type EstablishmentCaller, type StaffCaller } from './caller';
import { establishmentPage, fileResult, readFileResult, type ViewDeps } from './establishment-view';
import { ApiError, apiErrors } from './errors';
import { asset, errorResponse, json, pageCsp, redirect, withCookie, type ApiRequest, type ApiResponse } from './http';
import { issueLink, listLinks, MAX_LINK_DAYS, revokeLinks, type LinkDeps } from './links';
import { login, type LoginDeps } from './login';
import { omeditOverview, OverviewQuery, SummaryFormat, summaryKey } from './omedit-view';
import { ACTIONS, ROLE_LABELS, type Action } from './permissions';
import {
  assertEvidenceOpen,
  establishmentReport,
  establishmentReportExport,
  finalResult,
  FinalBody,
  OpenBody,
  openReports,
  reopen,
  ReopenBody,
  reportHistory,
  ReportQuery,
  ReportsQuery,
  review,
  ReviewBody,
  SaveBody,
  saveEstablishmentReport,
  staffReport,
  staffReportExport,
  staffReports,
  uploadLock,
} from './self-evaluation';
import {
  CompleteRequest,
  inputDownload,
  InputKeyQuery,
  inputResult,
  InputsQuery,
  InputUploadRequest,
  listInputs,
  partSizeFor,
  PartsRequest,
  planInputUpload,
  recordedUpload,
  recordUpload,
  template,
  TemplateQuery,
} from './inputs';
import type { MultipartSigner } from '../store/multipart';
import { EmailsQuery, listKeptEmails, type KeptEmailsDeps, type KeptEmailSource } from './kept-emails';
import type { InputStore } from '../store/input-store';
import { closeSession, sessionCookie } from './sessions';
import { planUpload, UPLOAD_FORM_SECONDS, UploadRequest } from './upload-policy';

/** How long a part's upload address works: a part of a national extract on a slow line. */
const PART_URL_SECONDS = 60 * 60;
/** How long a summary's download address works. */
const DOWNLOAD_SECONDS = 5 * 60;
/** API bodies are a few fields: anything larger is refused before it is parsed. */
const MAX_BODY_CHARS = 16 * 1024;
/** The audit log's period when none is asked for. */
const AUDIT_DEFAULT_DAYS = 30;

/** Signs the URLs browsers use to reach S3 directly (lib/store/presign.ts behind it). */
export interface Presigner {
  upload(policy: UploadPolicy): Promise<PresignedUpload>;
  download(key: string, fileName: string, expiresInSeconds: number): Promise<{ url: string; expiresAt: string }>;
}

/** What the routes need; `links` is the whole link store (links are issued and revoked here). */
export interface PortalDeps extends ViewDeps, Omit<CallerDeps, 'links'>, LinkDeps, LoginDeps {
  /** Where accounts live: local accounts, or Cognito users on AWS. */
  directory: AccountDirectory;
  audit: AuditLog;
  auditEntries: Pick<AuditStore, 'list'>;
  /** The self-evaluation reports and their versions. */
  reports: SelfEvaluationStore;
  /** OMéDIT's uploads from its inputs page, and the large ones' parts. */
  inputs: InputStore;
  multipart: MultipartSigner;
  /** The e-mails the local gateway kept (single machine); null on AWS (lib/portal/kept-emails.ts). */
  keptEmails: KeptEmailSource;
  /** The reminders' and digests' markers, which say whose each kept e-mail is. */
  reminders: KeptEmailsDeps['reminders'];
  /** Beyond this size the inputs page sends in parts (configuration; lib/portal/inputs.ts's default otherwise). */
  multipartFromBytes?: number;
  auth: AuthConfig;
  presigner: Presigner;
  /** Where browsers post uploads, for the pages' Content-Security-Policy. */
  uploadOrigin: string;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** Who may call a route: an action of the permissions table, anyone (`public`), or any staff caller (`signed-in`). */
export type RouteAccess = Action | 'public' | 'signed-in';

export interface Route {
  method: 'GET' | 'POST';
  path: string;
  access: RouteAccess;
  handle(request: ApiRequest, caller: Caller | null, deps: PortalDeps): Promise<ApiResponse>;
}

type LinkHandler = (request: ApiRequest, caller: EstablishmentCaller, deps: PortalDeps) => Promise<ApiResponse>;
type StaffHandler = (request: ApiRequest, caller: StaffCaller, deps: PortalDeps) => Promise<ApiResponse>;

const byLink = (method: Route['method'], path: string, access: Action, handle: LinkHandler): Route => ({
  method,
  path,
  access,
  handle: (request, caller, deps) => handle(request, asEstablishment(caller!), deps),
});
const byStaff = (method: Route['method'], path: string, access: Action | 'signed-in', handle: StaffHandler): Route => ({
  method,
  path,
  access,
  handle: (request, caller, deps) => handle(request, asStaff(caller!), deps),
});
const byAnyone = (method: Route['method'], path: string, handle: (request: ApiRequest, deps: PortalDeps) => Promise<ApiResponse>): Route => ({
  method,
  path,
  access: 'public',
  handle: (request, _caller, deps) => handle(request, deps),
});

function parseBody<T>(schema: z.ZodType<T>, request: ApiRequest): T {
  if (request.body === null || request.body === '') throw apiErrors.badRequest('corps JSON attendu');
  if (request.body.length > MAX_BODY_CHARS) throw apiErrors.payloadTooLarge();
  let raw: unknown;
  try {
    raw = JSON.parse(request.body);
  } catch {
    throw apiErrors.badRequest('le corps n’est pas du JSON');
  }
  return parseWith(schema, raw);
}

/** The request fields a person types or chooses, as the pages call them. */
const FIELD_NAMES: Readonly<Record<string, string>> = { fileName: 'le nom du fichier', reason: 'la raison', comment: 'le commentaire' };

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // A field the route does not take (a FINESS in an upload request…) is named, never ignored.
    if (issue?.code === 'unrecognized_keys') throw apiErrors.badRequest(`champ non attendu : ${issue.keys.map((k) => `« ${k} »`).join(', ')}`);
    const field = issue?.path.join('.') || 'requête';
    if (issue?.code === 'too_big' && issue.origin === 'string' && FIELD_NAMES[field]) throw apiErrors.tooLong(FIELD_NAMES[field], Number(issue.maximum));
    throw apiErrors.badRequest(`champ « ${field} » manquant ou incorrect`);
  }
  return parsed.data;
}

const IsoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const LinkBody = z.object({ finess: Finess, campaign: Campaign, days: z.number().int().min(1).max(MAX_LINK_DAYS).optional() }).strict();
const RevokeBody = z.object({ finess: Finess, campaign: Campaign, id: z.string().min(1).max(64).optional() }).strict();
const LinksQuery = z.object({ finess: Finess, campaign: Campaign }).strict();
const SummaryQuery = z.object({ region: Region, year: z.coerce.number().int().min(2000).max(2100), format: SummaryFormat.default('xlsx') }).strict();
const ResultQuery = z.object({ key: z.string().min(1).max(1024) }).strict();
const AuditQuery = z.object({ region: Region.optional(), from: IsoDay.optional(), to: IsoDay.optional() }).strict();
const PlatformAuditQuery = AuditQuery.omit({ region: true });
const LoginBody = z.object({ email: z.string().min(1).max(254), password: z.string().min(1).max(1024) }).strict();
const AccountBody = z.object({ email: AccountEmail }).strict();

/** The establishment an OMéDIT action names, in a region the caller may see. */
async function establishmentInRegion(caller: Caller, finess: string, deps: PortalDeps) {
  const establishment = (await deps.referential.allEstablishments()).find((e) => e.finess === finess);
  if (!establishment) throw apiErrors.unknownEstablishment(finess);
  assertRegion(caller, establishment.region);
  return establishment;
}

/** A random upload id: no dash, since the key's file part is `<upload id>-<file name>`. */
function newUploadId(): string {
  return `u${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

/** The period of an audit query, as ISO instants: whole days, Paris days being close enough for a log. */
function auditPeriod(query: { from?: string; to?: string }, now: Date): { from: string; to: string } {
  const to = query.to ?? todayOf(now);
  const from = query.from ?? todayOf(new Date(Date.parse(to) - AUDIT_DEFAULT_DAYS * 86_400_000));
  if (from > to) throw apiErrors.badRequest('« from » est après « to »');
  return { from: `${from}T00:00:00.000Z`, to: `${to}T23:59:59.999Z` };
}

/** Who is signed in, and what the pages may offer them (the server refuses the rest anyway); the pages' type of it too. */
export function me(caller: StaffCaller) {
  return {
    name: caller.name,
    role: caller.role,
    roleLabel: ROLE_LABELS[caller.role],
    regions: caller.regions === 'all' ? ('all' as const) : [...caller.regions].sort(),
    can: ACTIONS.filter((a) => can(caller, a)),
  };
}

/** The portal's origin: state-changing requests that ride on the session cookie must come from it. */
function assertSameOrigin(request: ApiRequest, deps: PortalDeps): void {
  if (request.headers.origin !== new URL(deps.portalUrl).origin) throw apiErrors.crossOrigin();
}

export const ROUTES: readonly Route[] = [
  // ------------------------------------------------------------ establishments, by their link
  byLink('GET', '/api/depot', 'depot.read', async (_request, caller, deps) =>
    json(200, { ...(await establishmentPage(caller, deps)), uploadsClosed: await uploadLock(caller, deps) }),
  ),

  byLink('POST', '/api/depot/uploads', 'depot.upload', async (request, caller, deps) => {
    const upload = parseBody(UploadRequest, request);
    await assertEvidenceOpen(caller, deps);
    const planned = planUpload(caller, upload, newUploadId());
    const post = await deps.presigner.upload({ key: planned.key, contentType: planned.contentType, maxBytes: planned.maxBytes, expiresInSeconds: UPLOAD_FORM_SECONDS });
    deps.logger.info('upload form signed', { finess: caller.finess, campaign: caller.campaign, key: planned.key });
    return json(201, { key: planned.key, fileName: planned.fileName, maxBytes: planned.maxBytes, ...post });
  }),

  byLink('GET', '/api/depot/result', 'depot.result', async (request, caller, deps) => {
    const { key } = parseWith(ResultQuery, { ...request.query });
    return json(200, await fileResult(caller, key, deps));
  }),

  // ------------------------------------------------------------ the self-evaluation report, by a link of its contract
  byLink('GET', '/api/depot/report', 'depot.report.read', async (_request, caller, deps) => json(200, await establishmentReport(caller, deps))),

  byLink('POST', '/api/depot/report', 'depot.report.write', async (request, caller, deps) =>
    json(200, await saveEstablishmentReport(caller, parseBody(SaveBody, request), false, deps)),
  ),

  byLink('POST', '/api/depot/report/submit', 'depot.report.write', async (request, caller, deps) =>
    json(200, await saveEstablishmentReport(caller, parseBody(SaveBody, request), true, deps)),
  ),

  byLink('GET', '/api/depot/report/export', 'depot.report.read', async (_request, caller, deps) => establishmentReportExport(caller, deps)),

  // ------------------------------------------------------------ signing in and out
  byAnyone('GET', '/api/auth/config', async (_request, deps) => json(200, deps.auth)),

  byAnyone('POST', '/api/auth/login', async (request, deps) => {
    if (deps.auth.mode !== 'local') throw apiErrors.localLoginOff();
    assertSameOrigin(request, deps);
    const body = parseBody(LoginBody, request);
    const { caller, cookie } = await login({ email: body.email, password: body.password, sourceIp: request.sourceIp ?? 'unknown' }, deps);
    deps.logger.info('signed in', { role: caller.role });
    return withCookie(json(200, me(caller)), cookie);
  }),

  // Public: a session that has already ended must still get its cookie cleared.
  byAnyone('POST', '/api/auth/logout', async (request, deps) => {
    assertSameOrigin(request, deps);
    const { session } = credentialsOf(request);
    if (session) await closeSession(session, deps);
    return withCookie(json(200, { signedOut: true }), sessionCookie(null));
  }),

  byStaff('GET', '/api/auth/me', 'signed-in', async (_request, caller) => json(200, me(caller))),

  // ------------------------------------------------------------ regional data, in the caller's regions
  byStaff('GET', '/api/omedit/overview', 'overview.read', async (request, caller, deps) =>
    json(200, await omeditOverview(caller, parseWith(OverviewQuery, { ...request.query }), deps)),
  ),

  byStaff('GET', '/api/omedit/summary', 'summary.read', async (request, caller, deps) => {
    const { region, year, format } = parseWith(SummaryQuery, { ...request.query });
    assertRegion(caller, region);
    const key = summaryKey(year, region, format);
    if (!(await deps.listKeys(key)).includes(key)) throw apiErrors.noSummary(region, year);
    return json(200, await deps.presigner.download(key, `CAQES-synthese-${region}-${year}.${format}`, DOWNLOAD_SECONDS));
  }),

  byStaff('GET', '/api/omedit/file', 'file.read', async (request, caller, deps) => {
    const { key } = parseWith(ResultQuery, { ...request.query });
    // The key says the FINESS; the referential says its region, which must be the caller's.
    await establishmentInRegion(caller, evidenceKeyFiness(key), deps);
    return json(200, await readFileResult(key, deps));
  }),

  byStaff('GET', '/api/omedit/links', 'links.read', async (request, caller, deps) => {
    const { finess, campaign } = parseWith(LinksQuery, { ...request.query });
    const establishment = await establishmentInRegion(caller, finess, deps);
    return json(200, { links: await listLinks(deps, { region: establishment.region, campaign, finess }) });
  }),

  byStaff('POST', '/api/omedit/links', 'links.issue', async (request, caller, deps) => {
    const body = parseBody(LinkBody, request);
    const establishment = await establishmentInRegion(caller, body.finess, deps);
    const expiresAt = body.days === undefined ? undefined : new Date(deps.now().getTime() + body.days * 86_400_000);
    const link = await issueLink(deps, { region: establishment.region, campaign: body.campaign, finess: body.finess, issuedBy: caller.name, expiresAt });
    await deps.audit.record({
      region: establishment.region,
      actor: actorOf(caller),
      action: 'link.issued',
      target: body.finess,
      after: { id: link.id, campaign: body.campaign, expiresAt: link.expiresAt },
    });
    deps.logger.info('link issued', { finess: body.finess, campaign: body.campaign, id: link.id, role: caller.role });
    return json(201, { id: link.id, url: link.url, expiresAt: link.expiresAt, establishment: establishment.raisonSociale });
  }),

  byStaff('POST', '/api/omedit/links/revoke', 'links.revoke', async (request, caller, deps) => {
    const body = parseBody(RevokeBody, request);
    const establishment = await establishmentInRegion(caller, body.finess, deps);
    const target = { region: establishment.region, campaign: body.campaign, finess: body.finess };
    // Revoking takes every link not yet revoked, expired ones included: so does the count before.
    const unrevoked = (await listLinks(deps, target)).filter((l) => l.state !== 'revoked').length;
    const revoked = await revokeLinks(deps, { ...target, id: body.id }, caller.name);
    await deps.audit.record({
      region: establishment.region,
      actor: actorOf(caller),
      action: 'link.revoked',
      target: body.finess,
      before: { campaign: body.campaign, unrevokedLinks: unrevoked },
      after: { campaign: body.campaign, unrevokedLinks: unrevoked - revoked, revoked, ...(body.id ? { id: body.id } : {}) },
    });
    deps.logger.info('links revoked', { finess: body.finess, campaign: body.campaign, revoked, role: caller.role });
    return json(200, { revoked });
  }),

  byStaff('GET', '/api/omedit/audit', 'audit.read', async (request, caller, deps) => {
    const query = parseWith(AuditQuery, { ...request.query });
    if (query.region) assertRegion(caller, query.region);
    const regions = query.region ? [query.region] : visibleRegions(caller, (await deps.referential.listRegions()).map((r) => r.region));
    const period = auditPeriod(query, deps.now());
    return json(200, { ...period, regions, entries: await describeAudit(await readAudit(deps.auditEntries, regions, period.from, period.to), regions, deps.referential) });
  }),

  // ------------------------------------------------------------ the self-evaluation reports of the caller's regions
  byStaff('GET', '/api/omedit/reports', 'reports.read', async (request, caller, deps) => json(200, await staffReports(caller, parseWith(ReportsQuery, { ...request.query }), deps))),

  byStaff('POST', '/api/omedit/reports/open', 'reports.open', async (request, caller, deps) => json(200, await openReports(caller, parseBody(OpenBody, request), deps))),

  byStaff('GET', '/api/omedit/report', 'reports.read', async (request, caller, deps) => json(200, await staffReport(caller, parseWith(ReportQuery, { ...request.query }), deps))),

  byStaff('GET', '/api/omedit/report/export', 'reports.read', async (request, caller, deps) => staffReportExport(caller, parseWith(ReportQuery, { ...request.query }), deps)),

  byStaff('GET', '/api/omedit/report/history', 'reports.history', async (request, caller, deps) =>
    json(200, await reportHistory(caller, parseWith(ReportQuery, { ...request.query }), deps)),
  ),

  byStaff('POST', '/api/omedit/report/review', 'reports.review', async (request, caller, deps) => json(200, await review(caller, parseBody(ReviewBody, request), deps))),

  byStaff('POST', '/api/omedit/report/final', 'reports.review', async (request, caller, deps) => json(200, await finalResult(caller, parseBody(FinalBody, request), deps))),

  byStaff('POST', '/api/omedit/report/reopen', 'reports.reopen', async (request, caller, deps) => json(200, await reopen(caller, parseBody(ReopenBody, request), deps))),

  // ------------------------------------------------------------ OMéDIT's own files of its regions (lib/portal/inputs.ts)
  byStaff('GET', '/api/omedit/inputs', 'inputs.read', async (request, caller, deps) => json(200, await listInputs(caller, parseWith(InputsQuery, { ...request.query }).region, deps))),

  byStaff('POST', '/api/omedit/inputs/uploads', 'inputs.upload', async (request, caller, deps) => {
    const body = parseBody(InputUploadRequest, request);
    const uploadId = newUploadId();
    const planned = planInputUpload(caller, body, uploadId);
    const post = await deps.presigner.upload({ key: planned.key, contentType: planned.contentType, maxBytes: planned.maxBytes, expiresInSeconds: UPLOAD_FORM_SECONDS });
    await recordUpload(caller, body, planned, uploadId, deps);
    deps.logger.info('input upload form signed', { region: body.region, kind: planned.kind.id, key: planned.key });
    return json(201, { key: planned.key, maxBytes: planned.maxBytes, ...post });
  }),

  // A large file in parts: started on one planned key, each part's PUT signed, completed with the parts' ETags.
  byStaff('POST', '/api/omedit/inputs/multipart', 'inputs.upload', async (request, caller, deps) => {
    const body = parseBody(InputUploadRequest, request);
    const uploadId = newUploadId();
    const planned = planInputUpload(caller, body, uploadId);
    const s3UploadId = await deps.multipart.start(planned.key, planned.contentType);
    await recordUpload(caller, body, planned, uploadId, deps);
    deps.logger.info('input multipart upload started', { region: body.region, kind: planned.kind.id, key: planned.key });
    return json(201, { key: planned.key, uploadId: s3UploadId, partSize: partSizeFor(body.size) });
  }),

  byStaff('POST', '/api/omedit/inputs/multipart/parts', 'inputs.upload', async (request, caller, deps) => {
    const body = parseBody(PartsRequest, request);
    await recordedUpload(caller, body.key, deps);
    return json(200, { parts: await deps.multipart.parts(body.key, body.uploadId, body.partNumbers, PART_URL_SECONDS) });
  }),

  byStaff('POST', '/api/omedit/inputs/multipart/complete', 'inputs.upload', async (request, caller, deps) => {
    const body = parseBody(CompleteRequest, request);
    await recordedUpload(caller, body.key, deps);
    await deps.multipart.complete(body.key, body.uploadId, body.parts);
    return json(200, { key: body.key });
  }),

  byStaff('GET', '/api/omedit/inputs/result', 'inputs.read', async (request, caller, deps) => {
    const { key } = parseWith(InputKeyQuery, { ...request.query });
    return json(200, await inputResult(caller, key, deps));
  }),

  byStaff('GET', '/api/omedit/inputs/download', 'inputs.download', async (request, caller, deps) => {
    const { key } = parseWith(InputKeyQuery, { ...request.query });
    const file = await inputDownload(caller, key, deps);
    return json(200, await deps.presigner.download(file.key, file.fileName, DOWNLOAD_SECONDS));
  }),

  byStaff('GET', '/api/omedit/emails', 'emails.read', async (request, caller, deps) => json(200, await listKeptEmails(caller, parseWith(EmailsQuery, { ...request.query }).region, deps))),

  byStaff('GET', '/api/omedit/template', 'inputs.read', async (request, _caller) => {
    const { kind, format } = parseWith(TemplateQuery, { ...request.query });
    return json(200, await template(kind, format));
  }),

  // ------------------------------------------------------------ the platform: accounts, no regional data
  byStaff('GET', '/api/admin/accounts', 'accounts.read', async (_request, _caller, deps) => json(200, { directory: deps.directory.kind, accounts: await deps.directory.list() })),

  byStaff('POST', '/api/admin/accounts', 'accounts.write', async (request, caller, deps) => {
    const created = await createAccount(deps, parseBody(NewAccount, request), actorOf(caller));
    deps.logger.info('account created', { role: created.account.role });
    return json(201, created);
  }),

  byStaff('POST', '/api/admin/accounts/disable', 'accounts.write', async (request, caller, deps) =>
    json(200, { account: await disableAccount(deps, parseBody(AccountBody, request).email, actorOf(caller)) }),
  ),

  byStaff('POST', '/api/admin/accounts/reset', 'accounts.write', async (request, caller, deps) =>
    json(200, await resetAccountPassword(deps, parseBody(AccountBody, request).email, actorOf(caller))),
  ),

  byStaff('GET', '/api/admin/audit', 'platform-audit.read', async (request, _caller, deps) => {
    const period = auditPeriod(parseWith(PlatformAuditQuery, { ...request.query }), deps.now());
    return json(200, { ...period, entries: await describeAudit(await readAudit(deps.auditEntries, [null], period.from, period.to), [null], deps.referential) });
  }),
];

/** The pages: `/connexion` is where Cognito's hosted sign-in sends the browser back (the staff page). */
const PAGES: Record<string, 'depot.html' | 'omedit.html' | 'fichiers.html'> = { '/depot': 'depot.html', '/omedit': 'omedit.html', '/connexion': 'omedit.html', '/omedit/fichiers': 'fichiers.html' };

function staticRoute(request: ApiRequest, deps: PortalDeps): ApiResponse | null {
  if (request.path === '/' || request.path === '') return redirect('/depot');
  const page = PAGES[request.path];
  if (page) {
    const { body, contentType } = readAsset(page);
    return asset(body, contentType, pageCsp(deps.uploadOrigin, deps.auth.mode === 'cognito' ? new URL(deps.auth.tokenUrl).origin : null));
  }
  const name = /^\/assets\/([a-z]+\.(?:css|js))$/.exec(request.path)?.[1];
  if (name && isAssetName(name)) {
    const { body, contentType } = readAsset(name);
    return asset(body, contentType);
  }
  return null;
}

/** Resolves the caller of an API route and refuses what it may not do, before the route runs. */
async function authorise(route: Route, request: ApiRequest, deps: PortalDeps): Promise<Caller | null> {
  if (route.access === 'public') return null;
  const credentials = credentialsOf(request);
  const caller = await resolveCaller(credentials, deps);
  // A cookie rides along with any request the browser makes, even one another site triggers: a
  // write on a session must come from the portal's own pages (SameSite=Strict is the first guard).
  const bySession = caller.kind === 'staff' && caller.via === 'session';
  if (bySession && request.method.toUpperCase() !== 'GET' && request.method.toUpperCase() !== 'HEAD') assertSameOrigin(request, deps);
  if (route.access === 'signed-in') asStaff(caller);
  else assertCan(caller, route.access);
  return caller;
}

/**
 * Answers one request: a page, an asset, or an API call for its caller. Refusals are answered with
 * their code and French message; anything unexpected is logged and answered with a generic message.
 *
 * @example
 * const response = await handleRequest({ method: 'GET', path: '/api/depot', query: {}, headers: { authorization: `Bearer ${token}` }, body: null }, deps);
 */
export async function handleRequest(request: ApiRequest, deps: PortalDeps): Promise<ApiResponse> {
  const method = request.method.toUpperCase();
  try {
    if (!request.path.startsWith('/api/')) {
      if (method !== 'GET' && method !== 'HEAD') throw apiErrors.methodNotAllowed();
      const response = staticRoute(request, deps);
      if (!response) throw apiErrors.notFound();
      return response;
    }
    const route = ROUTES.find((r) => r.method === method && r.path === request.path);
    if (!route) {
      const known = ROUTES.some((r) => r.path === request.path);
      throw known ? apiErrors.methodNotAllowed() : apiErrors.notFound();
    }
    const caller = await authorise(route, request, deps);
    return await route.handle(request, caller, deps);
  } catch (error) {
    if (error instanceof ApiError) {
      if (error.status >= 500) deps.logger.error('portal error', { path: request.path, code: error.code });
      else deps.logger.info('request refused', { method, path: request.path, status: error.status, code: error.code });
      return errorResponse(error);
    }
    deps.logger.error('unexpected portal error', { method, path: request.path, error: error as Error });
    return errorResponse(apiErrors.internal());
  }
}

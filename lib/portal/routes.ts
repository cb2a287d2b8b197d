/**
 * The portal's routes, as plain functions of a request: the two pages, their assets, and the API.
 * Each API route resolves its caller first (lib/portal/caller.ts) and checks what it touches
 * against it (lib/portal/access.ts) before reading anything.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { Campaign, Finess } from '../domain/schemas';
import type { PresignedUpload, UploadPolicy } from '../store/presign';
import { s3Keys } from '../store/keys';
import { asEstablishment, assertRegion, asStaff } from './access';
import { isAssetName, readAsset } from './assets';
import { credentialsOf, resolveCaller, type Caller, type CallerDeps } from './caller';
import { establishmentPage, fileResult, type ViewDeps } from './establishment-view';
import { ApiError, apiErrors } from './errors';
import { asset, errorResponse, json, pageCsp, redirect, type ApiRequest, type ApiResponse } from './http';
import { issueLink, MAX_LINK_DAYS, revokeLinks, type LinkDeps } from './links';
import { omeditOverview, OverviewQuery } from './omedit-view';
import { planUpload, UPLOAD_FORM_SECONDS, UploadRequest } from './upload-policy';

/** How long a summary's download address works. */
const DOWNLOAD_SECONDS = 5 * 60;
/** API bodies are a few fields: anything larger is refused before it is parsed. */
const MAX_BODY_CHARS = 16 * 1024;

/** Signs the URLs browsers use to reach S3 directly (lib/store/presign.ts behind it). */
export interface Presigner {
  upload(policy: UploadPolicy): Promise<PresignedUpload>;
  download(key: string, fileName: string, expiresInSeconds: number): Promise<{ url: string; expiresAt: string }>;
}

/** What the routes need; `links` is the whole link store (links are issued and revoked here). */
export interface PortalDeps extends ViewDeps, Omit<CallerDeps, 'links'>, LinkDeps {
  presigner: Presigner;
  /** Where browsers post uploads, for the pages' Content-Security-Policy. */
  uploadOrigin: string;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

type Handler = (request: ApiRequest, caller: Caller, deps: PortalDeps) => Promise<ApiResponse>;

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

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // A field the route does not take (a FINESS in an upload request…) is named, never ignored.
    if (issue?.code === 'unrecognized_keys') throw apiErrors.badRequest(`champ non attendu : ${issue.keys.map((k) => `« ${k} »`).join(', ')}`);
    const field = issue?.path.join('.') || 'requête';
    throw apiErrors.badRequest(`champ « ${field} » manquant ou incorrect`);
  }
  return parsed.data;
}

const LinkBody = z.object({ finess: Finess, campaign: Campaign, days: z.number().int().min(1).max(MAX_LINK_DAYS).optional() }).strict();
const RevokeBody = z.object({ finess: Finess, campaign: Campaign, id: z.string().min(1).max(64).optional() }).strict();
const SummaryQuery = z.object({ region: z.string().regex(/^[A-Z][A-Z0-9_-]{1,31}$/), year: z.coerce.number().int().min(2000).max(2100) }).strict();
const ResultQuery = z.object({ key: z.string().min(1).max(1024) }).strict();

/** The establishment an OMéDIT action names, in a region the caller may see. */
async function establishmentInRegion(caller: Caller, finess: string, deps: PortalDeps) {
  const establishment = (await deps.store.allEstablishments()).find((e) => e.finess === finess);
  if (!establishment) throw apiErrors.unknownEstablishment(finess);
  assertRegion(caller, establishment.region);
  return establishment;
}

/** A random upload id: no dash, since the key's file part is `<upload id>-<file name>`. */
function newUploadId(): string {
  return `u${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
}

const API_ROUTES: Record<string, Handler> = {
  'GET /api/depot': async (_request, caller, deps) => json(200, await establishmentPage(asEstablishment(caller), deps)),

  'POST /api/depot/uploads': async (request, caller, deps) => {
    const establishment = asEstablishment(caller);
    const planned = planUpload(establishment, parseBody(UploadRequest, request), newUploadId());
    const post = await deps.presigner.upload({ key: planned.key, contentType: planned.contentType, maxBytes: planned.maxBytes, expiresInSeconds: UPLOAD_FORM_SECONDS });
    deps.logger.info('upload form signed', { finess: establishment.finess, campaign: establishment.campaign, key: planned.key });
    return json(201, { key: planned.key, fileName: planned.fileName, maxBytes: planned.maxBytes, ...post });
  },

  'GET /api/depot/result': async (request, caller, deps) => {
    const { key } = parseWith(ResultQuery, { ...request.query });
    return json(200, await fileResult(asEstablishment(caller), key, deps));
  },

  'GET /api/omedit/overview': async (request, caller, deps) =>
    json(200, await omeditOverview(asStaff(caller), parseWith(OverviewQuery, { ...request.query }), deps)),

  'GET /api/omedit/summary': async (request, caller, deps) => {
    asStaff(caller);
    const { region, year } = parseWith(SummaryQuery, { ...request.query });
    assertRegion(caller, region);
    const key = s3Keys.summary(year, region);
    if (!(await deps.listKeys(key)).includes(key)) throw apiErrors.noSummary(region, year);
    return json(200, await deps.presigner.download(key, `CAQES-synthese-${region}-${year}.xlsx`, DOWNLOAD_SECONDS));
  },

  'POST /api/omedit/links': async (request, caller, deps) => {
    const staff = asStaff(caller);
    const body = parseBody(LinkBody, request);
    const establishment = await establishmentInRegion(staff, body.finess, deps);
    const expiresAt = body.days === undefined ? undefined : new Date(deps.now().getTime() + body.days * 86_400_000);
    const link = await issueLink(deps, { region: establishment.region, campaign: body.campaign, finess: body.finess, issuedBy: staff.name, expiresAt });
    deps.logger.info('link issued', { finess: body.finess, campaign: body.campaign, id: link.id, by: staff.name });
    return json(201, { id: link.id, url: link.url, expiresAt: link.expiresAt, establishment: establishment.raisonSociale });
  },

  'POST /api/omedit/links/revoke': async (request, caller, deps) => {
    const staff = asStaff(caller);
    const body = parseBody(RevokeBody, request);
    const establishment = await establishmentInRegion(staff, body.finess, deps);
    const revoked = await revokeLinks(deps, { region: establishment.region, campaign: body.campaign, finess: body.finess, id: body.id }, staff.name);
    deps.logger.info('links revoked', { finess: body.finess, campaign: body.campaign, revoked, by: staff.name });
    return json(200, { revoked });
  },
};

const PAGES: Record<string, 'depot.html' | 'omedit.html'> = { '/depot': 'depot.html', '/omedit': 'omedit.html' };

function staticRoute(request: ApiRequest, deps: PortalDeps): ApiResponse | null {
  if (request.path === '/' || request.path === '') return redirect('/depot');
  const page = PAGES[request.path];
  if (page) {
    const { body, contentType } = readAsset(page);
    return asset(body, contentType, pageCsp(deps.uploadOrigin));
  }
  const name = /^\/assets\/([a-z]+\.(?:css|js))$/.exec(request.path)?.[1];
  if (name && isAssetName(name)) {
    const { body, contentType } = readAsset(name);
    return asset(body, contentType);
  }
  return null;
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
    const route = API_ROUTES[`${method} ${request.path}`];
    if (!route) {
      const known = Object.keys(API_ROUTES).some((r) => r.endsWith(` ${request.path}`));
      throw known ? apiErrors.methodNotAllowed() : apiErrors.notFound();
    }
    const caller = await resolveCaller(credentialsOf(request.headers), deps);
    return await route(request, caller, deps);
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

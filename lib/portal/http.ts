/**
 * The portal's requests and responses, independent of API Gateway and of Node's HTTP server (each
 * has a small adapter: functions/api/handler.ts, lib/local/http-api.ts). Every response is built
 * here, with its security headers.
 */
import type { ApiError } from './errors';

export interface ApiRequest {
  method: string;
  /** Path without the query string, e.g. `/api/depot/uploads`. */
  path: string;
  query: Readonly<Record<string, string | undefined>>;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The decoded body, if any. */
  body: string | null;
  /** The client's address as API Gateway (or the local server) saw it: login throttling counts per address. */
  sourceIp?: string;
  /** Claims of a Cognito token verified by API Gateway's JWT authorizer (AWS only; lib/portal/caller.ts). */
  claims?: Readonly<Record<string, unknown>>;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sent with every response: no sniffing, no framing, no referrer (the token never leaves in one). */
const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};

/** A JSON answer; API answers are never cached (they carry an establishment's or a region's data). */
export function json(status: number, value: unknown): ApiResponse {
  return {
    status,
    headers: { ...COMMON_HEADERS, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    body: JSON.stringify(value),
  };
}

/** The body of every refusal: a stable code and a French message (and what to fix, when it is a list), never internals. */
export function errorResponse(error: ApiError): ApiResponse {
  const response = json(error.status, { error: { code: error.code, message: error.message, ...(error.details.length > 0 ? { details: error.details } : {}) } });
  return { ...response, headers: { ...response.headers, ...error.headers } };
}

/** A JSON answer that also sets (or clears) the session cookie. */
export function withCookie(response: ApiResponse, cookie: string): ApiResponse {
  return { ...response, headers: { ...response.headers, 'set-cookie': cookie } };
}

/**
 * The Content-Security-Policy of the pages: their own scripts and styles only, nothing inline, and
 * requests only to the portal, to the bucket that receives uploads and, on AWS, to Cognito's token
 * endpoint (the sign-in page exchanges its code there).
 */
export function pageCsp(uploadOrigin: string, authOrigin: string | null = null): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self' ${uploadOrigin}${authOrigin ? ` ${authOrigin}` : ''}`,
    "form-action 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** A page or a static asset. */
export function asset(body: string, contentType: string, csp?: string): ApiResponse {
  return {
    status: 200,
    headers: {
      ...COMMON_HEADERS,
      'content-type': contentType,
      // Revalidated each time: a deployment changes them at once for everyone.
      'cache-control': 'no-cache',
      ...(csp ? { 'content-security-policy': csp } : {}),
    },
    body,
  };
}

/**
 * A file to save (a report's printable page): downloaded, never shown in the portal's origin. A
 * self-contained page carries the same policy in a meta element: its own inline styles, nothing else.
 */
export function attachment(body: string, contentType: string, fileName: string): ApiResponse {
  return {
    status: 200,
    headers: {
      ...COMMON_HEADERS,
      'content-type': contentType,
      'content-disposition': `attachment; filename="${fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'cache-control': 'no-store',
    },
    body,
  };
}

/** A temporary redirection (the portal's root leads to the establishments' page). */
export function redirect(location: string): ApiResponse {
  return { status: 302, headers: { ...COMMON_HEADERS, location, 'cache-control': 'no-store' }, body: '' };
}

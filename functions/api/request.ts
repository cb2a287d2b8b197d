import type { APIGatewayProxyEventV2, APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { ApiRequest } from '../../lib/portal/http';

/**
 * The portal's request for an HTTP API (payload 2.0) event. The claims of a Cognito token come
 * only from `requestContext.authorizer.jwt`, which API Gateway fills after its JWT authorizer has
 * verified the token (staff routes); a client cannot set them. The local server never does.
 *
 * @example
 * const request = apiRequestOf(event); // { method: 'GET', path: '/api/omedit/overview', claims: { 'cognito:groups': '[omedit-PACA]', … }, … }
 */
export function apiRequestOf(event: APIGatewayProxyEventV2 | APIGatewayProxyEventV2WithJWTAuthorizer): ApiRequest {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  // HTTP API moves cookies out of the headers into their own list.
  if (event.cookies && event.cookies.length > 0) headers.cookie = event.cookies.join('; ');
  const body = event.body === undefined ? null : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const authorizer = (event.requestContext as { authorizer?: { jwt?: { claims?: Record<string, unknown> } } }).authorizer;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    query: event.queryStringParameters ?? {},
    headers,
    body,
    sourceIp: event.requestContext.http.sourceIp,
    ...(authorizer?.jwt?.claims ? { claims: authorizer.jwt.claims } : {}),
  };
}

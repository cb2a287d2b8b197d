import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { portalDeps } from '../../lib/portal/deps';
import { handleRequest } from '../../lib/portal/routes';
import { runtime } from '../../lib/runtime';

/** HTTP API (payload 2.0) → the portal's pages and API (lib/portal/routes.ts); this file only translates. */
export const handler = middy(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const body = event.body === undefined ? null : event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  const response = await handleRequest(
    { method: event.requestContext.http.method, path: event.rawPath, query: event.queryStringParameters ?? {}, headers, body },
    portalDeps(runtime()),
  );
  return { statusCode: response.status, headers: response.headers, body: response.body };
}).use(injectLambdaContext(runtime().logger));

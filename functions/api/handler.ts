import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { redactErrors } from '../../lib/log/redact';
import { portalDeps } from '../../lib/portal/deps';
import { handleRequest } from '../../lib/portal/routes';
import { runtime } from '../../lib/runtime';
import { apiRequestOf } from './request';

/** HTTP API (payload 2.0) → the portal's pages and API (lib/portal/routes.ts); this file only translates. */
export const handler = middy(async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const response = await handleRequest(apiRequestOf(event), portalDeps(runtime()));
  const { 'set-cookie': cookie, ...headers } = response.headers;
  // Payload 2.0 sets cookies through their own field.
  return { statusCode: response.status, headers, body: response.body, ...(cookie ? { cookies: [cookie] } : {}) };
}).use(injectLambdaContext(runtime().logger)).use(redactErrors(runtime().logger));

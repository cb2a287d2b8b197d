import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { withBanner } from './clock-banner';
import { localContext } from './invoke';

type HttpHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

/** Requests larger than API Gateway's payload limit are refused there too. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** The HTTP API (payload 2.0) event API Gateway would give the function for this request. */
function toEvent(request: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // API Gateway hands cookies over in their own list, not as a header.
  const cookies = headers.cookie?.split(/;\s*/).filter(Boolean);
  delete headers.cookie;
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: { method: request.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length > 0 ? body.toString('base64') : undefined,
    isBase64Encoded: body.length > 0,
  };
}

/** A notice to put at the top of every page (`caqes serve --today`), or null. */
type PageNotice = () => string | null;

async function answer(handler: HttpHandler, request: IncomingMessage, response: ServerResponse, notice: PageNotice): Promise<void> {
  const body = await readBody(request);
  if (body === null) {
    response.writeHead(413, { 'content-type': 'text/plain; charset=utf-8' }).end('Requête trop volumineuse.');
    return;
  }
  const result = await handler(toEvent(request, body), localContext('caqes-api'));
  if (typeof result === 'string') {
    response.writeHead(200, { 'content-type': 'application/json' }).end(result);
    return;
  }
  const headers: Record<string, string | string[]> = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  let payload: string | Buffer = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  const banner = notice();
  if (banner && typeof payload === 'string' && String(headers['content-type'] ?? '').startsWith('text/html')) payload = withBanner(payload, banner);
  response.writeHead(result.statusCode ?? 200, headers).end(request.method === 'HEAD' ? undefined : payload);
}

export interface LocalHttpApi {
  server: Server;
  url: string;
  /** Routes requests to the function; until then they are answered 503. */
  setHandler(handler: HttpHandler): void;
  /** Puts a notice at the top of every page from now on (the simulated clock of `caqes serve --today`). */
  setPageNotice(notice: PageNotice): void;
}

/**
 * Serves an HTTP API function on loopback as API Gateway would call it: each request becomes a
 * payload 2.0 event for the very handler Lambda runs (`caqes serve`). `port` 0 picks a free port.
 * The server listens before it has its function, so that its address can be given to the runtime.
 */
export async function serveHttpApi(port: number): Promise<LocalHttpApi> {
  let handler: HttpHandler | undefined;
  let notice: PageNotice = () => null;
  const server = createServer((request, response) => {
    if (!handler) {
      response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('Portail en cours de démarrage.');
      return;
    }
    answer(handler, request, response, notice).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('Erreur interne.');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${address.port}`,
    setHandler(h) {
      handler = h;
    },
    setPageNotice(n) {
      notice = n;
    },
  };
}

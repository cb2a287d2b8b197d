import { EventEmitter } from 'node:events';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** The part of the AWS SDK's HTTP request this transport reads. */
interface SdkHttpRequest {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

interface SdkHttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Readable;
}

function requestUrl(request: SdkHttpRequest): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) query.append(name, v ?? '');
  }
  const text = query.toString();
  return text ? `${request.path}?${text}` : request.path;
}

function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new Error('in-process transport: only string and byte bodies are sent');
}

/**
 * An AWS SDK request handler that hands each request to an HTTP server's request listener in this
 * process, without a socket: the embedded DynamoDB (dynalite) answers the SDK's JSON requests, whose
 * bodies are small and whole, as it would over loopback, minus the HTTP framing on both sides (a
 * fifth of `caqes run`'s time went to it). The listener gets the few request and response members a
 * JSON API server uses: method, url, headers, `data`/`end` events; statusCode, setHeader, end.
 */
export function inProcessHandler(listener: RequestListener) {
  return {
    metadata: { handlerProtocol: 'http/1.1' },
    async handle(request: SdkHttpRequest): Promise<{ response: SdkHttpResponse }> {
      const body = bodyBytes(request.body);
      const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
      const req = Object.assign(new EventEmitter(), { method: request.method, url: requestUrl(request), headers });
      const response = await new Promise<SdkHttpResponse>((resolve, reject) => {
        const sent: Record<string, string> = {};
        const res = {
          statusCode: 200,
          setHeader(name: string, value: string | number) {
            sent[name.toLowerCase()] = String(value);
          },
          end(chunk?: string | Uint8Array) {
            const bytes = chunk === undefined ? Buffer.alloc(0) : bodyBytes(chunk);
            resolve({ statusCode: res.statusCode, headers: sent, body: Readable.from([bytes]) });
          },
        };
        try {
          listener(req as unknown as IncomingMessage, res as unknown as ServerResponse);
          req.emit('data', body);
          req.emit('end');
        } catch (error) {
          reject(error as Error);
        }
      });
      return { response };
    },
    updateHttpClientConfig(): void {},
    httpHandlerConfigs(): Record<string, never> {
      return {};
    },
    destroy(): void {},
  };
}

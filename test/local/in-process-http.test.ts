import type { RequestListener } from 'node:http';
import { describe, expect, it } from 'vitest';
import { inProcessHandler } from '../../lib/local/in-process-http';

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}

describe('inProcessHandler', () => {
  it('gives the listener the method, the path with its query, lowercased headers and the body, and returns its answer', async () => {
    const seen: { method?: string; url?: string; target?: string; body?: string } = {};
    const listener: RequestListener = (req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (chunk: Buffer) => parts.push(chunk));
      req.on('end', () => {
        Object.assign(seen, { method: req.method, url: req.url, target: req.headers['x-amz-target'], body: Buffer.concat(parts).toString('utf8') });
        res.statusCode = 400;
        res.setHeader('Content-Type', 'application/x-amz-json-1.0');
        res.end('{"__type":"ConditionalCheckFailedException"}');
      });
    };
    const { response } = await inProcessHandler(listener).handle({
      method: 'POST',
      path: '/',
      query: { a: '1', b: ['x', 'y'] },
      headers: { 'X-Amz-Target': 'DynamoDB_20120810.PutItem' },
      body: '{"TableName":"t"}',
    });
    expect(seen).toEqual({ method: 'POST', url: '/?a=1&b=x&b=y', target: 'DynamoDB_20120810.PutItem', body: '{"TableName":"t"}' });
    expect(response.statusCode).toBe(400);
    expect(response.headers).toEqual({ 'content-type': 'application/x-amz-json-1.0' });
    expect(await text(response.body)).toBe('{"__type":"ConditionalCheckFailedException"}');
  });

  it('sends byte bodies as they are and fails when the listener throws', async () => {
    const echo: RequestListener = (req, res) => {
      req.on('data', (chunk: Buffer) => res.end(chunk));
    };
    const { response } = await inProcessHandler(echo).handle({ method: 'POST', path: '/', headers: {}, body: new Uint8Array([0xc3, 0xa9]) });
    expect(await text(response.body)).toBe('é');
    const broken: RequestListener = () => {
      throw new Error('panne');
    };
    await expect(inProcessHandler(broken).handle({ method: 'GET', path: '/', headers: {} })).rejects.toThrow('panne');
  });
});

/** `caqes user` when the `caqes serve` its state file names is gone. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCaqes } from '../helpers/cli';

let dir: string;
const previous = process.env.CAQES_SERVE_STATE;

afterAll(async () => {
  if (previous === undefined) delete process.env.CAQES_SERVE_STATE;
  else process.env.CAQES_SERVE_STATE = previous;
  await rm(dir, { recursive: true, force: true });
});

/** A loopback port nothing listens on any more. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('caqes user list with the state file of a dead serve', () => {
  it('says the local portal no longer answers and how to restart it: exit 2, no stack trace', async () => {
    dir = await mkdtemp(join(tmpdir(), 'caqes-user-'));
    const state = join(dir, 'caqes-serve.json');
    const port = await closedPort();
    await writeFile(state, JSON.stringify({ url: `http://127.0.0.1:${port}`, staffToken: 'x', dynamodb: `http://127.0.0.1:${port}`, table: 'caqes-local', bucket: 'caqes-local' }));
    process.env.CAQES_SERVE_STATE = state;
    const { code, err } = await runCaqes('user', 'list');
    expect(code).toBe(2);
    expect(err).toContain(`le portail local décrit par ${state} ne répond plus`);
    expect(err).toContain('relancez « caqes serve »');
    expect(err).not.toMatch(/ECONNREFUSED|at .*\.js/);
  }, 60_000);
});

/**
 * `caqes link`, `report` and `user` on a state folder (`--state`): through the `caqes serve` running on
 * it when there is one (its portal, its DynamoDB), else on the state itself, opened for the command.
 */
import { serveHttpApi } from '../local/http-api';
import { startLocal } from '../local/single-machine';
import { offsetClock } from '../local/simulated-clock';
import { readStateFile, stateHolder, StateManifest, statePaths, StateSecrets } from '../local/state';
import { createRuntime, type Runtime } from '../runtime';
import { LOCAL_BUCKET, LOCAL_TABLE } from '../local/embedded';
import type { PortalTarget } from './link';

/** A portal to send OMéDIT's requests to, and how to let it go. */
export interface StatePortal {
  target: PortalTarget;
  close(): Promise<void>;
}

async function staffToken(stateDir: string): Promise<string> {
  const secrets = await readStateFile(statePaths(stateDir).secrets, StateSecrets);
  if (!secrets) throw new Error(`no secrets in ${stateDir}`);
  return secrets.staffToken;
}

/**
 * The running portal of the state, or the API function served on a free loopback port over the
 * state for this one command (the links it issues still point at the address `caqes serve` recorded).
 * @throws StateError when the state folder cannot be used as it is.
 */
export async function statePortal(stateDir: string, command: string): Promise<StatePortal> {
  const holder = await stateHolder(stateDir);
  if (holder?.portalUrl) return { target: { url: holder.portalUrl, staffToken: await staffToken(stateDir) }, close: async () => undefined };
  const http = await serveHttpApi(0);
  const local = await startLocal({ stateDir, command }).catch((error: unknown) => {
    http.server.close();
    throw error;
  });
  const api = await import('../../functions/api/handler');
  http.setHandler((event, context) => api.handler(event, context));
  return {
    target: { url: http.url, staffToken: local.embedded.staffToken },
    async close() {
      await new Promise<void>((resolve) => {
        http.server.closeAllConnections();
        http.server.close(() => resolve());
      });
      await local.stop();
    },
  };
}

/** Runs `work` with a runtime over the state's table: the running `caqes serve`'s DynamoDB, or the state opened for it. */
export async function withStateRuntime<T>(stateDir: string, command: string, work: (rt: Runtime) => Promise<T>): Promise<T> {
  const holder = await stateHolder(stateDir);
  if (holder?.dynamodb) {
    const rt = createRuntime({ CAQES_TABLE: LOCAL_TABLE, CAQES_BUCKET: LOCAL_BUCKET, CAQES_DYNAMODB_ENDPOINT: holder.dynamodb, CAQES_S3_ENDPOINT: holder.s3, AWS_REGION: process.env.AWS_REGION });
    const offset = (await readStateFile(statePaths(stateDir).manifest, StateManifest))?.clockOffsetMs ?? 0;
    rt.now = offsetClock(offset);
    try {
      return await work(rt);
    } finally {
      rt.clients.dynamo.destroy();
      rt.clients.s3.destroy();
    }
  }
  const local = await startLocal({ stateDir, command });
  try {
    return await work(local.embedded.runtime);
  } finally {
    await local.stop();
  }
}

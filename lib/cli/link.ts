import { z } from 'zod';
import { readServeState } from './serve';
import { UsageError } from './usage';

/** Where `caqes link` sends its request: the portal's address and an OMéDIT credential. */
export interface PortalTarget {
  url: string;
  staffToken: string;
}

const IssuedLink = z.object({ id: z.string(), url: z.string(), expiresAt: z.string(), establishment: z.string() });
const Revoked = z.object({ revoked: z.number().int() });
const Refusal = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/**
 * The portal to ask: a deployed one named by `CAQES_PORTAL_URL` with `CAQES_STAFF_TOKEN` (on AWS, an
 * OMéDIT account's Cognito access token), else the one `caqes serve` is running on this machine,
 * with the machine credential it generated.
 * @throws UsageError when there is neither.
 */
export async function portalTarget(env: NodeJS.ProcessEnv = process.env): Promise<PortalTarget> {
  if (env.CAQES_PORTAL_URL && env.CAQES_STAFF_TOKEN) return { url: env.CAQES_PORTAL_URL, staffToken: env.CAQES_STAFF_TOKEN };
  const state = await readServeState(', ou indiquez CAQES_PORTAL_URL et CAQES_STAFF_TOKEN', env);
  return { url: state.url, staffToken: state.staffToken };
}

export type LinkCommandResult =
  | { ok: true; link: z.infer<typeof IssuedLink> }
  | { ok: true; revoked: number }
  | { ok: false; message: string };

/**
 * Asks the portal's OMéDIT API for a personal link (or to revoke an establishment's links for a
 * campaign): the same route OMéDIT's page uses, so the same checks apply.
 */
export async function linkCommand(
  target: PortalTarget,
  request: { finess: string; campaign: string; days?: number; revoke: boolean },
): Promise<LinkCommandResult> {
  const path = request.revoke ? '/api/omedit/links/revoke' : '/api/omedit/links';
  const body = request.revoke ? { finess: request.finess, campaign: request.campaign } : { finess: request.finess, campaign: request.campaign, days: request.days };
  let response: Response;
  try {
    response = await fetch(`${target.url.replace(/\/+$/, '')}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.staffToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new UsageError(`le portail ${target.url} ne répond pas (« caqes serve » est-il toujours lancé ?)`);
  }
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const refusal = Refusal.safeParse(data);
    return { ok: false, message: refusal.success ? refusal.data.error.message : `réponse inattendue du portail (${response.status})` };
  }
  return request.revoke ? { ok: true, revoked: Revoked.parse(data).revoked } : { ok: true, link: IssuedLink.parse(data) };
}

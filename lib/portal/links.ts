/**
 * Personal upload links: issued per establishment and campaign (by reminders, by OMéDIT on its page
 * or with `caqes link`), each a signed token with an expiry and a record that allows revoking it.
 */
import { randomBytes } from 'node:crypto';
import { endOfParisDay } from '../domain/clock';
import type { Runtime } from '../runtime';
import type { LinkRecord, LinkStore } from '../store/link-store';
import type { PortalSecrets } from '../store/secrets';
import { signLinkToken } from './token';

/** How long a link works by default: a reminder's link outlives the next reminder step. */
export const LINK_VALIDITY_DAYS = 30;
/** The longest validity OMéDIT may ask for. */
export const MAX_LINK_DAYS = 365;

const DAY_MS = 86_400_000;

export interface LinkDeps {
  links: LinkStore;
  secrets: PortalSecrets;
  /** Base address of the portal (`https://…`, no trailing path). */
  portalUrl: string;
  now: () => Date;
}

/**
 * What links need, from the runtime: the API function and the reminder job issue them alike.
 *
 * @example
 * const link = await issueLink(linkDeps(runtime()), { region: 'PACA', campaign: '2025-S2', finess: '130780018', issuedBy: 'omedit' });
 */
export function linkDeps(rt: Runtime): LinkDeps {
  return { links: rt.links, secrets: rt.secrets, portalUrl: rt.config.CAQES_PORTAL_URL, now: rt.now };
}

export interface LinkRequest {
  region: string;
  campaign: string;
  finess: string;
  /** Who or what issues it (kept on the record). */
  issuedBy: string;
  /** Defaults to `LINK_VALIDITY_DAYS` from now; either way, extended to the end of that day in Paris. */
  expiresAt?: Date;
}

export interface IssuedLink {
  id: string;
  /** The address to send: the establishment's page with the token in its fragment. */
  url: string;
  token: string;
  expiresAt: string;
}

/** Issues a personal link (what reminders need, without knowing how links are made). */
export type PersonalLinkIssuer = (request: LinkRequest) => Promise<IssuedLink>;

/**
 * The establishment's page address for a token. The token rides in the fragment, which browsers
 * never send to a server: it stays out of access logs and `Referer` headers.
 *
 * @example
 * personalLinkUrl('https://caqes.omedit.example.fr/', 'v1.abc.def') // 'https://caqes.omedit.example.fr/depot#v1.abc.def'
 */
export function personalLinkUrl(portalUrl: string, token: string): string {
  return `${portalUrl.replace(/\/+$/, '')}/depot#${token}`;
}

/**
 * Records a new link and signs its token.
 *
 * @example
 * const link = await issueLink(deps, { region: 'PACA', campaign: '2025-S2', finess: '130780018', issuedBy: 'rappel J-14' });
 * @throws Error when the link key cannot be read, or DynamoDB refuses the write.
 */
export async function issueLink(deps: LinkDeps, request: LinkRequest): Promise<IssuedLink> {
  const now = deps.now();
  // The end date a reader is given is a day: the link works until that day ends in Paris.
  const expires = endOfParisDay(request.expiresAt ?? new Date(now.getTime() + LINK_VALIDITY_DAYS * DAY_MS));
  const exp = Math.floor(expires.getTime() / 1000);
  const record: LinkRecord = {
    id: randomBytes(16).toString('base64url'),
    region: request.region,
    campaign: request.campaign,
    finess: request.finess,
    issuedAt: now.toISOString(),
    expiresAt: new Date(exp * 1000).toISOString(),
    issuedBy: request.issuedBy,
    revokedAt: null,
    revokedBy: null,
  };
  await deps.links.put(record);
  const token = signLinkToken({ id: record.id, region: record.region, campaign: record.campaign, finess: record.finess, exp }, await deps.secrets.linkKey());
  return { id: record.id, url: personalLinkUrl(deps.portalUrl, token), token, expiresAt: record.expiresAt };
}

/**
 * Revokes one link of an establishment and campaign, or all of them when no id is given. Returns
 * how many were revoked now (links already revoked keep their first revocation).
 */
export async function revokeLinks(
  deps: Pick<LinkDeps, 'links' | 'now'>,
  target: { region: string; campaign: string; finess: string; id?: string },
  revokedBy: string,
): Promise<number> {
  const links = await deps.links.list(target.region, target.campaign, target.finess);
  const chosen = links.filter((l) => l.revokedAt === null && (target.id === undefined || l.id === target.id));
  const at = deps.now().toISOString();
  let revoked = 0;
  for (const link of chosen) if (await deps.links.revoke(link, at, revokedBy)) revoked++;
  return revoked;
}

/** A link as OMéDIT's page lists it: never its token, which only the establishment's e-mail carries. */
export interface LinkView {
  id: string;
  issuedAt: string;
  issuedBy: string;
  expiresAt: string;
  state: 'active' | 'expired' | 'revoked';
  revokedAt: string | null;
  revokedBy: string | null;
}

/** The links of one establishment and campaign, newest first. */
export async function listLinks(deps: Pick<LinkDeps, 'links' | 'now'>, target: { region: string; campaign: string; finess: string }): Promise<LinkView[]> {
  const now = deps.now().getTime();
  return (await deps.links.list(target.region, target.campaign, target.finess))
    .sort((a, b) => b.issuedAt.localeCompare(a.issuedAt))
    .map((l) => ({
      id: l.id,
      issuedAt: l.issuedAt,
      issuedBy: l.issuedBy,
      expiresAt: l.expiresAt,
      state: l.revokedAt !== null ? 'revoked' : Date.parse(l.expiresAt) <= now ? 'expired' : 'active',
      revokedAt: l.revokedAt,
      revokedBy: l.revokedBy,
    }));
}

/**
 * Who is calling the API: the one module that turns a request's credentials into a `Caller`.
 * Every route receives the caller and checks what it touches against it (lib/portal/access.ts).
 *
 * Two kinds of caller today:
 * - an establishment, by its personal link: one FINESS, one campaign, the region its data is keyed by;
 * - staff (OMéDIT), by a bearer credential kept in Secrets Manager, over a set of regions.
 *
 * Issue 13 (accounts and roles) plugs in here and nowhere else: `Credentials` gains the claims the
 * API Gateway Cognito authorizer passes on (AWS) and the local session cookie (`caqes user add`);
 * `StaffRole` gains `ars`, `assurance_maladie` (read only) and `admin`; `resolveCaller` maps a
 * pharmacist's groups to a staff caller with a role and regions. Routes keep calling the same
 * checks, so none of them changes.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { todayOf } from '../domain/clock';
import type { LinkStore } from '../store/link-store';
import type { PortalSecrets } from '../store/secrets';
import { apiErrors } from './errors';
import { looksLikeLinkToken, verifyLinkToken } from './token';

/** Staff roles. Issue 13 adds the read-only ARS and Assurance Maladie readers and the platform admin. */
export const StaffRole = z.enum(['omedit']);
export type StaffRole = z.infer<typeof StaffRole>;

export interface EstablishmentCaller {
  kind: 'establishment';
  finess: string;
  campaign: string;
  region: string;
  linkId: string;
  /** ISO instant the link stops working. */
  expiresAt: string;
}

export interface StaffCaller {
  kind: 'staff';
  role: StaffRole;
  /** Who, for the links and revocations it records. */
  name: string;
  /** The regions it may see: every region, or the ones listed. */
  regions: 'all' | ReadonlySet<string>;
}

export type Caller = EstablishmentCaller | StaffCaller;

/** What a request carries that may identify its caller. */
export interface Credentials {
  /** `Authorization: Bearer <value>`: a personal link's token or a staff credential. */
  bearer: string | null;
}

/**
 * The credentials of a request, from its headers (names in lower case, as both API Gateway and
 * Node give them).
 *
 * @example
 * credentialsOf({ authorization: 'Bearer v1.abc.def' }) // { bearer: 'v1.abc.def' }
 */
export function credentialsOf(headers: Readonly<Record<string, string | undefined>>): Credentials {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  return { bearer: match?.[1] ?? null };
}

export interface CallerDeps {
  secrets: PortalSecrets;
  /** Only reads: a caller is resolved without writing anything. */
  links: Pick<LinkStore, 'get'>;
  now: () => Date;
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * The caller of a request.
 *
 * @example
 * const caller = await resolveCaller(credentialsOf(request.headers), deps);
 * @throws ApiError 401: no credentials, a link that is malformed, altered, expired or revoked, or
 * an unknown staff credential.
 */
export async function resolveCaller(credentials: Credentials, deps: CallerDeps): Promise<Caller> {
  const bearer = credentials.bearer;
  if (!bearer) throw apiErrors.unauthenticated();
  if (looksLikeLinkToken(bearer)) return establishmentByLink(bearer, deps);
  return staffByCredential(bearer, deps);
}

async function establishmentByLink(token: string, deps: CallerDeps): Promise<EstablishmentCaller> {
  const check = verifyLinkToken(token, await deps.secrets.linkKey(), deps.now());
  if (!check.ok) {
    if (check.reason === 'expired') throw apiErrors.linkExpired(todayOf(new Date(check.claims.exp * 1000)));
    throw apiErrors.linkInvalid();
  }
  const { claims } = check;
  const record = await deps.links.get(claims.region, claims.campaign, claims.finess, claims.id);
  // A signed token without its record was not issued by this deployment's store (or was deleted).
  if (!record || Date.parse(record.expiresAt) !== claims.exp * 1000) throw apiErrors.linkInvalid();
  if (record.revokedAt !== null) throw apiErrors.linkRevoked();
  return { kind: 'establishment', finess: claims.finess, campaign: claims.campaign, region: claims.region, linkId: claims.id, expiresAt: record.expiresAt };
}

async function staffByCredential(token: string, deps: CallerDeps): Promise<StaffCaller> {
  const given = sha256(token);
  // Every credential is compared, in constant time, so timing tells nothing about which one nearly matched.
  let found: StaffCaller | null = null;
  for (const credential of await deps.secrets.staffCredentials()) {
    if (timingSafeEqual(given, sha256(credential.token)) && !found) {
      found = {
        kind: 'staff',
        role: 'omedit',
        name: credential.name,
        regions: credential.regions.includes('*') ? 'all' : new Set(credential.regions),
      };
    }
  }
  if (!found) throw apiErrors.staffInvalid();
  return found;
}

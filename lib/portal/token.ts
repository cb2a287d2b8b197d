import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Campaign, Finess, Region } from '../domain/schemas';

/** Tokens of this format start with it; another format would get another prefix and live beside it. */
export const LINK_TOKEN_PREFIX = 'v1';

/**
 * What a personal link says, signed: which establishment (FINESS, and its region, which keys its
 * data), for which campaign, which link (its record allows revocation), until when (seconds since
 * the epoch).
 */
export const LinkClaims = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/),
    region: Region,
    campaign: Campaign,
    finess: Finess,
    exp: z.number().int().positive(),
  })
  .strict();
export type LinkClaims = z.infer<typeof LinkClaims>;

export type TokenCheck =
  | { ok: true; claims: LinkClaims }
  /** `expired` comes with the claims: their signature was checked, so the expiry date can be told. */
  | { ok: false; reason: 'malformed' | 'bad-signature' }
  | { ok: false; reason: 'expired'; claims: LinkClaims };

function mac(key: string, signed: string): Buffer {
  return createHmac('sha256', key).update(signed).digest();
}

/**
 * Signs link claims: `v1.<claims as base64url JSON>.<HMAC-SHA256 of "v1.<claims>", base64url>`.
 * URL-safe as it is, so it can stand in a link's fragment.
 *
 * @example
 * const token = signLinkToken({ id: 'k3v9x2m4q8', region: 'PACA', campaign: '2025-S2', finess: '130780018', exp: 1_800_000_000 }, key);
 * @throws ZodError when the claims do not have their shape.
 */
export function signLinkToken(claims: LinkClaims, key: string): string {
  const payload = Buffer.from(JSON.stringify(LinkClaims.parse(claims)), 'utf8').toString('base64url');
  const signed = `${LINK_TOKEN_PREFIX}.${payload}`;
  return `${signed}.${mac(key, signed).toString('base64url')}`;
}

/**
 * Checks a token's signature (in constant time), then its claims, then its expiry. Revocation is
 * not a property of the token: lib/portal/caller.ts checks the link's record afterwards.
 *
 * @example
 * const check = verifyLinkToken(token, key, new Date());
 * if (check.ok) console.log(check.claims.finess);
 */
export function verifyLinkToken(token: string, key: string, now: Date): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== LINK_TOKEN_PREFIX) return { ok: false, reason: 'malformed' };
  const [prefix, payload = '', signature = ''] = parts;
  const expected = mac(key, `${prefix}.${payload}`);
  const given = Buffer.from(signature, 'base64url');
  // base64url decoding skips characters outside its alphabet: compare the re-encoded form too.
  if (given.length !== expected.length || given.toString('base64url') !== signature || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'bad-signature' };
  }
  let claims: LinkClaims;
  try {
    claims = LinkClaims.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    // Signed by our key yet not our shape: only a token of another version could be that.
    return { ok: false, reason: 'malformed' };
  }
  if (claims.exp * 1000 <= now.getTime()) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims };
}

/** Whether a bearer value has the form of a link token (anything else is taken as a staff credential). */
export function looksLikeLinkToken(value: string): boolean {
  return value.startsWith(`${LINK_TOKEN_PREFIX}.`);
}

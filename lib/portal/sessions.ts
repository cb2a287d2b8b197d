/**
 * Sessions of local accounts (embedded default; on AWS, Cognito's tokens take their place): a
 * random 256-bit id in an HttpOnly, Secure, SameSite=Strict cookie, stored only as its SHA-256,
 * with an idle and an absolute expiry checked on every request; logging out deletes it.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AccountStore } from '../store/account-store';
import type { SessionStore } from '../store/session-store';
import type { StaffCaller } from './caller';
import { apiErrors } from './errors';

export const SESSION_POLICY = {
  /** Signed out after this long without a request. */
  idleMs: 30 * 60 * 1000,
  /** Signed out this long after signing in, whatever the activity: a working day. */
  absoluteMs: 10 * 60 * 60 * 1000,
  /** Activity is written at most this often: a page's polling does not write on every request. */
  touchEveryMs: 60 * 1000,
} as const;

/** `__Host-`: the browser keeps it only if Secure, with Path=/ and no Domain, so no other host can set it. */
export const SESSION_COOKIE = '__Host-caqes-session';

export interface SessionDeps {
  accounts: Pick<AccountStore, 'get'>;
  sessions: Pick<SessionStore, 'put' | 'get' | 'touch' | 'delete'>;
  now: () => Date;
}

/** The stored form of a session id (and of anything else looked up by a secret). */
export function digest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * The `Set-Cookie` value of a session, or of its removal when `id` is null.
 *
 * @example
 * sessionCookie('abc', 36_000) // '__Host-caqes-session=abc; Path=/; Max-Age=36000; HttpOnly; Secure; SameSite=Strict'
 */
export function sessionCookie(id: string | null, maxAgeSeconds = 0): string {
  return `${SESSION_COOKIE}=${id ?? ''}; Path=/; Max-Age=${id === null ? 0 : maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`;
}

/** The session id a `Cookie` header carries, or null. */
export function sessionIdOf(cookieHeader: string | undefined): string | null {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      // Ids are 43 base64url characters: anything else is not ours and is not looked up.
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
    }
  }
  return null;
}

/**
 * Opens a session for an account that has just proved its password. Returns the id to put in the
 * cookie (never stored) and the cookie.
 */
export async function openSession(email: string, deps: SessionDeps): Promise<{ id: string; cookie: string }> {
  const now = deps.now();
  const id = randomBytes(32).toString('base64url');
  const expires = new Date(now.getTime() + SESSION_POLICY.absoluteMs);
  await deps.sessions.put(digest(id), {
    email,
    createdAt: now.toISOString(),
    lastSeenAt: now.toISOString(),
    expiresAt: expires.toISOString(),
    ttl: Math.ceil(expires.getTime() / 1000),
  });
  return { id, cookie: sessionCookie(id, SESSION_POLICY.absoluteMs / 1000) };
}

/**
 * The staff caller of a session: its account's role and regions as they are now (a role changed,
 * an account disabled or its password reset takes effect at the next request).
 * @throws ApiError 401 `session-expired` for an unknown, idle or too old session, or one of a
 * disabled account or opened before its password was reset.
 */
export async function sessionCaller(id: string, deps: SessionDeps): Promise<StaffCaller> {
  const hash = digest(id);
  const session = await deps.sessions.get(hash);
  if (!session) throw apiErrors.sessionExpired();
  const now = deps.now().getTime();
  const lastSeen = Date.parse(session.lastSeenAt);
  const account = await deps.accounts.get(session.email);
  const ended =
    now >= Date.parse(session.expiresAt) ||
    now - lastSeen >= SESSION_POLICY.idleMs ||
    !account ||
    account.status !== 'active' ||
    // A password reset (a lost or leaked one) ends the sessions opened before it.
    Date.parse(session.createdAt) < Date.parse(account.passwordChangedAt);
  if (ended) {
    await deps.sessions.delete(hash);
    throw apiErrors.sessionExpired();
  }
  if (now - lastSeen >= SESSION_POLICY.touchEveryMs) await deps.sessions.touch(hash, new Date(now).toISOString());
  return { kind: 'staff', role: account.role, name: account.email, regions: new Set(account.regions), via: 'session' };
}

/** Ends a session (logging out): its record is deleted, so the cookie opens nothing any more. */
export async function closeSession(id: string, deps: Pick<SessionDeps, 'sessions'>): Promise<void> {
  await deps.sessions.delete(digest(id));
}

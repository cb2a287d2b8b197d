/**
 * Signing in with a local account (embedded default; on AWS, Cognito's hosted sign-in does it):
 * the password checked against its scrypt hash, failed attempts counted per account and per client
 * address in the table, with an exponential back-off past a few failures, answered in French.
 */
import type { LoginAttempts, LoginAttemptStore } from '../store/session-store';
import type { StaffCaller } from './caller';
import { apiErrors } from './errors';
import { DECOY_HASH, verifyPassword } from './password';
import { digest, openSession, sessionCaller, type SessionDeps } from './sessions';

export const LOGIN_THROTTLE = {
  /**
   * Failures allowed before any wait: a person mistyping, per account; per address, several people
   * behind one hospital's proxy.
   */
  free: { ACCOUNT: 5, IP: 20 },
  /** The first wait, doubled at each further failure, up to `maxDelayMs`. */
  firstDelayMs: 30 * 1000,
  maxDelayMs: 15 * 60 * 1000,
  /** A counter is forgotten after this long without a failure. */
  forgetAfterMs: 60 * 60 * 1000,
} as const;

/**
 * How long, from `now`, before a new attempt is allowed (0: at once). Past `free` failures, each
 * failure makes the wait twice as long.
 *
 * @example
 * waitBeforeNextAttempt({ failures: 6, since: t, lastFailureAt: t, ttl: 0 }, 'ACCOUNT', new Date(t)) // 60_000
 */
export function waitBeforeNextAttempt(attempts: LoginAttempts | null, scope: 'ACCOUNT' | 'IP', now: Date): number {
  if (!attempts) return 0;
  const last = Date.parse(attempts.lastFailureAt);
  if (now.getTime() - last >= LOGIN_THROTTLE.forgetAfterMs) return 0;
  const over = attempts.failures - LOGIN_THROTTLE.free[scope];
  if (over < 0) return 0;
  const delay = Math.min(LOGIN_THROTTLE.maxDelayMs, LOGIN_THROTTLE.firstDelayMs * 2 ** over);
  return Math.max(0, last + delay - now.getTime());
}

export interface LoginDeps extends SessionDeps {
  loginAttempts: Pick<LoginAttemptStore, 'get' | 'fail' | 'clear'>;
}

/** The throttling counters of a login: the address typed and the client address, as digests. */
function counters(email: string, sourceIp: string): { scope: 'ACCOUNT' | 'IP'; digest: string }[] {
  return [
    { scope: 'ACCOUNT', digest: digest(`account:${email.trim().toLowerCase()}`) },
    { scope: 'IP', digest: digest(`ip:${sourceIp}`) },
  ];
}

/**
 * Checks an account's password and opens a session. The same answer, in about the same time, for an
 * unknown address, a wrong password or a disabled account. A success clears the account's counter,
 * not the address's (one's own account must not unlock guessing at others').
 *
 * @example
 * const { caller, cookie } = await login({ email: 'a@omedit.fr', password, sourceIp: '10.0.0.1' }, deps);
 * @throws ApiError 429 `too-many-attempts` (with `retry-after`) while throttled, before the password
 * is even checked; 401 `login-failed` otherwise.
 */
export async function login(input: { email: string; password: string; sourceIp: string }, deps: LoginDeps): Promise<{ caller: StaffCaller; cookie: string }> {
  const now = deps.now();
  const keys = counters(input.email, input.sourceIp);
  const waits = await Promise.all(keys.map(async (k) => waitBeforeNextAttempt(await deps.loginAttempts.get(k.scope, k.digest), k.scope, now)));
  const wait = Math.max(...waits);
  if (wait > 0) throw apiErrors.tooManyAttempts(Math.ceil(wait / 1000));

  const account = await deps.accounts.get(input.email);
  // An unknown address costs a hash too: how long the answer takes tells nothing about the accounts.
  const matches = await verifyPassword(input.password, account?.passwordHash ?? DECOY_HASH);
  if (!account || !matches || account.status !== 'active') {
    const at = now.toISOString();
    const forgetBefore = new Date(now.getTime() - LOGIN_THROTTLE.forgetAfterMs).toISOString();
    const ttl = Math.ceil((now.getTime() + LOGIN_THROTTLE.forgetAfterMs) / 1000);
    await Promise.all(keys.map((k) => deps.loginAttempts.fail(k.scope, k.digest, at, forgetBefore, ttl)));
    throw apiErrors.loginFailed();
  }
  await deps.loginAttempts.clear('ACCOUNT', keys[0]!.digest);
  const session = await openSession(account.email, deps);
  return { caller: await sessionCaller(session.id, deps), cookie: session.cookie };
}

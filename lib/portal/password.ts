/**
 * Passwords of local accounts (embedded default): scrypt, Node's memory-hard key derivation, with a
 * random salt per password, compared in constant time. Cognito holds the passwords on AWS.
 *
 * A stored hash names its own parameters (`scrypt$<log2 N>$<r>$<p>$<salt>$<key>`), so stronger
 * parameters can come later without making the hashes already stored unreadable.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** 2^15 × 8 × 128 bytes = 32 MiB of memory per hash; about 0.1 s on one core of this machine. */
export const SCRYPT_PARAMETERS = { log2N: 15, r: 8, p: 1, keyLength: 32, saltLength: 16 } as const;

/** What an account's password must be: long rather than complicated (ANSSI), and bounded. */
export const PASSWORD_RULES = { minLength: 12, maxLength: 256 } as const;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  const N = 2 ** log2N;
  // scrypt needs 128·N·r bytes; maxmem must be set above that (Node's default, 32 MiB, is just too small).
  const options: ScryptOptions = { N, r, p, maxmem: 2 * 128 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/**
 * Hashes a password for storage.
 *
 * @example
 * const stored = await hashPassword('cheval-agrafe-batterie'); // 'scrypt$15$8$1$…$…'
 */
export async function hashPassword(password: string): Promise<string> {
  const { log2N, r, p, keyLength, saltLength } = SCRYPT_PARAMETERS;
  const salt = randomBytes(saltLength);
  const key = await derive(password, salt, log2N, r, p, keyLength);
  return ['scrypt', log2N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

const STORED = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;

/** Equal bytes, in time that depends on the length only (never on where they differ). */
export function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether a password matches a stored hash; false (never an error) for a hash of another shape.
 *
 * @example
 * await verifyPassword('cheval-agrafe-batterie', stored) // true
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = STORED.exec(stored);
  if (!match) return false;
  const [, log2N, r, p, salt, key] = match;
  // A stored hash asking for absurd work or memory is not ours: refused, never computed.
  if (Number(log2N) < 10 || Number(log2N) > 20 || Number(r) < 1 || Number(r) > 16 || Number(p) < 1 || Number(p) > 4) return false;
  const expected = Buffer.from(key!, 'base64url');
  const actual = await derive(password, Buffer.from(salt!, 'base64url'), Number(log2N), Number(r), Number(p), expected.length);
  return sameBytes(actual, expected);
}

/** A hash no password matches, verified for unknown accounts so that they take as long as known ones. */
export const DECOY_HASH = `scrypt$${SCRYPT_PARAMETERS.log2N}$${SCRYPT_PARAMETERS.r}$${SCRYPT_PARAMETERS.p}$${'A'.repeat(22)}$${'A'.repeat(43)}`;

/**
 * A new random password (accounts created or reset locally): 20 characters from a 64-letter
 * alphabet, 120 bits.
 */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

/** Why a chosen password is refused, in French, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_RULES.minLength) return `le mot de passe doit compter au moins ${PASSWORD_RULES.minLength} caractères`;
  if (password.length > PASSWORD_RULES.maxLength) return `le mot de passe ne peut dépasser ${PASSWORD_RULES.maxLength} caractères`;
  return null;
}

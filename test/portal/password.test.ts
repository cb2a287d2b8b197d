/**
 * Passwords of local accounts: scrypt with its parameters in the stored hash, a salt of its own per
 * password, nothing of the password itself stored, and a comparison whose time does not depend on
 * where two hashes differ.
 */
import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DECOY_HASH, generatePassword, hashPassword, passwordProblem, sameBytes, SCRYPT_PARAMETERS, verifyPassword } from '../../lib/portal/password';

const PASSWORD = 'cheval-agrafe-batterie-correct';

describe('hashing a password', () => {
  it('uses scrypt with N = 2^15, r = 8, p = 1 (32 MiB), a 16-byte salt and a 32-byte key, all written in the hash', async () => {
    expect(SCRYPT_PARAMETERS).toMatchObject({ log2N: 15, r: 8, p: 1, keyLength: 32, saltLength: 16 });
    const stored = await hashPassword(PASSWORD);
    const [scheme, log2N, r, p, salt, key] = stored.split('$');
    expect([scheme, log2N, r, p]).toEqual(['scrypt', '15', '8', '1']);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    // The key is scrypt's own output for that salt: no home-made derivation.
    const expected = scryptSync(PASSWORD, Buffer.from(salt!, 'base64url'), 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    expect(Buffer.from(key!, 'base64url').equals(expected)).toBe(true);
  });

  it('stores nothing of the password, and salts each hash: the same password twice gives two hashes', async () => {
    const [a, b] = await Promise.all([hashPassword(PASSWORD), hashPassword(PASSWORD)]);
    expect(a).not.toBe(b);
    for (const stored of [a, b]) {
      expect(stored).not.toContain(PASSWORD);
      expect(stored).not.toContain(Buffer.from(PASSWORD).toString('base64url'));
      expect(stored).not.toContain(Buffer.from(PASSWORD).toString('hex'));
    }
  });

  it('accepts the password, and refuses a wrong one, one differing by case or a space, and an empty one', async () => {
    const stored = await hashPassword(PASSWORD);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    for (const wrong of ['cheval-agrafe-batterie-correcT', `${PASSWORD} `, 'Cheval-agrafe-batterie-correct', '']) {
      expect(await verifyPassword(wrong, stored), wrong).toBe(false);
    }
  });

  it('reads a password the same whatever its Unicode form (é typed as one or two code points)', async () => {
    const stored = await hashPassword('pharmacie-hôpital-été');
    expect(await verifyPassword('pharmacie-ho\u0302pital-e\u0301te\u0301', stored)).toBe(true);
  });

  it('answers false, never throws, for a stored value of another shape, and the decoy hash matches no password', async () => {
    for (const stored of ['', 'plain-text', 'scrypt$15$8$1$short$short', 'bcrypt$10$abc', `scrypt$40$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`]) {
      expect(await verifyPassword(PASSWORD, stored), stored).toBe(false);
    }
    expect(await verifyPassword('', DECOY_HASH)).toBe(false);
    expect(await verifyPassword(PASSWORD, DECOY_HASH)).toBe(false);
  });

  it('compares in constant time: bytes of any length, equal or not, without throwing on different lengths', () => {
    expect(sameBytes(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(sameBytes(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(sameBytes(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(sameBytes(Buffer.alloc(0), Buffer.alloc(0))).toBe(true);
  });

  it('takes about as long for the decoy (an unknown account) as for a real hash: the work is the same scrypt', async () => {
    const stored = await hashPassword(PASSWORD);
    const time = async (hash: string) => {
      const start = process.hrtime.bigint();
      await verifyPassword('wrong-password-typed', hash);
      return Number(process.hrtime.bigint() - start);
    };
    // Interleaved, so that other work on the machine weighs on both alike.
    let real = 0;
    let decoy = 0;
    for (let i = 0; i < 4; i++) {
      real += await time(stored);
      decoy += await time(DECOY_HASH);
    }
    expect(decoy / real).toBeGreaterThan(0.4);
    expect(decoy / real).toBeLessThan(2.5);
  });

  it('makes 20-character random passwords and refuses chosen ones shorter than 12 characters', () => {
    const made = new Set(Array.from({ length: 50 }, generatePassword));
    expect(made.size).toBe(50);
    for (const p of made) expect(p).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(passwordProblem('court')).toBe('le mot de passe doit compter au moins 12 caractères');
    expect(passwordProblem('x'.repeat(257))).toBe('le mot de passe ne peut dépasser 256 caractères');
    expect(passwordProblem(PASSWORD)).toBeNull();
  });
});

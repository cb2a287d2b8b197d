/** Personal link tokens: signature, expiry, tampering. Revocation is the caller's check (caller.test.ts). */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signLinkToken, verifyLinkToken, type LinkClaims } from '../../lib/portal/token';

const KEY = 'k'.repeat(43);
const NOW = new Date('2026-02-23T10:00:00Z');
const claims: LinkClaims = { id: 'Zx81kq0Pw2mVnT7y', region: 'PACA', campaign: '2025-S2', finess: '130780018', exp: Date.parse('2026-03-25T10:00:00Z') / 1000 };

function part(token: string, index: number): string {
  return token.split('.')[index]!;
}

describe('a personal link token', () => {
  it('has the form v1.<claims>.<HMAC-SHA256>, URL-safe, and gives its claims back', () => {
    const token = signLinkToken(claims, KEY);
    expect(token).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(JSON.parse(Buffer.from(part(token, 1), 'base64url').toString('utf8'))).toEqual(claims);
    expect(verifyLinkToken(token, KEY, NOW)).toEqual({ ok: true, claims });
  });

  it('expires at its exp second: valid one second before, refused from then on, with its claims', () => {
    const token = signLinkToken(claims, KEY);
    expect(verifyLinkToken(token, KEY, new Date(claims.exp * 1000 - 1000)).ok).toBe(true);
    expect(verifyLinkToken(token, KEY, new Date(claims.exp * 1000))).toEqual({ ok: false, reason: 'expired', claims });
  });

  it('refuses claims changed after signing (another FINESS, campaign, region or a later expiry)', () => {
    const token = signLinkToken(claims, KEY);
    for (const change of [{ finess: '830100012' }, { campaign: '2026-S1' }, { region: 'CORSE' }, { exp: claims.exp + 86_400 * 365 }]) {
      const forged = Buffer.from(JSON.stringify({ ...claims, ...change })).toString('base64url');
      expect(verifyLinkToken(`v1.${forged}.${part(token, 2)}`, KEY, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    }
  });

  it('refuses a token signed with another key, a truncated one, and other shapes', () => {
    const token = signLinkToken(claims, KEY);
    expect(verifyLinkToken(signLinkToken(claims, 'another key, just as long as the first'), KEY, NOW).ok).toBe(false);
    expect(verifyLinkToken(token.slice(0, -1), KEY, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyLinkToken(token.slice(0, 40), KEY, NOW).ok).toBe(false);
    expect(verifyLinkToken(`v2.${part(token, 1)}.${part(token, 2)}`, KEY, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyLinkToken(`${token}.x`, KEY, NOW)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifyLinkToken('', KEY, NOW)).toEqual({ ok: false, reason: 'malformed' });
    // A signature with characters outside base64url that decode to the same bytes is still refused.
    expect(verifyLinkToken(`${token.slice(0, -1)}*${token.slice(-1)}`, KEY, NOW)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('refuses claims of another shape even when signed with the key (an extra field)', () => {
    const payload = Buffer.from(JSON.stringify({ ...claims, admin: true })).toString('base64url');
    const signature = createHmac('sha256', KEY).update(`v1.${payload}`).digest('base64url');
    expect(verifyLinkToken(`v1.${payload}.${signature}`, KEY, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('refuses every token that differs from the signed one by any one character', () => {
    const token = signLinkToken(claims, KEY);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), (index, char) => {
        fc.pre(token[index] !== char);
        const altered = token.slice(0, index) + char + token.slice(index + 1);
        expect(verifyLinkToken(altered, KEY, NOW).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('will not sign claims that are not of its shape', () => {
    expect(() => signLinkToken({ ...claims, finess: '13078001' }, KEY)).toThrow();
    expect(() => signLinkToken({ ...claims, campaign: '2025-S3' }, KEY)).toThrow();
  });
});

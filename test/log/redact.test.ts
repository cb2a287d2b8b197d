import { Logger } from '@aws-lambda-powertools/logger';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MASKED, redact, redactText, RedactingLogFormatter } from '../../lib/log/redact';
import { signLinkToken } from '../../lib/portal/token';

const word = fc.stringMatching(/^[a-z0-9]{1,12}$/);
const email = fc.tuple(word, word, fc.constantFrom('fr', 'example', 'sante.fr')).map(([user, host, tld]) => `${user}@${host}.${tld}`);

describe('redactText', () => {
  it('masks every e-mail address wherever it stands in a text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), email, fc.string({ maxLength: 40 }), (before, address, after) => {
        const out = redactText(`${before} ${address} ${after}`);
        expect(out).not.toContain(address);
        expect(out).toContain(MASKED);
      }),
    );
  });

  it('masks personal link tokens, bearer credentials and pre-signed URL signatures', () => {
    const token = signLinkToken({ id: 'k3v9x2m4q8', region: 'PACA', campaign: '2025-S2', finess: '130780018', exp: 1_800_000_000 }, 'cle-de-test-suffisamment-longue');
    expect(redactText(`lien https://portail.example/depot#${token}`)).toBe(`lien https://portail.example/depot#${MASKED}`);
    expect(redactText('Authorization: Bearer 8fK2-x_Q9pLmN3vR7tYwZ1aB4cD6eF8gH0iJ2kL4mN6')).toBe(`Authorization: Bearer ${MASKED}`);
    expect(redactText('https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F20261123&X-Amz-Signature=abc123def')).toBe(
      `https://b.s3.amazonaws.com/k?X-Amz-Credential=${MASKED}&X-Amz-Signature=${MASKED}`,
    );
    const generated = 'q8Zr3LwX0v-Tn5Yb_Hc2Ud7Fe9Gi1Jk4Ml6No8Pp0Qs'; // 32 random bytes in base64url
    expect(redactText(`clé ${generated} générée`)).toBe(`clé ${MASKED} générée`);
  });

  it('keeps what an engineer needs: S3 keys, FINESS, dates, request ids, French text', () => {
    for (const text of [
      'evidence/2025-S2/130780018/plan_actions/k3v9x2m4q8-plan_actions_semestre_deux.pdf',
      'reports/atih/2025/mo-2025.csv/2026-11-23T22-03-29.945Z-0000000000000000000001A20A6F8319-a728da52665a22aae00b4b7faa9fe775.json',
      'c5f1e9a2-8a7b-4d2c-9e1f-0a1b2c3d4e5f',
      'Le fichier n’a pas pu être lu : classeur protégé.',
    ]) {
      expect(redactText(text)).toBe(text);
    }
  });
});

describe('redact', () => {
  it('masks values under a secret’s name, at any depth, and cleans errors', () => {
    const error = new Error('refused for pui@ch.example');
    const out = redact({ headers: { authorization: 'Bearer x', cookie: 'caqes_session=abc' }, staffToken: 'abc', password: 'p', ok: true, count: 3, error }) as Record<string, unknown>;
    expect(out).toMatchObject({ headers: { authorization: MASKED, cookie: MASKED }, staffToken: MASKED, password: MASKED, ok: true, count: 3 });
    expect(out.error).toMatchObject({ name: 'Error', message: `refused for ${MASKED}` });
    expect(String((out.error as { stack: string }).stack)).not.toContain('pui@ch.example');
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redact(a)).toEqual({ name: 'a', self: '[circulaire]' });
  });
});

describe('the runtime’s logger', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints Powertools’ JSON lines with nothing personal in them', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const logger = new Logger({ serviceName: 'caqes', logLevel: 'DEBUG', logFormatter: new RedactingLogFormatter() });
    const token = signLinkToken({ id: 'k3v9x2m4q8', region: 'PACA', campaign: '2025-S2', finess: '130780018', exp: 1_800_000_000 }, 'cle-de-test-suffisamment-longue');
    logger.info('reminder sent', { to: ['pui@ch.example'], finess: '130780018', link: `https://portail.example/depot#${token}` });
    const line = JSON.parse(lines.join('').trim().split('\n').pop()!);
    expect(line).toMatchObject({ level: 'INFO', message: 'reminder sent', service: 'caqes', finess: '130780018', to: [MASKED], link: `https://portail.example/depot#${MASKED}` });
  });
});

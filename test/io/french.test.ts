import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatFrenchDate, formatFrenchNumber, normalizeHeader, parseAnyFrenchNumber, parseFrenchDate, parseFrenchNumber, parsePlainNumber } from '../../lib/io/french';

describe('parseFrenchNumber', () => {
  it.each([
    ['1234', 1234],
    ['1 234,56', 1234.56],
    ['1\u00a0234,56', 1234.56],
    ['1\u202f234', 1234],
    ['468 368 652 €', 468368652],
    ['€ 12,5', 12.5],
    ['15,3 %', 15.3],
    ['15.3', 15.3],
    ['1.234,56', 1234.56],
    ['1,234.56', 1234.56],
    ['12.345.678,9', 12345678.9],
    ['-3,5', -3.5],
    ['-3,5 %', -3.5],
    ['+7', 7],
    ['\u22124,5', -4.5],
    ['  42  ', 42],
    [',5', 0.5],
    ['0,000', 0],
    ['-0', 0],
    ['1.234', 1.234],
    ['29654,42', 29654.42],
  ])('parses %j as %d', (raw, expected) => {
    expect(parseFrenchNumber(raw)).toBe(expected);
  });

  it.each([
    '',
    '   ',
    'abc',
    '12a',
    '1e5',
    '1,2,3',
    '1.234.567',
    '1,23.4,5',
    '1.23,4.5',
    '12,34.5,6',
    '1.23,45',
    '12.34,5',
    '1,2345.6',
    '12,',
    ',',
    '.',
    '-',
    '€',
    '%',
    '12 € %',
    '--3',
    'NaN',
    'Infinity',
  ])('rejects %j', (raw) => {
    expect(parseFrenchNumber(raw)).toBeNull();
  });

  it('never throws and returns null or a finite number', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789,. -+€%e\u00a0\u202fa'.split('')) }), (s) => {
        const n = parseFrenchNumber(s);
        return n === null || Number.isFinite(n);
      }),
    );
    fc.assert(fc.property(fc.string(), (s) => {
      const n = parseFrenchNumber(s);
      return n === null || Number.isFinite(n);
    }));
  });

  it('round-trips numbers written with every accepted separator style', () => {
    const group = (digits: string, sep: string): string => digits.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom('fr-space', 'fr-nbsp', 'fr-nnbsp', 'plain-comma', 'plain-dot', 'de', 'en', 'intl'),
        fc.constantFrom('', ' €', '€', ' %', '%'),
        fc.boolean(),
        (scaled, decimals, style, suffix, padded) => {
          const neg = scaled < 0n;
          const abs = neg ? -scaled : scaled;
          const s = abs.toString().padStart(decimals + 1, '0');
          const intDigits = s.slice(0, s.length - decimals);
          const frac = s.slice(s.length - decimals);
          const expected = Number(`${neg ? '-' : ''}${intDigits}${decimals ? `.${frac}` : ''}`);
          let text: string;
          const withFrac = (int: string, dec: string): string => (decimals ? `${int}${dec}${frac}` : int);
          switch (style) {
            case 'fr-space': text = withFrac(group(intDigits, ' '), ','); break;
            case 'fr-nbsp': text = withFrac(group(intDigits, '\u00a0'), ','); break;
            case 'fr-nnbsp': text = withFrac(group(intDigits, '\u202f'), ','); break;
            case 'plain-comma': text = withFrac(intDigits, ','); break;
            case 'plain-dot': text = withFrac(intDigits, '.'); break;
            // A thousands '.' or ',' is only unambiguous when a decimal separator follows.
            case 'de': text = decimals ? withFrac(group(intDigits, '.'), ',') : intDigits; break;
            case 'en': text = decimals ? withFrac(group(intDigits, ','), '.') : intDigits; break;
            default: text = formatFrenchNumber(Math.abs(expected), decimals);
          }
          text = `${neg ? '-' : ''}${text}${suffix}`;
          if (padded) text = `  ${text} `;
          const parsed = parseFrenchNumber(text);
          expect(parsed).toBe(expected === 0 ? 0 : expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('formatFrenchNumber', () => {
  it('keeps Intl fr-FR output: narrow no-break space and decimal comma', () => {
    expect(formatFrenchNumber(1234567.891, 2)).toBe('1\u202f234\u202f567,89');
    expect(formatFrenchNumber(1234.5)).toBe('1\u202f235');
    expect(formatFrenchNumber(0.5, 1)).toBe('0,5');
    expect(formatFrenchNumber(-3.5, 1)).toBe('-3,5');
  });

  it('round-trips through parseFrenchNumber', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.integer({ min: 0, max: 3 }), (n, d) => {
        const text = formatFrenchNumber(n, d);
        expect(parseFrenchNumber(text)).toBeCloseTo(Number(n.toFixed(d)), d);
      }),
    );
  });
});

describe('parseFrenchDate / formatFrenchDate', () => {
  it.each([
    ['01/03/2025', '2025-03-01'],
    ['1/3/2025', '2025-03-01'],
    [' 31/12/2024 ', '2024-12-31'],
    ['2025-03-01', '2025-03-01'],
    ['29/02/2024', '2024-02-29'],
    ['29/02/2000', '2000-02-29'],
  ])('parses %j as %s', (raw, iso) => {
    expect(parseFrenchDate(raw)).toBe(iso);
  });

  it.each([
    '',
    '31/02/2025',
    '29/02/2025',
    '29/02/1900',
    '31/04/2025',
    '00/01/2025',
    '01/13/2025',
    '01/00/2025',
    '2025-1-3',
    '2025-02-30',
    '01-03-2025',
    '01/03/25',
    '001/03/2025',
    '0000-01-01',
    '2025/03/01',
    'demain',
  ])('rejects %j', (raw) => {
    expect(parseFrenchDate(raw)).toBeNull();
  });

  it('formats ISO dates', () => {
    expect(formatFrenchDate('2025-03-01')).toBe('01/03/2025');
    expect(formatFrenchDate('2025-03-01T10:00:00Z')).toBe('01/03/2025');
    expect(() => formatFrenchDate('2025-02-30')).toThrow(RangeError);
    expect(() => formatFrenchDate('01/03/2025')).toThrow(RangeError);
  });

  it('round-trips every calendar date', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.boolean(),
        (date, unpadded) => {
          const iso = date.toISOString().slice(0, 10);
          const fr = formatFrenchDate(iso);
          expect(fr).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
          expect(parseFrenchDate(fr)).toBe(iso);
          expect(parseFrenchDate(iso)).toBe(iso);
          const loose = `${date.getUTCDate()}/${date.getUTCMonth() + 1}/${iso.slice(0, 4)}`;
          if (unpadded) expect(parseFrenchDate(loose)).toBe(iso);
        },
      ),
    );
  });

  it('never throws', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      const d = parseFrenchDate(s);
      return d === null || /^\d{4}-\d{2}-\d{2}$/.test(d);
    }));
  });
});

describe('normalizeHeader', () => {
  it.each([
    ['Code_Indication', 'codeindication'],
    [' code indication ', 'codeindication'],
    ['CODE-INDICATION', 'codeindication'],
    ['\ufeffFINESS', 'finess'],
    ['Échéance', 'echeance'],
    ['nb.ucd', 'nbucd'],
    ['Date d’initiation', 'dated’initiation'],
    ['UCD_UCD_COD', 'ucducdcod'],
    ['Libellé\u00a0court', 'libellecourt'],
  ])('%j → %j', (raw, expected) => {
    expect(normalizeHeader(raw)).toBe(expected);
  });

  it('is idempotent', () => {
    fc.assert(fc.property(fc.string(), (s) => normalizeHeader(normalizeHeader(s)) === normalizeHeader(s)));
  });
});

describe('parsePlainNumber (the fast path of parseFrenchNumber)', () => {
  it('reads plain numbers and leaves every other form to the general parser', () => {
    expect(parsePlainNumber('10396,10')).toBe(10396.1);
    expect(parsePlainNumber('-3,5')).toBe(-3.5);
    expect(parsePlainNumber('1.234')).toBe(1.234);
    expect(parsePlainNumber('-0,00')).toBe(0);
    expect(Object.is(parsePlainNumber('-0'), 0)).toBe(true);
    for (const raw of ['', '-', '+7', ',5', '12,', '1 234', '1,2,3', '1e5', ' 42', '1234567890123456']) expect(parsePlainNumber(raw)).toBeUndefined();
  });

  it('gives exactly what the general parser gives, whenever it gives anything', () => {
    const plainish = fc.string({ unit: fc.constantFrom(...'0123456789,.-'.split('')), maxLength: 20 });
    // Decimals as extracts write them, up to the 15 digits the fast path takes and beyond.
    const decimal = fc
      .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 17n }), fc.integer({ min: 0, max: 17 }), fc.constantFrom(',', '.'))
      .map(([neg, n, decimals, sep]) => {
        const digits = n.toString().padStart(decimals + 1, '0');
        const int = digits.slice(0, digits.length - decimals);
        return `${neg ? '-' : ''}${int}${decimals ? `${sep}${digits.slice(digits.length - decimals)}` : ''}`;
      });
    fc.assert(
      fc.property(fc.oneof(plainish, decimal), (raw) => {
        const fast = parsePlainNumber(raw);
        if (fast !== undefined) expect(Object.is(fast, parseAnyFrenchNumber(raw))).toBe(true);
        expect(Object.is(parseFrenchNumber(raw), parseAnyFrenchNumber(raw))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

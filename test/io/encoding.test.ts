import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { detectDelimiter, detectEncoding, isUtf16 } from '../../lib/io/encoding';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('detectEncoding', () => {
  it('recognises a UTF-8 BOM', () => {
    expect(detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x61]))).toBe('utf-8-bom');
    expect(detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf]))).toBe('utf-8-bom');
  });

  it('recognises UTF-8, including pure ASCII and an empty sample', () => {
    expect(detectEncoding(utf8('finess;libellé;’€'))).toBe('utf-8');
    expect(detectEncoding(utf8('abc;def'))).toBe('utf-8');
    expect(detectEncoding(new Uint8Array(0))).toBe('utf-8');
  });

  it('still says UTF-8 when the sample ends in the middle of a multi-byte sequence', () => {
    const bytes = utf8('Non restitué ’€😀');
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(detectEncoding(bytes.subarray(0, cut))).toBe('utf-8');
    }
  });

  it('says windows-1252 for 0x92 and other non-UTF-8 bytes', () => {
    expect(detectEncoding(new Uint8Array([0x6c, 0x92, 0x61]))).toBe('windows-1252'); // l’a
    expect(detectEncoding(new Uint8Array([0x4e, 0xe9, 0x3b]))).toBe('windows-1252'); // Né;
    // A truncated sequence that is NOT at the end is not UTF-8.
    expect(detectEncoding(new Uint8Array([0xc3, 0x3b, 0x61]))).toBe('windows-1252');
    // Overlong, surrogate and out-of-range forms are not UTF-8.
    expect(detectEncoding(new Uint8Array([0xc0, 0xaf]))).toBe('windows-1252');
    expect(detectEncoding(new Uint8Array([0xed, 0xa0, 0x80]))).toBe('windows-1252');
    expect(detectEncoding(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe('windows-1252');
    expect(detectEncoding(new Uint8Array([0xff]))).toBe('windows-1252');
  });

  it('agrees with a strict UTF-8 decoder on any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return;
        let strictlyValid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          strictlyValid = false;
        }
        if (strictlyValid) expect(detectEncoding(bytes)).toBe('utf-8');
        // Valid when decoded in streaming mode = a valid prefix possibly cut at the end.
        let prefixValid = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
        } catch {
          prefixValid = false;
        }
        expect(detectEncoding(bytes)).toBe(prefixValid ? 'utf-8' : 'windows-1252');
      }),
      { numRuns: 2000 },
    );
  });

  it('says UTF-8 for any text cut anywhere', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat(), (s, n) => {
        const bytes = utf8(s);
        const cut = bytes.subarray(0, bytes.length === 0 ? 0 : n % (bytes.length + 1));
        if (cut[0] === 0xef && cut[1] === 0xbb && cut[2] === 0xbf) return;
        expect(detectEncoding(cut)).toBe('utf-8');
      }),
    );
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['atc1;l_atc1;atc2', ';'],
    ['finess,raison_sociale,region', ','],
    ['finess\traison_sociale\tregion', '\t'],
    ['a;b,c', ';'], // tie: ; wins
    ['a,b\tc', ','], // tie between , and tab: , wins
    ['single', ';'],
    ['', ';'],
    ['"a;b;c",d,e', ','], // delimiters inside quotes do not count
    ['"libellé, long";code;x', ';'],
    ['a\tb\tc;d', '\t'],
  ] as const)('%j → %j', (line, expected) => {
    expect(detectDelimiter(line)).toBe(expected);
  });
});

describe('detectEncoding on a whole file', () => {
  it('reads a last byte that is a UTF-8 lead byte as Windows-1252 when nothing can follow', () => {
    // "h1\nç" in Windows-1252: 0xE7 alone at the end of the file cannot start a UTF-8 sequence.
    const bytes = new Uint8Array([0x68, 0x31, 0x0a, 0xe7]);
    expect(detectEncoding(bytes)).toBe('utf-8');
    expect(detectEncoding(bytes, { complete: true })).toBe('windows-1252');
  });
});

describe('isUtf16', () => {
  const csv = 'finess;indicateur;cible\r\n130780018;MO;15\r\nCentre hospitalier d’Aix;é;\r\n';

  it('recognises Excel’s "Texte Unicode" (UTF-16 LE with its BOM), UTF-16 BE, and either without a BOM', () => {
    expect(isUtf16(Buffer.from(`\ufeff${csv}`, 'utf16le'))).toBe(true);
    expect(isUtf16(iconv.encode(csv, 'utf16-be', { addBOM: true }))).toBe(true);
    expect(isUtf16(Buffer.from(csv, 'utf16le'))).toBe(true);
    expect(isUtf16(iconv.encode(csv, 'utf16-be'))).toBe(true);
    // A BOM alone says so.
    expect(isUtf16(new Uint8Array([0xff, 0xfe]))).toBe(true);
  });

  it('says no for UTF-8, Windows-1252, and binary files with a few NUL bytes', () => {
    expect(isUtf16(utf8(csv))).toBe(false);
    expect(isUtf16(utf8(`\ufeff${csv}`))).toBe(false);
    expect(isUtf16(iconv.encode(csv, 'windows-1252'))).toBe(false);
    expect(isUtf16(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x3b, 0x01, 0x02, 0x00]))).toBe(false);
    expect(isUtf16(new Uint8Array(0))).toBe(false);
  });

  it('says yes for any Latin-1 text written in UTF-16, no for the same text in UTF-8', () => {
    // Latin-1 letters only: ’ and € (U+2019, U+20AC) have no NUL byte in UTF-16, and a text of them alone is not recognised.
    const text = fc.stringMatching(/^[a-zA-Z0-9;,.\r\n éèàçÉ-]{8,300}$/);
    fc.assert(
      fc.property(text, (t) => isUtf16(Buffer.from(t, 'utf16le')) && !isUtf16(utf8(t))),
    );
  });
});

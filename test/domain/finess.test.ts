import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { finessKey, finessProblem, withFinessKey } from '../../lib/domain/finess';

describe('FINESS: real numbers pass the Luhn key', () => {
  // From the Open PHMEV 2024 sample (etb_rgt column), all valid.
  it.each(['750821092', '420787061', '190000042', '440053643'])('%s is valid', (finess) => {
    expect(finessProblem(finess)).toBeNull();
  });

  it('750821092: key 2 computed by hand', () => {
    // First eight 7 5 0 8 2 1 0 9; from the right, every other digit doubled starting with the 9:
    // 9→18→9, 0, 1→2, 2, 8→16→7, 0, 5→10→1, 7 ; sum 9+0+2+2+7+0+1+7 = 28 ; key (10 - 8) % 10 = 2.
    expect(finessKey('75082109')).toBe(2);
  });

  it('AP-HM (130786049) and Institut Paoli-Calmettes (130001647)', () => {
    // 13078604: 4→8, 0, 6→12→3, 8, 7→14→5, 0, 3→6, 1 ; sum 31 ; key 9.
    expect(finessProblem('130786049')).toBeNull();
    // 13000164: 4→8, 6, 1→2, 0, 0, 0, 3→6, 1 ; sum 23 ; key 7.
    expect(finessProblem('130001647')).toBeNull();
  });
});

describe('FINESS: Corsica 2A / 2B counted as 21 / 22', () => {
  it('2A0000014: key 4', () => {
    // 2A000001 read as 2 1 0 0 0 0 0 1: 1→2, 0, 0, 0, 0, 0, 1→2, 2 ; sum 2+2+2 = 6 ; key 4.
    // (Reading 2A as 20 would give 2+0+2 = 4 → key 6, so the 21 convention is what is tested.)
    expect(finessKey('2A000001')).toBe(4);
    expect(finessProblem('2A0000014')).toBeNull();
    expect(finessProblem('2A0000016')).toBe('key');
  });

  it('2B0000020: key 0', () => {
    // 2B000002 read as 2 2 0 0 0 0 0 2: 2→4, 0, 0, 0, 0, 0, 2→4, 2 ; sum 10 ; key 0.
    expect(finessKey('2B000002')).toBe(0);
    expect(finessProblem('2B0000020')).toBeNull();
  });
});

describe('FINESS: problems', () => {
  it.each([
    ['750821093', 'last digit 3 instead of 2'],
    ['420787060', 'last digit 0 instead of 1'],
    ['130786048', 'AP-HM with key 8 instead of 9'],
    ['2B0000021', 'Bastia with key 1 instead of 0'],
  ])('%s → key (%s)', (finess) => {
    expect(finessProblem(finess)).toBe('key');
  });

  it.each([
    ['', 'empty'],
    ['75082109', '8 characters'],
    ['7508210920', '10 characters'],
    ['75O821092', 'letter O instead of zero'],
    ['2C0000014', 'only 2A and 2B are letters'],
    ['2a0000014', 'lower case is not the stored form'],
    [' 750821092', 'leading space'],
    ['75 0821092', 'inner space'],
  ])('%j → shape (%s)', (finess) => {
    expect(finessProblem(finess)).toBe('shape');
  });
});

describe('FINESS: properties', () => {
  const firstEight = fc.tuple(fc.constantFrom(...['2A', '2B'], ...Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'))), fc.stringMatching(/^\d{6}$/)).map(([dep, rest]) => dep + rest);

  it('withFinessKey always gives a valid FINESS', () => {
    fc.assert(fc.property(firstEight, (eight) => finessProblem(withFinessKey(eight)) === null));
  });

  it('changing the last digit of a valid FINESS always fails on the key', () => {
    fc.assert(
      fc.property(firstEight, fc.integer({ min: 1, max: 9 }), (eight, shift) => {
        const valid = withFinessKey(eight);
        const wrong = eight + String((Number(valid[8]) + shift) % 10);
        return finessProblem(wrong) === 'key';
      }),
    );
  });
});

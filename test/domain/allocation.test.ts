import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitToTheCent } from '../../lib/domain/allocation';

const cents = (xs: number[]) => Math.round(xs.reduce((a, x) => a + x * 100, 0));

describe('splitToTheCent', () => {
  it('the seed’s MO incentive over three equal shares: 126 331 € = 42 110,34 + 42 110,33 + 42 110,33', () => {
    expect(splitToTheCent(126_331, [1, 1, 1])).toEqual([42_110.34, 42_110.33, 42_110.33]);
  });

  it('nothing to share out: all zeros, whatever the amount', () => {
    expect(splitToTheCent(1000, [0, 0])).toEqual([0, 0]);
    expect(splitToTheCent(1000, [])).toEqual([]);
  });

  it('refuses a negative amount or weight', () => {
    expect(() => splitToTheCent(-1, [1])).toThrow(RangeError);
    expect(() => splitToTheCent(1, [1, -1])).toThrow(RangeError);
  });

  it('property: the shares add up to the amount to the cent, each within a cent of its exact share', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }).map((c) => c / 100),
        fc.array(fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 1e6, noNaN: true })), { minLength: 1, maxLength: 40 }),
        (amount, weights) => {
          const shares = splitToTheCent(amount, weights);
          const total = weights.reduce((a, w) => a + w, 0);
          if (total === 0) {
            expect(shares.every((s) => s === 0)).toBe(true);
            return;
          }
          expect(cents(shares)).toBe(Math.round(amount * 100));
          shares.forEach((s, i) => {
            expect(Number.isInteger(Math.round(s * 100))).toBe(true);
            expect(Math.abs(s - (amount * (weights[i] as number)) / total)).toBeLessThanOrEqual(0.0100001);
            if (weights[i] === 0) expect(s).toBe(0);
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('property: a larger weight never gets less', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }).map((c) => c / 100), fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 2, maxLength: 20 }), (amount, weights) => {
        const shares = splitToTheCent(amount, weights);
        for (let i = 0; i < weights.length; i++) {
          for (let j = 0; j < weights.length; j++) {
            if ((weights[i] as number) > (weights[j] as number)) expect(shares[i]).toBeGreaterThanOrEqual(shares[j] as number);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

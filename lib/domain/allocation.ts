/**
 * Splits an amount in euros among shares in proportion to their weights, to the cent: each share is
 * rounded down to the cent, and the cents left over go one by one to the largest remainders (ties to
 * the first), so the shares always add up to the amount exactly.
 *
 * @returns one amount per weight (0 for a weight of 0); all zeros when every weight is 0.
 * @throws RangeError for a negative or non-finite amount or weight.
 * @example splitToTheCent(100, [1, 1, 1]) // [33.34, 33.33, 33.33]
 */
export function splitToTheCent(amount: number, weights: readonly number[]): number[] {
  if (!Number.isFinite(amount) || amount < 0) throw new RangeError(`amount must be a non-negative number, got ${amount}`);
  if (weights.some((w) => !Number.isFinite(w) || w < 0)) throw new RangeError('weights must be non-negative numbers');
  const cents = Math.round(amount * 100);
  const total = weights.reduce((a, w) => a + w, 0);
  if (total === 0) return weights.map(() => 0);
  const exact = weights.map((w) => (cents * w) / total);
  const floors = exact.map(Math.floor);
  let left = cents - floors.reduce((a, c) => a + c, 0);
  const order = exact.map((e, i) => ({ i, rest: e - Math.floor(e) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    floors[i] = (floors[i] as number) + 1;
    left--;
  }
  return floors.map((c) => c / 100);
}

/**
 * FINESS numbers: two characters of département (2A and 2B for Corsica), six digits, and a Luhn key
 * over the first eight characters with 2A and 2B counted as 21 and 22.
 */
const FINESS_SHAPE = /^(\d{2}|2A|2B)\d{7}$/;

function luhnDigits(finess: string): string {
  return finess.replace(/^2A/, '21').replace(/^2B/, '22');
}

/** Luhn key (0-9) of the first eight characters of a FINESS. */
export function finessKey(firstEight: string): number {
  const digits = luhnDigits(firstEight);
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // From the right, the key position is 0, so the last of the eight digits is doubled.
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** Why a FINESS is not valid, or null when it is. */
export function finessProblem(value: string): 'shape' | 'key' | null {
  if (!FINESS_SHAPE.test(value)) return 'shape';
  return finessKey(value.slice(0, 8)) === Number(value[8]) ? null : 'key';
}

/** Completes eight characters with their Luhn key (used to build sample and test data). */
export function withFinessKey(firstEight: string): string {
  return firstEight + String(finessKey(firstEight));
}

/** Hors AMM / hors RTU / outside trials: I999, as ATIH writes it in short or long form. */
export function isHorsAmm(code: string): boolean {
  return code === 'I999' || code === 'I999999';
}

/** An indication justified by a mirror marketing authorisation (AMM miroir): I997 and its sub-codes. */
export function isAmmMiroir(code: string): boolean {
  return code.startsWith('I997');
}

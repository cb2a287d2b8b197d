/** Hors AMM / hors RTU / outside trials: I999, as ATIH writes it in short or long form. */
export function isHorsAmm(code: string): boolean {
  return code === 'I999' || code === 'I999999';
}

/** An indication justified by a mirror marketing authorisation (AMM miroir): I997 and its sub-codes. */
export function isAmmMiroir(code: string): boolean {
  return code.startsWith('I997');
}

/**
 * One UCD however it is written, to match an argumentation's lines with ATIH's: the 13-digit code
 * `340093` + the 7-digit UCD (ATIH's nomenclature) is read as its 7 digits; others stay as written.
 * @example ucdKey('3400939391234') // '9391234'
 */
export function ucdKey(ucd: string): string {
  return ucd.length === 13 && ucd.startsWith('340093') ? ucd.slice(6) : ucd;
}

/**
 * NHS number: 10 digits, the last a modulus-11 check digit over the first nine (weights 10 to 2).
 * A remainder giving 11 means 0; one giving 10 means the number is invalid.
 */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  const sum = [...value.slice(0, 9)].reduce((acc, digit, i) => acc + Number(digit) * (10 - i), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return false;
  return (check === 11 ? 0 : check) === Number(value[9]);
}

/** Adds the check digit to nine digits; undefined when no valid check digit exists for them. */
export function nhsNumberFrom(nineDigits: string): string | undefined {
  const sum = [...nineDigits].reduce((acc, digit, i) => acc + Number(digit) * (10 - i), 0);
  const check = 11 - (sum % 11);
  if (check === 10) return undefined;
  return `${nineDigits}${check === 11 ? 0 : check}`;
}

export function normaliseNhsNumber(value: string): string {
  return value.replace(/[\s-]/g, '');
}

const UPN_LETTERS = 'ABCDEFGHJKLMNPQRTUVWXYZ';

/**
 * Unique pupil number (DfE): a check letter then 12 digits. The check letter is the sum of each
 * digit times its position (2 to 13), modulo 23, as a letter of A–Z without I, O and S.
 */
export function upnCheckLetter(twelveDigits: string): string {
  const sum = [...twelveDigits].reduce((acc, digit, i) => acc + Number(digit) * (i + 2), 0);
  return UPN_LETTERS[sum % 23];
}

export function isValidUpn(value: string): boolean {
  if (!/^[A-Z]\d{12}$/.test(value)) return false;
  return upnCheckLetter(value.slice(1)) === value[0];
}

/** UK postcode, normalised to upper case with one space before the inward code. */
export function normalisePostcode(value: string): string | undefined {
  const compact = value.toUpperCase().replace(/\s+/g, '');
  if (!/^[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}$/.test(compact)) return undefined;
  return `${compact.slice(0, -3)} ${compact.slice(-3)}`;
}

/** The outward code alone (e.g. BD7), for searching a district. */
export function normaliseOutwardCode(value: string): string | undefined {
  const compact = value.toUpperCase().replace(/\s+/g, '');
  return /^[A-Z]{1,2}\d[A-Z\d]?$/.test(compact) ? compact : undefined;
}

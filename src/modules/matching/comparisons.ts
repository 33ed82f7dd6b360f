import { jaroWinkler } from '@skyra/jaro-winkler';
import { type MatchRecord, sameNicknameGroup } from './normalise.ts';

/**
 * The comparison levels of each field, most to least alike. Level 0 always means "one side is
 * unknown": it adds no evidence either way. Each record pair gets one level per comparison.
 */
export const COMPARISONS = [
  {
    name: 'given',
    label: 'First name',
    levels: [
      'unknown',
      'exact',
      'swapped with last name',
      'nickname or alias',
      'very similar (Jaro-Winkler ≥ 0.92)',
      'similar or sounds alike',
      'initial only agrees',
      'different',
    ],
  },
  {
    name: 'family',
    label: 'Last name',
    levels: [
      'unknown',
      'exact',
      'swapped with first name',
      'alias or one part of a double-barrelled name',
      'very similar (Jaro-Winkler ≥ 0.92)',
      'similar or sounds alike',
      'different',
    ],
  },
  {
    name: 'dob',
    label: 'Date of birth',
    levels: [
      'unknown',
      'exact',
      'day and month swapped',
      'one digit different',
      'same year (approximate date)',
      'same year and month',
      'one year apart',
      'different',
    ],
  },
  {
    name: 'postcode',
    label: 'Postcode',
    levels: ['unknown', 'same postcode', 'same sector', 'same district', 'different'],
  },
  { name: 'gender', label: 'Gender', levels: ['unknown', 'same', 'different'] },
  { name: 'nhs', label: 'NHS number', levels: ['unknown', 'same', 'different'] },
  { name: 'upn', label: 'Unique pupil number', levels: ['unknown', 'same', 'different'] },
  { name: 'police', label: 'Police reference', levels: ['unknown', 'same', 'different'] },
  { name: 'address', label: 'Address', levels: ['unknown', 'same', 'mostly the same', 'different'] },
] as const;

export type ComparisonName = (typeof COMPARISONS)[number]['name'];
export const COMPARISON_COUNT = COMPARISONS.length;

/** Level indices that mean "exact agreement" (where term frequency adjusts the weight). */
export const EXACT_LEVEL = 1;

const swapped = (a: MatchRecord, b: MatchRecord) =>
  !!a.given && !!a.family && !!b.given && !!b.family && a.given === b.family && a.family === b.given;

export function compareGiven(a: MatchRecord, b: MatchRecord): number {
  if (!a.given || !b.given) return 0;
  if (a.given === b.given) return 1;
  if (swapped(a, b)) return 2;
  if (sameNicknameGroup(a, b) || a.aliasGivens.includes(b.given) || b.aliasGivens.includes(a.given)) return 3;
  if (a.given.length > 1 && b.given.length > 1) {
    const jw = jaroWinkler(a.given, b.given);
    if (jw >= 0.92) return 4;
    if (jw >= 0.85 || (a.givenMeta && a.givenMeta === b.givenMeta)) return 5;
  }
  // "J." against "Jonathan": only the initial can agree.
  if ((a.given.length === 1 || b.given.length === 1) && a.given[0] === b.given[0]) return 6;
  return 7;
}

export function compareFamily(a: MatchRecord, b: MatchRecord): number {
  if (!a.family || !b.family) return 0;
  if (a.family === b.family) return 1;
  if (swapped(a, b)) return 2;
  if (
    a.aliasFamilies.includes(b.family) ||
    b.aliasFamilies.includes(a.family) ||
    a.familyParts.includes(b.family) ||
    b.familyParts.includes(a.family) ||
    a.familyParts.some((p) => b.familyParts.includes(p))
  ) {
    return 3;
  }
  const jw = jaroWinkler(a.family, b.family);
  if (jw >= 0.92) return 4;
  if (jw >= 0.85 || (a.familyMeta && a.familyMeta === b.familyMeta)) return 5;
  return 6;
}

function oneDigitApart(a: string, b: string): boolean {
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && ++diff > 1) return false;
  return diff === 1;
}

export function compareDob(a: MatchRecord, b: MatchRecord): number {
  const x = a.dob;
  const y = b.dob;
  if (!x || !y) return 0;
  if (x.yearOnly || y.yearOnly) return x.y === y.y ? 4 : Math.abs(x.y - y.y) === 1 ? 6 : 7;
  if (x.digits === y.digits) return 1;
  if (x.y === y.y && x.m === y.d && x.d === y.m) return 2;
  if (oneDigitApart(x.digits, y.digits)) return 3;
  if (x.y === y.y && x.m === y.m) return 5;
  if (x.y === y.y) return 4;
  if (Math.abs(x.y - y.y) === 1 && x.m === y.m && x.d === y.d) return 6;
  return 7;
}

export function comparePostcode(a: MatchRecord, b: MatchRecord): number {
  const aAny = a.postcode ?? a.district;
  const bAny = b.postcode ?? b.district;
  if (!aAny || !bAny) return 0;
  if (a.postcode && a.postcode === b.postcode) return 1;
  if (a.sector && a.sector === b.sector) return 2;
  if (a.district && a.district === b.district) return 3;
  return 4;
}

const compareValue = (x: string | null, y: string | null) => (!x || !y ? 0 : x === y ? 1 : 2);

/** Addresses as word sets: the same words, mostly the same (Jaccard ≥ 0.5), or different. */
export function compareAddress(a: MatchRecord, b: MatchRecord): number {
  if (!a.addressKey || !b.addressKey) return 0;
  if (a.addressKey === b.addressKey) return 1;
  let shared = 0;
  for (const w of a.addressWords) if (b.addressWords.includes(w)) shared++;
  const union = a.addressWords.length + b.addressWords.length - shared;
  if (shared === union) return 1;
  return shared / union >= 0.5 ? 2 : 3;
}

/** The level of each comparison for a pair of records, in COMPARISONS order. */
export function compareRecords(
  a: MatchRecord,
  b: MatchRecord,
  out: Uint8Array = new Uint8Array(COMPARISON_COUNT),
  at = 0,
): Uint8Array {
  out[at] = compareGiven(a, b);
  out[at + 1] = compareFamily(a, b);
  out[at + 2] = compareDob(a, b);
  out[at + 3] = comparePostcode(a, b);
  out[at + 4] = compareValue(a.gender, b.gender);
  out[at + 5] = compareValue(a.nhs, b.nhs);
  out[at + 6] = compareValue(a.upn, b.upn);
  out[at + 7] = compareValue(a.police, b.police);
  out[at + 8] = compareAddress(a, b);
  return out;
}

import { jaroWinkler } from './jaro-winkler.ts';
import type { MatchRecord } from './normalise.ts';
import { EXTRA_SLOTS, PREFIX, type RecordTable, recordTable, valueText } from './table.ts';

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
      'one digit different, or two next to each other swapped',
      'same year (approximate date)',
      'within a month',
      'within a year',
      'within 10 years',
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
  {
    name: 'town',
    label: 'Town',
    levels: ['unknown', 'same', 'very similar (Jaro-Winkler ≥ 0.88)', 'different'],
  },
  {
    name: 'birth_place',
    label: 'Place of birth',
    levels: ['unknown', 'same', 'very similar (Jaro-Winkler ≥ 0.88)', 'different'],
  },
  {
    name: 'email',
    label: 'Email',
    levels: [
      'unknown',
      'same',
      'same local part (before the @)',
      'very similar (Jaro-Winkler ≥ 0.88)',
      'same domain only',
      'different',
    ],
  },
  { name: 'phone', label: 'Phone', levels: ['unknown', 'same', 'same last 7 digits', 'different'] },
  ...[1, 2, 3].map(
    (n) =>
      ({
        name: `extra${n}`,
        label: `Extra field ${n}`,
        levels: ['unknown', 'same', 'close (Jaro-Winkler ≥ 0.9)', 'different'],
      }) as const,
  ),
] as const;

/** Comparisons whose exact agreement is weighed by how common the value is (term frequency). */
export const TERM_FREQUENCY_COMPARISONS = [0, 1, 9, 10, 13, 14, 15] as const;
/** Where the extra fields' comparisons start (one per slot, in --map order). */
export const FIRST_EXTRA = 13;

export type ComparisonName = (typeof COMPARISONS)[number]['name'];
export const COMPARISON_COUNT = COMPARISONS.length;

/** Level indices that mean "exact agreement" (where term frequency adjusts the weight). */
export const EXACT_LEVEL = 1;

/**
 * Each comparison reads the table at records i and j. The functions taking two records below
 * build a two-row table, so there is one implementation of every level.
 */
/** First and last names swapped: both exactly, or one exactly and the other with a typo. */
function swapped(t: RecordTable, i: number, j: number): boolean {
  const gi = t.given[i];
  const fi = t.family[i];
  const gj = t.given[j];
  const fj = t.family[j];
  if (gi < 0 || fi < 0 || gj < 0 || fj < 0) return false;
  const givenSwapped = gi === fj;
  const familySwapped = fi === gj;
  if (givenSwapped && familySwapped) return true;
  if (givenSwapped) return jaroWinkler(t.text[fi], t.text[gj]) >= 0.92;
  if (familySwapped) return jaroWinkler(t.text[gi], t.text[fj]) >= 0.92;
  return false;
}

const shareAny = (x: number[], y: number[]) => {
  for (const v of x) if (y.includes(v)) return true;
  return false;
};

/** Recorded aliases (other names a person is known by) are rare, so they are read from the record. */
function aliasAgrees(t: RecordTable, i: number, j: number, field: 'aliasGivens' | 'aliasFamilies') {
  if (!t.aliases[i] && !t.aliases[j]) return false;
  const a = t.records[i];
  const b = t.records[j];
  const name = field === 'aliasGivens' ? t.given : t.family;
  return a[field].includes(t.text[name[j]]) || b[field].includes(t.text[name[i]]);
}

/** Jaro-Winkler bands and sound codes: 1 very similar, 2 similar or sounds alike, 0 neither. */
function similarity(t: RecordTable, x: number, y: number): number {
  const a = t.text[x];
  const b = t.text[y];
  if (a.length < 2 || b.length < 2) return 0;
  const jw = jaroWinkler(a, b);
  if (jw >= 0.92) return 1;
  return jw >= 0.85 || (t.sound[x] >= 0 && t.sound[x] === t.sound[y]) ? 2 : 0;
}

export function givenAt(t: RecordTable, i: number, j: number): number {
  const x = t.given[i];
  const y = t.given[j];
  if (x < 0 || y < 0) return 0;
  if (x === y) return 1;
  if (swapped(t, i, j)) return 2;
  if (shareAny(t.nicknames[x], t.nicknames[y]) || aliasAgrees(t, i, j, 'aliasGivens')) return 3;
  const similar = similarity(t, x, y);
  if (similar) return similar + 3;
  // "J." against "Jonathan": only the initial can agree.
  const a = t.text[x];
  const b = t.text[y];
  return (a.length === 1 || b.length === 1) && a[0] === b[0] ? 6 : 7;
}

export function familyAt(t: RecordTable, i: number, j: number): number {
  const x = t.family[i];
  const y = t.family[j];
  if (x < 0 || y < 0) return 0;
  if (x === y) return 1;
  if (swapped(t, i, j)) return 2;
  if (
    aliasAgrees(t, i, j, 'aliasFamilies') ||
    t.parts[x].includes(y) ||
    t.parts[y].includes(x) ||
    shareAny(t.parts[x], t.parts[y])
  )
    return 3;
  // Surnames of one letter are still compared (unlike first names, which may be initials).
  const a = t.text[x];
  const b = t.text[y];
  const jw = jaroWinkler(a, b);
  if (jw >= 0.92) return 4;
  return jw >= 0.85 || (t.sound[x] >= 0 && t.sound[x] === t.sound[y]) ? 5 : 6;
}

/**
 * Two dates written yyyymmdd differ in exactly one digit, or in two neighbouring digits swapped.
 * Worked digit by digit in arithmetic: millions of pairs, no strings made.
 */
function oneDigitApart(x: number, y: number): boolean {
  let diff = 0;
  let at = -1;
  let a0 = 0;
  let b0 = 0;
  for (let k = 0; k < 8; k++, x = Math.floor(x / 10), y = Math.floor(y / 10)) {
    const a = x % 10;
    const b = y % 10;
    if (a === b) continue;
    if (++diff === 1) {
      at = k;
      a0 = a;
      b0 = b;
    } else if (diff > 2 || k !== at + 1 || a !== b0 || b !== a0) return false;
  }
  return diff === 1 || diff === 2;
}

const DAY_MS = 86_400_000;
const daysOf = (yyyymmdd: number) =>
  Date.UTC(Math.floor(yyyymmdd / 10_000), (Math.floor(yyyymmdd / 100) % 100) - 1, yyyymmdd % 100) / DAY_MS;

export function dobAt(t: RecordTable, i: number, j: number): number {
  const x = t.dob[i];
  const y = t.dob[j];
  if (!x || !y) return 0;
  const xy = Math.floor(x / 10_000);
  const yy = Math.floor(y / 10_000);
  if (t.yearOnly[i] || t.yearOnly[j]) {
    const years = Math.abs(xy - yy);
    return years === 0 ? 4 : years === 1 ? 6 : years <= 10 ? 7 : 8;
  }
  if (x === y) return 1;
  const xm = Math.floor(x / 100) % 100;
  const ym = Math.floor(y / 100) % 100;
  const xd = x % 100;
  const yd = y % 100;
  if (xy === yy && xm === yd && xd === ym) return 2;
  if (oneDigitApart(x, y)) return 3;
  const days = Math.abs(daysOf(x) - daysOf(y));
  return days <= 31 ? 5 : days <= 366 ? 6 : days <= 3653 ? 7 : 8;
}

export function postcodeAt(t: RecordTable, i: number, j: number): number {
  if ((t.postcode[i] < 0 && t.district[i] < 0) || (t.postcode[j] < 0 && t.district[j] < 0)) return 0;
  if (t.postcode[i] >= 0 && t.postcode[i] === t.postcode[j]) return 1;
  if (t.sector[i] >= 0 && t.sector[i] === t.sector[j]) return 2;
  if (t.district[i] >= 0 && t.district[i] === t.district[j]) return 3;
  return 4;
}

const valueAt = (column: Int32Array | Uint8Array, i: number, j: number, unknown: number) =>
  column[i] === unknown || column[j] === unknown ? 0 : column[i] === column[j] ? 1 : 2;

/**
 * Addresses as word sets: the same words, mostly the same (Jaccard ≥ 0.5), or different. Two
 * house numbers that share nothing make it a neighbour's address, however alike the rest is.
 */
export function addressAt(t: RecordTable, i: number, j: number): number {
  const x = t.address[i];
  const y = t.address[j];
  if (x < 0 || y < 0) return 0;
  if (x === y) return 1;
  const a = t.words[x];
  const b = t.words[y];
  const numeric = t.numeric;
  let shared = 0;
  let numbersA = 0;
  let numbersB = 0;
  let numbersShared = 0;
  for (let k = 0; k < a.length; k++) {
    const w = a[k];
    const number = numeric[w];
    numbersA += number;
    if (b.includes(w)) {
      shared++;
      numbersShared += number;
    }
  }
  for (let k = 0; k < b.length; k++) numbersB += numeric[b[k]];
  if (numbersA && numbersB && !numbersShared) return 3;
  const union = a.length + b.length - shared;
  return shared / union >= 0.5 ? 2 : 3;
}

/** Places and extras: the same, very similar (Jaro-Winkler at or above `close`), or different. */
function textAt(t: RecordTable, column: Int32Array, i: number, j: number, prefix: string, close: number) {
  const x = column[i];
  const y = column[j];
  if (x < 0 || y < 0) return 0;
  if (x === y) return 1;
  return jaroWinkler(valueText(t, x, prefix), valueText(t, y, prefix)) >= close ? 2 : 3;
}

export const townAt = (t: RecordTable, i: number, j: number) => textAt(t, t.town, i, j, PREFIX.town, 0.88);
const birthPlaceAt = (t: RecordTable, i: number, j: number) =>
  textAt(t, t.birthPlace, i, j, PREFIX.town, 0.88);

/** The same address; the same mailbox at another provider; a typo; the same (work) domain only. */
export function emailAt(t: RecordTable, i: number, j: number): number {
  const x = t.email[i];
  const y = t.email[j];
  if (x < 0 || y < 0) return 0;
  if (x === y) return 1;
  if (t.emailLocal[i] >= 0 && t.emailLocal[i] === t.emailLocal[j]) return 2;
  if (jaroWinkler(valueText(t, x, PREFIX.email), valueText(t, y, PREFIX.email)) >= 0.88) return 3;
  return t.emailDomain[i] >= 0 && t.emailDomain[i] === t.emailDomain[j] ? 4 : 5;
}

export function phoneAt(t: RecordTable, i: number, j: number): number {
  if (t.phone[i] < 0 || t.phone[j] < 0) return 0;
  if (t.phone[i] === t.phone[j]) return 1;
  return t.phoneTail[i] === t.phoneTail[j] ? 2 : 3;
}

/** The level of each comparison for records i and j of a table, in COMPARISONS order. */
export function compareAt(t: RecordTable, i: number, j: number, out: Uint8Array, at = 0): Uint8Array {
  out[at] = givenAt(t, i, j);
  out[at + 1] = familyAt(t, i, j);
  out[at + 2] = dobAt(t, i, j);
  out[at + 3] = postcodeAt(t, i, j);
  out[at + 4] = valueAt(t.gender, i, j, 0);
  out[at + 5] = valueAt(t.nhs, i, j, -1);
  out[at + 6] = valueAt(t.upn, i, j, -1);
  out[at + 7] = valueAt(t.police, i, j, -1);
  out[at + 8] = addressAt(t, i, j);
  // Fields the extract does not have are "unknown" without looking (most extracts lack most).
  const has = t.has;
  out[at + 9] = has.town ? townAt(t, i, j) : 0;
  out[at + 10] = has.birthPlace ? birthPlaceAt(t, i, j) : 0;
  out[at + 11] = has.email ? emailAt(t, i, j) : 0;
  out[at + 12] = has.phone ? phoneAt(t, i, j) : 0;
  for (let x = 0; x < EXTRA_SLOTS; x++)
    out[at + FIRST_EXTRA + x] = x < has.extras ? textAt(t, t.extras[x], i, j, PREFIX.extra(x), 0.9) : 0;
  return out;
}

/**
 * The levels of candidate pairs (left[k], rightStart + right[k]) into `levels`, the first of them
 * at pair `first`: one thread's share of a run's comparing (see parallel.ts).
 */
export function compareRange(
  t: RecordTable,
  left: Int32Array,
  right: Int32Array,
  rightStart: number,
  levels: Uint8Array,
  first = 0,
  progress?: (done: number) => void,
) {
  for (let k = 0; k < left.length; k++) {
    compareAt(t, left[k], rightStart + right[k], levels, (first + k) * COMPARISON_COUNT);
    if (progress && k % 100_000 === 0) progress(k);
  }
}

/** The levels for two records (one pair: realtime explanations, tests). */
export function compareRecords(
  a: MatchRecord,
  b: MatchRecord,
  out: Uint8Array = new Uint8Array(COMPARISON_COUNT),
): Uint8Array {
  return compareAt(recordTable([a, b]), 0, 1, out);
}

const pairOf =
  (compare: (t: RecordTable, i: number, j: number) => number) => (a: MatchRecord, b: MatchRecord) =>
    compare(recordTable([a, b]), 0, 1);
export const compareGiven = pairOf(givenAt);
export const compareFamily = pairOf(familyAt);
export const compareDob = pairOf(dobAt);
export const comparePostcode = pairOf(postcodeAt);
export const compareAddress = pairOf(addressAt);

import type { MatchRecord } from './normalise.ts';

/**
 * A blocking rule: records with the same key become candidate pairs. `frozen` names the
 * comparisons the rule makes agree (their m cannot be learned from its pairs).
 *
 * Keys are numbers built from small parts (a letter, a date, the number `id` gives a name's sound
 * code or a postcode), so a million records group in a fraction of a second.
 */
export interface BlockingRule {
  name: string;
  frozen: number[];
  key(r: MatchRecord, id: (value: string) => number): number | null;
}

const COMPARISON = {
  given: 0,
  family: 1,
  dob: 2,
  postcode: 3,
  gender: 4,
  nhs: 5,
  upn: 6,
  police: 7,
  address: 8,
};

/** Room for each part of a key: ids (up to 16.7 million values), letters, dates. */
const ID = 2 ** 24;
const LETTER = 64;
const letter = (name: string) => name.charCodeAt(0) % LETTER;
const date = (r: MatchRecord) =>
  r.dob && !r.dob.yearOnly ? r.dob.y * 10_000 + r.dob.m * 100 + r.dob.d : null;
const YEARS = 256;
const year = (y: number) => (y - 1880) % YEARS;
const lowerSound = (r: MatchRecord) =>
  r.givenMeta && r.familyMeta ? (r.givenMeta < r.familyMeta ? r.givenMeta : r.familyMeta) : null;

/** The union of these keeps almost every true pair while comparing a tiny share of all pairs. */
export const BLOCKING_RULES: BlockingRule[] = [
  {
    name: 'date of birth + first letter of last name',
    frozen: [COMPARISON.dob],
    key: (r) => {
      const d = date(r);
      return d !== null && r.family ? d * LETTER + letter(r.family) : null;
    },
  },
  {
    // Sorted, so first and last names swapped still meet.
    name: 'names sound alike + birth year',
    frozen: [COMPARISON.given, COMPARISON.family, COMPARISON.dob],
    key: (r, id) => (r.dob && r.namesSound ? id(r.namesSound) * YEARS + year(r.dob.y) : null),
  },
  {
    name: 'last name sounds alike + first initial + day and month of birth',
    frozen: [COMPARISON.family, COMPARISON.dob],
    key: (r, id) =>
      r.familyMeta && r.given && r.dob && !r.dob.yearOnly
        ? ((id(r.familyMeta) * LETTER + letter(r.given)) * 16 + r.dob.m) * 32 + r.dob.d
        : null,
  },
  {
    name: 'names sound alike + postcode district',
    frozen: [COMPARISON.given, COMPARISON.family, COMPARISON.postcode],
    key: (r, id) => (r.namesSound && r.district ? id(r.namesSound) * ID + id(r.district) : null),
  },
  {
    // Catches a changed surname.
    name: 'date of birth + first letter of first name',
    frozen: [COMPARISON.dob],
    key: (r) => {
      const d = date(r);
      return d !== null && r.given ? d * LETTER + letter(r.given) : null;
    },
  },
  {
    name: 'last name sounds alike + first initial + year and month of birth',
    frozen: [COMPARISON.family, COMPARISON.dob],
    key: (r, id) =>
      r.familyMeta && r.given && r.dob && !r.dob.yearOnly
        ? ((id(r.familyMeta) * LETTER + letter(r.given)) * YEARS + year(r.dob.y)) * 16 + r.dob.m
        : null,
  },
  {
    // Catches a missing date of birth, and swapped names at the same address.
    name: 'postcode + a name that sounds alike',
    frozen: [COMPARISON.postcode],
    key: (r, id) => {
      const sound = lowerSound(r);
      return r.postcode && sound ? id(r.postcode) * ID + id(sound) : null;
    },
  },
  {
    name: 'date of birth + postcode',
    frozen: [COMPARISON.dob, COMPARISON.postcode],
    key: (r, id) => {
      const d = date(r);
      return d !== null && r.postcode ? d * ID + id(r.postcode) : null;
    },
  },
  {
    name: 'postcode + first letter of first name',
    frozen: [COMPARISON.postcode, COMPARISON.given],
    key: (r, id) => (r.postcode && r.given ? id(r.postcode) * LETTER + letter(r.given) : null),
  },
  { name: 'NHS number', frozen: [COMPARISON.nhs], key: (r, id) => (r.nhs ? id(r.nhs) : null) },
  { name: 'unique pupil number', frozen: [COMPARISON.upn], key: (r, id) => (r.upn ? id(r.upn) : null) },
  { name: 'police reference', frozen: [COMPARISON.police], key: (r, id) => (r.police ? id(r.police) : null) },
];

export interface CandidatePairs {
  /** Pair codes left * width + right, sorted, without repeats. */
  codes: Float64Array;
  /** For each pair, a bit per rule (in `rules` order) that made it a candidate. */
  rules: Uint32Array;
  width: number;
  perRule: { rule: string; pairs: number; oversizedBlocks: number }[];
}

export const pairLeft = (code: number, width: number) => Math.floor(code / width);
export const pairRight = (code: number, width: number) => code % width;

/** Rules are told apart by a few low bits of each pair code while sorting. */
const RULE_SLOTS = 32;

/**
 * Candidate pairs from the rules. Deduplicating one source pairs records within it (left < right);
 * linking pairs left records with right ones. Blocks above `maxBlock` records are skipped and
 * counted, so one very common key cannot explode the work.
 */
export function candidatePairs(
  left: MatchRecord[],
  right: MatchRecord[] | null,
  rules: BlockingRule[],
  maxBlock = 2000,
): CandidatePairs {
  if (rules.length > RULE_SLOTS) throw new Error(`at most ${RULE_SLOTS} blocking rules`);
  const width = (right ?? left).length;
  // Every (pair, rule) as one number, so one typed-array sort both orders and deduplicates them.
  let all = new Float64Array(1 << 16);
  let size = 0;
  const push = (code: number) => {
    if (size === all.length) {
      const bigger = new Float64Array(all.length * 2);
      bigger.set(all);
      all = bigger;
    }
    all[size++] = code;
  };
  const perRule: CandidatePairs['perRule'] = [];
  // One numbering of names, postcodes and identifiers for both sides, so their keys meet.
  const ids = new Map<string, number>();
  const id = (value: string) => {
    let n = ids.get(value);
    if (n === undefined) {
      n = ids.size;
      if (n >= ID) throw new Error('too many distinct names, postcodes and identifiers to block in one run');
      ids.set(value, n);
    }
    return n;
  };
  const block: number[] = [];
  rules.forEach((rule, r) => {
    const leftBlocks = groupBy(left, rule, id);
    const rightBlocks = right ? groupBy(right, rule, id) : null;
    let pairs = 0;
    let oversizedBlocks = 0;
    for (const [key, ls] of leftBlocks.blocks) {
      const rs = rightBlocks ? rightBlocks.blocks.get(key) : ls;
      if (rs === undefined) continue;
      const lsize = leftBlocks.size(ls);
      const rsize = rightBlocks ? rightBlocks.size(rs) : lsize;
      if (lsize > maxBlock || rsize > maxBlock) {
        oversizedBlocks++;
        continue;
      }
      if (!rightBlocks) {
        leftBlocks.members(ls, block);
        for (let i = 0; i < block.length; i++)
          for (let j = i + 1; j < block.length; j++) push((block[i] * width + block[j]) * RULE_SLOTS + r);
        pairs += (lsize * (lsize - 1)) / 2;
      } else {
        for (let i = ls; i !== -1; i = leftBlocks.next[i])
          for (let j = rs; j !== -1; j = rightBlocks.next[j]) push((i * width + j) * RULE_SLOTS + r);
        pairs += lsize * rsize;
      }
    }
    perRule.push({ rule: rule.name, pairs, oversizedBlocks });
  });
  const sorted = all.subarray(0, size).sort();
  const codes = new Float64Array(size);
  const ruleBits = new Uint32Array(size);
  let n = 0;
  for (let k = 0; k < size; k++) {
    const code = Math.floor(sorted[k] / RULE_SLOTS);
    const bit = 1 << (sorted[k] - code * RULE_SLOTS);
    if (n > 0 && codes[n - 1] === code) ruleBits[n - 1] |= bit;
    else {
      codes[n] = code;
      ruleBits[n++] = bit;
    }
  }
  return { codes: codes.slice(0, n), rules: ruleBits.slice(0, n), width, perRule };
}

/**
 * Records by key: `blocks` maps each key to its first record, `next` chains the rest in order
 * (-1 ends a chain). Chains rather than an array per block keep a million records light.
 */
function groupBy(records: MatchRecord[], rule: BlockingRule, id: (value: string) => number) {
  const blocks = new Map<number, number>();
  const next = new Int32Array(records.length).fill(-1);
  // Walk backwards, putting each record at the front of its chain: chains come out in order.
  for (let i = records.length - 1; i >= 0; i--) {
    const key = rule.key(records[i], id);
    if (key === null) continue;
    const first = blocks.get(key);
    if (first !== undefined) next[i] = first;
    blocks.set(key, i);
  }
  const size = (first: number) => {
    let n = 0;
    for (let i = first; i !== -1; i = next[i]) n++;
    return n;
  };
  const members = (first: number, into: number[]) => {
    into.length = 0;
    for (let i = first; i !== -1; i = next[i]) into.push(i);
  };
  return { blocks, next, size, members };
}

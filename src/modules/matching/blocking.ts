import type { MatchRecord } from './normalise.ts';

/**
 * A blocking rule: records with the same key become candidate pairs. `frozen` names the
 * comparisons the rule makes agree (their m cannot be learned from its pairs).
 */
export interface BlockingRule {
  name: string;
  frozen: number[];
  key(r: MatchRecord): string | null;
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
const sortedNames = (r: MatchRecord) =>
  r.givenMeta && r.familyMeta ? [r.givenMeta, r.familyMeta].sort().join('|') : null;

/** The union of these keeps almost every true pair while comparing a tiny share of all pairs. */
export const BLOCKING_RULES: BlockingRule[] = [
  {
    name: 'date of birth + first letter of last name',
    frozen: [COMPARISON.dob],
    key: (r) => (r.dob && !r.dob.yearOnly && r.family ? `${r.dob.digits}${r.family[0]}` : null),
  },
  {
    // Sorted, so first and last names swapped still meet.
    name: 'names sound alike + birth year',
    frozen: [COMPARISON.given, COMPARISON.family, COMPARISON.dob],
    key: (r) => (r.dob ? (sortedNames(r) ? `${sortedNames(r)}|${r.dob.y}` : null) : null),
  },
  {
    name: 'last name sounds alike + first initial + day and month of birth',
    frozen: [COMPARISON.family, COMPARISON.dob],
    key: (r) =>
      r.familyMeta && r.given && r.dob && !r.dob.yearOnly
        ? `${r.familyMeta}|${r.given[0]}|${r.dob.m}|${r.dob.d}`
        : null,
  },
  {
    name: 'names sound alike + postcode district',
    frozen: [COMPARISON.given, COMPARISON.family, COMPARISON.postcode],
    key: (r) => (sortedNames(r) && r.district ? `${sortedNames(r)}|${r.district}` : null),
  },
  {
    // Catches a changed surname.
    name: 'date of birth + first letter of first name',
    frozen: [COMPARISON.dob],
    key: (r) => (r.dob && !r.dob.yearOnly && r.given ? `${r.dob.digits}|${r.given[0]}` : null),
  },
  {
    name: 'last name sounds alike + first initial + year and month of birth',
    frozen: [COMPARISON.family, COMPARISON.dob],
    key: (r) =>
      r.familyMeta && r.given && r.dob && !r.dob.yearOnly
        ? `${r.familyMeta}|${r.given[0]}|${r.dob.y}|${r.dob.m}`
        : null,
  },
  {
    // Catches a missing date of birth, and swapped names at the same address.
    name: 'postcode + a name that sounds alike',
    frozen: [COMPARISON.postcode],
    key: (r) =>
      r.postcode && r.familyMeta && r.givenMeta
        ? `${r.postcode}|${[r.givenMeta, r.familyMeta].sort()[0]}`
        : null,
  },
  {
    name: 'date of birth + postcode',
    frozen: [COMPARISON.dob, COMPARISON.postcode],
    key: (r) => (r.dob && !r.dob.yearOnly && r.postcode ? `${r.dob.digits}|${r.postcode}` : null),
  },
  {
    name: 'postcode + first letter of first name',
    frozen: [COMPARISON.postcode, COMPARISON.given],
    key: (r) => (r.postcode && r.given ? `${r.postcode}|${r.given[0]}` : null),
  },
  { name: 'NHS number', frozen: [COMPARISON.nhs], key: (r) => r.nhs },
  { name: 'unique pupil number', frozen: [COMPARISON.upn], key: (r) => r.upn },
  { name: 'police reference', frozen: [COMPARISON.police], key: (r) => r.police },
];

export interface CandidatePairs {
  /** Pair codes left * width + right, sorted, without repeats. */
  codes: Float64Array;
  width: number;
  perRule: { rule: string; pairs: number; oversizedBlocks: number }[];
}

export const pairLeft = (code: number, width: number) => Math.floor(code / width);
export const pairRight = (code: number, width: number) => code % width;

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
  const width = (right ?? left).length;
  const all: number[] = [];
  const perRule: CandidatePairs['perRule'] = [];
  for (const rule of rules) {
    const leftBlocks = groupBy(left, rule);
    const rightBlocks = right ? groupBy(right, rule) : null;
    let pairs = 0;
    let oversizedBlocks = 0;
    for (const [key, ls] of leftBlocks) {
      const rs = rightBlocks ? rightBlocks.get(key) : ls;
      if (!rs) continue;
      if (ls.length > maxBlock || rs.length > maxBlock) {
        oversizedBlocks++;
        continue;
      }
      if (!rightBlocks) {
        for (let i = 0; i < ls.length; i++)
          for (let j = i + 1; j < ls.length; j++) all.push(ls[i] * width + ls[j]);
        pairs += (ls.length * (ls.length - 1)) / 2;
      } else {
        for (const i of ls) for (const j of rs) all.push(i * width + j);
        pairs += ls.length * rs.length;
      }
    }
    perRule.push({ rule: rule.name, pairs, oversizedBlocks });
  }
  const sorted = Float64Array.from(all).sort();
  let n = 0;
  for (let k = 0; k < sorted.length; k++) if (k === 0 || sorted[k] !== sorted[k - 1]) sorted[n++] = sorted[k];
  return { codes: sorted.slice(0, n), width, perRule };
}

/** Candidate pairs of one rule only (for training sessions). */
export function pairsOfRule(
  left: MatchRecord[],
  right: MatchRecord[] | null,
  rule: BlockingRule,
  maxBlock = 2000,
) {
  return candidatePairs(left, right, [rule], maxBlock);
}

function groupBy(records: MatchRecord[], rule: BlockingRule): Map<string, number[]> {
  const blocks = new Map<string, number[]>();
  records.forEach((r, i) => {
    const key = rule.key(r);
    if (key === null) return;
    const block = blocks.get(key);
    if (block) block.push(i);
    else blocks.set(key, [i]);
  });
  return blocks;
}

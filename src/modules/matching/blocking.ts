import { COMPARISON_COUNT, compareAt } from './comparisons.ts';
import { DEFAULT_M, DEFAULT_U } from './defaults.ts';
import type { MatchRecord } from './normalise.ts';
import { type RecordTable, recordTable } from './table.ts';

/**
 * A blocking rule: records with the same key become candidate pairs. `frozen` names the
 * comparisons the rule makes agree (their m cannot be learned from its pairs).
 *
 * Keys are numbers built from the table's small parts (a letter, a date, the id of a sound code
 * or a postcode), so a million records group in a fraction of a second.
 */
export interface BlockingRule {
  name: string;
  /** The fields its key is made from: a rule is used only where the data has them. */
  needs: BlockingField[];
  frozen: number[];
  key(t: RecordTable, i: number): number | null;
  /** Blocks larger than this are skipped (counted as oversized); default 2,000. */
  maxBlock?: number;
  /**
   * A loose rule: used only when it makes no more than this many pairs per record, or than the
   * rules before it made together (counted before any pair is made). It finds what stricter rules
   * miss in small, sparse or many-records-a-person extracts, and costs nothing where it is too broad.
   */
  pairBudget?: number;
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
  town: 9,
  email: 11,
  phone: 12,
};

/** Fields blocking keys are made from, as the table holds them. */
export const BLOCKING_FIELDS = [
  'given',
  'family',
  'dob',
  'postcode',
  'town',
  'email',
  'phone',
  'nhs',
  'upn',
  'police',
] as const;
export type BlockingField = (typeof BLOCKING_FIELDS)[number];

/** The share of the table's rows (from `start`, `size` of them) that have each field. */
export function fieldFill(t: RecordTable, start: number, size: number): Record<BlockingField, number> {
  const columns: Record<BlockingField, Int32Array> = {
    given: t.given,
    family: t.family,
    dob: t.dob,
    postcode: t.postcode,
    town: t.town,
    email: t.email,
    phone: t.phone,
    nhs: t.nhs,
    upn: t.upn,
    police: t.police,
  };
  const fill = {} as Record<BlockingField, number>;
  for (const f of BLOCKING_FIELDS) {
    const column = columns[f];
    const unknown = f === 'dob' ? 0 : -1;
    let n = 0;
    for (let i = start; i < start + size; i++) if (column[i] !== unknown) n++;
    fill[f] = size ? n / size : 0;
  }
  return fill;
}

/** A field filled in fewer than this share of a side's records does not make blocking keys. */
export const MIN_FILL_FOR_BLOCKING = 0.01;

/** Room for each part of a key: ids, letters, dates. */
const ID = 2 ** 24;
const LETTER = 64;
const letter = (t: RecordTable, name: number) => t.text[name].charCodeAt(0) % LETTER;
const YEARS = 256;
const year = (dob: number) => (Math.floor(dob / 10_000) - 1880) % YEARS;
const month = (dob: number) => Math.floor(dob / 100) % 100;
const day = (dob: number) => dob % 100;
/** A full date of birth (not an approximate one), as yyyymmdd, or 0. */
const date = (t: RecordTable, i: number) => (t.yearOnly[i] ? 0 : t.dob[i]);
const soundOf = (t: RecordTable, name: number) => (name >= 0 ? t.sound[name] : -1);

/**
 * A loose rule making at most this many pairs per record is used as it is (small extracts); one
 * making more is used only if a sample of its pairs mostly look alike (see LOOSE_LIKELY_SHARE).
 */
export const LOOSE_PAIRS_PER_RECORD = 1;

/** The union of these keeps almost every true pair while comparing a tiny share of all pairs. */
export const BLOCKING_RULES: BlockingRule[] = [
  {
    name: 'date of birth + first letter of last name',
    needs: ['dob', 'family'],
    frozen: [COMPARISON.dob],
    key: (t, i) => (date(t, i) && t.family[i] >= 0 ? date(t, i) * LETTER + letter(t, t.family[i]) : null),
  },
  {
    // Either order, so first and last names swapped still meet.
    name: 'names sound alike + birth year',
    needs: ['given', 'family', 'dob'],
    frozen: [COMPARISON.given, COMPARISON.family, COMPARISON.dob],
    key: (t, i) => (t.dob[i] && t.namesSound[i] >= 0 ? t.namesSound[i] * YEARS + year(t.dob[i]) : null),
  },
  {
    name: 'last name sounds alike + first initial + day and month of birth',
    needs: ['family', 'given', 'dob'],
    frozen: [COMPARISON.family, COMPARISON.dob],
    key: (t, i) => {
      const sound = soundOf(t, t.family[i]);
      const d = date(t, i);
      return sound >= 0 && t.given[i] >= 0 && d
        ? ((sound * LETTER + letter(t, t.given[i])) * 16 + month(d)) * 32 + day(d)
        : null;
    },
  },
  {
    name: 'names sound alike + postcode district',
    needs: ['given', 'family', 'postcode'],
    frozen: [COMPARISON.given, COMPARISON.family, COMPARISON.postcode],
    key: (t, i) => (t.namesSound[i] >= 0 && t.district[i] >= 0 ? t.namesSound[i] * ID + t.district[i] : null),
  },
  {
    // Catches a changed surname.
    name: 'date of birth + first letter of first name',
    needs: ['dob', 'given'],
    frozen: [COMPARISON.dob],
    key: (t, i) => (date(t, i) && t.given[i] >= 0 ? date(t, i) * LETTER + letter(t, t.given[i]) : null),
  },
  {
    name: 'last name sounds alike + first initial + year and month of birth',
    needs: ['family', 'given', 'dob'],
    frozen: [COMPARISON.family, COMPARISON.dob],
    key: (t, i) => {
      const sound = soundOf(t, t.family[i]);
      const d = date(t, i);
      return sound >= 0 && t.given[i] >= 0 && d
        ? ((sound * LETTER + letter(t, t.given[i])) * YEARS + year(d)) * 16 + month(d)
        : null;
    },
  },
  {
    // Catches a missing date of birth, and swapped names at the same address.
    name: 'postcode + a name that sounds alike',
    needs: ['postcode', 'given', 'family'],
    frozen: [COMPARISON.postcode],
    key: (t, i) => {
      const g = soundOf(t, t.given[i]);
      const f = soundOf(t, t.family[i]);
      return t.postcode[i] >= 0 && g >= 0 && f >= 0 ? t.postcode[i] * ID + Math.min(g, f) : null;
    },
  },
  {
    name: 'date of birth + postcode',
    needs: ['dob', 'postcode'],
    frozen: [COMPARISON.dob, COMPARISON.postcode],
    key: (t, i) => (date(t, i) && t.postcode[i] >= 0 ? date(t, i) * ID + t.postcode[i] : null),
  },
  {
    name: 'postcode + first letter of first name',
    needs: ['postcode', 'given'],
    frozen: [COMPARISON.postcode, COMPARISON.given],
    key: (t, i) =>
      t.postcode[i] >= 0 && t.given[i] >= 0 ? t.postcode[i] * LETTER + letter(t, t.given[i]) : null,
  },
  {
    // Catches the same name with nothing else shared (no date of birth, and a move). Only rare
    // names: a common name's block is mostly different people, and would be costly to compare.
    name: 'the same first and last name (either order), if rare',
    needs: ['given', 'family'],
    frozen: [COMPARISON.given, COMPARISON.family],
    maxBlock: 20,
    key: (t, i) => {
      const g = t.given[i];
      const f = t.family[i];
      return g >= 0 && f >= 0 ? Math.min(g, f) * ID + Math.max(g, f) : null;
    },
  },
  {
    name: 'NHS number',
    needs: ['nhs'],
    frozen: [COMPARISON.nhs],
    key: (t, i) => (t.nhs[i] >= 0 ? t.nhs[i] : null),
  },
  {
    name: 'unique pupil number',
    needs: ['upn'],
    frozen: [COMPARISON.upn],
    key: (t, i) => (t.upn[i] >= 0 ? t.upn[i] : null),
  },
  {
    name: 'police reference',
    needs: ['police'],
    frozen: [COMPARISON.police],
    key: (t, i) => (t.police[i] >= 0 ? t.police[i] : null),
  },
  {
    name: 'email address',
    needs: ['email'],
    frozen: [COMPARISON.email],
    key: (t, i) => (t.email[i] >= 0 ? t.email[i] : null),
  },
  {
    name: 'phone number',
    needs: ['phone'],
    frozen: [COMPARISON.phone],
    key: (t, i) => (t.phone[i] >= 0 ? t.phone[i] : null),
  },
  {
    // Where there is no postcode, the town stands in for it.
    name: 'town + first name sounds alike',
    needs: ['town', 'given'],
    frozen: [COMPARISON.town],
    key: (t, i) => {
      const g = soundOf(t, t.given[i]);
      return t.town[i] >= 0 && g >= 0 ? t.town[i] * ID + g : null;
    },
  },
  {
    name: 'town + last name sounds alike',
    needs: ['town', 'family'],
    frozen: [COMPARISON.town],
    key: (t, i) => {
      const f = soundOf(t, t.family[i]);
      return t.town[i] >= 0 && f >= 0 ? t.town[i] * ID + f : null;
    },
  },
  {
    // Catches records with neither a usable date of birth nor a shared postcode. Small blocks
    // only: a common name's block is mostly different people.
    name: 'names sound alike, either order (loose)',
    needs: ['given', 'family'],
    frozen: [COMPARISON.given, COMPARISON.family],
    maxBlock: 60,
    pairBudget: LOOSE_PAIRS_PER_RECORD,
    key: (t, i) => (t.namesSound[i] >= 0 ? t.namesSound[i] : null),
  },
  {
    name: 'first name sounds alike + birth year (loose)',
    needs: ['given', 'dob'],
    frozen: [COMPARISON.given],
    maxBlock: 200,
    pairBudget: LOOSE_PAIRS_PER_RECORD,
    key: (t, i) => {
      const g = soundOf(t, t.given[i]);
      return g >= 0 && t.dob[i] ? g * YEARS + year(t.dob[i]) : null;
    },
  },
  {
    name: 'last name sounds alike + birth year (loose)',
    needs: ['family', 'dob'],
    frozen: [COMPARISON.family],
    maxBlock: 200,
    pairBudget: LOOSE_PAIRS_PER_RECORD,
    key: (t, i) => {
      const f = soundOf(t, t.family[i]);
      return f >= 0 && t.dob[i] ? f * YEARS + year(t.dob[i]) : null;
    },
  },
  {
    // A typo or nickname in one name, nothing else shared: the other name and an initial.
    name: 'last name + first initial (loose)',
    needs: ['given', 'family'],
    frozen: [COMPARISON.family],
    maxBlock: 200,
    pairBudget: LOOSE_PAIRS_PER_RECORD,
    key: (t, i) =>
      t.family[i] >= 0 && t.given[i] >= 0 ? t.family[i] * LETTER + letter(t, t.given[i]) : null,
  },
  {
    name: 'first name + last initial (loose)',
    needs: ['given', 'family'],
    frozen: [COMPARISON.given],
    maxBlock: 200,
    pairBudget: LOOSE_PAIRS_PER_RECORD,
    key: (t, i) =>
      t.family[i] >= 0 && t.given[i] >= 0 ? t.given[i] * LETTER + letter(t, t.family[i]) : null,
  },
  {
    name: 'date of birth (loose)',
    needs: ['dob'],
    frozen: [COMPARISON.dob],
    maxBlock: 50,
    pairBudget: LOOSE_PAIRS_PER_RECORD,
    key: (t, i) => (date(t, i) ? date(t, i) : null),
  },
  {
    name: 'town + birth year (loose)',
    needs: ['town', 'dob'],
    frozen: [COMPARISON.town],
    maxBlock: 100,
    pairBudget: LOOSE_PAIRS_PER_RECORD,
    key: (t, i) => (t.town[i] >= 0 && t.dob[i] ? t.town[i] * YEARS + year(t.dob[i]) : null),
  },
  {
    name: 'email local part (loose)',
    needs: ['email'],
    frozen: [],
    maxBlock: 50,
    pairBudget: LOOSE_PAIRS_PER_RECORD,
    key: (t, i) => (t.emailLocal[i] >= 0 ? t.emailLocal[i] : null),
  },
  {
    name: 'email domain (loose)',
    needs: ['email'],
    frozen: [],
    maxBlock: 20,
    pairBudget: LOOSE_PAIRS_PER_RECORD,
    key: (t, i) => (t.emailDomain[i] >= 0 ? t.emailDomain[i] : null),
  },
];

export interface RuleChoice {
  /** The rules used, in the order they run. */
  rules: BlockingRule[];
  skipped: { rule: string; reason: string }[];
  /** Each field's fill on the left and (linking two sources) the right. */
  fill: { left: Record<BlockingField, number>; right: Record<BlockingField, number> | null };
}

/**
 * The rules the data can use: each needs its fields filled in at least MIN_FILL_FOR_BLOCKING of
 * each side's records (a rule on an empty field finds nothing and only costs time).
 */
export function chooseRules(sides: Sides, rules: BlockingRule[] = BLOCKING_RULES): RuleChoice {
  const left = fieldFill(sides.table, 0, sides.leftSize);
  const right = sides.dedupe ? null : fieldFill(sides.table, sides.rightStart, sides.rightSize);
  const chosen: BlockingRule[] = [];
  const skipped: RuleChoice['skipped'] = [];
  for (const rule of rules) {
    const thin = rule.needs.filter(
      (f) => left[f] < MIN_FILL_FOR_BLOCKING || (right !== null && right[f] < MIN_FILL_FOR_BLOCKING),
    );
    if (thin.length)
      skipped.push({
        rule: rule.name,
        reason: `${thin.join(' and ')} ${thin.length > 1 ? 'are' : 'is'} in under ${MIN_FILL_FOR_BLOCKING * 100}% of records`,
      });
    else chosen.push(rule);
  }
  return { rules: chosen, skipped, fill: { left, right } };
}

/**
 * The records being linked, in one table: the left side's rows first, then the right side's
 * (deduplicating one source, both sides are the same rows).
 */
export interface Sides {
  table: RecordTable;
  leftSize: number;
  rightStart: number;
  rightSize: number;
  dedupe: boolean;
}

export function sidesOf(left: MatchRecord[], right: MatchRecord[] | null): Sides {
  const table = recordTable(right ? [...left, ...right] : left);
  if (table.text.length >= ID)
    throw new Error('too many distinct names, postcodes and identifiers to block in one run');
  return {
    table,
    leftSize: left.length,
    rightStart: right ? left.length : 0,
    rightSize: (right ?? left).length,
    dedupe: !right,
  };
}

export interface CandidatePairs {
  /** Pairs (left row, right row), ordered by left then right, without repeats. */
  left: Int32Array;
  right: Int32Array;
  /** For each pair, a bit per rule (in `rules` order) that made it a candidate. */
  rules: Uint32Array;
  count: number;
  perRule: PerRule[];
}

export interface PerRule {
  rule: string;
  pairs: number;
  oversizedBlocks: number;
  /** A loose rule left out because it would make too many pairs (how many it would have). */
  overBudget?: number;
  budget?: number;
  /** For a loose rule over its budget: the share of a sample of its pairs that looked like matches. */
  likely?: number;
}

/** A loose rule is never used beyond this many pairs per record. */
export const LOOSE_CEILING_PER_RECORD = 20;
/** Over its budget, a loose rule is used when at least this share of a sample of its pairs look alike. */
export const LOOSE_LIKELY_SHARE = 0.25;
/** Evidence (bits, by the default model, before the prior) that makes a sampled pair look like a match. */
const LIKELY_BITS = 12;
const SAMPLE = 2000;

type Blocks = ReturnType<typeof groupBy>;

/**
 * The share of a loose rule's pairs that look like matches, from an even sample of them scored
 * with the default m and u (the data's own are not learned yet).
 */
function likelyShare(sides: Sides, left: Blocks, right: Blocks | null, limit: number, would: number): number {
  const step = Math.max(1, would / SAMPLE);
  const levels = new Uint8Array(COMPARISON_COUNT);
  let next = 0;
  let index = 0;
  let taken = 0;
  let likely = 0;
  const members: number[] = [];
  const others: number[] = [];
  for (let b = 0; b < left.blocks.count; b++) {
    const ls = left.blocks.headAt(b);
    const rs = right ? right.blocks.get(left.blocks.keyAt(b)) : ls;
    if (rs === undefined) continue;
    const lsize = left.size(ls);
    const rsize = right ? right.size(rs) : lsize;
    if (lsize > limit || rsize > limit) continue;
    const count = right ? lsize * rsize : (lsize * (lsize - 1)) / 2;
    // Skip whole blocks that hold no sampled pair.
    if (index + count <= next) {
      index += count;
      continue;
    }
    left.members(ls, members);
    if (right) right.members(rs, others);
    const them = right ? others : members;
    for (let a = 0; a < members.length; a++)
      for (let b = right ? 0 : a + 1; b < them.length; b++) {
        if (index++ < next) continue;
        next += step;
        compareAt(sides.table, members[a], sides.rightStart + them[b], levels);
        let bits = 0;
        for (let c = 0; c < COMPARISON_COUNT; c++)
          if (levels[c]) bits += Math.log2(DEFAULT_M[c][levels[c]] / DEFAULT_U[c][levels[c]]);
        taken++;
        if (bits >= LIKELY_BITS) likely++;
      }
  }
  return taken ? likely / taken : 0;
}

/** Rules are told apart by a few low bits of each pair's entry while sorting. */
const RULE_SLOTS = 32;

/** A typed array that grows as pairs are found. */
class Growing<T extends Int32Array | Uint8Array> {
  size = 0;
  constructor(
    public data: T,
    private readonly make: (n: number) => T,
  ) {}
  push(value: number) {
    if (this.size === this.data.length) {
      const bigger = this.make(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.size++] = value;
  }
}

/** Pairs some of the rules found (one thread's share), before they are merged. */
export interface RulePairs {
  left: Int32Array;
  right: Int32Array;
  /** The index (in the rules given) of the rule that found each pair. */
  rule: Uint8Array;
  count: number;
  /** What each rule this share ran found, with the rule's index. */
  perRule: (PerRule & { index: number })[];
}

/**
 * Candidate pairs from the rules. Deduplicating one source pairs records within it (left < right);
 * linking pairs left records with right ones. Blocks above `maxBlock` records are skipped and
 * counted, so one very common key cannot explode the work. A pair several rules find is kept
 * once, with a bit for each of them.
 */
export function candidatePairs(sides: Sides, rules: BlockingRule[], maxBlock = 2000): CandidatePairs {
  let next = 0;
  return mergePairs([pairsOfRules(sides, rules, () => next++, maxBlock)], sides.leftSize, rules.length);
}

/**
 * Runs rules until `take` gives an index past the last one: several threads can share the rules
 * this way, each taking the next rule when it is free.
 */
export function pairsOfRules(
  sides: Sides,
  rules: BlockingRule[],
  take: () => number,
  maxBlock = 2000,
): RulePairs {
  if (rules.length > RULE_SLOTS) throw new Error(`at most ${RULE_SLOTS} blocking rules`);
  // Room for about 16 pairs a record at the start: each large array made is a garbage collection
  // of the whole heap, so they are made once where possible.
  const room = Math.max(1 << 16, 16 * sides.leftSize);
  const found = {
    left: new Growing(new Int32Array(room), (n) => new Int32Array(n)),
    right: new Growing(new Int32Array(room), (n) => new Int32Array(n)),
    rule: new Growing(new Uint8Array(room), (n) => new Uint8Array(n)),
  };
  const chains = {
    left: new Int32Array(sides.leftSize),
    right: sides.dedupe ? null : new Int32Array(sides.rightSize),
  };
  // One table of blocks a side, emptied for each rule.
  const keyed = {
    left: new KeyedBlocks(sides.leftSize),
    right: sides.dedupe ? null : new KeyedBlocks(sides.rightSize),
  };
  const add = (i: number, j: number, r: number) => {
    found.left.push(i);
    found.right.push(j);
    found.rule.push(r);
  };
  const perRule: RulePairs['perRule'] = [];
  const block: number[] = [];
  for (let r = take(); r < rules.length; r = take()) {
    const rule = rules[r];
    const leftBlocks = groupBy(sides.table, 0, rule, chains.left, keyed.left);
    const rightBlocks =
      chains.right && keyed.right
        ? groupBy(sides.table, sides.rightStart, rule, chains.right, keyed.right)
        : null;
    let pairs = 0;
    let oversizedBlocks = 0;
    let likely: number | undefined;
    const limit = rule.maxBlock ?? maxBlock;
    if (rule.pairBudget !== undefined) {
      let would = 0;
      for (let b = 0; b < leftBlocks.blocks.count; b++) {
        const ls = leftBlocks.blocks.headAt(b);
        const rs = rightBlocks ? rightBlocks.blocks.get(leftBlocks.blocks.keyAt(b)) : ls;
        if (rs === undefined) continue;
        const lsize = leftBlocks.size(ls);
        const rsize = rightBlocks ? rightBlocks.size(rs) : lsize;
        if (lsize > limit || rsize > limit) continue;
        would += rightBlocks ? lsize * rsize : (lsize * (lsize - 1)) / 2;
      }
      // Within its budget a loose rule is used; beyond it (up to a ceiling), only if a sample of
      // its pairs shows many likely matches: an extract with many records a person needs it, a
      // large one with few a person does not.
      const budget = rule.pairBudget * sides.leftSize;
      if (would > budget) {
        likely =
          would <= LOOSE_CEILING_PER_RECORD * sides.leftSize
            ? likelyShare(sides, leftBlocks, rightBlocks, limit, would)
            : 0;
        if (likely < LOOSE_LIKELY_SHARE) {
          perRule.push({
            index: r,
            rule: rule.name,
            pairs: 0,
            oversizedBlocks: 0,
            overBudget: would,
            budget,
            likely,
          });
          continue;
        }
      }
    }
    for (let b = 0; b < leftBlocks.blocks.count; b++) {
      const ls = leftBlocks.blocks.headAt(b);
      const rs = rightBlocks ? rightBlocks.blocks.get(leftBlocks.blocks.keyAt(b)) : ls;
      if (rs === undefined) continue;
      const lsize = leftBlocks.size(ls);
      const rsize = rightBlocks ? rightBlocks.size(rs) : lsize;
      if (lsize > limit || rsize > limit) {
        oversizedBlocks++;
        continue;
      }
      if (!rightBlocks) {
        leftBlocks.members(ls, block);
        for (let i = 0; i < block.length; i++)
          for (let j = i + 1; j < block.length; j++) add(block[i], block[j], r);
        pairs += (lsize * (lsize - 1)) / 2;
      } else {
        for (let i = ls; i !== -1; i = leftBlocks.next[i])
          for (let j = rs; j !== -1; j = rightBlocks.next[j]) add(i, j, r);
        pairs += lsize * rsize;
      }
    }
    perRule.push({ index: r, rule: rule.name, pairs, oversizedBlocks, likely });
  }
  return {
    left: found.left.data,
    right: found.right.data,
    rule: found.rule.data,
    count: found.left.size,
    perRule,
  };
}

/**
 * Orders the pairs of every share by left record, then right, merging repeats: each left
 * record's pairs are gathered (counting sort) and its few entries sorted, which is far quicker
 * than one sort of all. The result is the same however the rules were shared out.
 */
export function mergePairs(shares: RulePairs[], leftSize: number, ruleCount: number): CandidatePairs {
  let found = 0;
  for (const share of shares) found += share.count;
  const start = new Int32Array(leftSize + 1);
  let lastRight = 0;
  for (const share of shares)
    for (let k = 0; k < share.count; k++) {
      start[share.left[k] + 1]++;
      if (share.right[k] > lastRight) lastRight = share.right[k];
    }
  for (let i = 0; i < leftSize; i++) start[i + 1] += start[i];
  const fill = start.slice(0, leftSize);
  // Each pair as one number, right row and rule; in 32 bits when they fit (half the memory to
  // scatter into and sort), as a double otherwise.
  const entries = (lastRight + 1) * RULE_SLOTS <= 2 ** 32 ? new Uint32Array(found) : new Float64Array(found);
  for (const { left, right, rule, count } of shares)
    for (let k = 0; k < count; k++) entries[fill[left[k]]++] = right[k] * RULE_SLOTS + rule[k];
  const outLeft = new Int32Array(found);
  const outRight = new Int32Array(found);
  const outRules = new Uint32Array(found);
  let n = 0;
  for (let i = 0; i < leftSize; i++) {
    const mine = entries.subarray(start[i], start[i + 1]);
    if (mine.length > 24) mine.sort();
    else sortFew(mine);
    for (let k = 0; k < mine.length; k++) {
      const j = Math.floor(mine[k] / RULE_SLOTS);
      const bit = 1 << (mine[k] - j * RULE_SLOTS);
      if (n > 0 && outLeft[n - 1] === i && outRight[n - 1] === j) outRules[n - 1] |= bit;
      else {
        outLeft[n] = i;
        outRight[n] = j;
        outRules[n++] = bit;
      }
    }
  }
  const perRule: PerRule[] = new Array(ruleCount);
  for (const share of shares) for (const { index, ...entry } of share.perRule) perRule[index] = entry;
  return {
    left: outLeft.subarray(0, n),
    right: outRight.subarray(0, n),
    rules: outRules.subarray(0, n),
    count: n,
    perRule,
  };
}

/** Insertion sort: most records have a few dozen pairs at most, where a library sort's setup costs more. */
function sortFew(a: Uint32Array | Float64Array) {
  for (let i = 1; i < a.length; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/**
 * The table's rows from `start` (as many as `next` holds) by key, numbered from 0: `blocks` maps
 * each key to its first row, `next` chains the rest in order (-1 ends a chain). Chains rather than
 * an array per block keep a million records light.
 */
function groupBy(t: RecordTable, start: number, rule: BlockingRule, next: Int32Array, blocks: KeyedBlocks) {
  blocks.clear();
  next.fill(-1);
  // Walk backwards, putting each row at the front of its chain: chains come out in order.
  for (let i = next.length - 1; i >= 0; i--) {
    const key = rule.key(t, start + i);
    if (key === null) continue;
    const slot = blocks.slotOf(key);
    next[i] = blocks.heads[slot];
    blocks.heads[slot] = i;
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

/**
 * Blocks by key (a whole number below 2^53), in the order their keys were first seen, as a Map
 * would keep them. A Map of a million number keys boxes most of them and rebuilds itself as it
 * grows, for every rule; this table is two flat arrays sized once.
 */
class KeyedBlocks {
  /** Each block's first row (-1 while empty), by slot. */
  readonly heads: Int32Array;
  private readonly keys: Float64Array;
  private readonly mask: number;
  /** Slots in the order their keys were first seen. */
  private readonly order: Int32Array;
  count = 0;

  /** Empties the table for the next rule (its arrays are kept). */
  clear() {
    this.heads.fill(-1);
    this.count = 0;
  }

  constructor(rows: number) {
    let capacity = 16;
    while (capacity < rows * 2) capacity *= 2;
    this.heads = new Int32Array(capacity).fill(-1);
    this.keys = new Float64Array(capacity);
    this.mask = capacity - 1;
    this.order = new Int32Array(Math.max(rows, 1));
  }

  private find(key: number): number {
    const high = Math.floor(key / 4294967296);
    let slot = (Math.imul(key >>> 0, 0x9e3779b1) ^ Math.imul(high, 0x85ebca6b)) & this.mask;
    while (this.heads[slot] !== -1 && this.keys[slot] !== key) slot = (slot + 1) & this.mask;
    return slot;
  }

  /** The key's slot, taken for it if new. */
  slotOf(key: number): number {
    const slot = this.find(key);
    if (this.heads[slot] === -1) {
      this.keys[slot] = key;
      this.order[this.count++] = slot;
    }
    return slot;
  }

  /** The first row of the key's block, or undefined when no row has the key. */
  get(key: number): number | undefined {
    const head = this.heads[this.find(key)];
    return head === -1 ? undefined : head;
  }

  keyAt(b: number): number {
    return this.keys[this.order[b]];
  }

  headAt(b: number): number {
    return this.heads[this.order[b]];
  }
}

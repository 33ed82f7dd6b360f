import type { Sides } from './blocking.ts';
import { COMPARISON_COUNT, COMPARISONS, compareRange, TERM_FREQUENCY_COMPARISONS } from './comparisons.ts';
import { type ModelParameters, otherValue } from './model.ts';
import type { RecordTable } from './table.ts';

/** A small seeded generator (mulberry32): training is repeatable for the same data. */
export function seededRandom(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

const levelsOf = (c: number) => COMPARISONS[c].levels.length;

/** How many random pairs u is learned from, for an extract (or a left side) of this size. */
export const randomPairCount = (leftSize: number) => Math.min(1_000_000, Math.max(50_000, leftSize * 5));

/** The random pairs u is learned from, in the order they are drawn (a record is never paired with itself). */
export function randomPairs(sides: Sides, samples: number, random: () => number) {
  const left = new Int32Array(samples);
  const right = new Int32Array(samples);
  let taken = 0;
  for (let s = 0; s < samples * 3 && taken < samples; s++) {
    const i = Math.floor(random() * sides.leftSize);
    const j = Math.floor(random() * sides.rightSize);
    if (sides.dedupe && i === j) continue;
    left[taken] = i;
    right[taken] = j;
    taken += 1;
  }
  return { left: left.subarray(0, taken), right: right.subarray(0, taken), count: taken };
}

/**
 * u: how often each level happens between two records picked at random (almost all non-matches).
 * Linking two sources samples across them; deduplicating one samples within it.
 */
export function estimateU(sides: Sides, samples: number, random: () => number): number[][] {
  const drawn = randomPairs(sides, samples, random);
  const levels = new Uint8Array(drawn.count * COMPARISON_COUNT);
  compareRange(sides.table, drawn.left, drawn.right, sides.rightStart, levels);
  return uFromLevels(levels, drawn.count);
}

/** u from the random pairs' levels (COMPARISON_COUNT per pair), however they were compared. */
export function uFromLevels(levels: Uint8Array, count: number): number[][] {
  const counts = COMPARISONS.map((_, c) => new Float64Array(levelsOf(c)));
  for (let k = 0; k < count; k++)
    for (let c = 0; c < COMPARISON_COUNT; c++) counts[c][levels[k * COMPARISON_COUNT + c]] += 1;
  return counts.map((row) => normalise(row, 1));
}

/** Probabilities over levels 1.. (level 0 carries no evidence), smoothed so none is zero. */
function normalise(row: Float64Array, pseudo: number): number[] {
  let total = 0;
  for (let l = 1; l < row.length; l++) total += row[l] + pseudo;
  return [1, ...Array.from(row.slice(1), (v) => (v + pseudo) / total)];
}

export interface EmResult {
  m: number[][];
  lambda: number;
  iterations: number;
  converged: boolean;
  lastChange: number;
}

/** Starting m: most matches agree exactly, fewer at each weaker level. */
export function initialM(): number[][] {
  return COMPARISONS.map((comparison) => {
    const n = comparison.levels.length;
    const raw = [0, ...Array.from({ length: n - 1 }, (_, l) => (l === 0 ? 0.8 : 0.2 / 2 ** l))];
    const total = raw.reduce((a, b) => a + b, 0);
    return raw.map((v, l) => (l === 0 ? 1 : v / total));
  });
}

/**
 * Pairs with the same comparison levels are the same to EM, so it works on each distinct pattern
 * once, with its count: a few thousand patterns stand for millions of pairs.
 */
export interface LevelPatterns {
  levels: Uint8Array;
  counts: Float64Array;
  size: number;
  total: number;
  /** Each pair's pattern (kept when asked for: patternsOfRule reads it). */
  of?: Int32Array;
}

/** Levels per comparison at most (0–8): 16 comparisons' levels make one exact number as a key. */
const PATTERN_BASE = 9;

/** The levels of the given rows (pairs or patterns) of `levels`, one after another. */
function rowsOf(levels: Uint8Array, rows: number[]): Uint8Array {
  const out = new Uint8Array(rows.length * COMPARISON_COUNT);
  rows.forEach((row, i) => {
    out.set(levels.subarray(row * COMPARISON_COUNT, (row + 1) * COMPARISON_COUNT), i * COMPARISON_COUNT);
  });
  return out;
}

export function levelPatterns(pairLevels: Uint8Array, pairCount: number, keepOf = false): LevelPatterns {
  const index = new Map<number, number>();
  const first: number[] = [];
  const counts: number[] = [];
  const of = keepOf ? new Int32Array(pairCount) : null;
  for (let p = 0; p < pairCount; p++) {
    const base = p * COMPARISON_COUNT;
    let key = 0;
    for (let c = 0; c < COMPARISON_COUNT; c++) key = key * PATTERN_BASE + pairLevels[base + c];
    let at = index.get(key);
    if (at === undefined) {
      at = counts.length;
      index.set(key, at);
      first.push(p);
      counts.push(1);
    } else counts[at]++;
    if (of) of[p] = at;
  }
  return {
    levels: rowsOf(pairLevels, first),
    counts: Float64Array.from(counts),
    size: first.length,
    total: pairCount,
    of: of ?? undefined,
  };
}

/**
 * The patterns of the pairs whose `rules` bits include `bit`, taken from the patterns of all
 * pairs (kept with `of`) rather than worked out again: the same patterns, in the same order, as
 * levelPatterns gives for those pairs alone.
 */
export function patternsOfRule(all: LevelPatterns, rules: Uint32Array, bit: number): LevelPatterns {
  const of = all.of as Int32Array;
  const mine = new Int32Array(all.size).fill(-1);
  const order: number[] = [];
  const counts: number[] = [];
  let total = 0;
  for (let p = 0; p < all.total; p++) {
    if (!(rules[p] & bit)) continue;
    total++;
    const pattern = of[p];
    if (mine[pattern] < 0) {
      mine[pattern] = counts.length;
      order.push(pattern);
      counts.push(1);
    } else counts[mine[pattern]]++;
  }
  return { levels: rowsOf(all.levels, order), counts: Float64Array.from(counts), size: order.length, total };
}

/**
 * Expectation–maximisation over candidate pairs' comparison levels (no labels), with u fixed.
 * Comparisons in `frozen` keep their m (a blocking rule forces their agreement, so the pairs say
 * nothing about them).
 */
export function expectationMaximisation(
  pairLevels: Uint8Array,
  pairCount: number,
  u: number[][],
  options: EmOptions = {},
): EmResult {
  return emOnPatterns(levelPatterns(pairLevels, pairCount), u, options);
}

interface EmOptions {
  mStart?: number[][];
  lambdaStart?: number;
  frozen?: Set<number>;
  maxIterations?: number;
  tolerance?: number;
}

/** EM over pairs already grouped into patterns (see expectationMaximisation). */
export function emOnPatterns(patterns: LevelPatterns, u: number[][], options: EmOptions = {}): EmResult {
  const pairCount = patterns.total;
  const m = (options.mStart ?? initialM()).map((row) => [...row]);
  let lambda = options.lambdaStart ?? 0.1;
  const frozen = options.frozen ?? new Set<number>();
  const maxIterations = options.maxIterations ?? 50;
  const tolerance = options.tolerance ?? 1e-5;
  const sums = COMPARISONS.map((_, c) => new Float64Array(levelsOf(c)));
  let lastChange = Number.POSITIVE_INFINITY;
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    for (const row of sums) row.fill(0);
    // Per-level log-ratios, computed once per iteration.
    const ratio = m.map((row, c) => row.map((mv, l) => (l === 0 ? 0 : Math.log(mv / u[c][l]))));
    const logPrior = Math.log(lambda / (1 - lambda));
    let pTotal = 0;
    for (let p = 0; p < patterns.size; p++) {
      let logit = logPrior;
      const base = p * COMPARISON_COUNT;
      for (let c = 0; c < COMPARISON_COUNT; c++) logit += ratio[c][patterns.levels[base + c]];
      const expected = patterns.counts[p] / (1 + Math.exp(-logit));
      pTotal += expected;
      for (let c = 0; c < COMPARISON_COUNT; c++) sums[c][patterns.levels[base + c]] += expected;
    }
    let change = Math.abs(pTotal / pairCount - lambda);
    lambda = Math.min(Math.max(pTotal / pairCount, 1e-9), 1 - 1e-9);
    for (let c = 0; c < COMPARISON_COUNT; c++) {
      if (frozen.has(c)) continue;
      const next = normalise(sums[c], 1e-3);
      for (let l = 1; l < next.length; l++) {
        change = Math.max(change, Math.abs(next[l] - m[c][l]));
        m[c][l] = next[l];
      }
    }
    lastChange = change;
    if (change < tolerance) return { m, lambda, iterations: iteration, converged: true, lastChange };
  }
  return { m, lambda, iterations: maxIterations, converged: false, lastChange };
}

export { DEFAULT_M, DEFAULT_U } from './defaults.ts';

/** Below this many records u is not sampled from the data but taken from DEFAULT_U. */
export const MIN_RECORDS_FOR_U = 1000;

/** Relative frequencies of first and last names (the term-frequency tables). */
/** How often a whole name must occur before its own frequency is used. */
const COMMON_FULL_NAME = 5;

export function termFrequencies(t: RecordTable): ModelParameters['tf'] {
  // Counted by value id (the table's numbering of names), in the order each name is first met.
  const givenCount = new Int32Array(t.text.length);
  const familyCount = new Int32Array(t.text.length);
  const givenOrder: number[] = [];
  const familyOrder: number[] = [];
  // Whole names counted by first name, then last: no "given family" string made per record.
  const full = new Map<number, Map<number, number>>();
  let gn = 0;
  let fn = 0;
  let fulln = 0;
  for (let i = 0; i < t.size; i++) {
    const g = t.given[i];
    const f = t.family[i];
    if (g >= 0 && f >= 0) {
      let families = full.get(g);
      if (!families) {
        families = new Map<number, number>();
        full.set(g, families);
      }
      families.set(f, (families.get(f) ?? 0) + 1);
      fulln++;
    }
    if (g >= 0) {
      if (givenCount[g]++ === 0) givenOrder.push(g);
      gn++;
    }
    if (f >= 0) {
      if (familyCount[f]++ === 0) familyOrder.push(f);
      fn++;
    }
  }
  // Keep the names that occur more than once; the rest fall back to the minimum.
  const named = (order: number[], counts: Int32Array, n: number) =>
    Object.fromEntries(
      order.filter((v) => counts[v] > 1).map((v) => [t.text[v], counts[v] / Math.max(n, 1)]),
    );
  const table = (counts: Map<string, number>, n: number) =>
    Object.fromEntries([...counts].filter(([, k]) => k > 1).map(([name, k]) => [name, k / Math.max(n, 1)]));
  // Whole names only where they are common: a rare name seen twice is usually one person recorded
  // twice, and counting that would make the pair look less likely than it is.
  const commonFull = new Map<string, number>();
  for (const [first, families] of full)
    for (const [last, k] of families)
      if (k >= COMMON_FULL_NAME) commonFull.set(`${t.text[first]} ${t.text[last]}`, k);
  const records = t.records;
  // Places and extra fields present in these records.
  const other: Record<string, Record<string, number>> = {};
  for (const c of TERM_FREQUENCY_COMPARISONS) {
    if (c < 2) continue;
    const counts = new Map<string, number>();
    let n = 0;
    for (const r of records) {
      const v = otherValue(r, c);
      if (!v) continue;
      counts.set(v, (counts.get(v) ?? 0) + 1);
      n++;
    }
    if (n) other[COMPARISONS[c].name] = table(counts, n);
  }
  return {
    given: named(givenOrder, givenCount, gn),
    family: named(familyOrder, familyCount, fn),
    full: table(commonFull, fulln),
    other,
  };
}

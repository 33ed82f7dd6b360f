import {
  type BlockingRule,
  candidatePairs,
  chooseRules,
  type PerRule,
  type RuleChoice,
  type Sides,
  sidesOf,
} from './blocking.ts';
import { clusters } from './cluster.ts';
import { COMPARISON_COUNT, COMPARISONS, compareRange } from './comparisons.ts';
import {
  type Explanation,
  explain,
  type ModelParameters,
  pairWeight,
  pairWeights,
  probabilityOf,
  scorer,
} from './model.ts';
import type { MatchRecord } from './normalise.ts';
import { helpersFor, startHelpers } from './parallel.ts';
import {
  DEFAULT_M,
  DEFAULT_U,
  randomPairs as drawRandomPairs,
  emOnPatterns,
  estimateU,
  type LevelPatterns,
  levelPatterns,
  MIN_RECORDS_FOR_U,
  patternsOfRule,
  randomPairCount,
  seededRandom,
  termFrequencies,
  uFromLevels,
} from './train.ts';

export type Progress = (stage: string, done: number, total: number) => void;

/**
 * Every candidate pair from blocking, compared once: training learns from these levels and
 * prediction scores them, so no pair is compared twice.
 */
export interface ComparedPairs {
  sides: Sides;
  left: Int32Array;
  right: Int32Array;
  /** COMPARISON_COUNT levels per pair. */
  levels: Uint8Array;
  /** A bit per blocking rule (in `blockingRules` order) that made the pair a candidate. */
  rules: Uint32Array;
  blockingRules: BlockingRule[];
  /** Which rules the data could use and why the others were left out (when chosen here). */
  choice: RuleChoice | null;
  count: number;
  perRule: PerRule[];
  /** The random pairs for u, drawn with this seed and compared beside the candidates (large extracts). */
  uSample?: { seed: number; samples: number; levels: Uint8Array; count: number };
}

/** The blocking rules: those given, or those chosen for the data (and why). */
function rulesFor(sides: Sides, options: { rules?: BlockingRule[] }) {
  const choice = options.rules ? null : chooseRules(sides);
  return { choice, rules: options.rules ?? (choice as RuleChoice).rules };
}

/** The candidate pairs from blocking, before comparing. */
function findCandidates(
  left: MatchRecord[],
  right: MatchRecord[] | null,
  options: { rules?: BlockingRule[]; progress?: Progress },
) {
  options.progress?.('finding candidate pairs', 0, 1);
  const sides = sidesOf(left, right);
  const { choice, rules } = rulesFor(sides, options);
  return { sides, choice, rules, pairs: candidatePairs(sides, rules) };
}

function comparedWith(found: ReturnType<typeof findCandidates>, levels: Uint8Array): ComparedPairs {
  const { sides, pairs } = found;
  return {
    sides,
    left: pairs.left,
    right: pairs.right,
    levels,
    rules: pairs.rules,
    blockingRules: found.rules,
    choice: found.choice,
    count: pairs.count,
    perRule: pairs.perRule,
  };
}

/**
 * Candidate pairs found and compared. A large extract's pairs are compared by this thread and
 * helper threads together (parallel.ts), started while the pairs are found; the levels are the
 * same either way.
 */
export async function compareCandidates(
  left: MatchRecord[],
  right: MatchRecord[] | null,
  options: {
    rules?: BlockingRule[];
    progress?: Progress;
    /** Also compare the random pairs training with this seed will learn u from (on every thread). */
    uSample?: { seed: number };
  } = {},
): Promise<ComparedPairs> {
  options.progress?.('finding candidate pairs', 0, 1);
  const sides = sidesOf(left, right);
  const helperCount = helpersFor(sides.table.size);
  const { choice, rules } = rulesFor(sides, options);
  if (!helperCount)
    return compareHere({ sides, choice, rules, pairs: candidatePairs(sides, rules) }, options.progress);
  const helpers = startHelpers(sides, helperCount);
  try {
    const found = { sides, choice, rules, pairs: await helpers.pairs(rules) };
    const { count } = found.pairs;
    const progress = options.progress;
    const levels = await helpers.compare(
      found.pairs,
      sides.rightStart,
      progress && ((done) => progress('comparing candidate pairs', done, count)),
    );
    progress?.('comparing candidate pairs', count, count);
    const compared = comparedWith(found, levels);
    const records = left.length + (right?.length ?? 0);
    if (options.uSample && records >= MIN_RECORDS_FOR_U) {
      const { seed } = options.uSample;
      const samples = randomPairCount(left.length);
      const drawn = drawRandomPairs(sides, samples, seededRandom(seed));
      const sampled = await helpers.compare(drawn, sides.rightStart);
      compared.uSample = { seed, samples, levels: sampled, count: drawn.count };
    }
    return compared;
  } finally {
    await helpers.close();
  }
}

/** Found and compared on this thread alone (training or scoring given no pairs). */
function compareOnThisThread(
  left: MatchRecord[],
  right: MatchRecord[] | null,
  options: { rules?: BlockingRule[]; progress?: Progress },
): ComparedPairs {
  return compareHere(findCandidates(left, right, options), options.progress);
}

/** Compared on this thread alone (small inputs). */
function compareHere(found: ReturnType<typeof findCandidates>, progress?: Progress): ComparedPairs {
  const { count } = found.pairs;
  const levels = new Uint8Array(count * COMPARISON_COUNT);
  compareRange(
    found.sides.table,
    found.pairs.left,
    found.pairs.right,
    found.sides.rightStart,
    levels,
    0,
    progress && ((done) => progress('comparing candidate pairs', done, count)),
  );
  progress?.('comparing candidate pairs', count, count);
  return comparedWith(found, levels);
}

/**
 * Learns m, u and the prior without labels. u comes from random pairs. m comes from EM sessions,
 * one per training blocking rule; each comparison's m is averaged over the sessions whose rule
 * did not force it to agree (as Splink does). The prior is then re-estimated on all candidates.
 */
export function trainModel(
  left: MatchRecord[],
  right: MatchRecord[] | null,
  options: {
    seed?: number;
    randomPairs?: number;
    rules?: BlockingRule[];
    progress?: Progress;
    /** On for Lantern's own population (the default); 'auto' decides from the data. */
    householdRules?: boolean | 'auto';
    /** Names of the extract's extra fields, kept with the model for explanations. */
    extraNames?: string[];
    /** The candidate pairs, already compared (computed here when not given). */
    compared?: ComparedPairs;
  } = {},
): ModelParameters {
  const seed = options.seed ?? 42;
  const compared = options.compared ?? compareOnThisThread(left, right, options);
  const randomPairs = options.randomPairs ?? randomPairCount(left.length);
  options.progress?.('estimating u from random pairs', 0, 1);
  const records = left.length + (right?.length ?? 0);
  // The same draws either way: compared beside the candidates when they were, or here.
  const sample = compared.uSample;
  const u =
    records < MIN_RECORDS_FOR_U
      ? DEFAULT_U
      : sample && sample.seed === seed && sample.samples === randomPairs
        ? uFromLevels(sample.levels, sample.count)
        : estimateU(compared.sides, randomPairs, seededRandom(seed));
  // Training sessions: between them every comparison is learned from a rule that does not force it.
  const sessions = TRAINING_RULES.map((name) =>
    compared.blockingRules.findIndex((r) => r.name === name),
  ).filter((r) => r >= 0);
  const estimates: { m: number[][]; frozen: Set<number> }[] = [];
  const sessionsRun: TrainingSession[] = [];
  let iterations = 0;
  let converged = true;
  // Every pair's pattern is worked out once; each session counts the patterns of its rule's pairs.
  const patterns = levelPatterns(compared.levels, compared.count, true);
  sessions.forEach((rule, i) => {
    options.progress?.(`EM session ${i + 1} of ${sessions.length}`, i, sessions.length);
    const mine = patternsOfRule(patterns, compared.rules, 1 << rule);
    const count = mine.total;
    if (count === 0) return;
    const frozen = new Set(compared.blockingRules[rule].frozen);
    const result = emOnPatterns(mine, u, { frozen });
    iterations += result.iterations;
    converged &&= result.converged;
    estimates.push({ m: result.m, frozen });
    sessionsRun.push({
      rule: compared.blockingRules[rule].name,
      pairs: count,
      iterations: result.iterations,
      converged: result.converged,
      lastChange: result.lastChange,
    });
  });
  let m: number[][] = COMPARISONS.map((comparison, c) => {
    const usable = estimates.filter((e) => !e.frozen.has(c));
    if (!usable.length)
      return (
        estimates[0]?.m[c] ?? [1, ...comparison.levels.slice(1).map(() => 1 / (comparison.levels.length - 1))]
      );
    return comparison.levels.map((_, l) =>
      l === 0 ? 1 : usable.reduce((s, e) => s + e.m[c][l], 0) / usable.length,
    );
  });
  options.progress?.('estimating the prior', 0, 1);
  // The prior is over all pairs (u was learned over all pairs): expected matches among the
  // candidates, with every pair blocking left out counted as a non-match.
  const totalPairs = right ? left.length * right.length : (left.length * (left.length - 1)) / 2;
  let lambda = estimatePrior(patterns, totalPairs, m, u);
  const household =
    options.householdRules === 'auto'
      ? householdsInData(compared)
      : { on: options.householdRules !== false, decidedBy: 'given' as const, ...householdCounts(compared) };
  const householdRules = household.on;
  if (householdRules) m = capDisagreement(m);
  // Too few expected matches for EM to be identifiable (e.g. a deduplicated people table):
  // use the documented default m values and estimate the prior with them instead.
  const expectedMatches = lambda * totalPairs;
  let mSource: 'em' | 'default' = 'em';
  if (expectedMatches < MIN_EXPECTED_MATCHES) {
    m = DEFAULT_M;
    mSource = 'default';
    lambda = Math.max(estimatePrior(patterns, totalPairs, m, u), 1e-12);
  }
  const prior = { lambda };
  return {
    householdRules,
    household,
    extraNames: options.extraNames,
    lambda: prior.lambda,
    m,
    u,
    tf: termFrequencies(compared.sides.table),
    tfMinimum: 1 / Math.max(10_000, (right ? left.length + right.length : left.length) * 10),
    trainedOn: {
      records: left.length + (right?.length ?? 0),
      candidatePairs: compared.count,
      randomPairs,
      emIterations: iterations,
      converged,
      mSource,
      uSource: records < MIN_RECORDS_FOR_U ? 'default' : 'random pairs',
      sessions: sessionsRun,
    },
  };
}

/**
 * The blocking rules EM learns m from, one session each, where the data made pairs under them.
 * Between them every comparison is learned from pairs that a rule did not force to agree; rules
 * on email, phone and town learn the names and dates of extracts without postcodes, including
 * names written the other way round (which name-based rules rarely pair).
 */
export const TRAINING_RULES = [
  'date of birth + first letter of last name',
  'names sound alike + birth year',
  'postcode + first letter of first name',
  'email address',
  'phone number',
  'town + birth year (loose)',
];

export interface TrainingSession {
  rule: string;
  pairs: number;
  iterations: number;
  converged: boolean;
  /** The largest change of any m (or the prior) in the last iteration. */
  lastChange: number;
}

/**
 * Records at one home with one surname: how many of those pairs look like two people of a
 * household (plainly different first names and dates of birth) rather than one person's records.
 */
export function householdCounts(compared: ComparedPairs) {
  let sharedHome = 0;
  let household = 0;
  for (let k = 0; k < compared.count; k++) {
    const at = k * COMPARISON_COUNT;
    const l = compared.levels;
    const address = l[at + 8];
    const postcode = l[at + 3];
    // One home: the address agrees and the postcode does not disagree, or the postcode alone agrees.
    const home = ((address === 1 || address === 2) && postcode <= 1) || (address === 0 && postcode === 1);
    if (!home || l[at + 1] !== 1) continue;
    sharedHome++;
    // A different first name, and a date of birth apart by more than a typo, a swap or twins.
    if (l[at] === 7 && l[at + 2] >= 4) household++;
  }
  return { sharedHomePairs: sharedHome, householdPairs: household };
}

/** Below this many pairs at a shared home, households cannot be told from the data. */
export const MIN_SHARED_HOME_PAIRS = 20;
/** From this share of shared-home pairs looking like households, the household rules apply. */
export const HOUSEHOLD_SHARE = 0.02;

/** Whether the data has households, estimated from pairs that share a home and a surname. */
export function householdsInData(compared: ComparedPairs) {
  const counts = householdCounts(compared);
  const share = counts.householdPairs / Math.max(counts.sharedHomePairs, 1);
  return {
    on: counts.sharedHomePairs >= MIN_SHARED_HOME_PAIRS && share >= HOUSEHOLD_SHARE,
    decidedBy: 'estimated' as const,
    share,
    ...counts,
  };
}

/**
 * Ceilings on m for "different" levels. Households and very common names put non-matches among
 * the candidate pairs that look like matches, and EM counts some of them as matches, inflating
 * how often true matches disagree. That would let a different surname or date of birth count for
 * almost nothing. A person's own records rarely carry an unrelated first name (3%), surname
 * (6%: marriage, step-families, typing), date of birth (5%) or postcode (25%: moves).
 */
export const MAX_M_DIFFERENT: Record<number, { levels: number[]; cap: number }> = {
  0: { levels: [7], cap: 0.03 },
  1: { levels: [6], cap: 0.06 },
  // A date of birth a year or more out, within ten years or further: siblings, not typos.
  2: { levels: [6, 7, 8], cap: 0.05 },
  3: { levels: [4], cap: 0.25 },
};

function capDisagreement(m: number[][]): number[][] {
  return m.map((row, c) => {
    const rule = MAX_M_DIFFERENT[c];
    if (!rule) return row;
    const capped = new Set(rule.levels);
    const over = rule.levels.reduce((sum, l) => sum + row[l], 0);
    if (over <= rule.cap) return row;
    // The disagreeing levels shrink together to the cap; the rest grow in proportion.
    const rest = 1 - over;
    return row.map((v, l) =>
      l === 0 ? 1 : capped.has(l) ? (v / over) * rule.cap : (v / rest) * (1 - rule.cap),
    );
  });
}

/** Below this many expected true pairs, EM's m cannot be trusted and defaults are used. */
export const MIN_EXPECTED_MATCHES = 50;

/**
 * The prior over all pairs: expected matches among the candidates (EM on the prior alone, m and
 * u fixed), with every pair that blocking left out counted as a non-match.
 */
function estimatePrior(patterns: LevelPatterns, totalPairs: number, m: number[][], u: number[][]): number {
  let lambda = Math.min(0.5, Math.max(patterns.total / totalPairs / 2, 1e-12));
  for (let iteration = 0; iteration < 100; iteration++) {
    const weigh = scorer({
      lambda,
      m,
      u,
      tf: { given: {}, family: {} },
      tfMinimum: 1,
    } as unknown as ModelParameters);
    let expected = 0;
    for (let p = 0; p < patterns.size; p++)
      expected +=
        patterns.counts[p] * probabilityOf(pairWeight(weigh, patterns.levels, p * COMPARISON_COUNT));
    const next = Math.min(Math.max(expected / totalPairs, 1e-12), 0.5);
    const done = Math.abs(next - lambda) / lambda < 1e-6;
    lambda = next;
    if (done) break;
  }
  return lambda;
}

export interface ScoredPairs {
  left: Int32Array;
  right: Int32Array;
  probability: Float64Array;
  candidatePairs: number;
  perRule: PerRule[];
}

/** Scores every candidate pair from the blocking rules. */
export function predict(
  params: ModelParameters,
  left: MatchRecord[],
  right: MatchRecord[] | null,
  options: { rules?: BlockingRule[]; progress?: Progress; compared?: ComparedPairs } = {},
): ScoredPairs {
  const compared = options.compared ?? compareOnThisThread(left, right, options);
  const weigh = scorer(params);
  const n = compared.count;
  options.progress?.('scoring candidate pairs', 0, n);
  const p = pairWeights(weigh, compared.levels, compared.left, left, new Float64Array(n));
  for (let k = 0; k < n; k++) p[k] = probabilityOf(p[k]);
  options.progress?.('scoring candidate pairs', n, n);
  return {
    left: compared.left,
    right: compared.right,
    probability: p,
    candidatePairs: n,
    perRule: compared.perRule,
  };
}

/** Cluster ids for a deduplicated source: records joined by pairs at or above the threshold. */
export function clusterIds(size: number, scored: ScoredPairs, threshold: number): Int32Array {
  function* accepted(): Generator<[number, number]> {
    for (let k = 0; k < scored.probability.length; k++)
      if (scored.probability[k] >= threshold) yield [scored.left[k], scored.right[k]];
  }
  return clusters(size, accepted());
}

export interface ExplainedPair extends Explanation {
  a: MatchRecord;
  b: MatchRecord;
}

/** One candidate pair's evidence, field by field (for --explain and the report's waterfalls). */
export function explainPair(
  params: ModelParameters,
  compared: ComparedPairs,
  k: number,
  a: MatchRecord,
  b: MatchRecord,
): ExplainedPair {
  const levels = compared.levels.subarray(k * COMPARISON_COUNT, (k + 1) * COMPARISON_COUNT);
  return { ...explain(params, levels, a), a, b };
}

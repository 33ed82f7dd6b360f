import { COMPARISON_COUNT, COMPARISONS, EXACT_LEVEL, FIRST_EXTRA } from './comparisons.ts';
import type { MatchRecord } from './normalise.ts';

/** Trained parameters: m and u per level of each comparison, the prior, and term frequencies. */
export interface ModelParameters {
  /** Prior probability that two records picked at random are the same person. */
  lambda: number;
  /** m[c][l], u[c][l]: P(level l | match) and P(level l | non-match); index 0 unused. */
  m: number[][];
  u: number[][];
  /** Relative frequency of each first and last name in the training data (for exact agreements). */
  /** `full`: whole names ("given family") seen more than once (absent in older model versions). */
  /** `other`: places and extra fields, by comparison name (absent in older model versions). */
  tf: {
    given: Record<string, number>;
    family: Record<string, number>;
    full?: Record<string, number>;
    other?: Record<string, Record<string, number>>;
  };
  /** What the extract's extra fields are called, in slot order (`--map extra:NAME=…`). */
  extraNames?: string[];
  tfMinimum: number;
  /**
   * Household rules (on for Lantern's population): count a shared home once, and treat same
   * surname + birthday with a plainly different first name as a likely twin or sibling. Off for
   * data without households, such as FEBRL, where that pattern is a typing error.
   */
  householdRules?: boolean;
  /** How the household rules were decided, with the counts behind an estimate. */
  household?: {
    on: boolean;
    decidedBy: 'given' | 'estimated';
    share?: number;
    sharedHomePairs: number;
    householdPairs: number;
  };
  trainedOn: {
    records: number;
    candidatePairs: number;
    randomPairs: number;
    emIterations: number;
    converged: boolean;
    mSource: 'em' | 'default';
    uSource?: 'random pairs' | 'default';
    sessions?: {
      rule: string;
      pairs: number;
      iterations: number;
      converged: boolean;
      lastChange: number;
    }[];
  };
}

export interface FieldEvidence {
  field: string;
  label: string;
  level: string;
  /** Match weight in bits: positive supports a match, negative a non-match. */
  weight: number;
  m: number;
  u: number;
  termFrequencyAdjusted: boolean;
}

export interface Explanation {
  probability: number;
  totalWeight: number;
  priorWeight: number;
  fields: FieldEvidence[];
}

const log2 = Math.log2;
const SWAPPED = 2;

/** One home, counted once: an agreeing address already says the postcode agrees. */
function homeCountedOnce(params: ModelParameters, c: number, level: number, levels?: Uint8Array, at = 0) {
  return (
    params.householdRules !== false &&
    c === POSTCODE &&
    level === 1 &&
    !!levels &&
    (levels[at + ADDRESS] === 1 || levels[at + ADDRESS] === 2)
  );
}

/**
 * u for an exact first- or last-name agreement, from that name's own frequency: two people sharing
 * "Khan" says less than two sharing "Quarrington". Undefined where term frequency does not apply.
 */
function termFrequencyU(
  params: ModelParameters,
  c: number,
  level: number,
  a?: MatchRecord,
  levels?: Uint8Array,
  at = 0,
): number | undefined {
  if (!a) return undefined;
  if (c > 1) {
    if (level !== EXACT_LEVEL) return undefined;
    const table = params.tf.other?.[COMPARISONS[c].name];
    const value = table && otherValue(a, c);
    return value ? Math.max(table[value] ?? params.tfMinimum, params.tfMinimum) : undefined;
  }
  if (level === SWAPPED && c === 0 && a.given) {
    // A swap of common names ("Ali Hussain", "Hussain Ali") happens between different people:
    // it counts for no more than how often this first name is someone's last name.
    const asFamily = params.tf.family[a.given];
    return asFamily && asFamily > params.u[c][level] ? asFamily : undefined;
  }
  if (level !== EXACT_LEVEL) return undefined;
  const value = c === 0 ? a.given : a.family;
  if (!value) return undefined;
  const table = c === 0 ? params.tf.given : params.tf.family;
  const u = Math.max(table[value] ?? params.tfMinimum, params.tfMinimum);
  // Names run in communities: when both names agree, the pair's evidence is how rare the
  // whole name is, so the last name counts as P(this last name | this first name).
  const full = params.tf.full;
  if (c === 1 && full && a.given && levels?.[at] === EXACT_LEVEL) {
    const givenU = Math.max(params.tf.given[a.given] ?? params.tfMinimum, params.tfMinimum);
    const fullU = full[`${a.given} ${value}`];
    if (fullU) return Math.min(1, Math.max(fullU / givenU, u));
  }
  return u;
}

/** A record's value for a term-frequency comparison other than the names. */
export function otherValue(a: MatchRecord, c: number): string | null {
  if (c === TOWN) return a.town;
  if (c === BIRTH_PLACE) return a.birthPlace;
  if (c >= FIRST_EXTRA) return a.extras[c - FIRST_EXTRA] ?? null;
  return null;
}

/** A comparison's name for people: an extra field is called what the extract calls it. */
export function comparisonLabel(params: Pick<ModelParameters, 'extraNames'>, c: number): string {
  const extra = c >= FIRST_EXTRA ? params.extraNames?.[c - FIRST_EXTRA] : undefined;
  return extra ?? COMPARISONS[c].label;
}

/**
 * Models saved before a comparison existed: that comparison adds no evidence (m = u), so older
 * stored models and saved files score as they did.
 */
export function withEveryComparison(params: ModelParameters): ModelParameters {
  const dobLevels = COMPARISONS[DOB].levels.length;
  if (params.m.length === COMPARISON_COUNT && params.m[DOB].length === dobLevels) return params;
  // Dates of birth once had one "different" level where "within 10 years" now comes before it.
  const dob = (row: number[]) =>
    row.length === dobLevels ? row : [...row.slice(0, -1), row[row.length - 1], row[row.length - 1]];
  const pad = (rows: number[][]) =>
    COMPARISONS.map((comparison, c) =>
      c === DOB ? dob(rows[c]) : (rows[c] ?? comparison.levels.map(() => 1)),
    );
  return { ...params, m: pad(params.m), u: pad(params.u) };
}

/** Bits of evidence for one comparison level (with the u used, for explanations). */
export function levelWeight(
  params: ModelParameters,
  c: number,
  level: number,
  a?: MatchRecord,
  levels?: Uint8Array,
): { weight: number; u: number; tf: boolean } {
  if (level === 0 || homeCountedOnce(params, c, level, levels)) return { weight: 0, u: 1, tf: false };
  const tfU = termFrequencyU(params, c, level, a, levels);
  const u = tfU ?? params.u[c][level];
  return { weight: log2(params.m[c][level] / u), u, tf: tfU !== undefined };
}

/** A model ready to score many pairs: each level's weight worked out once. */
export interface Scorer {
  params: ModelParameters;
  prior: number;
  /** weights[c * LEVEL_SLOTS + level] in bits, before term frequency. */
  weights: Float64Array;
  /** 1 for comparisons term frequency can adjust (the names, and fields with a table). */
  termFrequency: Uint8Array;
}

const LEVEL_SLOTS = 16;

export function scorer(params: ModelParameters): Scorer {
  const weights = new Float64Array(COMPARISON_COUNT * LEVEL_SLOTS);
  for (let c = 0; c < COMPARISON_COUNT; c++)
    for (let l = 1; l < params.m[c].length; l++)
      weights[c * LEVEL_SLOTS + l] = log2(params.m[c][l] / params.u[c][l]);
  // Most comparisons have no frequency table: their pairs need not look for one.
  const termFrequency = Uint8Array.from(COMPARISONS, (comparison, c) =>
    c <= 1 || params.tf.other?.[comparison.name] ? 1 : 0,
  );
  return { params, prior: priorWeight(params), weights, termFrequency };
}

/**
 * Total match weight in bits of the pair whose levels start at `at` in `levels` (the same sum
 * `levelWeight` explains field by field, plus the twin rule).
 */
export function pairWeight(s: Scorer, levels: Uint8Array, at = 0, a?: MatchRecord): number {
  const params = s.params;
  let weight = s.prior;
  for (let c = 0; c < COMPARISON_COUNT; c++) {
    const level = levels[at + c];
    if (level === 0 || homeCountedOnce(params, c, level, levels, at)) continue;
    const tfU = s.termFrequency[c] ? termFrequencyU(params, c, level, a, levels, at) : undefined;
    weight += tfU === undefined ? s.weights[c * LEVEL_SLOTS + level] : log2(params.m[c][level] / tfU);
  }
  if (params.householdRules !== false && twinRuleApplies(levels, at)) weight += TWIN_RULE_WEIGHT;
  return weight;
}

export const probabilityOf = (weight: number) => 1 / (1 + 2 ** -weight);

/**
 * The match weights of many pairs, each as `pairWeight` gives it, where pair k's first record is
 * `records[left[k]]`: a record's term-frequency weights (which depend only on it and on whether the
 * names agree) are worked out the first time it is met, not once per pair — the same numbers,
 * added in the same order.
 */
export function pairWeights(
  s: Scorer,
  levels: Uint8Array,
  left: Int32Array,
  records: MatchRecord[],
  out: Float64Array,
): Float64Array {
  const params = s.params;
  // Slots per record: first name exact and swapped; last name exact with and without the first
  // name exact; each other field with a frequency table, exact.
  const slotOf = new Int32Array(COMPARISON_COUNT).fill(-1);
  let slots = 0;
  for (let c = 0; c < COMPARISON_COUNT; c++) {
    if (!s.termFrequency[c]) continue;
    slotOf[c] = slots;
    slots += c <= 1 ? 2 : 1;
  }
  const cache = new Float64Array(records.length * slots).fill(Number.NaN);
  const householdRules = params.householdRules !== false;
  for (let k = 0; k < out.length; k++) {
    const at = k * COMPARISON_COUNT;
    const i = left[k];
    let weight = s.prior;
    for (let c = 0; c < COMPARISON_COUNT; c++) {
      const level = levels[at + c];
      if (level === 0 || homeCountedOnce(params, c, level, levels, at)) continue;
      const slot = slotOf[c];
      if (slot < 0 || !(level === EXACT_LEVEL || (c === 0 && level === SWAPPED))) {
        weight += s.weights[c * LEVEL_SLOTS + level];
        continue;
      }
      const variant = c === 0 ? +(level === SWAPPED) : c === 1 ? +(levels[at] === EXACT_LEVEL) : 0;
      const key = i * slots + slot + variant;
      let w = cache[key];
      if (Number.isNaN(w)) {
        const tfU = termFrequencyU(params, c, level, records[i], levels, at);
        w = tfU === undefined ? s.weights[c * LEVEL_SLOTS + level] : log2(params.m[c][level] / tfU);
        cache[key] = w;
      }
      weight += w;
    }
    if (householdRules && twinRuleApplies(levels, at)) weight += TWIN_RULE_WEIGHT;
    out[k] = weight;
  }
  return out;
}

/**
 * Twins and siblings share a surname, a birthday and a home, and differ only in first name; the
 * fields' evidence is not independent for them, so on its own the model would join them. When
 * the first names are plainly different (not a nickname, typo, initial or swap) while the surname
 * and date of birth agree exactly, this rule counts strongly against a match, and says so.
 */
export const TWIN_RULE_WEIGHT = -30;
const GIVEN_DIFFERENT = 7;
const DOB = 2;
const POSTCODE = 3;
const ADDRESS = 8;
const TOWN = 9;
const BIRTH_PLACE = 10;
const FAMILY_EXACT = 1;
const DOB_EXACT = 1;

const FAMILY_VERY_SIMILAR = 4;

export function twinRuleApplies(levels: Uint8Array, at = 0): boolean {
  return (
    levels[at] === GIVEN_DIFFERENT &&
    (levels[at + 1] === FAMILY_EXACT || levels[at + 1] === FAMILY_VERY_SIMILAR) &&
    levels[at + 2] === DOB_EXACT
  );
}

export function priorWeight(params: ModelParameters): number {
  return log2(params.lambda / (1 - params.lambda));
}

const scorers = new WeakMap<ModelParameters, Scorer>();

/** Total match weight (bits) and probability for a pair's comparison levels. */
export function score(
  params: ModelParameters,
  levels: Uint8Array,
  a?: MatchRecord,
): { weight: number; probability: number } {
  let s = scorers.get(params);
  if (!s) {
    s = scorer(params);
    scorers.set(params, s);
  }
  const weight = pairWeight(s, levels, 0, a);
  return { weight, probability: probabilityOf(weight) };
}

/** Why the model thinks what it does: each field's level and the evidence it added. */
export function explain(params: ModelParameters, levels: Uint8Array, a?: MatchRecord): Explanation {
  const fields: FieldEvidence[] = COMPARISONS.map((comparison, c) => {
    const { weight, u, tf } = levelWeight(params, c, levels[c], a, levels);
    return {
      field: comparison.name,
      label: comparisonLabel(params, c),
      level: comparison.levels[levels[c]],
      weight,
      m: levels[c] === 0 ? 1 : params.m[c][levels[c]],
      u,
      termFrequencyAdjusted: tf,
    };
  });
  if (params.householdRules !== false && twinRuleApplies(levels)) {
    fields.push({
      field: 'twin_rule',
      label: 'Possible twin or sibling',
      level: 'same surname and date of birth, plainly different first name',
      weight: TWIN_RULE_WEIGHT,
      m: 1,
      u: 1,
      termFrequencyAdjusted: false,
    });
  }
  const { weight, probability } = score(params, levels, a);
  return { probability, totalWeight: weight, priorWeight: priorWeight(params), fields };
}

import { COMPARISON_COUNT, COMPARISONS, EXACT_LEVEL } from './comparisons.ts';
import type { MatchRecord } from './normalise.ts';

/** Trained parameters: m and u per level of each comparison, the prior, and term frequencies. */
export interface ModelParameters {
  /** Prior probability that two records picked at random are the same person. */
  lambda: number;
  /** m[c][l], u[c][l]: P(level l | match) and P(level l | non-match); index 0 unused. */
  m: number[][];
  u: number[][];
  /** Relative frequency of each first and last name in the training data (for exact agreements). */
  tf: { given: Record<string, number>; family: Record<string, number> };
  tfMinimum: number;
  trainedOn: {
    records: number;
    candidatePairs: number;
    randomPairs: number;
    emIterations: number;
    converged: boolean;
    mSource: 'em' | 'default';
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

/**
 * Bits of evidence for one comparison level. An exact first or last name agreement uses that
 * name's own frequency as u: two people sharing "Khan" says less than two sharing "Quarrington".
 */
export function levelWeight(
  params: ModelParameters,
  c: number,
  level: number,
  a?: MatchRecord,
): { weight: number; u: number; tf: boolean } {
  if (level === 0) return { weight: 0, u: 1, tf: false };
  const m = params.m[c][level];
  let u = params.u[c][level];
  let tf = false;
  if (a && level === EXACT_LEVEL && (c === 0 || c === 1)) {
    const value = c === 0 ? a.given : a.family;
    const table = c === 0 ? params.tf.given : params.tf.family;
    if (value) {
      u = Math.max(table[value] ?? params.tfMinimum, params.tfMinimum);
      tf = true;
    }
  }
  return { weight: log2(m / u), u, tf };
}

export function priorWeight(params: ModelParameters): number {
  return log2(params.lambda / (1 - params.lambda));
}

/** Total match weight (bits) and probability for a pair's comparison levels. */
export function score(
  params: ModelParameters,
  levels: Uint8Array,
  a?: MatchRecord,
): { weight: number; probability: number } {
  let weight = priorWeight(params);
  for (let c = 0; c < COMPARISON_COUNT; c++) weight += levelWeight(params, c, levels[c], a).weight;
  return { weight, probability: 1 / (1 + 2 ** -weight) };
}

/** Why the model thinks what it does: each field's level and the evidence it added. */
export function explain(params: ModelParameters, levels: Uint8Array, a?: MatchRecord): Explanation {
  const fields = COMPARISONS.map((comparison, c) => {
    const { weight, u, tf } = levelWeight(params, c, levels[c], a);
    return {
      field: comparison.name,
      label: comparison.label,
      level: comparison.levels[levels[c]],
      weight,
      m: levels[c] === 0 ? 1 : params.m[c][levels[c]],
      u,
      termFrequencyAdjusted: tf,
    };
  });
  const { weight, probability } = score(params, levels, a);
  return { probability, totalWeight: weight, priorWeight: priorWeight(params), fields };
}

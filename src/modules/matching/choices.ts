import { BLOCKING_FIELDS, LOOSE_LIKELY_SHARE } from './blocking.ts';
import type { ComparedPairs, ScoredPairs } from './link.ts';
import type { ModelParameters } from './model.ts';
import { MIN_RECORDS_FOR_U } from './train.ts';

const popcount = (x: number) => {
  let n = 0;
  for (let v = x; v; v &= v - 1) n++;
  return n;
};

/**
 * The share of true pairs the blocking rules keep, estimated without labels. Each rule is a
 * "capture" of a true pair; from how many true pairs were caught by exactly one rule (f1) and by
 * exactly two (f2), Chao's estimator puts the pairs no rule caught at f1² / 2·f2 (a lower bound
 * when rules miss the same pairs). Pairs count as true by their probability.
 */
export function blockingRecallEstimate(compared: ComparedPairs, probability: Float64Array) {
  let found = 0;
  let once = 0;
  let twice = 0;
  for (let k = 0; k < compared.count; k++) {
    const p = probability[k];
    if (p < 0.01) continue;
    found += p;
    const caught = popcount(compared.rules[k]);
    if (caught === 1) once += p;
    else if (caught === 2) twice += p;
  }
  const missed = twice > 0 ? (once * once) / (2 * twice) : (once * Math.max(once - 1, 0)) / 2;
  return { found, once, twice, missed, share: found / Math.max(found + missed, 1e-9) };
}

const pct = (x: number) => `${(100 * x).toFixed(x > 0.999 && x < 1 ? 2 : 1)}%`;

/** What the command chose and why, as lines to print: fields, blocking, households, training. */
export function describeChoices(
  compared: ComparedPairs,
  params: ModelParameters,
  scored: ScoredPairs,
  options: { modelFrom?: string } = {},
): string[] {
  const lines: string[] = [];
  const choice = compared.choice;
  if (choice) {
    const fill = BLOCKING_FIELDS.filter((f) => choice.fill.left[f] > 0 || (choice.fill.right?.[f] ?? 0) > 0)
      .map((f) => {
        const right = choice.fill.right ? ` / ${pct(choice.fill.right[f])}` : '';
        return `${f} ${pct(choice.fill.left[f])}${right}`;
      })
      .join(', ');
    lines.push(`Fields filled in (share of records${choice.fill.right ? ', left / right' : ''}): ${fill}`);
  }
  lines.push(
    `Blocking: ${compared.blockingRules.length} rules, ${compared.count.toLocaleString('en-GB')} candidate pairs`,
  );
  for (const r of compared.perRule.filter((r) => r.overBudget !== undefined))
    lines.push(
      `  - ${r.rule}: not used, it would make ${r.overBudget?.toLocaleString('en-GB')} pairs, over its budget of ${r.budget?.toLocaleString('en-GB')}, and ${pct(r.likely ?? 0)} of a sample of them look alike (used from ${pct(LOOSE_LIKELY_SHARE)})`,
    );
  for (const r of compared.perRule.filter((r) => r.overBudget === undefined))
    lines.push(
      `  + ${r.rule}: ${r.pairs.toLocaleString('en-GB')} ${r.pairs === 1 ? 'pair' : 'pairs'}${r.oversizedBlocks ? `, ${r.oversizedBlocks} blocks over the size limit skipped` : ''}${r.likely !== undefined ? ` (over its budget, used because ${pct(r.likely)} of a sample look alike)` : ''}`,
    );
  for (const s of choice?.skipped ?? []) lines.push(`  - ${s.rule}: not used, ${s.reason}`);
  const recall = blockingRecallEstimate(compared, scored.probability);
  lines.push(
    `Blocking keeps an estimated ${pct(recall.share)} of true pairs (capture–recapture over the rules: ` +
      `${Math.round(recall.once)} likely matches found by one rule only, ${Math.round(recall.twice)} by exactly two)`,
  );
  const h = params.household;
  if (h) {
    const why =
      h.decidedBy === 'estimated'
        ? `estimated: ${h.householdPairs} of ${h.sharedHomePairs} pairs sharing a home and a surname have plainly different first names and dates of birth (${pct(h.share ?? 0)}; on from 2%)`
        : 'as asked';
    lines.push(`Household and twin rules: ${h.on ? 'on' : 'off'} (${why})`);
  }
  if (options.modelFrom) lines.push(`Model: read from ${options.modelFrom}, not trained on this data`);
  else {
    const t = params.trainedOn;
    const uFrom =
      t.uSource === 'default'
        ? `default values (under ${MIN_RECORDS_FOR_U.toLocaleString('en-GB')} records)`
        : `${t.randomPairs.toLocaleString('en-GB')} random pairs`;
    lines.push(
      `Training: u from ${uFrom}; m from ${t.mSource === 'em' ? 'EM' : 'default values (too few duplicates for EM)'}; prior ${params.lambda.toExponential(3)}`,
    );
    if (!t.sessions?.length) lines.push('  EM not run: no training rule found candidate pairs');
    for (const s of t.sessions ?? [])
      lines.push(
        `  EM on "${s.rule}" (${s.pairs.toLocaleString('en-GB')} pairs): ${s.converged ? 'converged' : 'did NOT converge'} after ${s.iterations} iterations (last change ${s.lastChange.toExponential(1)})`,
      );
  }
  return lines;
}

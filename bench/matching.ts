// npm run bench:matching [-- 10000 100000 1000000]   (sizes are agency records; these are the default)
// Everything about matching, printed (never asserted): batch deduplication of synthetic agency
// extracts with known truth (accuracy, blocking recall, calibration, time, peak memory), the
// FEBRL sanity sets, `lantern link` itself on FEBRL 1–4, Splink's fake_1000 and generated extracts
// of other shapes (bench/shapes.ts), and real-time "already known?" latency and hit rates with the pg_trgm
// baseline in the same run (REALTIME_PEOPLE, default 100,000).

import { availableParallelism } from 'node:os';
import {
  clusterIds,
  compareCandidates,
  normaliseRecord,
  predict,
  trainModel,
} from '../src/modules/matching/index.ts';
import { evaluateFebrl, loadFebrl } from '../test/febrl.ts';
import { generateRecords } from './extracts.ts';
import { runCommandFigures } from './link-bench.ts';
import { runRealtime } from './realtime.ts';

// COMMAND_ONLY=1 prints only the command's figures (a few minutes).
if (process.env.COMMAND_ONLY) {
  await runCommandFigures();
  process.exit(0);
}

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
/** The records as an agency would hand them over, and (kept apart) who each one truly is. */
function extract(size: number) {
  const records = generateRecords(size, 7);
  return {
    raw: records.map(({ personId, agency, ...raw }) => raw),
    person: Int32Array.from(records, (r) => r.personId),
  };
}

for (const size of sizes.length ? sizes : [10_000, 100_000, 1_000_000]) {
  let { raw, person } = extract(size);
  const started = performance.now();
  const normalised = raw.map(normaliseRecord);
  raw = []; // as the link command does: only the normalised records are kept
  const t0 = performance.now();
  const compared = await compareCandidates(normalised, null, { uSample: { seed: 42 } });
  const tc = performance.now();
  const params = trainModel(normalised, null, { seed: 42, compared });
  const t1 = performance.now();
  const scored = predict(params, normalised, null, { compared });
  const t2 = performance.now();
  const clusters = clusterIds(normalised.length, scored, 0.5);
  const t3 = performance.now();

  const byPerson = new Map<number, number>();
  for (const p of person) byPerson.set(p, (byPerson.get(p) ?? 0) + 1);
  let truePairs = 0;
  for (const c of byPerson.values()) truePairs += (c * (c - 1)) / 2;
  let kept = 0;
  for (let k = 0; k < scored.probability.length; k++)
    if (person[scored.left[k]] === person[scored.right[k]]) kept++;
  const at = (threshold: number) => {
    let tp = 0;
    let fp = 0;
    for (let k = 0; k < scored.probability.length; k++) {
      if (scored.probability[k] < threshold) continue;
      if (person[scored.left[k]] === person[scored.right[k]]) tp++;
      else fp++;
    }
    const precision = tp / Math.max(tp + fp, 1);
    const recall = tp / truePairs;
    return {
      threshold,
      precision,
      recall,
      f1: (2 * precision * recall) / Math.max(precision + recall, 1e-9),
    };
  };
  const at05 = at(0.5);
  const best = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99].map(at).sort((a, b) => b.f1 - a.f1)[0];
  // Calibration: mean predicted probability against the share that are true, per band.
  const bands = [0.5, 0.8, 0.95, 0.99, 1.01];
  const calibration = bands.slice(0, -1).map((lo, i) => {
    let n = 0;
    let sumP = 0;
    let trueN = 0;
    for (let k = 0; k < scored.probability.length; k++) {
      const p = scored.probability[k];
      if (p >= lo && p < bands[i + 1]) {
        n++;
        sumP += p;
        if (person[scored.left[k]] === person[scored.right[k]]) trueN++;
      }
    }
    return `[${lo}, ${Math.min(bands[i + 1], 1)}): n=${n} predicted ${(sumP / Math.max(n, 1)).toFixed(3)} actual ${(trueN / Math.max(n, 1)).toFixed(3)}`;
  });
  const f = (x: number) => x.toFixed(4);
  console.log(
    `\n== ${normalised.length.toLocaleString('en-GB')} agency records of ${byPerson.size.toLocaleString('en-GB')} people, ${truePairs.toLocaleString('en-GB')} true pairs`,
  );
  console.log(
    `blocking: ${scored.candidatePairs.toLocaleString('en-GB')} candidate pairs; keeps ${f(kept / truePairs)} of true pairs`,
  );
  console.log(`at p >= 0.5: precision ${f(at05.precision)} recall ${f(at05.recall)} F1 ${f(at05.f1)}`);
  console.log(
    `best threshold ${best.threshold}: precision ${f(best.precision)} recall ${f(best.recall)} F1 ${f(best.f1)}`,
  );
  console.log(
    `prior ${params.lambda.toExponential(3)} (true ${(truePairs / ((normalised.length * (normalised.length - 1)) / 2)).toExponential(3)}); m from ${params.trainedOn.mSource}`,
  );
  console.log(`calibration: ${calibration.join('; ')}`);
  console.log(
    `time: normalise ${((t0 - started) / 1000).toFixed(1)} s, block and compare ${((tc - t0) / 1000).toFixed(1)} s, train ${((t1 - tc) / 1000).toFixed(1)} s, predict ${((t2 - t1) / 1000).toFixed(1)} s, cluster ${((t3 - t2) / 1000).toFixed(1)} s; end to end ${((t3 - started) / 1000).toFixed(1)} s (${new Set(clusters).size.toLocaleString('en-GB')} clusters; ${availableParallelism()} cores)${size >= 1_000_000 ? '; target at 1M: ≤ 60 s and < 4 GiB' : ''}`,
  );
  // The process's high-water mark: includes generating the records, and any earlier size.
  console.log(`peak memory (RSS, whole process): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}
if (process.env.BATCH_ONLY) process.exit(0);

// FEBRL: the standard public sanity sets (no households, so household rules off).
console.log('\n== FEBRL (pairwise, p >= 0.5)');
for (const [name, left, right] of [
  ['dataset1 (dedupe)', 'dataset1.csv', null],
  ['dataset2 (dedupe)', 'dataset2.csv', null],
  ['dataset3 (dedupe)', 'dataset3.csv', null],
  ['dataset4 (link a to b)', 'dataset4a.csv', 'dataset4b.csv'],
] as const) {
  const r = await evaluateFebrl(loadFebrl(left), right ? loadFebrl(right) : null, 0.5);
  console.log(
    `${name}: precision ${r.precision.toFixed(4)} recall ${r.recall.toFixed(4)} F1 ${r.f1.toFixed(4)}`,
  );
}

await runCommandFigures();

await runRealtime(Number(process.env.REALTIME_PEOPLE ?? 100_000));
process.exit(0);

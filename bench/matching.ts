// npm run bench:matching [-- 10000 100000 1000000]
// Everything about matching, printed (never asserted): batch deduplication of synthetic agency
// extracts with known truth (accuracy, blocking recall, calibration, time, peak memory), the
// FEBRL sanity sets, and real-time "already known?" latency and hit rates with the pg_trgm
// baseline in the same run (REALTIME_PEOPLE, default 100,000).
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { clusterIds, normaliseRecord, predict, trainModel } from '../src/modules/matching/index.ts';
import { generateExtracts } from './extracts.ts';
import { runRealtime } from './realtime.ts';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);
let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);

for (const people of sizes.length ? sizes : [10_000, 100_000]) {
  const records = generateExtracts(people, 7);
  peak = process.memoryUsage().rss;
  const started = performance.now();
  const normalised = records.map(normaliseRecord);
  const t0 = performance.now();
  const params = trainModel(normalised, null, { seed: 42 });
  const t1 = performance.now();
  const scored = predict(params, normalised, null);
  const t2 = performance.now();
  const clusters = clusterIds(normalised.length, scored, 0.5);
  const t3 = performance.now();

  const byPerson = new Map<number, number>();
  for (const r of records) byPerson.set(r.personId, (byPerson.get(r.personId) ?? 0) + 1);
  let truePairs = 0;
  for (const c of byPerson.values()) truePairs += (c * (c - 1)) / 2;
  let kept = 0;
  for (let k = 0; k < scored.probability.length; k++)
    if (records[scored.left[k]].personId === records[scored.right[k]].personId) kept++;
  const at = (threshold: number) => {
    let tp = 0;
    let fp = 0;
    for (let k = 0; k < scored.probability.length; k++) {
      if (scored.probability[k] < threshold) continue;
      if (records[scored.left[k]].personId === records[scored.right[k]].personId) tp++;
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
        if (records[scored.left[k]].personId === records[scored.right[k]].personId) trueN++;
      }
    }
    return `[${lo}, ${Math.min(bands[i + 1], 1)}): n=${n} predicted ${(sumP / Math.max(n, 1)).toFixed(3)} actual ${(trueN / Math.max(n, 1)).toFixed(3)}`;
  });
  const f = (x: number) => x.toFixed(4);
  console.log(
    `\n== ${people.toLocaleString('en-GB')} people, ${records.length.toLocaleString('en-GB')} agency records, ${truePairs.toLocaleString('en-GB')} true pairs`,
  );
  console.log(
    `blocking: ${scored.candidatePairs.toLocaleString('en-GB')} candidate pairs; keeps ${f(kept / truePairs)} of true pairs`,
  );
  console.log(`at p >= 0.5: precision ${f(at05.precision)} recall ${f(at05.recall)} F1 ${f(at05.f1)}`);
  console.log(
    `best threshold ${best.threshold}: precision ${f(best.precision)} recall ${f(best.recall)} F1 ${f(best.f1)}`,
  );
  console.log(
    `prior ${params.lambda.toExponential(3)} (true ${(truePairs / ((records.length * (records.length - 1)) / 2)).toExponential(3)}); m from ${params.trainedOn.mSource}`,
  );
  console.log(`calibration: ${calibration.join('; ')}`);
  console.log(
    `time: normalise ${((t0 - started) / 1000).toFixed(1)} s, train ${((t1 - t0) / 1000).toFixed(1)} s, predict ${((t2 - t1) / 1000).toFixed(1)} s, cluster ${((t3 - t2) / 1000).toFixed(1)} s; end to end ${((t3 - started) / 1000).toFixed(1)} s (${new Set(clusters).size.toLocaleString('en-GB')} clusters)`,
  );
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(`peak memory (RSS): ${(peak / 2 ** 20).toFixed(0)} MiB`);
}
clearInterval(sampler);

// FEBRL: the standard public sanity sets (no households, so household rules off).
const febrl = (file: string) =>
  (
    parse(readFileSync(`data/linkage/febrl/${file}`), {
      columns: true,
      ltrim: true,
      rtrim: true,
      bom: true,
    }) as Record<string, string>[]
  ).map((r) =>
    normaliseRecord({
      id: r.rec_id,
      given_name: r.given_name,
      family_name: r.surname,
      dob: r.date_of_birth,
      postcode: r.postcode,
      nhs_number: r.soc_sec_id,
      address: [r.street_number, r.address_1, r.address_2].join(' '),
    }),
  );
console.log('\n== FEBRL (pairwise, p >= 0.5)');
const sets: [string, ReturnType<typeof febrl>, ReturnType<typeof febrl> | null][] = [
  ['dataset1 (dedupe)', febrl('dataset1.csv'), null],
  ['dataset2 (dedupe)', febrl('dataset2.csv'), null],
  ['dataset3 (dedupe)', febrl('dataset3.csv'), null],
  ['dataset4 (link a to b)', febrl('dataset4a.csv'), febrl('dataset4b.csv')],
];
for (const [name, left, right] of sets) {
  const params = trainModel(left, right, { householdRules: false });
  const scored = predict(params, left, right);
  const other = right ?? left;
  const person = (id: string) => id.split('-')[1];
  let truePairs = 0;
  if (right) {
    const ids = new Set(right.map((r) => person(r.id)));
    truePairs = left.filter((r) => ids.has(person(r.id))).length;
  } else {
    const counts = new Map<string, number>();
    for (const r of left) counts.set(person(r.id), (counts.get(person(r.id)) ?? 0) + 1);
    for (const c of counts.values()) truePairs += (c * (c - 1)) / 2;
  }
  let tp = 0;
  let fp = 0;
  for (let k = 0; k < scored.probability.length; k++) {
    if (scored.probability[k] < 0.5) continue;
    if (person(left[scored.left[k]].id) === person(other[scored.right[k]].id)) tp++;
    else fp++;
  }
  const precision = tp / (tp + fp);
  const recall = tp / truePairs;
  console.log(
    `${name}: precision ${precision.toFixed(4)} recall ${recall.toFixed(4)} F1 ${((2 * precision * recall) / (precision + recall)).toFixed(4)}`,
  );
}

await runRealtime(Number(process.env.REALTIME_PEOPLE ?? 100_000));
process.exit(0);

// A helper thread: takes in the records once, then runs rules or compares pairs (see parallel.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { BLOCKING_RULES, pairsOfRules } from './blocking.ts';
import { type CompareJob, compareChunks, type HelperStart, type PairsJob } from './parallel.ts';
import { tableFromPortable } from './table.ts';

const start = (workerData as HelperStart).sides;
const sides = { ...start, table: tableFromPortable(start.table) };
parentPort?.on('message', (job: PairsJob | CompareJob) => {
  if (job.kind === 'compare') {
    compareChunks(sides.table, job);
    parentPort?.postMessage('done');
    return;
  }
  const rules = job.rules.map((name) => BLOCKING_RULES.find((rule) => rule.name === name));
  const found = pairsOfRules(
    sides,
    rules as typeof BLOCKING_RULES,
    () => Atomics.add(job.next, 0, 1),
    job.maxBlock,
  );
  // The arrays are handed over, not copied.
  parentPort?.postMessage(found, [found.left.buffer, found.right.buffer, found.rule.buffer] as ArrayBuffer[]);
});

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  BLOCKING_RULES,
  type BlockingRule,
  type CandidatePairs,
  candidatePairs,
  mergePairs,
  pairsOfRules,
  type RulePairs,
  type Sides,
} from './blocking.ts';
import { COMPARISON_COUNT, compareRange } from './comparisons.ts';
import { type PortableTable, portableTable } from './table.ts';

/** Sent once when a helper thread starts: the records, as their table. */
export interface HelperStart {
  sides: Omit<Sides, 'table'> & { table: PortableTable };
}

/**
 * Sent to find candidate pairs: the rules by name (a helper runs the same rule code), and a
 * shared counter from which every thread takes the next rule to run.
 */
export interface PairsJob {
  kind: 'pairs';
  rules: string[];
  maxBlock: number;
  next: Int32Array;
}

/**
 * Sent when the pairs are known. Pairs, levels and the next-chunk counter are shared memory:
 * every thread takes the next chunk of pairs from the counter and writes its levels in place,
 * so the threads share the work however fast each one is, and nothing is copied back.
 */
export interface CompareJob {
  kind: 'compare';
  left: Int32Array;
  right: Int32Array;
  rightStart: number;
  levels: Uint8Array;
  /** [0]: the next pair to take. */
  next: Int32Array;
}

/** Pairs a thread takes at a time. */
export const CHUNK = 50_000;

/** Compares chunks of the job's pairs until none are left (every thread runs this). */
export function compareChunks(table: Sides['table'], job: CompareJob, progress?: (done: number) => void) {
  const count = job.left.length;
  for (;;) {
    const first = Atomics.add(job.next, 0, CHUNK);
    if (first >= count) return;
    const last = Math.min(count, first + CHUNK);
    compareRange(
      table,
      job.left.subarray(first, last),
      job.right.subarray(first, last),
      job.rightStart,
      job.levels,
      first,
    );
    progress?.(last);
  }
}

/**
 * From this many records, helper threads are started as soon as the table is built; they take
 * it in while this thread is still finding the pairs. Measured through `lantern link` here (two
 * cores): 1M records 85 s → 65 s; at 300k the helper's start (about two seconds) ate the gain.
 */
export const PARALLEL_FROM_RECORDS = 500_000;
const MAX_HELPERS = 3;

/** How many helper threads to compare with, beside this one (0: this thread alone). */
export function helpersFor(records: number, cores = availableParallelism()): number {
  return records < PARALLEL_FROM_RECORDS ? 0 : Math.max(0, Math.min(cores - 1, MAX_HELPERS));
}

/** Helper threads load TypeScript the way bin/lantern.js does (tsx, no build step). */
const HELPER_SOURCE = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => {
  tsx.register();
  return import(${JSON.stringify(new URL('./helper-thread.ts', import.meta.url).href)});
});`;

export interface Helpers {
  /** Candidate pairs, the rules run by this thread and the helpers (as candidatePairs finds them). */
  pairs(rules: BlockingRule[], maxBlock?: number): Promise<CandidatePairs>;
  /** The levels of every pair, compared by this thread and the helpers together. */
  compare(
    pairs: { left: Int32Array; right: Int32Array; count: number },
    rightStart: number,
    progress?: (done: number) => void,
  ): Promise<Uint8Array>;
  /** Stops the helpers (always called, also when finding the pairs failed). */
  close(): Promise<void>;
}

/**
 * Starts `count` helper threads with the table (one per spare core). On two cores a million
 * records' pairs compare in a little over half the time. The levels are the same as one
 * thread's, pair for pair.
 */
export function startHelpers(sides: Sides, count: number): Helpers {
  const { table } = sides;
  const start: HelperStart = { sides: { ...sides, table: portableTable(table) } };
  let closing = false;
  const threads = Array.from({ length: count }, () => {
    const thread = new Worker(HELPER_SOURCE, { eval: true, workerData: start });
    // A helper that fails or stops early fails the run: a chunk it took may not be compared.
    const ended = new Promise<never>((_, reject) => {
      thread.once('error', reject);
      thread.once('exit', (code) => {
        if (!closing) reject(new Error(`a comparing thread stopped (exit code ${code})`));
      });
    });
    ended.catch(() => {});
    return { thread, ended };
  });
  /** Sends a job to every helper; resolves with each one's answer, or fails if one stops. */
  const ask = <T>(job: PairsJob | CompareJob) =>
    threads.map(({ thread, ended }) => {
      const answer = new Promise<T>((resolve) => thread.once('message', resolve));
      thread.postMessage(job);
      return Promise.race([answer, ended]);
    });
  return {
    async pairs(rules, maxBlock = 2000) {
      // A helper finds rules by name, so rules of a caller's own are run here alone.
      if (rules.some((rule) => !BLOCKING_RULES.includes(rule))) return candidatePairs(sides, rules, maxBlock);
      const next = new Int32Array(new SharedArrayBuffer(4));
      const theirs = ask<RulePairs>({ kind: 'pairs', rules: rules.map((r) => r.name), maxBlock, next });
      const mine = pairsOfRules(sides, rules, () => Atomics.add(next, 0, 1), maxBlock);
      return mergePairs([mine, ...(await Promise.all(theirs))], sides.leftSize, rules.length);
    },
    async compare(pairs, rightStart, progress) {
      const shared = (bytes: number) => new SharedArrayBuffer(bytes);
      const left = new Int32Array(shared(pairs.count * 4));
      left.set(pairs.left.subarray(0, pairs.count));
      const right = new Int32Array(shared(pairs.count * 4));
      right.set(pairs.right.subarray(0, pairs.count));
      const job: CompareJob = {
        left,
        right,
        rightStart,
        levels: new Uint8Array(shared(pairs.count * COMPARISON_COUNT)),
        next: new Int32Array(shared(4)),
        kind: 'compare',
      };
      const finished = ask<void>(job);
      compareChunks(table, job, progress);
      await Promise.all(finished);
      return job.levels;
    },
    async close() {
      closing = true;
      await Promise.all(threads.map(({ thread }) => thread.terminate()));
    },
  };
}

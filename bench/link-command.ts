// Runs `lantern link` itself — the command a user runs — and scores what it wrote against truth.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface CommandRun {
  seconds: number;
  /** What the command printed (its choices and summary). */
  printed: string;
  pairs: { l: string; r: string; p: number }[];
}

export function runLinkCommand(args: string[], output: string): CommandRun {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--max-old-space-size=8192', path.join(ROOT, 'bin/lantern.js'), 'link', ...args, '--output', output],
    { encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' }, maxBuffer: 1 << 26 },
  );
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`lantern link failed (${run.status}): ${run.stderr}\n${run.stdout}`);
  const rows = parse(readFileSync(output), { columns: true }) as {
    id_l: string;
    id_r: string;
    probability: string;
  }[];
  return {
    seconds,
    printed: run.stdout,
    pairs: rows.map((r) => ({ l: r.id_l, r: r.id_r, p: Number(r.probability) })),
  };
}

/** Pairwise precision, recall and F1 at a threshold, from truth given as each id's person. */
export function scorePairs(
  pairs: CommandRun['pairs'],
  personOf: (id: string, side: 'l' | 'r') => string,
  truePairs: number,
  threshold = 0.5,
) {
  let tp = 0;
  let fp = 0;
  for (const pair of pairs) {
    if (pair.p < threshold) continue;
    if (personOf(pair.l, 'l') === personOf(pair.r, 'r')) tp++;
    else fp++;
  }
  const precision = tp / Math.max(tp + fp, 1);
  const recall = tp / Math.max(truePairs, 1);
  return { precision, recall, f1: (2 * precision * recall) / Math.max(precision + recall, 1e-9), tp, fp };
}

/** True pairs within one source, from each record's person. */
export function truePairsWithin(persons: Iterable<string>): number {
  const counts = new Map<string, number>();
  for (const p of persons) counts.set(p, (counts.get(p) ?? 0) + 1);
  let n = 0;
  for (const c of counts.values()) n += (c * (c - 1)) / 2;
  return n;
}

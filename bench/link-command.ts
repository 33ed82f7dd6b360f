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

export function runLinkCommand(args: string[], output: string, opts: { pairs?: boolean } = {}): CommandRun {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--max-old-space-size=8192', path.join(ROOT, 'bin/lantern.js'), 'link', ...args, '--output', output],
    { encoding: 'utf8', env: { ...process.env, NODE_ENV: 'production' }, maxBuffer: 1 << 26 },
  );
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`lantern link failed (${run.status}): ${run.stderr}\n${run.stdout}`);
  if (opts.pairs === false) return { seconds, printed: run.stdout, pairs: [] };
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

/** Pairwise figures implied by a clusters file: every two records in one cluster are a pair. */
export function scoreClusters(file: string, personOf: (id: string) => string, truePairs: number) {
  const rows = parse(readFileSync(file), { columns: true }) as { id: string; cluster_id: string }[];
  const members = new Map<string, string[]>();
  for (const r of rows) members.set(r.cluster_id, [...(members.get(r.cluster_id) ?? []), r.id]);
  let tp = 0;
  let fp = 0;
  for (const ids of members.values())
    for (let x = 0; x < ids.length; x++)
      for (let y = x + 1; y < ids.length; y++) {
        if (personOf(ids[x]) === personOf(ids[y])) tp++;
        else fp++;
      }
  const precision = tp / Math.max(tp + fp, 1);
  const recall = tp / Math.max(truePairs, 1);
  return { precision, recall, f1: (2 * precision * recall) / Math.max(precision + recall, 1e-9), tp, fp };
}

const THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99, 0.995, 0.999];

/** The best F1 over thresholds among those reaching a precision (null when none does). */
export function bestAtPrecision(
  pairs: CommandRun['pairs'],
  personOf: (id: string, side: 'l' | 'r') => string,
  truePairs: number,
  minPrecision: number,
) {
  const at = THRESHOLDS.map((t) => ({ threshold: t, ...scorePairs(pairs, personOf, truePairs, t) }));
  return at.filter((s) => s.precision >= minPrecision).sort((a, b) => b.f1 - a.f1)[0] ?? null;
}

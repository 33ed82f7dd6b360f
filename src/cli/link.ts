import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { withClient } from '../db/admin.ts';
import {
  clusterIds,
  compareCandidates,
  type MatchRecord,
  normaliseRecord,
  parseFieldMap,
  peopleForLinking,
  predict,
  readExtract,
  trainModel,
} from '../modules/matching/index.ts';
import { progressReporter } from './progress.ts';

export interface LinkCommand {
  input: string;
  against?: string;
  id: string;
  map: string;
  output: string;
  format: 'pairs' | 'clusters';
  threshold: number;
  seed: number;
  databaseUrl?: string;
}

export async function runLink(
  cmd: LinkCommand,
): Promise<{ records: number; pairsWritten: number; clusters?: number }> {
  const map = parseFieldMap(cmd.map);
  // Only the normalised records are kept: a million raw rows need not stay in memory.
  const left = readExtract(cmd.input, cmd.id, map).map(normaliseRecord);
  let right: MatchRecord[] | null = null;
  if (cmd.against === 'people') {
    if (!cmd.databaseUrl)
      throw new Error('Linking against people needs the database (DATABASE_URL or the embedded one)');
    right = await withClient(cmd.databaseUrl, (client) => peopleForLinking(client, null));
  } else if (cmd.against) {
    right = readExtract(cmd.against, cmd.id, map).map(normaliseRecord);
  }
  const progress = progressReporter();
  const compared = compareCandidates(left, right, { progress: progress.update });
  const params = trainModel(left, right, { seed: cmd.seed, progress: progress.update, compared });
  const scored = predict(params, left, right, { progress: progress.update, compared });
  progress.stop();
  const out = createWriteStream(cmd.output);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  const csvValue = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  let pairsWritten = 0;
  let clusterCount: number | undefined;
  const other = right ?? left;
  if (cmd.format === 'pairs') {
    await write('id_l,id_r,probability\n');
    for (let k = 0; k < scored.probability.length; k++) {
      if (scored.probability[k] < cmd.threshold) continue;
      await write(
        `${csvValue(left[scored.left[k]].id)},${csvValue(other[scored.right[k]].id)},${scored.probability[k].toFixed(6)}\n`,
      );
      pairsWritten++;
    }
  } else {
    // Linking two sources clusters both together: right-hand records follow the left ones.
    const size = left.length + (right?.length ?? 0);
    const offset = right ? left.length : 0;
    const ids = clusterIds(size, { ...scored, right: scored.right.map((j) => j + offset) }, cmd.threshold);
    const all = right ? [...left, ...right] : left;
    await write('id,cluster_id\n');
    const seen = new Set<number>();
    for (let i = 0; i < size; i++) {
      seen.add(ids[i]);
      await write(`${csvValue(all[i].id)},${csvValue(all[ids[i]].id)}\n`);
    }
    clusterCount = seen.size;
  }
  out.end();
  await once(out, 'finish');
  return { records: left.length + (right?.length ?? 0), pairsWritten, clusters: clusterCount };
}

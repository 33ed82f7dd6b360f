import { once } from 'node:events';
import { createWriteStream, writeFileSync } from 'node:fs';
import { withClient } from '../db/admin.ts';
import {
  clusterIds,
  compareCandidates,
  describeChoices,
  type ExplainedPair,
  explainPair,
  linkReport,
  type MatchRecord,
  type ModelParameters,
  mappedFieldNames,
  normaliseRecord,
  parseFieldMap,
  peopleForLinking,
  predict,
  readExtract,
  readModelFile,
  saveModelFile,
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
  household: 'on' | 'off' | 'auto';
  explain: boolean;
  report?: string;
  model?: string;
  modelOut?: string;
  databaseUrl?: string;
}

export async function runLink(cmd: LinkCommand): Promise<{
  records: number;
  pairsWritten: number;
  clusters?: number;
  choices: string[];
}> {
  const map = parseFieldMap(cmd.map);
  const fields = mappedFieldNames(map);
  const saved = cmd.model ? readModelFile(cmd.model) : null;
  // Only the normalised records are kept: a million raw rows need not stay in memory.
  const left = readExtract(cmd.input, cmd.id, map, normaliseRecord);
  let right: MatchRecord[] | null = null;
  if (cmd.against === 'people') {
    if (!cmd.databaseUrl)
      throw new Error('Linking against people needs the database (DATABASE_URL or the embedded one)');
    right = await withClient(cmd.databaseUrl, (client) => peopleForLinking(client, null));
  } else if (cmd.against) {
    right = readExtract(cmd.against, cmd.id, map, normaliseRecord);
  }
  const progress = progressReporter();
  const compared = await compareCandidates(left, right, {
    progress: progress.update,
    // u's random pairs are compared beside the candidates, unless a saved model is used.
    uSample: saved ? undefined : { seed: cmd.seed },
  });
  const params: ModelParameters =
    saved?.params ??
    trainModel(left, right, {
      seed: cmd.seed,
      progress: progress.update,
      compared,
      householdRules: cmd.household === 'auto' ? 'auto' : cmd.household === 'on',
      extraNames: map.extras.map((e) => e.name),
    });
  const scored = predict(params, left, right, { progress: progress.update, compared });
  progress.stop();
  const choices = describeChoices(compared, params, scored, { modelFrom: cmd.model });
  if (saved && saved.fields.join() !== fields.join())
    choices.push(
      `Warning: the model was trained on ${saved.fields.join(', ')}; this extract maps ${fields.join(', ')}`,
    );
  if (cmd.modelOut) saveModelFile(cmd.modelOut, params, fields);
  const other = right ?? left;
  const pairAt = (k: number): ExplainedPair =>
    explainPair(params, compared, k, left[scored.left[k]], other[scored.right[k]]);
  if (cmd.report)
    writeFileSync(
      cmd.report,
      await linkReport({ compared, params, scored, threshold: cmd.threshold, choices, pairAt, fields }),
    );

  const out = createWriteStream(cmd.output);
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  const csvValue = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  let pairsWritten = 0;
  let clusterCount: number | undefined;
  if (cmd.format === 'pairs') {
    await write(cmd.explain ? 'id_l,id_r,probability,match_weight,top_fields\n' : 'id_l,id_r,probability\n');
    for (let k = 0; k < scored.probability.length; k++) {
      if (scored.probability[k] < cmd.threshold) continue;
      const ids = `${csvValue(left[scored.left[k]].id)},${csvValue(other[scored.right[k]].id)},${scored.probability[k].toFixed(6)}`;
      if (cmd.explain) {
        const pair = pairAt(k);
        const top = pair.fields
          .filter((f) => f.weight !== 0)
          .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
          .slice(0, 3)
          .map((f) => `${f.label}: ${f.level} ${f.weight >= 0 ? '+' : ''}${f.weight.toFixed(1)}`)
          .join('; ');
        await write(`${ids},${pair.totalWeight.toFixed(2)},${csvValue(top)}\n`);
      } else await write(`${ids}\n`);
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
  return { records: left.length + (right?.length ?? 0), pairsWritten, clusters: clusterCount, choices };
}

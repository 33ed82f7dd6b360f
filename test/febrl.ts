import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import {
  compareCandidates,
  type MatchRecord,
  normaliseRecord,
  predict,
  trainModel,
} from '../src/modules/matching/index.ts';

const FEBRL = path.resolve(import.meta.dirname, '../data/linkage/febrl');

/** A FEBRL file as match records (truth is in the id: rec-N-org and rec-N-dup-k are person N). */
export function loadFebrl(file: string): MatchRecord[] {
  return (
    parse(readFileSync(path.join(FEBRL, file)), {
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
}

const person = (id: string) => id.split('-')[1];

/** Trains on FEBRL (no households, so household rules off) and scores pairs at a threshold. */
export async function evaluateFebrl(left: MatchRecord[], right: MatchRecord[] | null, threshold: number) {
  const compared = await compareCandidates(left, right);
  const params = trainModel(left, right, { householdRules: false, compared });
  const scored = predict(params, left, right, { compared });
  const other = right ?? left;
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
  let kept = 0;
  for (let k = 0; k < scored.probability.length; k++) {
    const same = person(left[scored.left[k]].id) === person(other[scored.right[k]].id);
    if (same) kept++;
    if (scored.probability[k] >= threshold) {
      if (same) tp++;
      else fp++;
    }
  }
  const precision = tp / (tp + fp);
  const recall = tp / truePairs;
  return {
    params,
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall),
    blockingRecall: kept / truePairs,
    truePairs,
  };
}

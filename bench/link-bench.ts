// `lantern link` itself on other people's data: FEBRL 1–4, Splink's fake_1000 and generated extracts
// of other shapes, each scored against its truth, with the targets and the public anchor (Splink's
// published figures) beside it, and the engine's own in-process figure on FEBRL measured in this run.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { evaluateFebrl, loadFebrl } from '../test/febrl.ts';
import {
  bestAtPrecision,
  runLinkCommand,
  scoreClusters,
  scorePairs,
  truePairsWithin,
} from './link-command.ts';
import { SHAPES, writeShape } from './shapes.ts';

const DATA = path.resolve(import.meta.dirname, '../data/linkage');
const f = (x: number) => x.toFixed(4);
const line = (s: { precision: number; recall: number; f1: number }) =>
  `precision ${f(s.precision)} recall ${f(s.recall)} F1 ${f(s.f1)}`;

/** The map a user would write for FEBRL: every column, the address from its three parts. */
export const FEBRL_MAP =
  'given_name=given_name,family_name=surname,dob=date_of_birth,postcode=postcode,' +
  'address=street_number+address_1+address_2,town=suburb,nhs_number=soc_sec_id';
export const FAKE_1000_MAP = 'given_name=first_name,family_name=surname,dob=dob,town=city,email=email';

const TARGETS: Record<string, string> = {
  'dataset3 (dedupe)': 'target ≥ 0.993; Splink 0.9929 at 0.5',
  'dataset4 (link a to b)': 'target ≥ 0.999; Splink 0.9992 at 0.5',
};

export async function runCommandFigures() {
  const dir = mkdtempSync(path.join(tmpdir(), 'lantern-link-bench-'));
  console.log('\n== lantern link, the command a user runs (pairs at p >= 0.5 unless said)');
  console.log(`FEBRL map: --map ${FEBRL_MAP}`);
  const person = (id: string) => id.split('-')[1];
  for (const [name, a, b] of [
    ['dataset1 (dedupe)', 'dataset1.csv', null],
    ['dataset2 (dedupe)', 'dataset2.csv', null],
    ['dataset3 (dedupe)', 'dataset3.csv', null],
    ['dataset4 (link a to b)', 'dataset4a.csv', 'dataset4b.csv'],
  ] as const) {
    const args = [
      '--input',
      path.join(DATA, 'febrl', a),
      ...(b ? ['--against', path.join(DATA, 'febrl', b)] : []),
      '--id',
      'rec_id',
      '--map',
      FEBRL_MAP,
    ];
    const run = runLinkCommand(args, path.join(dir, `${a}.pairs.csv`));
    const ids = (
      parse(readFileSync(path.join(DATA, 'febrl', a)), { columns: true, ltrim: true }) as { rec_id: string }[]
    ).map((r) => person(r.rec_id));
    const truth = b ? 5000 : truePairsWithin(ids);
    const command = scorePairs(run.pairs, person, truth);
    // The engine in-process on the same file (three address columns, household rules off), this run.
    const engine = await evaluateFebrl(loadFebrl(a), b ? loadFebrl(b) : null, 0.5);
    const household = /Household and twin rules: (on|off)/.exec(run.printed)?.[1];
    console.log(
      `FEBRL ${name}: ${line(command)} in ${run.seconds.toFixed(1)} s (households ${household}); engine in-process F1 ${f(engine.f1)}${TARGETS[name] ? `; ${TARGETS[name]}` : ''}`,
    );
  }

  const fakeFile = path.join(DATA, 'fake_1000', 'fake_1000.csv');
  const rows = parse(readFileSync(fakeFile), { columns: true }) as { unique_id: string; cluster: string }[];
  const cluster = new Map(rows.map((r) => [r.unique_id, r.cluster]));
  const fakeTruth = truePairsWithin(cluster.values());
  const fakeArgs = ['--input', fakeFile, '--id', 'unique_id', '--map', FAKE_1000_MAP];
  const fake = runLinkCommand(fakeArgs, path.join(dir, 'fake.pairs.csv'));
  const fakePairs = scorePairs(fake.pairs, (id) => cluster.get(id) as string, fakeTruth);
  const clustersFile = path.join(dir, 'fake.clusters.csv');
  runLinkCommand([...fakeArgs, '--format', 'clusters'], clustersFile, { pairs: false });
  const fakeClusters = scoreClusters(clustersFile, (id) => cluster.get(id) as string, fakeTruth);
  console.log(`fake_1000 map: --map ${FAKE_1000_MAP}`);
  console.log(
    `fake_1000 (1,000 records, ${fakeTruth} true pairs): pairs ${line(fakePairs)}; --format clusters ${line(fakeClusters)}; target ≥ 0.90; Splink 0.806 at 0.5, best 0.862`,
  );

  for (const shape of SHAPES) {
    const people = shape === 'uk-heavy' ? 5000 : 10_000;
    const extract = writeShape(shape, people, dir);
    const truthRows = parse(readFileSync(extract.file), { columns: true }) as {
      id: string;
      person: string;
    }[];
    const who = new Map(truthRows.map((r) => [r.id, r.person]));
    const personOf = (id: string) => who.get(id) as string;
    const truth = truePairsWithin(who.values());
    const args = ['--input', extract.file, '--id', 'id', '--map', extract.map];
    const run = runLinkCommand(args, path.join(dir, `${shape}.pairs.csv`));
    const at05 = scorePairs(run.pairs, personOf, truth);
    const best = bestAtPrecision(run.pairs, personOf, truth, 0.98);
    const household = /Household and twin rules: (on|off)/.exec(run.printed)?.[1];
    const kept = /keeps an estimated ([\d.]+%)/.exec(run.printed)?.[1];
    console.log(
      `${shape} (${extract.records.toLocaleString('en-GB')} records of ${people.toLocaleString('en-GB')} people, ${truth.toLocaleString('en-GB')} true pairs; ${run.seconds.toFixed(1)} s; households ${household}; blocking keeps ~${kept}): ${line(at05)}; ` +
        (best
          ? `best at precision ≥ 0.98: threshold ${best.threshold} ${line(best)}`
          : 'no threshold reaches precision 0.98') +
        (shape === 'uk-heavy'
          ? '; target F1 ≥ 0.80 at precision ≥ 0.98 (Splink 0.60 on the held-back set this imitates)'
          : ''),
    );
    if (shape === 'uk-heavy') {
      const file = path.join(dir, `${shape}.clusters.csv`);
      runLinkCommand([...args, '--format', 'clusters', '--threshold', '0.999'], file, { pairs: false });
      console.log(
        `${shape} --format clusters --threshold 0.999: ${line(scoreClusters(file, personOf, truth))}`,
      );
    }
  }
  console.log(`(extracts, pairs and clusters written in ${dir})`);
}

/**
 * npm run bench:reports — the ward report (all 30 wards × 12 months × 4 breakdowns, the district)
 * through the path a user takes: the service started with `lantern start`, a token from
 * `lantern token create`, and `GET /api/v1/reports/wards` over HTTP. Timed warm on the demo
 * district, then with 150,000 children added who have five years of flags, then at ten times
 * that, so the growth is visible. Figures are printed, never asserted. Target: ≤ 100 ms warm at
 * 150,000 children.
 *
 * The added children are shaped unlike the demo's: spread evenly over every ward and age and level,
 * 6% flagged at some time in the five years, some twice (the demo: about 3% over six years, most
 * 13 to 17, weighted to some wards).
 * Options (environment): BENCH_PORT (3910), BENCH_PG_PORT (54410), BENCH_REQUESTS (30 per size),
 * BENCH_SIZES (150000,1500000), BENCH_FLAGGED (0.06; 0.33 for a district flagged far more often).
 */
import { existsSync, rmSync } from 'node:fs';
import pg from 'pg';
import { addMonths, monthOf } from '../src/platform/figures/index.ts';
import { benchService } from './service.ts';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30);
// The share of added children flagged at some time in the five years (the demo district: about 3%).
const FLAGGED_SHARE = Number(process.env.BENCH_FLAGGED ?? 0.06);
const SIZES = (process.env.BENCH_SIZES ?? '150000,1500000').split(',').map(Number);
const bench = benchService({
  name: 'bench-reports',
  port: Number(process.env.BENCH_PORT ?? 3910),
  pgPort: Number(process.env.BENCH_PG_PORT ?? 54410),
  password: 'bench-password-2026',
});

/** Adds children (in batches, each in one statement) from `from` to `to`; each flagged (once or twice) with probability FLAGGED_SHARE over five years. */
async function addChildren(owner: pg.Client, from: number, to: number) {
  const { rows } = await owner.query('SELECT id FROM partnership LIMIT 1');
  const partnershipId = rows[0].id;
  const batch = 100_000;
  for (let start = from; start < to; start += batch) {
    const end = Math.min(to, start + batch);
    await owner.query(
      `WITH wards AS (SELECT array_agg(code ORDER BY code) AS codes FROM ward WHERE partnership_id = $1),
       made AS (
         INSERT INTO person (partnership_id, given_name, family_name, date_of_birth, dob_precision, gender, ethnicity, ward_code, disability)
         SELECT $1, 'Bench', 'Child ' || g, current_date - (365 + floor(random() * 17 * 365))::int, 'exact',
                (ARRAY['female', 'male', 'female', 'male', 'other', 'not_known'])[1 + floor(random() * 6)::int],
                (ARRAY['white_british', 'asian_pakistani', 'asian_indian', 'mixed_white_asian', 'black_african', 'white_other', NULL])[1 + floor(random() * 7)::int],
                w.codes[1 + floor(random() * cardinality(w.codes))::int],
                (ARRAY['yes', 'no', 'no', 'no', 'not_known', NULL])[1 + floor(random() * 6)::int]
           FROM generate_series($2::int, $3::int - 1) AS g, wards w
         RETURNING id),
       typed AS (SELECT id, floor(random() * 5)::int AS base FROM made),
       spells AS (
         SELECT t.id, now() - random() * interval '5 years' AS starts, (20 + random() * 400) * interval '1 day' AS lasts,
                -- A second spell is of another type, so a child never holds two open flags of one type.
                (ARRAY['cse', 'cce', 'county_lines', 'missing_linked', 'online'])[1 + (t.base + k) % 5] AS flag_type
           FROM typed t
           CROSS JOIN LATERAL generate_series(1, CASE WHEN t.id IS NOT NULL AND random() < $4 THEN 1 + floor(random() * 2)::int ELSE 0 END) AS k)
       INSERT INTO flag_period (partnership_id, person_id, flag_type, risk_level, valid_from, valid_to, set_reason)
       SELECT $1, id, flag_type,
              (ARRAY['emerging', 'moderate', 'significant'])[1 + floor(random() * 3)::int],
              starts, CASE WHEN starts + lasts < now() THEN starts + lasts END, 'bench:reports'
         FROM spells`,
      [partnershipId, start, end, FLAGGED_SHARE],
    );
    process.stdout.write(`  ${end.toLocaleString('en-GB')} children added\r`);
  }
  await owner.query('ANALYZE person; ANALYZE flag_period;');
  console.log();
}

async function time(url: string, token: string) {
  const get = async () => {
    const started = performance.now();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${res.status} ${body.slice(0, 300)}`);
    return { ms: performance.now() - started, bytes: body.length };
  };
  for (let i = 0; i < 3; i++) await get(); // warm: plans, caches, connections
  const runs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < REQUESTS; i++) {
    const r = await get();
    runs.push(r.ms);
    bytes = r.bytes;
  }
  runs.sort((a, b) => a - b);
  const at = (q: number) => runs[Math.min(runs.length - 1, Math.floor(q * runs.length))].toFixed(0);
  return { p50: at(0.5), p95: at(0.95), max: runs[runs.length - 1].toFixed(0), bytes };
}

async function main() {
  console.log(
    `bench:reports — ${REQUESTS} warm requests per size, on ${process.platform} ${process.arch}, Node ${process.version}`,
  );
  if (existsSync(bench.dataDir)) rmSync(bench.dataDir, { recursive: true, force: true });
  const service = await bench.start();
  const owner = new pg.Client({ connectionString: bench.ownerUrl() });
  await owner.connect();
  try {
    const token = bench.lantern('token', 'create', '--user', 'analyst', '--reason', 'bench:reports').trim();
    const to = addMonths(monthOf(new Date()), -1);
    const year = `${bench.base}/api/v1/reports/wards?from=${addMonths(to, -11)}&to=${to}`;
    const fiveYears = `${bench.base}/api/v1/reports/wards?from=${addMonths(to, -59)}&to=${to}`;
    const committee = `${year}&areaCommittee=Bradford%20South`;
    const line = async (label: string) => {
      const counts = (
        await owner.query(
          `SELECT (SELECT count(*) FROM person)::int AS people, (SELECT count(*) FROM flag_period)::int AS flags`,
        )
      ).rows[0];
      const a = await time(year, token);
      const b = await time(committee, token);
      const c = await time(fiveYears, token);
      console.log(
        `${label.padEnd(34)} ${counts.people.toLocaleString('en-GB').padStart(10)} people ${counts.flags.toLocaleString('en-GB').padStart(9)} flags | district 12 months p50 ${a.p50} ms p95 ${a.p95} ms (${(a.bytes / 1024).toFixed(0)} KB) | one committee p50 ${b.p50} ms | district 60 months p50 ${c.p50} ms p95 ${c.p95} ms`,
      );
      return Number(a.p50);
    };
    const baseline = await line('demo district (baseline)');
    let added = 0;
    const results: { size: number; p50: number }[] = [];
    for (const size of SIZES) {
      console.log(`Adding children up to ${size.toLocaleString('en-GB')}…`);
      await addChildren(owner, added, size);
      added = size;
      results.push({ size, p50: await line(`+${size.toLocaleString('en-GB')} children, five years`) });
    }
    const first = results[0];
    console.log(
      `Target: the district's 12-month report ≤ 100 ms warm at 150,000 children — measured p50 ${first?.p50.toFixed(0)} ms (demo baseline ${baseline.toFixed(0)} ms)${
        results[1]
          ? `; at ${results[1].size.toLocaleString('en-GB')}: ${results[1].p50.toFixed(0)} ms (${(results[1].p50 / first.p50).toFixed(1)}× for ${(results[1].size / first.size).toFixed(0)}× the children)`
          : ''
      }.`,
    );
  } finally {
    await owner.end();
    await service.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { withDatabase } from '../src/db/database.ts';

const target = await connectDatabase(
  loadConfig({ ...process.env, LANTERN_DATA_DIR: path.resolve('var/bench'), EMBEDDED_PG_PORT: '54331' }),
);
const c = new pg.Client({ connectionString: withDatabase(target.url, 'lantern_bench_100000') });
await c.connect();
const p = (
  await c.query(
    'SELECT partnership_id, given_name, family_name, date_of_birth, postcode FROM person LIMIT 1 OFFSET 500',
  )
).rows[0];
const name = `${p.given_name} ${p.family_name}`.toLowerCase();
for (const [label, sql, params] of [
  [
    'dob',
    'SELECT id FROM person WHERE partnership_id=$1 AND date_of_birth = ANY($2::date[])',
    [p.partnership_id, [p.date_of_birth]],
  ],
  [
    'postcode',
    'SELECT id FROM person WHERE partnership_id=$1 AND postcode=$2 LIMIT 300',
    [p.partnership_id, p.postcode],
  ],
  [
    'name trgm',
    "SELECT id FROM person WHERE partnership_id=$1 AND lower(given_name || ' ' || family_name) % $2 ORDER BY lower(given_name || ' ' || family_name) <-> $2 LIMIT 100",
    [p.partnership_id, name],
  ],
  [
    'family trgm',
    'SELECT id FROM person WHERE partnership_id=$1 AND lower(family_name) % $2 ORDER BY lower(family_name) <-> $2 LIMIT 100',
    [p.partnership_id, p.family_name.toLowerCase()],
  ],
] as [string, string, unknown[]][]) {
  const t = performance.now();
  for (let i = 0; i < 20; i++) await c.query(sql, params);
  console.log(
    label,
    ((performance.now() - t) / 20).toFixed(2),
    'ms',
    (await c.query(sql, params)).rowCount,
    'rows',
  );
}
await c.end();
await target.stop();
process.exit(0);

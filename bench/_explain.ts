import path from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { withDatabase } from '../src/db/database.ts';

const config = loadConfig({
  ...process.env,
  LANTERN_DATA_DIR: path.resolve('var/bench'),
  EMBEDDED_PG_PORT: '54331',
});
const target = await connectDatabase(config);
const c = new pg.Client({ connectionString: withDatabase(target.url, 'lantern_bench_1000000') });
await c.connect();
for (const sql of process.argv.slice(2)) {
  const { rows } = await c.query(sql);
  for (const r of rows) console.log(Object.values(r).join(' | '));
  console.log('---');
}
await c.end();
await target.stop();

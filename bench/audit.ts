/**
 * npm run bench:audit — the audited service under load, beside pgbench TPC-B on the same
 * PostgreSQL, in one run on this machine. Everything goes through the path a user takes: the
 * service is started with `lantern start`, the token made with `lantern token create`, and the load
 * is HTTP (autocannon) on the API and the signed-in pages. Figures are printed, never asserted.
 *
 *   audited API reads (GET /api/v1/people/{id})    at concurrency 1, 16, 100
 *   contact intake (POST /api/v1/contacts)          at concurrency 16
 *   the signed-in person page (GET /people/{id})    at concurrency 16
 *
 * Then the audit trail is verified with `lantern audit verify`.
 * Options (environment): BENCH_SECONDS (12 per run), BENCH_PORT (3900), BENCH_PG_PORT (54390).
 */
import { existsSync, rmSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { benchService, cpuPer, cpuTimes } from './service.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 12);
const PASSWORD = 'bench-password-2026';
const bench = benchService({
  name: 'bench-audit',
  port: Number(process.env.BENCH_PORT ?? 3900),
  pgPort: Number(process.env.BENCH_PG_PORT ?? 54390),
  password: PASSWORD,
});
const { lantern, ownerUrl, base: BASE, dataDir: DATA_DIR } = bench;

async function signInCookie(): Promise<string> {
  const jar: string[] = [];
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) jar.push(c.split(';')[0]);
    return r;
  };
  const page = keep(await fetch(`${BASE}/sign-in`));
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const signed = keep(
    await fetch(`${BASE}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: jar.join('; '), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'frontdoor', password: PASSWORD, next: '/', _csrf: csrf }),
    }),
  );
  if (signed.status !== 302) throw new Error(`sign-in failed: ${signed.status}`);
  // What a browser sends back: the session and the CSRF secret (kept, the latest of each name).
  const latest = new Map(jar.map((c) => [c.slice(0, c.indexOf('=')), c]));
  return ['lantern_session', 'lantern_csrf']
    .flatMap((name) => (latest.has(name) ? [latest.get(name)] : []))
    .join('; ');
}

interface Run {
  label: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  cpu: string;
}

let servicePid: number | undefined;

async function load(
  label: string,
  connections: number,
  request: (i: number) => { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<Run> {
  let n = 0;
  const options = (duration: number) => ({
    url: BASE,
    connections,
    duration,
    requests: [
      {
        setupRequest: (req: autocannon.Request) => {
          const r = request(n++);
          return { ...req, ...r, headers: { ...(req.headers as object), ...r.headers } } as typeof req;
        },
      },
    ],
  });
  await autocannon(options(3)); // warm up: connections, plans, caches
  const before = cpuTimes(servicePid);
  const result = await autocannon(options(SECONDS));
  const cpu = cpuPer(before, cpuTimes(servicePid), result.requests.total);
  return {
    label,
    connections,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    cpu,
  };
}

async function main() {
  if (existsSync(DATA_DIR)) rmSync(DATA_DIR, { recursive: true, force: true });
  console.log(
    `bench:audit — ${SECONDS} s per run, on ${process.platform} ${process.arch}, Node ${process.version}`,
  );
  const service = await bench.start();
  servicePid = service.child.pid;
  try {
    const owner = new pg.Client({ connectionString: ownerUrl() });
    await owner.connect();
    const people = (
      await owner.query('SELECT id FROM person WHERE merged_into IS NULL ORDER BY id LIMIT 1000')
    ).rows.map((r) => r.id as string);
    const school = (await owner.query("SELECT id FROM agency WHERE code = 'education'")).rows[0].id;
    const token = lantern('token', 'create', '--user', 'police', '--reason', 'bench:audit').trim();
    const intakeToken = lantern('token', 'create', '--user', 'frontdoor', '--reason', 'bench:audit').trim();
    const cookie = await signInCookie();

    // The baseline, on the same PostgreSQL: pgbench TPC-B at scale 16 in its own database.
    const tps1 = await bench.pgbench(1, SECONDS, true);
    const pgBefore = cpuTimes(servicePid);
    const tps16 = await bench.pgbench(16, SECONDS);
    // pgbench runs as this bench's child, so its own CPU counts as the load generator's.
    const pgCpu = cpuPer(pgBefore, cpuTimes(servicePid), tps16 * SECONDS);
    console.log(
      `pgbench TPC-B (prepared, scale 16): ${tps1.toFixed(0)} tps at 1 client, ${tps16.toFixed(0)} tps at 16\n  at 16: ${pgCpu}`,
    );

    const runs: Run[] = [];
    const read = (i: number) => ({
      path: `/api/v1/people/${people[i % people.length]}`,
      headers: { authorization: `Bearer ${token}` },
    });
    for (const c of [1, 16, 100]) runs.push(await load('audited API read', c, read));
    runs.push(
      await load('contact intake', 16, (i) => ({
        method: 'POST',
        path: '/api/v1/contacts',
        headers: {
          authorization: `Bearer ${intakeToken}`,
          'content-type': 'application/json',
          'idempotency-key': `bench-${Date.now()}-${i}`,
        },
        body: JSON.stringify({
          sourceKind: 'agency',
          sourceAgencyId: school,
          categories: ['criminal'],
          narrative: 'Seen with older males near the station late at night; phone has unknown contacts.',
          people: [{ personId: people[i % people.length], part: 'subject' }],
        }),
      })),
    );
    runs.push(
      await load('signed-in person page', 16, (i) => ({
        path: `/people/${people[i % people.length]}`,
        headers: { cookie },
      })),
    );

    // This machine's speed drifts within minutes: pgbench again after the loads shows by how much.
    const tps16After = await bench.pgbench(16, SECONDS);
    const pending = (await owner.query('SELECT count(*)::int AS n FROM audit_pending')).rows[0].n;
    const events = (await owner.query('SELECT count(*)::int AS n FROM audit_event')).rows[0].n;
    await owner.end();

    const target = (r: Run): string => {
      if (r.label === 'audited API read' && r.connections === 100)
        return `≥ 0.6× pgbench (${(0.6 * tps16).toFixed(0)}/s), p99 ≤ 100 ms`;
      if (r.label === 'contact intake') return `≥ 0.5× pgbench (${(0.5 * tps16).toFixed(0)}/s), p99 ≤ 100 ms`;
      if (r.label === 'signed-in person page') return '≥ 300/s';
      return 'rises with concurrency';
    };
    const met = (r: Run): string => {
      if (r.label === 'audited API read' && r.connections === 100)
        return r.rps >= 0.6 * tps16 && r.p99 <= 100 ? 'met' : 'NOT met';
      if (r.label === 'contact intake') return r.rps >= 0.5 * tps16 && r.p99 <= 100 ? 'met' : 'NOT met';
      if (r.label === 'signed-in person page') return r.rps >= 300 ? 'met' : 'NOT met';
      return '';
    };
    console.log(
      '\n| load | concurrency | requests/s | × pgbench(16) | p50 ms | p99 ms | errors | non-2xx | target | |',
    );
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const r of runs) {
      console.log(
        `| ${r.label} | ${r.connections} | ${r.rps.toFixed(0)} | ${(r.rps / tps16).toFixed(2)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} | ${target(r)} | ${met(r)} |`,
      );
    }
    // What each request costs the machine, and so the rate its cores allow at all.
    console.log();
    for (const r of runs) console.log(`${r.label} at ${r.connections}: ${r.cpu}`);
    console.log(
      `\npgbench TPC-B at 16 again after the loads: ${tps16After.toFixed(0)} tps (${tps16.toFixed(0)} before; the targets use the first)`,
    );
    const reads = runs.filter((r) => r.label === 'audited API read').map((r) => r.rps);
    console.log(
      `\nAudited reads ${reads[0] < reads[1] && reads[1] <= reads[2] * 1.05 ? 'rise' : 'do NOT rise'} with concurrency: ${reads.map((x) => x.toFixed(0)).join(' → ')} /s`,
    );
    console.log(
      `Audit events written: ${events.toLocaleString('en-GB')}; still waiting for a seal at the end: ${pending}`,
    );
    const started = Date.now();
    const verified = lantern('audit', 'verify');
    console.log(
      `lantern audit verify (${((Date.now() - started) / 1000).toFixed(1)} s): ${verified.trim().split('\n').at(-1)}`,
    );
  } finally {
    await service.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

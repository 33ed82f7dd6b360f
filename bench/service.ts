/**
 * The service as a benchmark runs it: started with `lantern start` on its own embedded PostgreSQL
 * and data directory, driven by the `lantern` command, and reached by the owner's connection for
 * preparing data and reading figures.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** CPU time (ms) used so far: by the service's Node process, its PostgreSQL, and this bench (with the commands it waited for). */
export interface CpuTimes {
  service: number;
  postgres: number;
  bench: number;
}

const TICK_MS = 10; // Linux reports CPU time in clock ticks of 1/100 s.

interface ProcessRow {
  parent: number;
  name: string;
  cpu: number;
  children: number;
}

/** Reads /proc: per process, its parent, name and CPU time (user + system, and of waited-for children). */
function processTable(): Map<number, ProcessRow> {
  const table = new Map<number, ProcessRow>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    table.set(Number(entry), {
      parent: Number(f[1]),
      name,
      cpu: (Number(f[11]) + Number(f[12])) * TICK_MS,
      children: (Number(f[13]) + Number(f[14])) * TICK_MS,
    });
  }
  return table;
}

/**
 * CPU used by the service (its Node process and any it started but PostgreSQL), its embedded
 * PostgreSQL (every postgres process under it) and this bench, or undefined where /proc cannot
 * tell (not Linux). On a machine with few cores the three share them, so CPU per request says
 * what rate the machine allows at all.
 */
export function cpuTimes(servicePid: number | undefined): CpuTimes | undefined {
  if (process.platform !== 'linux' || servicePid === undefined) return undefined;
  const table = processTable();
  const under = (pid: number) => {
    for (let at = table.get(pid)?.parent; at !== undefined && at > 1; at = table.get(at)?.parent)
      if (at === servicePid) return true;
    return false;
  };
  let postgres = 0;
  let service = 0;
  for (const [pid, p] of table) {
    if (p.name.startsWith('postgres') && under(pid)) postgres += p.cpu + p.children;
    else if (pid === servicePid || under(pid)) service += p.cpu;
  }
  const self = table.get(process.pid);
  return { service, postgres, bench: self ? self.cpu + self.children : 0 };
}

/** CPU per operation between two readings, and the rate this machine's cores could give at most. */
export function cpuPer(
  before: CpuTimes | undefined,
  after: CpuTimes | undefined,
  operations: number,
): string {
  if (!before || !after || operations <= 0) return 'CPU per operation: not measured here (needs Linux /proc)';
  const per = (k: keyof CpuTimes) => (after[k] - before[k]) / operations;
  const total = per('service') + per('postgres') + per('bench');
  const cores = cpus().length;
  return `CPU per operation: service ${per('service').toFixed(2)} ms + PostgreSQL ${per('postgres').toFixed(2)} ms + load generator ${per('bench').toFixed(2)} ms = ${total.toFixed(2)} ms; ${cores} cores allow at most ${((cores * 1000) / total).toFixed(0)}/s`;
}

export function benchService(opts: { name: string; port: number; pgPort: number; password: string }) {
  const dataDir = path.join(ROOT, `var/${opts.name}`);
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    LANTERN_DATA_DIR: dataDir,
    PORT: String(opts.port),
    EMBEDDED_PG_PORT: String(opts.pgPort),
    DEMO_PASSWORD: opts.password,
    DATABASE_URL: '',
  };

  /** Runs a `lantern` command against this service's database. */
  function lantern(...args: string[]): string {
    return execFileSync(process.execPath, [path.join(ROOT, 'bin/lantern.js'), ...args], {
      env,
      encoding: 'utf8',
    });
  }

  /** `lantern start`, resolved once it says it is running. */
  async function start() {
    // BENCH_PROFILE=DIR writes the service's CPU profile there (open it in Chrome's DevTools).
    const profile = process.env.BENCH_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
      : [];
    const child = spawn(process.execPath, [...profile, path.join(ROOT, 'bin/lantern.js'), 'start'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`Lantern did not start:\n${out.slice(-2000)}`)),
        300_000,
      );
      const watch = (chunk: Buffer) => {
        // Request logs are the service's normal output: read and dropped, as a log shipper would.
        if (out.length < 20_000) out += chunk.toString();
        if (out.includes('Lantern is running at')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout.on('data', watch);
      child.stderr.on('data', watch);
      child.on('exit', (code) => reject(new Error(`Lantern exited (${code}):\n${out.slice(-2000)}`)));
    });
    return {
      child,
      async stop() {
        child.kill('SIGINT');
        await new Promise((r) => child.on('exit', r));
      },
    };
  }

  /** The embedded PostgreSQL's superuser connection to a database. */
  function ownerUrl(database = 'lantern'): string {
    const password = readFileSync(path.join(dataDir, 'db-owner-password'), 'utf8').trim();
    return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.pgPort}/${database}`;
  }

  /**
   * pgbench TPC-B (the standard mix: three updates, a select and an insert per transaction) on a
   * database of its own on the same PostgreSQL: what this machine's database does per second.
   * `prepare` makes that database (scale 16) first.
   */
  async function pgbench(clients: number, seconds: number, prepare = false): Promise<number> {
    const url = new URL(ownerUrl('pgbench'));
    const pgEnv = { ...process.env, PGPASSWORD: decodeURIComponent(url.password) };
    const args = ['-h', '127.0.0.1', '-p', String(opts.pgPort), '-U', 'postgres'];
    if (prepare) {
      const owner = new pg.Client({ connectionString: ownerUrl() });
      await owner.connect();
      await owner.query('DROP DATABASE IF EXISTS pgbench');
      await owner.query('CREATE DATABASE pgbench');
      await owner.end();
      execFileSync('pgbench', [...args, '-i', '-s', '16', '-q', 'pgbench'], { env: pgEnv, stdio: 'ignore' });
    }
    const out = execFileSync(
      'pgbench',
      [
        ...args,
        '-c',
        String(clients),
        '-j',
        String(Math.min(clients, 2)),
        '-T',
        String(seconds),
        '-M',
        'prepared',
        '-n',
        'pgbench',
      ],
      { env: pgEnv, encoding: 'utf8' },
    );
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
    if (!tps) throw new Error(`pgbench said:\n${out}`);
    return Number(tps[1]);
  }

  return { dataDir, env, lantern, start, ownerUrl, pgbench, base: `http://127.0.0.1:${opts.port}` };
}

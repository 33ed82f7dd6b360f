/**
 * The service as a benchmark runs it: started with `lantern start` on its own embedded PostgreSQL
 * and data directory, driven by the `lantern` command, and reached by the owner's connection for
 * preparing data and reading figures.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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

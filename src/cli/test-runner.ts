import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabasesStartingWith, recreateDatabase } from '../db/admin.ts';
import { ensureDatabase, withDatabase } from '../db/database.ts';
import { startEmbedded } from '../db/embedded.ts';
import { migrate } from '../db/migrate.ts';
import { ensureServiceLogin, serviceLoginPassword } from '../db/roles.ts';
import { seedDemo } from '../demo/index.ts';
import { installJobs } from '../platform/jobs/index.ts';
import { jobDeclarations } from '../services.ts';

/** The session secret every test process uses; the service login's password derives from it. */
export const TEST_SESSION_SECRET = 'test-secret-that-is-long-enough-0123456789';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = (name: string) => path.join(ROOT, 'node_modules/.bin', name);

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('close', (code) => resolve(code ?? 1));
  });
}

function findTests(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return findTests(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The suite's tiers: no database; a real PostgreSQL; a real browser too. */
export const TIERS = ['unit', 'db', 'e2e'] as const;
export type Tier = (typeof TIERS)[number];

/** The district every test file starts from unless it asks for another (seeded once per run). */
export const TEST_DISTRICT = { seed: 7, people: 40 };
/** The demo users' password in tests. */
export const TEST_PASSWORD = 'correct-horse-battery';

/** Which tier a test file belongs to, from what it uses. */
export function tierOf(file: string): Tier {
  if (file.includes(`${path.sep}test${path.sep}e2e${path.sep}`)) return 'e2e';
  const text = readFileSync(file, 'utf8');
  return /createTestDatabase|createTestApp|startServer|LANTERN_TEST_|DATABASE_URL/.test(text) ? 'db' : 'unit';
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The suite: format and lint, types, then each tier — unit tests (no database), database tests
 * against a real PostgreSQL (DATABASE_URL's server when set, otherwise an embedded one) and browser
 * journeys. With a tier, only that tier; with files, only those. Prints each part's time.
 * Returns the exit code.
 */
export async function runTests(files: string[], opts: { tier?: Tier } = {}): Promise<number> {
  const started = Date.now();
  const times: [string, number][] = [];
  const timed = async (name: string, fn: () => Promise<number>) => {
    const t0 = Date.now();
    const code = await fn();
    times.push([name, Date.now() - t0]);
    return code;
  };
  const report = (code: number) => {
    console.log('\n== Time');
    for (const [name, ms] of times) console.log(`${name.padEnd(30)}${seconds(ms)}`);
    console.log(
      `${'whole run'.padEnd(30)}${seconds(Date.now() - started)} (target for npm test: 5 min on 2 cores)`,
    );
    return code;
  };
  const only = files.length > 0;
  if (!only && !opts.tier) {
    console.log('\n== Format and lint (Biome)');
    if ((await timed('format and lint', () => run(bin('biome'), ['check', '.']))) !== 0) return report(1);
    console.log('\n== Types (tsc --noEmit)');
    if ((await timed('types', () => run(bin('tsc'), ['--noEmit']))) !== 0) return report(1);
  }
  const all = only
    ? files.map((f) => path.resolve(f))
    : [...findTests(path.join(ROOT, 'src')), ...findTests(path.join(ROOT, 'test'))].sort();
  const byTier = new Map<Tier, string[]>(TIERS.map((tier) => [tier, all.filter((f) => tierOf(f) === tier)]));
  const wanted = TIERS.filter(
    (tier) => (!opts.tier || opts.tier === tier) && (byTier.get(tier)?.length ?? 0) > 0,
  );
  const nodeTest = (
    testFiles: string[],
    env: NodeJS.ProcessEnv,
    concurrency: number,
    timeoutSeconds: number,
  ) =>
    run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        `--test-concurrency=${concurrency}`,
        `--test-timeout=${timeoutSeconds * 1000}`,
        `--test-reporter=${process.env.LANTERN_TEST_REPORTER ?? (process.env.CI ? 'tap' : 'spec')}`,
        ...testFiles,
      ],
      env,
    );

  let code = 0;
  if (wanted.includes('unit')) {
    const unit = byTier.get('unit') as string[];
    console.log(`\n== Unit tests (${unit.length} files, no database)`);
    code = await timed('unit tests', () => nodeTest(unit, { ...process.env, NODE_ENV: 'test' }, 2, 120));
    if (code !== 0) return report(code);
  }
  const needsDatabase = wanted.filter((tier) => tier !== 'unit');
  if (!needsDatabase.length) return report(code);

  console.log('\n== Database');
  const t0 = Date.now();
  let adminUrl: string;
  let stopEmbedded: () => Promise<void> = async () => {};
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
    await ensureDatabase(adminUrl);
    console.log('Using the PostgreSQL server at DATABASE_URL.');
  } else {
    // A throwaway cluster per run: nothing left over can collide with it, and it leaves nothing behind.
    const port = await freePort();
    const dataDir = path.join(ROOT, 'var/test', String(process.pid));
    // Two test files at once each open pools on several databases of their own: PostgreSQL's
    // default of 100 connections was reached, and a test's connections were refused (53300).
    const embedded = await startEmbedded({ dataDir, port, maxConnections: 400 });
    adminUrl = embedded.url;
    stopEmbedded = async () => {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
    console.log(`Started an embedded PostgreSQL on port ${port}.`);
  }
  const prefix = `lantern_test_${process.pid}`;
  const template = `${prefix}_template`;
  const seeded = `${prefix}_seeded`;
  try {
    await recreateDatabase(adminUrl, template);
    await migrate(withDatabase(adminUrl, template));
    await ensureServiceLogin(withDatabase(adminUrl, template), serviceLoginPassword(TEST_SESSION_SECRET));
    // The job queue's schema and queues are part of the template, as migrations are.
    await installJobs(withDatabase(adminUrl, template), jobDeclarations());
    // The usual district, seeded once: a test file clones it rather than seeding its own.
    await recreateDatabase(adminUrl, seeded, template);
    await seedDemo(withDatabase(adminUrl, seeded), {
      ...TEST_DISTRICT,
      demoUsers: true,
      demoPassword: TEST_PASSWORD,
      history: false,
    });
    times.push(['database and templates', Date.now() - t0]);
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      LANTERN_TEST_ADMIN_URL: adminUrl,
      LANTERN_TEST_TEMPLATE: template,
      LANTERN_TEST_SEEDED_TEMPLATE: seeded,
      LANTERN_TEST_PREFIX: prefix,
    };
    const db = needsDatabase.includes('db') ? (byTier.get('db') as string[]) : [];
    const e2e = needsDatabase.includes('e2e') ? (byTier.get('e2e') as string[]) : [];
    if (db.length && e2e.length) {
      // Together in one pool of two: a journey waiting on a timeout leaves a core to database tests.
      console.log(
        `\n== Database tests (${db.length} files) and browser journeys (${e2e.length} files, Chromium and axe-core)`,
      );
      code = await timed('database and browser tests', () => nodeTest([...e2e, ...db], env, 2, 300));
    } else if (db.length) {
      console.log(`\n== Database tests (${db.length} files, real PostgreSQL)`);
      code = await timed('database tests', () => nodeTest(db, env, 2, 180));
    } else if (e2e.length) {
      console.log(`\n== Browser journeys (${e2e.length} files, Chromium and axe-core)`);
      code = await timed('browser journeys', () => nodeTest(e2e, env, 2, 300));
    }
    return report(code);
  } finally {
    await dropDatabasesStartingWith(adminUrl, prefix);
    await stopEmbedded();
  }
}

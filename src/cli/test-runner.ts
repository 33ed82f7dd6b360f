import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dropDatabasesStartingWith, recreateDatabase } from '../db/admin.ts';
import { ensureDatabase, withDatabase } from '../db/database.ts';
import { startEmbedded } from '../db/embedded.ts';
import { migrate } from '../db/migrate.ts';
import { ensureServiceLogin, serviceLoginPassword } from '../db/roles.ts';
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

/**
 * The whole suite: format and lint, types, then unit, integration and browser tests against a real
 * PostgreSQL (DATABASE_URL's server when set, otherwise an embedded one). Returns the exit code.
 */
export async function runTests(files: string[]): Promise<number> {
  const only = files.length > 0;
  if (!only) {
    console.log('\n== Format and lint (Biome)');
    if ((await run(bin('biome'), ['check', '.'])) !== 0) return 1;
    console.log('\n== Types (tsc --noEmit)');
    if ((await run(bin('tsc'), ['--noEmit'])) !== 0) return 1;
  }

  console.log('\n== Database');
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
    const embedded = await startEmbedded({ dataDir, port });
    adminUrl = embedded.url;
    stopEmbedded = async () => {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
    console.log(`Started an embedded PostgreSQL on port ${port}.`);
  }
  const prefix = `lantern_test_${process.pid}`;
  const template = `${prefix}_template`;
  try {
    await recreateDatabase(adminUrl, template);
    await migrate(withDatabase(adminUrl, template));
    await ensureServiceLogin(withDatabase(adminUrl, template), serviceLoginPassword(TEST_SESSION_SECRET));
    // The job queue's schema and queues are part of the template, as migrations are.
    await installJobs(withDatabase(adminUrl, template), jobDeclarations());

    const testFiles = only
      ? files.map((f) => path.resolve(f))
      : [...findTests(path.join(ROOT, 'src')), ...findTests(path.join(ROOT, 'test'))].sort();
    console.log(`\n== Tests (${testFiles.length} files)`);
    const env = {
      ...process.env,
      NODE_ENV: 'test',
      LANTERN_TEST_ADMIN_URL: adminUrl,
      LANTERN_TEST_TEMPLATE: template,
      LANTERN_TEST_PREFIX: prefix,
    };
    return await run(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-concurrency=2',
        '--test-timeout=180000',
        `--test-reporter=${process.env.LANTERN_TEST_REPORTER ?? (process.env.CI ? 'tap' : 'spec')}`,
        ...testFiles,
      ],
      env,
    );
  } finally {
    await dropDatabasesStartingWith(adminUrl, prefix);
    await stopEmbedded();
  }
}

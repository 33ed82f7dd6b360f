import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { TEST_PASSWORD, TEST_SESSION_SECRET, testConfig } from '../../test/helpers.ts';
import { type RunningServer, startServer } from '../server.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Operators' commands while `lantern start` runs on the embedded database: they use that same
 * database (found from the data directory), never a second one; and each answers --help.
 */
describe('lantern commands beside a running service (embedded PostgreSQL)', () => {
  let dataDir: string;
  let server: RunningServer;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'lantern-beside-'));
    const embeddedPgPort = await freePort();
    const config = testConfig({
      databaseUrl: undefined,
      dataDir,
      embeddedPgPort,
      port: 0,
      auditAnchorFile: path.join(dataDir, 'audit-anchors.log'),
      demoPassword: TEST_PASSWORD,
    });
    server = await startServer(config, { seedIfEmpty: true, say: () => undefined });
    const { DATABASE_URL: _unset, ...rest } = process.env;
    env = {
      ...rest,
      NODE_ENV: 'test',
      LANTERN_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(embeddedPgPort),
      SESSION_SECRET: TEST_SESSION_SECRET,
    };
  });
  after(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // Asynchronous, so the service in this process keeps answering while the command runs.
  const lantern = (...args: string[]) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/lantern.js'), ...args], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  it("runs the README's API example: a token made beside the service works against it", async () => {
    const made = await lantern('token', 'create', '--user', 'police', '--reason', 'README example');
    assert.equal(made.status, 0, made.stderr);
    const token = made.stdout.trim();
    const response = await fetch(`${server.url}/api/v1/people?name=khan&postcode=BD7`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.status, 200);
    assert.ok(Array.isArray((await response.json()).results));
  });

  it('reaches the embedded cluster through the Unix socket in its own directory, not loopback TCP', async () => {
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    const password = readFileSync(path.join(dataDir, 'db-owner-password'), 'utf8').trim();
    const owner = new pg.Client({
      host: path.join(dataDir, 'pg'),
      port: Number(env.EMBEDDED_PG_PORT),
      user: 'postgres',
      password,
      database: 'lantern',
    });
    await owner.connect();
    try {
      const { rows } = await owner.query(
        `SELECT count(*) FILTER (WHERE client_addr IS NULL)::int AS socket, count(*) FILTER (WHERE client_addr IS NOT NULL)::int AS tcp
           FROM pg_stat_activity WHERE usename = 'lantern_service'`,
      );
      assert.ok(rows[0].socket > 0, 'the service has connections over the socket');
      assert.equal(rows[0].tcp, 0, 'and none over TCP');
    } finally {
      await owner.end();
    }
  });

  it('verifies the audit trail, migrates and prints the head of the running database', async () => {
    const verified = await lantern('audit', 'verify');
    assert.equal(verified.status, 0, verified.stderr);
    assert.match(verified.stdout, /Audit trail intact/);
    assert.match(verified.stdout, /Checked against the anchor log/);
    const migrated = await lantern('migrate');
    assert.equal(migrated.status, 0, migrated.stderr);
    assert.match(migrated.stdout, /up to date/);
    const head = await lantern('audit', 'head');
    assert.match(head.stdout.trim(), /^\d+ [0-9a-f]{64}$/);
    const refused = await lantern('seed', '--reset');
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /Lantern is running on this database/);
    // The service is still up after all of that.
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
  });

  it('answers --help for every command, and a mistake with its usage (exit 2), never a stack trace', async () => {
    for (const command of ['start', 'migrate', 'seed', 'audit', 'token', 'link', 'import', 'test']) {
      const help = await lantern(command, '--help');
      assert.equal(help.status, 0, `${command}: ${help.stderr}`);
      assert.match(help.stdout, new RegExp(`^Usage: lantern ${command}`), command);
    }
    for (const wrong of [
      ['import', '--bogus'],
      ['link'],
      ['token', 'create'],
      ['audit', 'nonsense'],
      ['frobnicate'],
    ]) {
      const result = await lantern(...wrong);
      assert.equal(result.status, 2, `${wrong.join(' ')}: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /, `${wrong.join(' ')} printed a stack trace`);
      assert.match(result.stderr, /Usage: lantern/);
    }
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Client,
  createTestApp,
  createTestDatabase,
  type TestApp,
  type TestDatabase,
} from '../../../test/helpers.ts';
import { createJobs, installJobs, type JobDefinition, type Jobs } from './index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

async function until(what: string, check: () => Promise<boolean>, seconds = 40) {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(200);
  }
  assert.fail(`timed out waiting for ${what}`);
}

/**
 * The job queue is pg-boss on Lantern's own database: retries back off, jobs wait in the database
 * across restarts, each runs once however many processes work the queue, and a job that has used
 * up its retries is shown to administrators (Jobs page, `lantern jobs`).
 */
describe('jobs on PostgreSQL', () => {
  let t: TestDatabase;
  const running: Jobs[] = [];
  const attempts = new Map<string, number[]>();
  const ranBy = new Map<string, string[]>();

  const definitions = (worker: string): JobDefinition[] => [
    {
      name: 'test.flaky',
      retryLimit: 3,
      retryDelay: 1,
      retryBackoff: true,
      async run(data) {
        const id = String(data.id);
        const times = [...(attempts.get(id) ?? []), Date.now()];
        attempts.set(id, times);
        if (times.length < 3) throw new Error(`attempt ${times.length} failed`);
      },
    },
    {
      name: 'test.once',
      retryLimit: 0,
      async run(data) {
        const id = String(data.id);
        ranBy.set(id, [...(ranBy.get(id) ?? []), worker]);
        await sleep(20);
      },
    },
    {
      name: 'test.broken',
      retryLimit: 1,
      retryDelay: 1,
      retryBackoff: false,
      async run() {
        throw new Error('The register could not be reached');
      },
    },
    { name: 'test.scheduled', schedule: '15 3 * * *', async run() {} },
  ];

  const start = async (worker: string) => {
    const jobs = createJobs(t.appUrl, t.db.pool);
    await jobs.start(definitions(worker));
    running.push(jobs);
    return jobs;
  };

  before(async () => {
    t = await createTestDatabase();
    await installJobs(t.url, definitions('installer'));
  });
  after(async () => {
    await Promise.all(running.map((j) => j.stop()));
    await t.close();
  });

  it('waits in the database while nothing runs, and runs once a worker starts (a restart loses nothing)', async () => {
    const idle = createJobs(t.appUrl, t.db.pool);
    await idle.send('test.once', { id: 'before-start' });
    await idle.stop();
    const queued = await t.owner.pool.query(
      `SELECT state FROM pgboss.job WHERE name = 'test.once' AND data->>'id' = 'before-start'`,
    );
    assert.deepEqual(
      queued.rows.map((r) => r.state),
      ['created'],
    );
    await start('first');
    await until('the queued job to run', async () => (ranBy.get('before-start')?.length ?? 0) > 0);
    assert.deepEqual(ranBy.get('before-start'), ['first']);
  });

  it('retries a failing job with growing waits until it succeeds', async () => {
    const jobs = running[0];
    await jobs.send('test.flaky', { id: 'flaky' });
    await until('the third attempt', async () => (attempts.get('flaky')?.length ?? 0) >= 3);
    const [a, b, c] = attempts.get('flaky') as number[];
    // Back-off with a 1 s delay: the first retry waits at least 1 s, the second at least 2 s.
    assert.ok(b - a >= 1000, `first retry after ${b - a} ms`);
    assert.ok(c - b >= 2000, `second retry after ${c - b} ms`);
    await until('the job to be completed', async () => {
      const { rows } = await t.owner.pool.query(
        `SELECT state, retry_count FROM pgboss.job WHERE name = 'test.flaky' AND data->>'id' = 'flaky'`,
      );
      return rows[0]?.state === 'completed' && rows[0].retry_count === 2;
    });
  });

  it('runs each job once across several processes working the same queue', async () => {
    const second = await start('second');
    const ids = Array.from({ length: 40 }, (_, i) => `many-${i}`);
    // Sent through both processes at once, as two web processes would.
    await Promise.all(ids.map((id, i) => (i % 2 ? second : running[0]).send('test.once', { id })));
    await until('all forty jobs to run', async () => ids.every((id) => ranBy.has(id)));
    await sleep(2500); // long enough for a second run, if there were to be one
    const twice = ids.filter((id) => (ranBy.get(id) ?? []).length !== 1);
    assert.deepEqual(twice, []);
  });

  it('keeps one schedule per scheduled job, however many processes set it', async () => {
    const { rows } = await t.owner.pool.query(
      `SELECT name, cron, timezone FROM pgboss.schedule WHERE name LIKE 'test.%'`,
    );
    assert.deepEqual(rows, [{ name: 'test.scheduled', cron: '15 3 * * *', timezone: 'UTC' }]);
  });

  describe('a job that has used up its retries', () => {
    let ta: TestApp;
    before(async () => {
      await running[0].send('test.broken', { id: 'broken' });
      await until('the job to fail for good', async () => {
        const failed = await running[0].failed();
        return failed.some((f) => f.name === 'test.broken');
      });
      ta = await createTestApp(t);
    });
    after(() => ta.app.close());

    it('is listed with its error and tries', async () => {
      const [failed] = (await running[0].failed()).filter((f) => f.name === 'test.broken');
      assert.equal(failed.error, 'The register could not be reached');
      assert.equal(failed.retryCount, 1);
      const summary = (await running[0].summary()).find((q) => q.name === 'test.broken');
      assert.equal(summary?.failed, 1);
    });

    it('is shown to administrators on the Jobs page, and to no one else', async () => {
      const admin = new Client(ta.app);
      await admin.signIn('admin');
      const page = await admin.get('/admin/jobs');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /test\.broken/);
      assert.match(page.body, /The register could not be reached/);
      const worker = new Client(ta.app);
      await worker.signIn('frontdoor');
      assert.equal((await worker.get('/admin/jobs')).statusCode, 403);
    });

    it('is listed by `lantern jobs`', async () => {
      const { DATABASE_URL: _unset, ...rest } = process.env;
      const result = await new Promise<{ status: number | null; stdout: string; stderr: string }>(
        (resolve) => {
          const child = spawn(process.execPath, [path.join(ROOT, 'bin/lantern.js'), 'jobs'], {
            env: { ...rest, NODE_ENV: 'test', DATABASE_URL: t.url },
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d) => {
            stdout += d;
          });
          child.stderr.on('data', (d) => {
            stderr += d;
          });
          child.on('close', (status) => resolve({ status, stdout, stderr }));
        },
      );
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^test\.broken\s+0\s+0\s+0\s+1\s/m);
      assert.match(result.stdout, /test\.broken \(2 tries\): The register could not be reached/);
      assert.match(result.stdout, /^test\.once\s+0\s+0\s+41\s+0\s/m);
    });
  });
});

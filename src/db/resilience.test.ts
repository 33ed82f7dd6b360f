import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { TEST_PASSWORD, TEST_SESSION_SECRET, testConfig } from '../../test/helpers.ts';
import { startServer } from '../server.ts';
import { withDatabase } from './database.ts';
import { startEmbedded } from './embedded.ts';

/**
 * The service outlives its database: while PostgreSQL is away requests get 503 (problem details,
 * or the GOV.UK "service unavailable" page), /health says 503, the process stays up, and when the
 * database is back it carries on by itself — with nothing it acknowledged lost.
 * Each case runs its own PostgreSQL, so stopping it disturbs no other test.
 */

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const until = async (what: string, check: () => Promise<boolean>, ms = 30_000) => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
};

const health = async (url: string) => (await fetch(`${url}/health`)).status;

async function token(url: string): Promise<string> {
  // Sign in through the page, then make an API token on the account page, as a user would.
  const jar: string[] = [];
  const keep = (r: Response) => {
    for (const c of r.headers.getSetCookie()) jar.push(c.split(';')[0]);
    return r;
  };
  const cookie = () => jar.join('; ');
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  let page = keep(await fetch(`${url}/sign-in`));
  let csrf = csrfOf(await page.text());
  keep(
    await fetch(`${url}/sign-in`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'police', password: TEST_PASSWORD, next: '/', _csrf: csrf }),
    }),
  );
  page = keep(await fetch(`${url}/account`, { headers: { cookie: cookie() } }));
  csrf = csrfOf(await page.text());
  const made = await fetch(`${url}/account/tokens`, {
    method: 'POST',
    headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name: 'load', _csrf: csrf }),
  });
  const found = /lnt_[A-Za-z0-9_-]{20,}/.exec(await made.text());
  assert.ok(found, 'token shown');
  return found[0];
}

/** Contacts posted in a loop by several callers; returns the ids the service acknowledged. */
function load(url: string, bearer: string, personId: string, agencyId: string) {
  const acknowledged = new Set<string>();
  const statuses = new Map<number, number>();
  let running = true;
  let n = 0;
  const caller = async () => {
    while (running) {
      const key = `load-${process.pid}-${n++}`;
      try {
        const response = await fetch(`${url}/api/v1/contacts`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${bearer}`,
            'content-type': 'application/json',
            'idempotency-key': key,
          },
          body: JSON.stringify({
            sourceKind: 'agency',
            sourceAgencyId: agencyId,
            categories: ['criminal'],
            narrative: `Load ${key}`,
            people: [{ personId, part: 'subject' }],
          }),
        });
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 201) acknowledged.add((await response.json()).id);
        else await response.arrayBuffer();
      } catch {
        statuses.set(0, (statuses.get(0) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  const callers = Array.from({ length: 8 }, caller);
  return {
    acknowledged,
    statuses,
    async stop() {
      running = false;
      await Promise.all(callers);
    },
  };
}

async function fixtures(ownerUrl: string) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const person = (await client.query('SELECT id FROM person ORDER BY id LIMIT 1')).rows[0].id;
    const agency = (await client.query("SELECT id FROM agency WHERE code = 'education'")).rows[0].id;
    return { person, agency };
  } finally {
    await client.end();
  }
}

async function stored(ownerUrl: string, ids: Set<string>): Promise<number> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM contact WHERE id = ANY($1::uuid[])', [
      [...ids],
    ]);
    return rows[0].n;
  } finally {
    await client.end();
  }
}

describe('the service survives its database', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('with DATABASE_URL: 503 while PostgreSQL restarts under load, then recovers by itself, losing nothing acknowledged', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lantern-pg-'));
    dirs.push(dataDir);
    const port = await freePort();
    let cluster = await startEmbedded({ dataDir, port });
    const databaseUrl = withDatabase(cluster.url, 'lantern');
    const config = testConfig({
      databaseUrl,
      port: 0,
      dataDir,
      auditAnchorFile: path.join(dataDir, 'anchors.log'),
      sessionSecret: TEST_SESSION_SECRET,
      demoPassword: TEST_PASSWORD,
    });
    const server = await startServer(config, { seedIfEmpty: true, say: () => undefined });
    try {
      const bearer = await token(server.url);
      const { person, agency } = await fixtures(databaseUrl);
      const running = load(server.url, bearer, person, agency);
      await new Promise((r) => setTimeout(r, 1500));
      await cluster.stop();
      await until('/health to say 503', async () => (await health(server.url)) === 503);
      const api = await fetch(`${server.url}/api/v1/people/${person}`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      assert.equal(api.status, 503);
      assert.equal(api.headers.get('content-type'), 'application/problem+json; charset=utf-8');
      assert.match((await api.json()).detail, /database is not available/);
      const page = await fetch(`${server.url}/sign-in`, {
        method: 'POST',
        body: new URLSearchParams({ username: 'x', password: 'y' }),
      });
      const html = await page.text();
      assert.ok([403, 503].includes(page.status), `page status ${page.status}`);
      const people = await fetch(`${server.url}/accessibility`);
      assert.equal(people.status, 200, 'pages that need no database still work');
      assert.ok(html.length > 0);
      cluster = await startEmbedded({ dataDir, port });
      await until('/health to say 200 again', async () => (await health(server.url)) === 200);
      await new Promise((r) => setTimeout(r, 1500));
      await running.stop();
      assert.ok((running.statuses.get(201) ?? 0) > 0, JSON.stringify([...running.statuses]));
      assert.ok(
        (running.statuses.get(503) ?? 0) + (running.statuses.get(0) ?? 0) > 0,
        'requests were refused while away',
      );
      assert.equal(running.statuses.get(500) ?? 0, 0, JSON.stringify([...running.statuses]));
      // Every contact the service said it received is there.
      assert.equal(await stored(databaseUrl, running.acknowledged), running.acknowledged.size);
      // And it takes new work again.
      const after = await fetch(`${server.url}/api/v1/people/${person}`, {
        headers: { authorization: `Bearer ${bearer}` },
      });
      assert.equal(after.status, 200);
    } finally {
      await server.stop();
      await cluster.stop();
    }
  });

  it('embedded: a PostgreSQL that dies is started again by the service', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'lantern-embedded-'));
    dirs.push(dataDir);
    const config = testConfig({
      databaseUrl: undefined,
      dataDir,
      embeddedPgPort: await freePort(),
      port: 0,
      auditAnchorFile: path.join(dataDir, 'anchors.log'),
      demoPassword: TEST_PASSWORD,
    });
    const said: string[] = [];
    const server = await startServer(config, { seedIfEmpty: true, say: (line) => said.push(line) });
    try {
      assert.equal(await health(server.url), 200);
      const pid = Number(readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      process.kill(pid, 'SIGKILL');
      await until('the service to restart its PostgreSQL', async () =>
        said.some((l) => /running again/.test(l)),
      );
      await until('/health to say 200', async () => (await health(server.url)) === 200);
      assert.ok(said.some((l) => /stopped unexpectedly/.test(l)));
    } finally {
      await server.stop();
    }
  });
});

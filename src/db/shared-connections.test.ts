import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../test/helpers.ts';
import { type Database, DatabaseUnavailableError, openDatabase } from './database.ts';

/**
 * Statements outside a transaction share a few pipelined connections (SharedConnections in
 * database.ts). These tests hold it to what a pool of one-statement checkouts gave: every statement
 * its own answer, its own commit or failure, nothing waiting behind a slow one, and a broken
 * connection failing only what was on it.
 */
describe('statements outside a transaction, on shared pipelined connections', () => {
  let t: TestDatabase;
  let db: Database;
  const backends = async () =>
    (
      await t.owner.pool.query(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND usename = 'lantern_service' AND application_name = 'shared-test'",
      )
    ).rows.map((r) => r.pid as number);

  before(async () => {
    t = await createTestDatabase({ people: 5 });
    db = openDatabase(t.appUrl, { max: 2, shared: 2, applicationName: 'shared-test' });
  });
  after(async () => {
    await db.close();
    await t.close();
  });

  it('gives each of thousands of concurrent statements its own rows, with failures kept to themselves', async () => {
    const scope = db.for({ partnershipId: t.partnershipId });
    const results = await Promise.allSettled(
      Array.from({ length: 3000 }, (_, i) =>
        // Every seventh divides by zero: it fails, and the ones behind it in the pipeline do not.
        scope.query('SELECT $1::int AS n, 1 / $2::int AS one, count(*)::int AS people FROM person', [
          i,
          i % 7 === 0 ? 0 : 1,
        ]),
      ),
    );
    results.forEach((r, i) => {
      if (i % 7 === 0) {
        assert.equal(r.status, 'rejected');
        assert.match(String((r as PromiseRejectedResult).reason), /division by zero/);
      } else {
        assert.equal(r.status, 'fulfilled', String((r as PromiseRejectedResult).reason));
        const row = (r as PromiseFulfilledResult<{ rows: { n: number; people: number }[] }>).value.rows[0];
        assert.equal(row.n, i);
        // Row-level security still sees the partnership's own five people on every connection.
        assert.equal(row.people, 5);
      }
    });
    // Thousands of statements, but no more connections than were allowed.
    assert.ok((await backends()).length <= 2);
  });

  it('commits or refuses each writing statement on its own, even beside failing ones', async () => {
    await t.owner.pool.query('CREATE TABLE shared_probe (n int PRIMARY KEY)');
    await t.owner.pool.query('GRANT SELECT, INSERT ON shared_probe TO lantern_app');
    const scope = db.pool;
    // 0..399 twice over: the second of each pair breaks the primary key and must change nothing.
    const results = await Promise.allSettled(
      Array.from({ length: 800 }, (_, i) =>
        scope.query('INSERT INTO shared_probe (n) VALUES ($1)', [i % 400]),
      ),
    );
    assert.equal(results.filter((r) => r.status === 'rejected').length, 400);
    const stored = await t.owner.pool.query(
      'SELECT count(*)::int AS n, count(DISTINCT n)::int AS d FROM shared_probe',
    );
    assert.deepEqual(stored.rows[0], { n: 400, d: 400 });
  });

  it('does not keep quick statements waiting behind a slow one', async () => {
    const scope = db.for({ partnershipId: t.partnershipId });
    await scope.query('SELECT 1'); // one connection open and idle
    const slow = scope.query('SELECT pg_sleep(1.5)');
    await new Promise((r) => setTimeout(r, 100)); // the slow one has the connection
    const started = performance.now();
    await Promise.all(Array.from({ length: 20 }, (_, i) => scope.query('SELECT $1::int', [i])));
    const took = performance.now() - started;
    assert.ok(took < 1000, `quick statements took ${took.toFixed(0)} ms behind a slow one`);
    await slow;
  });

  it('fails only the statements on a connection that breaks, as "unavailable", and carries on', async () => {
    const scope = db.for({ partnershipId: t.partnershipId });
    await scope.query('SELECT 1');
    const inFlight = Array.from({ length: 50 }, () => scope.query('SELECT pg_sleep(0.02)'));
    await new Promise((r) => setTimeout(r, 50));
    await t.owner.pool.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [
      await backends(),
    ]);
    const settled = await Promise.allSettled(inFlight);
    const failed = settled.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    assert.ok(failed.length > 0, 'some statements were on the broken connection');
    for (const f of failed) assert.ok(f.reason instanceof DatabaseUnavailableError, String(f.reason));
    // The process is still here, and the next statements open a new connection.
    const after = await Promise.all(
      Array.from({ length: 10 }, (_, i) => scope.query('SELECT $1::int AS n', [i])),
    );
    assert.deepEqual(
      after.map((r) => r.rows[0].n),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it('sends the statements of one turn of the event loop in one write', async () => {
    const scope = db.for({ partnershipId: t.partnershipId });
    await Promise.all([scope.query('SELECT 1'), scope.query('SELECT 2')]); // both connections open
    // Every write that reaches a socket, whether one buffer or several at once.
    const proto = net.Socket.prototype as unknown as Record<
      '_write' | '_writev',
      (...a: unknown[]) => unknown
    >;
    const { _write: write, _writev: writev } = proto;
    let writes = 0;
    proto._write = function (...a: unknown[]) {
      writes++;
      return write.apply(this, a);
    };
    proto._writev = function (...a: unknown[]) {
      writes++;
      return writev.apply(this, a);
    };
    let answers: number[];
    try {
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => scope.query('SELECT $1::int AS n', [i])),
      );
      answers = results.map((r) => r.rows[0].n);
    } finally {
      proto._write = write;
      proto._writev = writev;
    }
    assert.deepEqual(
      answers,
      Array.from({ length: 60 }, (_, i) => i),
    );
    // 60 statements over at most two connections: a write or two each, not one per statement.
    assert.ok(writes <= 4, `${writes} writes for 60 statements`);
  });
});

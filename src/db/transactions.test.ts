import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../test/helpers.ts';
import { type Database, openDatabase, sideBySide } from './database.ts';

/**
 * A transaction's connection is pipelined, and independent pieces of one change run side by side
 * (`sideBySide`). These tests hold it to what one statement after another gave: the statements run
 * in the order they were sent, a failure anywhere rolls back all of it, and nothing a piece writes
 * after another piece failed can escape the transaction.
 */
describe('statements side by side in one transaction', () => {
  let t: TestDatabase;
  let db: Database;

  before(async () => {
    t = await createTestDatabase({ people: 3 });
    db = openDatabase(t.appUrl, { max: 2, shared: 1, applicationName: 'tx-test' });
    await t.owner.pool.query('CREATE TABLE tx_probe (n int PRIMARY KEY, label text)');
    await t.owner.pool.query('GRANT SELECT, INSERT, UPDATE ON tx_probe TO lantern_app');
  });
  after(async () => {
    await db.close();
    await t.close();
  });

  const stored = async () =>
    (await t.owner.pool.query('SELECT n, label FROM tx_probe ORDER BY n')).rows as {
      n: number;
      label: string;
    }[];

  it('runs what was sent side by side in the order it was sent, each piece seeing the ones before it', async () => {
    const [, , seen, after] = await db.pool.tx(async (c) => {
      assert.equal((c as unknown as { pipeline: boolean }).pipeline, true);
      return sideBySide(
        c.query('INSERT INTO tx_probe (n, label) VALUES ($1, $2)', [1, 'first']),
        c.query('UPDATE tx_probe SET label = $2 WHERE n = $1', [1, 'second']),
        c.query('SELECT label FROM tx_probe WHERE n = $1', [1]),
        (async () => {
          // A piece that waits before its statement still lands inside the transaction.
          await new Promise((r) => setTimeout(r, 20));
          return c.query('SELECT count(*)::int AS n FROM tx_probe');
        })(),
      );
    });
    assert.equal(seen.rows[0].label, 'second');
    assert.equal(after.rows[0].n, 1);
    assert.deepEqual(await stored(), [{ n: 1, label: 'second' }]);
  });

  it('rolls back everything when one piece fails, including what another piece writes after the failure', async () => {
    await assert.rejects(
      db.pool.tx(async (c) =>
        sideBySide(
          c.query('INSERT INTO tx_probe (n, label) VALUES ($1, $2)', [2, 'kept?']),
          c.query('SELECT 1 / $1::int', [0]),
          (async () => {
            // Still writing when the other piece has already failed: with Promise.all the
            // transaction would have rolled back and handed the connection on, and this insert
            // would have committed on its own.
            await new Promise((r) => setTimeout(r, 50));
            await c.query('INSERT INTO tx_probe (n, label) VALUES ($1, $2)', [3, 'escaped?']);
          })(),
        ),
      ),
      /division by zero/,
    );
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(await stored(), [{ n: 1, label: 'second' }]);
  });

  it('keeps many concurrent transactions, each with pieces side by side, apart', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        db.pool.tx(async (c) => {
          const [, mine] = await sideBySide(
            c.query('INSERT INTO tx_probe (n, label) VALUES ($1, $2)', [100 + i, `t${i}`]),
            c.query('SELECT label FROM tx_probe WHERE n = $1', [100 + i]),
            // Every fifth fails after its insert was sent: none of its rows may stay.
            c.query('SELECT 1 / $1::int', [i % 5 === 0 ? 0 : 1]),
          );
          return mine.rows[0].label as string;
        }),
      ),
    );
    results.forEach((r, i) => {
      if (i % 5 === 0) assert.equal(r.status, 'rejected');
      else assert.deepEqual(r, { status: 'fulfilled', value: `t${i}` });
    });
    const rows = (await stored()).filter((r) => r.n >= 100);
    assert.deepEqual(
      rows.map((r) => r.n),
      Array.from({ length: 200 }, (_, i) => i)
        .filter((i) => i % 5 !== 0)
        .map((i) => 100 + i),
    );
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../test/helpers.ts';
import { openDatabase } from './database.ts';
import { assertLeastPrivilege, PrivilegedLoginError } from './roles.ts';

describe('database roles and row-level security', () => {
  let t: TestDatabase;
  let other: string;

  before(async () => {
    t = await createTestDatabase({ people: 5 });
    // A second partnership in the same database (a regional deployment), with one person.
    other = (
      await t.owner.pool.query(
        "INSERT INTO partnership (code, name) VALUES ('other', 'Another partnership') RETURNING id",
      )
    ).rows[0].id;
    await t.owner.pool.query(
      `INSERT INTO person (partnership_id, given_name, family_name, dob_precision, gender)
       VALUES ($1, 'Elsewhere', 'Person', 'unknown', 'not_known')`,
      [other],
    );
  });
  after(() => t.close());

  it('shows each partnership only its own rows, even to a query with no partnership filter', async () => {
    const mine = await t.db
      .for({ partnershipId: t.partnershipId })
      .query('SELECT partnership_id FROM person');
    assert.equal(mine.rowCount, 5);
    assert.ok(mine.rows.every((r) => r.partnership_id === t.partnershipId));
    const theirs = await t.db.for({ partnershipId: other }).query('SELECT given_name FROM person');
    assert.deepEqual(
      theirs.rows.map((r) => r.given_name),
      ['Elsewhere'],
    );
    // Connections with no partnership see no partnership's people at all.
    assert.equal((await t.db.pool.query('SELECT 1 FROM person')).rowCount, 0);
    assert.equal((await t.db.pool.query('SELECT 1 FROM audit_event')).rowCount, 0);
    // The owner is not subject to it (migrations, operators).
    assert.equal((await t.owner.pool.query('SELECT 1 FROM person')).rowCount, 6);
  });

  it("refuses to write a row into another partnership's data", async () => {
    await assert.rejects(
      t.db.for({ partnershipId: t.partnershipId }).query(
        `INSERT INTO person (partnership_id, given_name, family_name, dob_precision, gender)
           VALUES ($1, 'Sneaked', 'In', 'unknown', 'not_known')`,
        [other],
      ),
      /row-level security/,
    );
    const moved = await t.db
      .for({ partnershipId: t.partnershipId })
      .query('UPDATE person SET family_name = family_name WHERE partnership_id = $1', [other]);
    assert.equal(moved.rowCount, 0);
  });

  it('has row-level security and a policy on every table that carries a partnership', async () => {
    const { rows } = await t.owner.pool.query(
      `SELECT c.relname, c.relrowsecurity, count(p.polname)::int AS policies
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         LEFT JOIN pg_policy p ON p.polrelid = c.oid
        WHERE n.nspname = 'public' AND c.relkind = 'r'
          AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'partnership_id')
        GROUP BY c.relname, c.relrowsecurity`,
    );
    assert.ok(rows.length > 20);
    assert.deepEqual(
      rows.filter((r) => !r.relrowsecurity || r.policies === 0).map((r) => r.relname),
      [],
    );
  });

  it("accepts the service's own login and refuses one that could escape its privileges", async () => {
    await assertLeastPrivilege(t.appUrl);
    await assert.rejects(assertLeastPrivilege(t.url), PrivilegedLoginError);
    const db = openDatabase(t.appUrl, { max: 1 });
    try {
      const { rows } = await db.pool.query(
        `SELECT r.rolname FROM pg_roles r WHERE pg_has_role(current_user, r.oid, 'MEMBER') ORDER BY 1`,
      );
      assert.deepEqual(
        rows.map((r) => r.rolname),
        ['lantern_app', 'lantern_service'],
      );
    } finally {
      await db.close();
    }
  });

  it("does not lock the partnership's row for a write (no foreign keys to it), and keeps that row", async () => {
    // A foreign key check share-locks the row it names until the writer commits; every write of a
    // partnership named the same row, so concurrent writers made a MultiXact each (decision 011).
    let release = () => {};
    let written = () => {};
    const wrote = new Promise<void>((resolve) => {
      written = resolve;
    });
    const held = t.db.for({ partnershipId: t.partnershipId }).tx(async (c) => {
      await c.query(
        `INSERT INTO audit_event (partnership_id, action, actor_roles) VALUES ($1, 'test.write', '{}')`,
        [t.partnershipId],
      );
      written();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await Promise.race([wrote, held]); // held settles first only if the write failed
    try {
      // Refused with 55P03 while another transaction holds a key share lock on the row.
      const locked = await t.owner.tx((c) =>
        c.query('SELECT id FROM partnership WHERE id = $1 FOR UPDATE NOWAIT', [t.partnershipId]),
      );
      assert.equal(locked.rowCount, 1);
    } finally {
      release();
      await held;
    }

    // No new table brings a key back.
    const keys = await t.owner.pool.query(
      "SELECT conrelid::regclass::text AS tbl FROM pg_constraint WHERE contype = 'f' AND confrelid = 'partnership'::regclass",
    );
    assert.deepEqual(
      keys.rows.map((r) => r.tbl),
      [],
    );

    // What the keys also did: no partnership is removed or given another id while rows name it.
    for (const change of [
      'DELETE FROM partnership WHERE id = $1',
      'UPDATE partnership SET id = gen_random_uuid() WHERE id = $1',
    ]) {
      await assert.rejects(t.owner.pool.query(change, [other]), /cannot be removed or given another id/);
    }
    await assert.rejects(t.owner.pool.query('TRUNCATE partnership'), /cannot be removed or given another id/);
    await assert.rejects(
      t.db.pool.query('DELETE FROM partnership WHERE id = $1', [other]),
      /permission denied/,
    );
    const renamed = await t.owner.pool.query(
      "UPDATE partnership SET name = 'Another partnership (renamed)' WHERE id = $1",
      [other],
    );
    assert.equal(renamed.rowCount, 1);
  });
});

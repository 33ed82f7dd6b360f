import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers.ts';
import { createServices } from '../../services.ts';
import type { Actor } from '../access.ts';
import { audit, verifyAuditChain } from './index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

function cliVerify(url: string) {
  return spawnSync(process.execPath, [path.join(ROOT, 'bin/lantern.js'), 'audit', 'verify'], {
    env: { ...process.env, DATABASE_URL: url, NODE_ENV: 'test' },
    encoding: 'utf8',
  });
}

describe('audit trail', () => {
  let t: TestDatabase;
  let actor: Actor;

  before(async () => {
    t = await createTestDatabase({ people: 5 });
    const services = createServices(t.db, { sessionIdleSeconds: 1800, sessionAbsoluteSeconds: 43200 });
    const signedIn = await services.accounts.signIn('manager', 'correct-horse-battery');
    assert.ok(signedIn.ok);
    actor = signedIn.actor;
    for (let i = 0; i < 5; i++) await audit(t.db.pool, actor, { action: 'test.event', details: { i } });
  });
  after(() => t.close());

  it('chains every event to the one before', async () => {
    const { rows } = await t.owner.pool.query('SELECT seq, prev_hash, hash FROM audit_event ORDER BY seq');
    assert.ok(rows.length >= 6);
    assert.equal(rows[0].prev_hash, '0'.repeat(64));
    for (let i = 1; i < rows.length; i++) assert.equal(rows[i].prev_hash, rows[i - 1].hash);
    const result = await verifyAuditChain(t.owner.pool);
    assert.equal(result.ok, true);
    assert.equal(result.head, rows.at(-1).hash);
  });

  it('records the event with the change, or not at all', async () => {
    const before = (await t.owner.pool.query('SELECT count(*)::int AS n FROM audit_event')).rows[0].n;
    await assert.rejects(
      t.db.tx(async (c) => {
        await audit(c, actor, { action: 'test.rolled_back' });
        throw new Error('the change failed');
      }),
    );
    const afterCount = (await t.owner.pool.query('SELECT count(*)::int AS n FROM audit_event')).rows[0].n;
    assert.equal(afterCount, before);
  });

  it('does not let the application role alter or remove events', async () => {
    await assert.rejects(t.db.pool.query("UPDATE audit_event SET action = 'x'"), /permission denied/);
    await assert.rejects(t.db.pool.query('DELETE FROM audit_event'), /permission denied/);
    await assert.rejects(t.db.pool.query('TRUNCATE audit_event'), /permission denied/);
    // Even the owner is stopped by the trigger in ordinary use.
    await assert.rejects(t.owner.pool.query("UPDATE audit_event SET action = 'x'"), /cannot be changed/);
  });

  it('`lantern audit verify` passes on an intact trail', () => {
    const run = cliVerify(t.url);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Audit trail intact: \d+ events/);
  });

  it('fails, naming the first bad event, after a row is edited directly in the database', async () => {
    const { rows } = await t.owner.pool.query(
      "SELECT seq FROM audit_event WHERE action = 'test.event' ORDER BY seq LIMIT 1 OFFSET 2",
    );
    const seq = rows[0].seq;
    const client = await t.owner.pool.connect();
    try {
      // What a person with direct database access would have to do: bypass the triggers.
      await client.query("SET session_replication_role = 'replica'");
      await client.query(`UPDATE audit_event SET details = '{"i": 99}' WHERE seq = $1`, [seq]);
      await client.query("SET session_replication_role = 'origin'");
    } finally {
      client.release();
    }
    const result = await verifyAuditChain(t.owner.pool);
    assert.equal(result.ok, false);
    assert.equal(result.firstBad?.seq, seq);
    assert.equal(result.firstBad?.problem, 'altered');
    const run = cliVerify(t.url);
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stderr, new RegExp(`BROKEN at event ${seq}:`));
  });

  it('reports a removed event at the one that follows it', async () => {
    const t2 = await createTestDatabase({ people: 2 });
    try {
      const { rows } = await t2.owner.pool.query('SELECT seq FROM audit_event ORDER BY seq');
      assert.ok(rows.length >= 1);
      const services = createServices(t2.db, { sessionIdleSeconds: 1800, sessionAbsoluteSeconds: 43200 });
      const signedIn = await services.accounts.signIn('admin', 'correct-horse-battery');
      assert.ok(signedIn.ok);
      for (let i = 0; i < 3; i++) await audit(t2.db.pool, signedIn.actor, { action: 'test.event' });
      const all = (await t2.owner.pool.query('SELECT seq FROM audit_event ORDER BY seq')).rows.map(
        (r) => r.seq,
      );
      const client = await t2.owner.pool.connect();
      await client.query("SET session_replication_role = 'replica'");
      await client.query('DELETE FROM audit_event WHERE seq = $1', [all[1]]);
      client.release(true);
      const result = await verifyAuditChain(t2.owner.pool);
      assert.equal(result.firstBad?.seq, all[2]);
      assert.equal(result.firstBad?.problem, 'chain-broken');
    } finally {
      await t2.close();
    }
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, it } from 'node:test';
import pg from 'pg';
import { agencyOf } from '../../../test/factories.ts';
import {
  createTestDatabase,
  personIdWhere,
  TEST_PASSWORD,
  TEST_SESSION_SECRET,
  type TestDatabase,
} from '../../../test/helpers.ts';
import { openDatabase } from '../../db/database.ts';
import { createServices } from '../../services.ts';
import type { Actor } from '../access.ts';
import { eventHash, GENESIS, HASHED_COLUMNS, type StoredEvent } from './chain.ts';
import {
  anchorer,
  audit,
  auditHeads,
  formatHead,
  readAnchors,
  sealAll,
  startSealer,
  verifyAuditTrail,
} from './index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const scratch = mkdtempSync(path.join(tmpdir(), 'lantern-audit-'));

function cli(url: string, ...args: string[]) {
  return spawnSync(process.execPath, [path.join(ROOT, 'bin/lantern.js'), 'audit', ...args], {
    env: {
      ...process.env,
      DATABASE_URL: url,
      NODE_ENV: 'test',
      SESSION_SECRET: TEST_SESSION_SECRET,
      LANTERN_DATA_DIR: scratch,
      AUDIT_ANCHOR_FILE: path.join(scratch, 'no-anchors.log'),
    },
    encoding: 'utf8',
  });
}

/** What someone with direct database access would have to do: bypass the triggers. */
async function asSuperuser(t: TestDatabase, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: t.url });
  await client.connect();
  try {
    await client.query("SET session_replication_role = 'replica'");
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

async function signedIn(t: TestDatabase, username: string): Promise<Actor> {
  const services = createServices(t.db, { sessionIdleSeconds: 1800, sessionAbsoluteSeconds: 43200 });
  const result = await services.accounts.signIn(username, TEST_PASSWORD);
  assert.ok(result.ok);
  return result.actor;
}

/** A fresh database with a few sealed events, for tampering with. */
async function trail(events = 6) {
  const t = await createTestDatabase({ people: 3 });
  const actor = await signedIn(t, 'manager');
  for (let i = 0; i < events; i++)
    await audit(t.db.for(actor), actor, { action: 'test.event', details: { i } });
  await sealAll(t.db);
  const seqs = (
    await t.owner.pool.query("SELECT seq FROM audit_event WHERE action = 'test.event' ORDER BY seq")
  ).rows.map((r) => Number(r.seq));
  return { t, actor, seqs };
}

describe('audit trail', () => {
  const open: TestDatabase[] = [];
  // Each test's databases closed when it ends: their pools kept open to the end of the file held
  // enough connections that the server refused the concurrency test's (53300).
  afterEach(async () => {
    for (const t of open.splice(0)) await t.close();
  });
  const fresh = async (events?: number) => {
    const made = await trail(events);
    open.push(made.t);
    return made;
  };

  it('seals every event into one chain, position after position, whatever the order of commits', async () => {
    const { t } = await fresh();
    const { rows } = await t.owner.pool.query(
      'SELECT position, prev_hash, hash FROM audit_seal ORDER BY position',
    );
    const events = (await t.owner.pool.query('SELECT count(*)::int AS n FROM audit_event')).rows[0].n;
    assert.equal(rows.length, events);
    assert.equal(rows[0].prev_hash, GENESIS);
    for (let i = 1; i < rows.length; i++) {
      assert.equal(Number(rows[i].position), i + 1);
      assert.equal(rows[i].prev_hash, rows[i - 1].hash);
    }
    const report = await verifyAuditTrail(t.owner);
    assert.equal(report.ok, true, JSON.stringify(report.problems));
    assert.deepEqual(report.chains[0].head, { position: rows.length, hash: rows.at(-1).hash });
  });

  it('records the event with the change, or not at all', async () => {
    const { t, actor } = await fresh(1);
    const count = async () =>
      (await t.owner.pool.query('SELECT count(*)::int AS n FROM audit_event')).rows[0].n;
    const before = await count();
    await assert.rejects(
      t.db.for(actor).tx(async (c) => {
        await audit(c, actor, { action: 'test.rolled_back' });
        throw new Error('the change failed');
      }),
    );
    assert.equal(await count(), before);
  });

  it("does not let the service's login alter, remove or seal over events, or escape its role", async () => {
    const { t, actor } = await fresh(2);
    const scope = t.db.for(actor);
    await assert.rejects(scope.query("UPDATE audit_event SET action = 'x'"), /permission denied/);
    await assert.rejects(scope.query('DELETE FROM audit_event'), /permission denied/);
    await assert.rejects(scope.query('TRUNCATE audit_event'), /permission denied/);
    await assert.rejects(scope.query("UPDATE audit_seal SET hash = 'x'"), /permission denied/);
    await assert.rejects(scope.query('DELETE FROM audit_seal'), /permission denied/);
    await assert.rejects(scope.query('TRUNCATE audit_seal'), /permission denied/);
    await assert.rejects(scope.query('ALTER TABLE audit_event DISABLE TRIGGER ALL'), /must be owner/);
    await assert.rejects(scope.query('DROP TRIGGER audit_event_no_update ON audit_event'), /must be owner/);
    await assert.rejects(
      scope.query('CREATE FUNCTION public.evil() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$'),
      /permission denied/,
    );
    await assert.rejects(
      scope.query('CREATE FUNCTION pg_temp.evil() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$'),
      /permission denied/,
    );
    await assert.rejects(scope.query('SET ROLE postgres'), /permission denied/);
    await assert.rejects(scope.query("SET session_replication_role = 'replica'"), /permission denied/);
    const me = await scope.query(
      'SELECT rolsuper, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = current_user',
    );
    assert.deepEqual(me.rows[0], { rolsuper: false, rolcreaterole: false, rolbypassrls: false });
    // Even the owner is stopped by the triggers in ordinary use.
    await assert.rejects(t.owner.pool.query("UPDATE audit_event SET action = 'x'"), /cannot be changed/);
    await assert.rejects(t.owner.pool.query("UPDATE audit_seal SET hash = 'x'"), /cannot be changed/);
  });

  it('names an edited event (altered), and keeps checking after it: every break is reported', async () => {
    const { t, seqs } = await fresh(14);
    await asSuperuser(t, `UPDATE audit_event SET details = '{"i": 99}' WHERE seq = $1`, [seqs[2]]);
    let report = await verifyAuditTrail(t.owner);
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.problems.map((p) => [p.kind, p.seq]),
      [['altered', seqs[2]]],
    );
    // Twelve more edits: all counted, the first ten described.
    await asSuperuser(t, `UPDATE audit_event SET reason = 'rewritten' WHERE seq = ANY($1::bigint[])`, [
      seqs.slice(2, 14),
    ]);
    report = await verifyAuditTrail(t.owner);
    assert.equal(report.problemCount, 12);
    assert.equal(report.problems.length, 10);
    const run = cli(t.url, 'verify');
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stderr, /Audit trail BROKEN: 12 problems/);
    assert.match(run.stderr, new RegExp(`event ${seqs[2]}: altered`));
    assert.match(run.stderr, /… and 2 more/);
  });

  it('catches a deleted event, and a deleted seal (a gap in the chain)', async () => {
    const { t, seqs } = await fresh();
    await asSuperuser(t, 'DELETE FROM audit_event WHERE seq = $1', [seqs[1]]);
    let report = await verifyAuditTrail(t.owner);
    assert.deepEqual(
      report.problems.map((p) => [p.kind, p.seq]),
      [['event-missing', seqs[1]]],
    );
    const { rows } = await t.owner.pool.query('SELECT position FROM audit_seal WHERE event_seq = $1', [
      seqs[3],
    ]);
    await asSuperuser(t, 'DELETE FROM audit_seal WHERE event_seq = $1', [seqs[3]]);
    report = await verifyAuditTrail(t.owner);
    const kinds = report.problems.map((p) => p.kind);
    assert.ok(kinds.includes('gap'), kinds.join());
    assert.ok(report.problems.some((p) => p.kind === 'gap' && p.position === Number(rows[0].position)));
    // The event itself is still there but no longer in the chain.
    assert.ok(report.problems.some((p) => p.kind === 'not-sealed' && p.seq === seqs[3]));
  });

  it('catches two events swapped (reordered)', async () => {
    const { t, seqs } = await fresh();
    const [a, b] = [seqs[1], seqs[4]];
    await asSuperuser(
      t,
      `UPDATE audit_event SET details = CASE seq WHEN $1 THEN (SELECT details FROM audit_event WHERE seq = $2)
                                              ELSE (SELECT details FROM audit_event WHERE seq = $1) END
        WHERE seq IN ($1, $2)`,
      [a, b],
    );
    const report = await verifyAuditTrail(t.owner);
    assert.deepEqual(report.problems.map((p) => [p.kind, p.seq]).sort(), [
      ['altered', a],
      ['altered', b],
    ]);
  });

  it('catches removed newest events and a truncated trail, against a head kept outside', async () => {
    const { t, seqs } = await fresh();
    const head = cli(t.url, 'head');
    assert.equal(head.status, 0, head.stderr);
    assert.match(head.stdout.trim(), /^\d+ [0-9a-f]{64}$/);
    const kept = head.stdout.trim();
    assert.equal(cli(t.url, 'verify', '--head', kept).status, 0);
    // The newest two events and their seals go: the chain that is left is internally consistent…
    await asSuperuser(t, 'DELETE FROM audit_seal WHERE event_seq = ANY($1::bigint[])', [seqs.slice(-2)]);
    await asSuperuser(t, 'DELETE FROM audit_event WHERE seq = ANY($1::bigint[])', [seqs.slice(-2)]);
    assert.equal(cli(t.url, 'verify').status, 0, 'without a kept head a clean cut cannot be seen');
    // …but not what was kept.
    let run = cli(t.url, 'verify', '--head', kept);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /head-missing/);
    await asSuperuser(t, 'TRUNCATE audit_seal, audit_event, audit_pending');
    run = cli(t.url, 'verify', '--head', kept);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /head-missing: .*not in the chain, which ends at 0/);
  });

  it('is not fooled by a replaced database function, or by a chain re-hashed to cover an edit', async () => {
    const { t, seqs } = await fresh();
    const [{ head }] = await auditHeads(t.owner);
    assert.ok(head);
    // The first design's verifier trusted this function; an attacker could make it agree with anything.
    await t.owner.pool.query(
      `CREATE FUNCTION public.audit_event_digest(e audit_event) RETURNS text LANGUAGE sql AS $$ SELECT e.hash $$`,
    );
    await asSuperuser(t, `UPDATE audit_event SET action = 'test.covered_up' WHERE seq = $1`, [seqs[2]]);
    let report = await verifyAuditTrail(t.owner);
    assert.deepEqual(
      report.problems.map((p) => [p.kind, p.seq]),
      [['altered', seqs[2]]],
    );
    // Now the attacker recomputes every seal from there on, knowing the algorithm.
    const client = new pg.Client({ connectionString: t.url });
    await client.connect();
    await client.query(
      "BEGIN; SET LOCAL session_replication_role = 'replica'; SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'",
    );
    const raw = { getTypeParser: () => (v: string) => v } as unknown as pg.CustomTypesConfig;
    const chain = await client.query({
      text: `SELECT s.position, ${HASHED_COLUMNS} FROM audit_seal s JOIN audit_event e ON e.seq = s.event_seq ORDER BY s.position`,
      types: raw,
    });
    let prev = GENESIS;
    for (const row of chain.rows) {
      const hash = eventHash(Number(row.position), prev, row as unknown as StoredEvent);
      await client.query('UPDATE audit_seal SET prev_hash = $1, hash = $2 WHERE position = $3', [
        prev,
        hash,
        row.position,
      ]);
      prev = hash;
    }
    await client.query('COMMIT');
    await client.end();
    report = await verifyAuditTrail(t.owner);
    assert.equal(report.ok, true, 'a fully re-hashed chain is self-consistent: only a kept head shows it');
    const anchors = path.join(scratch, `anchors-${Date.now()}.log`);
    writeFileSync(anchors, `2026-12-01T09:00:00Z demo-district ${formatHead(head)}\n`);
    report = await verifyAuditTrail(t.owner, {
      heads: readAnchors(`2026-12-01T09:00:00Z demo-district ${formatHead(head)}`),
    });
    assert.deepEqual(
      report.problems.map((p) => p.kind),
      ['head-differs'],
    );
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bin/lantern.js'), 'audit', 'verify'], {
      env: {
        ...process.env,
        DATABASE_URL: t.url,
        NODE_ENV: 'test',
        SESSION_SECRET: TEST_SESSION_SECRET,
        AUDIT_ANCHOR_FILE: anchors,
      },
      encoding: 'utf8',
    });
    assert.equal(run.status, 1, run.stdout);
    assert.match(run.stdout, /Checked against the anchor log/);
    assert.match(run.stderr, /head-differs/);
  });

  it('catches an event taken out of the sealing queue', async () => {
    const { t, actor } = await fresh(1);
    await audit(t.db.for(actor), actor, { action: 'test.never_sealed' });
    const { rows } = await t.owner.pool.query(
      "SELECT seq FROM audit_event WHERE action = 'test.never_sealed'",
    );
    await asSuperuser(t, 'DELETE FROM audit_pending WHERE seq = $1', [rows[0].seq]);
    await sealAll(t.owner);
    const report = await verifyAuditTrail(t.owner);
    assert.deepEqual(
      report.problems.map((p) => [p.kind, p.seq]),
      [['not-sealed', Number(rows[0].seq)]],
    );
  });

  it('appends the head to an anchor log when it moves, and only then', async () => {
    const { t, actor } = await fresh(2);
    const file = path.join(scratch, `anchor-${Date.now()}.log`);
    const anchor = anchorer(t.db, file);
    assert.equal(await anchor(), 1);
    assert.equal(await anchor(), 0, 'an unchanged head is not written again');
    await audit(t.db.for(actor), actor, { action: 'test.more' });
    await sealAll(t.db);
    assert.equal(await anchor(), 1);
    const heads = readAnchors((await import('node:fs')).readFileSync(file, 'utf8'));
    const [{ head }] = await auditHeads(t.owner);
    assert.deepEqual(heads.get('demo-district'), head);
  });

  it('holds under concurrency: 300 audited reads and writes over 20 connections, one chain, no forks', async () => {
    const t = await createTestDatabase({ people: 30 });
    open.push(t);
    const db = openDatabase(t.appUrl, { max: 20 });
    try {
      const services = createServices(db, { sessionIdleSeconds: 1800, sessionAbsoluteSeconds: 43200 });
      const frontdoor = await services.accounts.signIn('frontdoor', TEST_PASSWORD);
      const police = await services.accounts.signIn('police', TEST_PASSWORD);
      assert.ok(frontdoor.ok && police.ok);
      const person = await personIdWhere(t);
      const school = await agencyOf(t, 'education');
      // The service's sealer runs all the while, as it does in production.
      const sealer = startSealer(db, { intervalMs: 5 });
      const before = (await t.owner.pool.query('SELECT count(*)::int AS n FROM audit_event')).rows[0].n;
      const work = Array.from({ length: 300 }, (_, i) => {
        if (i % 3 === 0)
          return services.contacts.receive(
            frontdoor.actor,
            {
              sourceKind: 'agency',
              sourceAgencyId: school,
              categories: ['criminal'],
              narrative: `Concern ${i}`,
              people: [{ personId: person, part: 'subject' }],
            },
            `load-${i}`,
          );
        return services.people.view(i % 2 ? police.actor : frontdoor.actor, person);
      });
      const results = await Promise.allSettled(work);
      assert.deepEqual(
        results
          .filter((r) => r.status === 'rejected')
          .map((r) => String((r as PromiseRejectedResult).reason)),
        [],
      );
      await sealer.stop();
      await sealAll(t.owner);
      const after = (await t.owner.pool.query('SELECT count(*)::int AS n FROM audit_event')).rows[0].n;
      assert.ok(after - before >= 300, `${after - before} events`);
      const report = await verifyAuditTrail(t.owner);
      assert.equal(report.ok, true, JSON.stringify(report.problems));
      assert.equal(report.chains[0].head?.position, after, 'every event has exactly one place');
      const forks = await t.owner.pool.query(
        'SELECT prev_hash FROM audit_seal GROUP BY prev_hash HAVING count(*) > 1',
      );
      assert.equal(forks.rowCount, 0);
      const verified = cli(t.url, 'verify');
      assert.equal(verified.status, 0, `${verified.stdout}${verified.stderr}`);
    } finally {
      await db.close();
    }
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, TEST_PASSWORD, type TestDatabase, testConfig } from '../../../test/helpers.ts';
import { createServices, type Services } from '../../services.ts';
import type { Actor } from '../access.ts';
import type { EventName, Published } from './index.ts';

/**
 * Domain events run inside the publisher's transaction: a subscriber's failure undoes the whole
 * change, and a job a subscriber enqueues (the outbox) exists only if the change commits.
 */
describe('domain events', () => {
  let t: TestDatabase;
  let s: Services;
  let frontdoor: Actor;
  let chair: Actor;
  const heard: Published<EventName>[] = [];
  // Set by a test to make a subscriber fail for one person's name.
  let failFor: string | null = null;

  before(async () => {
    t = await createTestDatabase();
    s = createServices(t.db, testConfig());
    for (const [name, set] of [
      ['frontdoor', (a: Actor) => (frontdoor = a)],
      ['chair', (a: Actor) => (chair = a)],
    ] as const) {
      const r = await s.accounts.signIn(name, TEST_PASSWORD);
      assert.ok(r.ok);
      set(r.actor);
    }
    s.platform.events.on('*', async (_c, event) => {
      heard.push(event);
    });
    // The outbox: a job sent in the publisher's transaction.
    s.platform.events.on('person.created', async (c, event) => {
      await s.platform.jobs.sendInTransaction(c, 'clock.overdue-sweep', { personId: event.payload.personId });
    });
    // Runs after the outbox subscriber: its failure must take the job away with the person.
    s.platform.events.on('person.created', async (c, event) => {
      const { rows } = await c.query('SELECT given_name FROM person WHERE id = $1', [event.payload.personId]);
      if (rows[0]?.given_name === failFor) throw new Error('subscriber failed');
    });
  });
  after(() => t.close());

  const child = (givenName: string) =>
    s.people.create(frontdoor, {
      givenName,
      familyName: 'Eventtest',
      dobPrecision: 'exact',
      dateOfBirth: '2012-03-04',
      gender: 'female',
    });

  const countWhere = async (sql: string, params: unknown[]) =>
    Number((await t.owner.pool.query(sql, params)).rows[0].n);

  it('commits the change, the subscribers’ writes and the outbox job together', async () => {
    const id = await child('Committed');
    const created = heard.find(
      (e) => e.name === 'person.created' && (e.payload as { personId?: string }).personId === id,
    );
    assert.ok(created, 'person.created was published');
    assert.deepEqual(created.about, [id]);
    assert.equal(
      await countWhere(`SELECT count(*) AS n FROM pgboss.job WHERE data->>'personId' = $1`, [id]),
      1,
      'the outbox job exists once the change committed',
    );
  });

  it('rolls everything back when a subscriber fails: no person, no audit row, no job', async () => {
    failFor = 'Rolledback';
    const auditBefore = await countWhere(
      `SELECT count(*) AS n FROM audit_event WHERE action = 'person.created'`,
      [],
    );
    await assert.rejects(child('Rolledback'), /subscriber failed/);
    failFor = null;
    assert.equal(
      await countWhere(`SELECT count(*) AS n FROM person WHERE given_name = $1`, ['Rolledback']),
      0,
    );
    assert.equal(
      await countWhere(`SELECT count(*) AS n FROM audit_event WHERE action = 'person.created'`, []),
      auditBefore,
    );
    const jobs = await countWhere(
      `SELECT count(*) AS n FROM pgboss.job j WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.id::text = j.data->>'personId') AND j.data ? 'personId'`,
      [],
    );
    assert.equal(jobs, 0, 'no job outlives the change it belonged to');
  });

  it('announces flags set and ended, and merges undone, with the people they are about', async () => {
    const a = await child('Flagged');
    const b = await child('Duplicate');
    await s.flags.set(chair, a, { flagType: 'cce', level: 'moderate', reason: 'DRAM decision' });
    await s.flags.set(chair, a, { flagType: 'cce', level: 'ended', reason: 'Risk reduced' });
    const mergeId = await s.people.merge(frontdoor, { survivorId: a, absorbedId: b, reason: 'Same child' });
    await s.people.unmerge(frontdoor, mergeId, 'Different children after all');
    const about = (name: string) =>
      heard
        .filter((e) => e.name === name && e.about.includes(a))
        .map((e) => e.payload as Record<string, unknown>);
    assert.deepEqual(about('flag.set'), [{ personId: a, flagType: 'cce', from: null, to: 'moderate' }]);
    assert.deepEqual(about('flag.ended'), [{ personId: a, flagType: 'cce', was: 'moderate' }]);
    assert.deepEqual(about('person.merged'), [{ mergeId, survivorId: a, absorbedId: b }]);
    assert.deepEqual(about('person.unmerged'), [{ mergeId, survivorId: a, absorbedId: b }]);
  });

  it('lists every subscription the modules made', () => {
    const subs = s.platform.events.subscriptions();
    // Every event: chronology (people), language checks, risk reviews (flags), and this test's
    // listener; a residential placement asks for a Philomena plan (missing).
    assert.deepEqual(subs, { '*': 4, 'person.created': 2, 'placement.started': 1 });
  });
});

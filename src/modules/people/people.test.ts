import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, TEST_PASSWORD, type TestDatabase } from '../../../test/helpers.ts';
import type { Actor } from '../../platform/access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { createServices, type Services } from '../../services.ts';
import { nhsNumberFrom } from './index.ts';

describe('people', () => {
  let t: TestDatabase;
  let services: Services;
  const actors: Record<string, Actor> = {};
  let postcode: { postcode: string; ward_code: string; name: string };

  // Each Amira is a different child, so each has her own (valid) NHS number.
  let nhsSerial = 943476591;
  const nextNhs = (): string => nhsNumberFrom(String(nhsSerial++)) ?? nextNhs();
  const amira = () => ({
    givenName: 'Amira',
    familyName: 'Testperson',
    dobPrecision: 'exact',
    dateOfBirth: '2011-05-04',
    gender: 'female',
    ethnicity: 'asian_pakistani',
    postcode: postcode.postcode.toLowerCase().replace(' ', ''),
    nhsNumber: nextNhs(),
    aliases: [{ givenName: 'Mira', familyName: 'Testperson', kind: 'nickname' }],
  });

  before(async () => {
    t = await createTestDatabase({ people: 30 });
    services = createServices(t.db, { sessionIdleSeconds: 1800, sessionAbsoluteSeconds: 43200 });
    for (const username of ['frontdoor', 'manager', 'keyworker', 'councillor', 'police']) {
      const result = await services.accounts.signIn(username, TEST_PASSWORD);
      assert.ok(result.ok);
      actors[username] = result.actor;
    }
    postcode = (
      await t.owner.pool.query(
        'SELECT p.postcode, p.ward_code, w.name FROM postcode p JOIN ward w ON w.code = p.ward_code LIMIT 1',
      )
    ).rows[0];
  });
  after(() => t.close());

  const auditCount = async (action: string, personId: string) =>
    (
      await t.owner.pool.query(
        'SELECT count(*)::int AS n FROM audit_event WHERE action = $1 AND subject_person_id = $2',
        [action, personId],
      )
    ).rows[0].n;

  it('creates a person with the ward resolved from the postcode, audited and on the chronology', async () => {
    const id = await services.people.create(actors.frontdoor, amira());
    const person = await services.people.view(actors.frontdoor, id);
    assert.equal(person.postcode, postcode.postcode);
    assert.deepEqual(person.ward, { code: postcode.ward_code, name: postcode.name });
    assert.deepEqual(person.aliases, [{ givenName: 'Mira', familyName: 'Testperson', kind: 'nickname' }]);
    assert.deepEqual(
      person.agencies.map((a) => a.name),
      [actors.frontdoor.agencyName],
    );
    assert.equal(await auditCount('person.created', id), 1);
    const { entries } = await services.people.chronology(actors.frontdoor, id);
    assert.equal(entries[0].title, 'Person record created');
  });

  it('audits every view of a person', async () => {
    const id = await services.people.create(actors.frontdoor, amira());
    await services.people.view(actors.frontdoor, id);
    await services.people.view(actors.police, id);
    assert.equal(await auditCount('person.viewed', id), 2);
    const { events } = await services.people.accessLog(actors.manager, id);
    const views = events.filter((e) => e.action === 'person.viewed').map((e) => e.actorUsername);
    assert.deepEqual(views.sort(), ['frontdoor', 'police']);
    // The access log is for managers only.
    await assert.rejects(services.people.accessLog(actors.frontdoor, id), /do not have access/);
  });

  it('writes nothing when the input is invalid', async () => {
    const before = (await t.owner.pool.query('SELECT count(*)::int AS n FROM person')).rows[0].n;
    await assert.rejects(
      services.people.create(actors.frontdoor, { ...amira(), nhsNumber: '9434765918' }),
      ValidationError,
    );
    const afterCount = (await t.owner.pool.query('SELECT count(*)::int AS n FROM person')).rows[0].n;
    assert.equal(afterCount, before);
  });

  it('refuses a stale edit instead of overwriting someone else’s change', async () => {
    const id = await services.people.create(actors.frontdoor, amira());
    const first = await services.people.view(actors.frontdoor, id);
    await services.people.update(actors.manager, id, first.version, {
      ...amira(),
      familyName: 'Changedby-Manager',
    });
    await assert.rejects(
      services.people.update(actors.frontdoor, id, first.version, {
        ...amira(),
        familyName: 'Changedby-Frontdoor',
      }),
      ConflictError,
    );
    const now = await services.people.view(actors.frontdoor, id);
    assert.equal(now.familyName, 'Changedby-Manager');
    assert.equal(now.version, first.version + 1);
    const { entries } = await services.people.chronology(actors.frontdoor, id, 'record');
    assert.equal(entries[0].title, 'Person details changed');
    assert.match(entries[0].detail ?? '', /last name/);
  });

  it('finds people by name (including aliases and partial names), date of birth and postcode', async () => {
    const id = await services.people.create(actors.frontdoor, {
      ...amira(),
      givenName: 'Zephyrina',
      familyName: 'Quarrington',
    });
    const byName = await services.people.search(actors.frontdoor, { name: 'quarrington' });
    assert.ok(byName.results.some((r) => r.id === id));
    const byAlias = await services.people.search(actors.frontdoor, { name: 'Mira Testperson' });
    assert.ok(byAlias.results.some((r) => r.id === id));
    const byDobAndPostcode = await services.people.search(actors.frontdoor, {
      dob: '2011-05-04',
      postcode: postcode.postcode,
    });
    assert.ok(byDobAndPostcode.results.some((r) => r.id === id));
    const outward = postcode.postcode.split(' ')[0];
    const byDistrict = await services.people.search(actors.frontdoor, {
      name: 'Zephyrina',
      postcode: outward,
    });
    assert.deepEqual(
      byDistrict.results.map((r) => r.id),
      [id],
    );
    const wrongDob = await services.people.search(actors.frontdoor, {
      name: 'Quarrington',
      dob: '2011-05-05',
    });
    assert.equal(wrongDob.results.length, 0);
  });

  it('shows a service worker only the people their agency knows, and hides the rest as not found', async () => {
    const unknownToThem = await services.people.create(actors.frontdoor, amira());
    await assert.rejects(services.people.view(actors.keyworker, unknownToThem), NotFoundError);
    const agencies = await services.people.agencies(actors.frontdoor);
    const theirs = agencies.find((a) => a.id === actors.keyworker.agencyId);
    assert.ok(theirs);
    const known = await services.people.create(actors.frontdoor, {
      ...amira(),
      givenName: 'Referred',
      agencyIds: [theirs.id],
    });
    assert.equal((await services.people.view(actors.keyworker, known)).givenName, 'Referred');
    const found = await services.people.search(actors.keyworker, { name: 'Testperson' });
    assert.ok(found.results.some((r) => r.id === known));
    assert.ok(!found.results.some((r) => r.id === unknownToThem));
  });

  it('checks access first: an elected member can neither view nor search people', async () => {
    const id = await services.people.create(actors.frontdoor, amira());
    await assert.rejects(services.people.view(actors.councillor, id), /do not have access/);
    await assert.rejects(services.people.search(actors.councillor, { name: 'Amira' }), /do not have access/);
    await assert.rejects(services.people.create(actors.keyworker, amira()), /do not have access/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Client,
  createTestApp,
  createTestDatabase,
  TEST_PASSWORD,
  type TestApp,
  type TestDatabase,
} from '../../../test/helpers.ts';
import { type Actor, ForbiddenError } from '../../platform/access.ts';
import { ConflictError, ValidationError } from '../../platform/errors.ts';

describe('Merging and unmerging people', () => {
  let t: TestDatabase;
  let ta: TestApp;
  const actors: Record<string, Actor> = {};

  const person = (givenName: string, familyName: string, dateOfBirth: string, postcode = 'BD7 1AB') =>
    ta.services.people.create(actors.frontdoor, {
      givenName,
      familyName,
      dobPrecision: 'exact',
      dateOfBirth,
      gender: 'female',
      postcode,
    });

  /** Everything about these people as stored, except the lines a merge or unmerge adds on purpose. */
  async function snapshot(ids: string[]) {
    const q = (sql: string) => t.owner.pool.query(sql, [ids]).then((r) => r.rows);
    return {
      people: await q('SELECT * FROM person WHERE id = ANY($1) ORDER BY id'),
      agencies: await q(
        'SELECT * FROM person_agency WHERE person_id = ANY($1) ORDER BY person_id, agency_id',
      ),
      flags: await q('SELECT * FROM flag_period WHERE person_id = ANY($1) ORDER BY id'),
      chronology: await q(
        `SELECT * FROM chronology_entry WHERE person_id = ANY($1)
            AND title NOT IN ('Records merged', 'Separated from the person it had been merged into')
            AND title NOT LIKE 'Record of % separated again' ORDER BY id`,
      ),
    };
  }

  before(async () => {
    t = await createTestDatabase({ people: 20 });
    ta = await createTestApp(t);
    for (const u of ['frontdoor', 'manager', 'chair', 'keyworker', 'police']) {
      const r = await ta.services.accounts.signIn(u, TEST_PASSWORD);
      assert.ok(r.ok);
      actors[u] = r.actor;
    }
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  it('joins two records into one person without losing anything, and an unmerge restores them exactly', async () => {
    const school = await person('Jonathan', 'Smith', '2010-03-12');
    const police = await person('Jon', 'Smyth', '2010-12-03', 'BD7 2AA');
    await ta.services.flags.set(actors.chair, police, {
      flagType: 'cce',
      level: 'moderate',
      reason: 'Found in a trap house',
    });
    const before = await snapshot([school, police]);

    const mergeId = await ta.services.people.merge(actors.frontdoor, {
      survivorId: school,
      absorbedId: police,
      reason: 'Same child: school and police records, confirmed with the school',
    });

    // One person now: the school record's page gathers the police record's flag and chronology.
    const flags = await ta.services.flags.forPerson(actors.frontdoor, school);
    assert.deepEqual(
      flags.current.map((f) => f.flagType),
      ['cce'],
    );
    const { entries } = await ta.services.people.chronology(actors.frontdoor, school);
    assert.ok(entries.some((e) => e.title === 'Records merged'));
    assert.ok(entries.filter((e) => e.title === 'Person record created').length === 2);
    const { merges } = await ta.services.people.records(actors.frontdoor, school);
    assert.equal(merges.length, 1);
    const recordViews = await t.owner.pool.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'person.records_viewed' AND subject_person_id = $1`,
      [school],
    );
    assert.equal(recordViews.rows[0].n, 1, 'reading the agency records is audited');
    assert.equal(merges[0].absorbedName, 'Jon Smyth');
    // The police record still exists, pointing at the person it belongs to.
    assert.equal((await ta.services.people.view(actors.frontdoor, police)).mergedInto, school);
    // Search shows one person, found by either name.
    const byOldName = await ta.services.people.search(actors.frontdoor, { name: 'Jon Smyth' });
    assert.ok(byOldName.results.some((r) => r.id === school));
    assert.ok(!byOldName.results.some((r) => r.id === police));
    // "Already known?" offers the one person, however the query is written.
    const known = await ta.services.matching.match(actors.frontdoor, {
      given_name: 'Jon',
      family_name: 'Smyth',
      dob: '2010-12-03',
    });
    assert.equal(known.candidates[0].person.id, school);
    assert.ok(!known.candidates.some((c) => c.person.id === police));

    // Both sides of the merge carry it in the audit trail, committed with the change.
    const audited = await t.owner.pool.query(
      `SELECT subject_person_id FROM audit_event WHERE action = 'person.merged' AND details->>'mergeId' = $1`,
      [mergeId],
    );
    assert.deepEqual(audited.rows.map((r) => r.subject_person_id).sort(), [school, police].sort());

    await ta.services.people.unmerge(actors.manager, mergeId, 'Different children: dates of birth checked');
    assert.deepEqual(await snapshot([school, police]), before);
    const after = await ta.services.flags.forPerson(actors.frontdoor, school);
    assert.equal(after.current.length, 0);
    const separated = await ta.services.people.chronology(actors.frontdoor, police);
    assert.ok(separated.entries.some((e) => e.title === 'Separated from the person it had been merged into'));
    await assert.rejects(
      ta.services.people.unmerge(actors.manager, mergeId, 'again'),
      (e) => e instanceof ConflictError,
    );
  });

  it('keeps merges one level deep and undoes them only in order', async () => {
    const a = await person('Amira', 'Hussain', '2011-05-06');
    const b = await person('Amirah', 'Hussain', '2011-05-06');
    const c = await person('Ameera', 'Husain', '2011-05-06');
    const d = await person('A', 'Hussain', '2011-05-06');
    const before = await snapshot([a, b, c, d]);
    const cIntoB = await ta.services.people.merge(actors.frontdoor, {
      survivorId: b,
      absorbedId: c,
      reason: 'x',
    });
    const bIntoA = await ta.services.people.merge(actors.frontdoor, {
      survivorId: a,
      absorbedId: b,
      reason: 'y',
    });
    const pointers = async () =>
      Object.fromEntries(
        (
          await t.owner.pool.query('SELECT id, merged_into FROM person WHERE id = ANY($1)', [[a, b, c, d]])
        ).rows.map((r) => [r.id, r.merged_into]),
      );
    assert.deepEqual(await pointers(), { [a]: null, [b]: a, [c]: a, [d]: null });
    // Merging through an absorbed record reaches the person it belongs to.
    const aIntoD = await ta.services.people.merge(actors.frontdoor, {
      survivorId: d,
      absorbedId: c,
      reason: 'z',
    });
    assert.deepEqual(await pointers(), { [a]: d, [b]: d, [c]: d, [d]: null });
    await assert.rejects(
      ta.services.people.merge(actors.frontdoor, { survivorId: a, absorbedId: d, reason: 'again' }),
      /already the same person/,
    );
    // The earlier merge cannot be undone while a later one holds the same records.
    await assert.rejects(
      ta.services.people.unmerge(actors.frontdoor, bIntoA, 'wrong'),
      /Undo the later merge first/,
    );
    await ta.services.people.unmerge(actors.frontdoor, aIntoD, 'wrong');
    await ta.services.people.unmerge(actors.frontdoor, bIntoA, 'wrong');
    await ta.services.people.unmerge(actors.frontdoor, cIntoB, 'wrong');
    assert.deepEqual(await snapshot([a, b, c, d]), before);
  });

  it('asks for a reason, and lets only those who may merge do it', async () => {
    const a = await person('Kai', 'Moore', '2012-01-01');
    const b = await person('Kai', 'More', '2012-01-01');
    await assert.rejects(
      ta.services.people.merge(actors.frontdoor, { survivorId: a, absorbedId: b, reason: ' ' }),
      (e) => e instanceof ValidationError && e.errors[0].field === 'reason',
    );
    for (const role of ['chair', 'keyworker']) {
      await assert.rejects(
        ta.services.people.merge(actors[role], { survivorId: a, absorbedId: b, reason: 'same' }),
        (e) => e instanceof ForbiddenError,
      );
    }
    const { rows } = await t.owner.pool.query(
      'SELECT count(*)::int AS n FROM person_merge WHERE survivor_id = $1',
      [a],
    );
    assert.equal(rows[0].n, 0);
  });

  it('shows merged records on the person page, redirects the old record, and undoes a merge from the page', async () => {
    const a = await person('Leah', 'Begum', '2013-02-02');
    const b = await person('Leah', 'Begam', '2013-02-02');
    const mergeId = await ta.services.people.merge(actors.police, {
      survivorId: a,
      absorbedId: b,
      reason: 'Same girl',
    });
    const browser = new Client(ta.app);
    await browser.signIn('frontdoor');
    const old = await browser.get(`/people/${b}`);
    assert.equal(old.statusCode, 303);
    assert.equal(old.headers.location, `/people/${a}?merged=1`);
    const page = await browser.get(`/people/${a}?merged=1`);
    assert.match(page.body, /data-qa="merged-notice"/);
    assert.match(page.body, /Leah Begam/);
    const form = await browser.get(`/people/${a}/merges/${mergeId}/unmerge`);
    assert.equal(form.statusCode, 200);
    const missing = await browser.post(`/people/${a}/merges/${mergeId}/unmerge`, { reason: '' });
    assert.equal(missing.statusCode, 422);
    assert.match(missing.body, /govuk-error-summary/);
    // A merge is undone only from the page of the person it merged into.
    const elsewhere = await browser.post(`/people/${b}/merges/${mergeId}/unmerge`, { reason: 'Twins' });
    assert.equal(elsewhere.statusCode, 404);
    const done = await browser.post(`/people/${a}/merges/${mergeId}/unmerge`, { reason: 'Twins' });
    assert.equal(done.statusCode, 303);
    assert.equal((await ta.services.people.view(actors.frontdoor, b)).mergedInto, null);
  });
});

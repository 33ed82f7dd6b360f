import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createTestApp,
  createTestDatabase,
  TEST_PASSWORD,
  type TestApp,
  type TestDatabase,
  tokenFor,
} from '../../../test/helpers.ts';
import type { Actor } from '../../platform/access.ts';
import { ValidationError } from '../../platform/errors.ts';

describe('"Already known?" in real time', () => {
  let t: TestDatabase;
  let ta: TestApp;
  const actors: Record<string, Actor> = {};
  let jonathan: string;
  const tokens: Record<string, string> = {};

  before(async () => {
    t = await createTestDatabase({ people: 400 });
    ta = await createTestApp(t);
    for (const u of ['frontdoor', 'manager', 'admin', 'councillor', 'keyworker']) {
      const r = await ta.services.accounts.signIn(u, TEST_PASSWORD);
      assert.ok(r.ok);
      actors[u] = r.actor;
    }
    jonathan = await ta.services.people.create(actors.frontdoor, {
      givenName: 'Jonathan',
      familyName: 'Smith',
      dobPrecision: 'exact',
      dateOfBirth: '2010-03-12',
      gender: 'male',
      postcode: 'BD7 1AB',
    });
    for (const u of await ta.services.accounts.listUsers(actors.admin)) {
      tokens[u.username] = await tokenFor(ta.services, u.username);
    }
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  it('finds the same child however each agency wrote them, and says why', async () => {
    const police = await ta.services.matching.match(actors.frontdoor, {
      given_name: 'Jon',
      family_name: 'Smyth',
      dob: '03/12/2010',
    });
    assert.equal(police.candidates[0].person.id, jonathan);
    const levels = Object.fromEntries(police.candidates[0].explanation.fields.map((f) => [f.field, f.level]));
    assert.equal(levels.given, 'nickname or alias');
    assert.equal(levels.dob, 'day and month swapped');
    assert.ok(
      police.candidates[0].probability > 0.5,
      `police probability ${police.candidates[0].probability}`,
    );

    const gp = await ta.services.matching.match(actors.frontdoor, {
      full_name: 'J. Smith',
      postcode: 'BD7 1AB',
    });
    assert.equal(gp.candidates[0].person.id, jonathan);
    assert.equal(
      gp.candidates[0].explanation.fields.find((f) => f.field === 'given')?.level,
      'initial only agrees',
    );

    const school = await ta.services.matching.match(actors.frontdoor, {
      full_name: 'Jonathan Smith',
      dob: '2010-03-12',
      postcode: 'BD7',
    });
    assert.equal(school.candidates[0].person.id, jonathan);
    assert.ok(school.candidates[0].probability > 0.99);
    // The explanation adds up.
    const e = school.candidates[0].explanation;
    assert.ok(Math.abs(e.priorWeight + e.fields.reduce((s, f) => s + f.weight, 0) - e.totalWeight) < 1e-9);
  });

  it('finds people by a previous surname, by another name, and with first and last names swapped', async () => {
    // No date of birth or postcode in the queries: only the name branches can find these people.
    const priya = await ta.services.people.create(actors.frontdoor, {
      givenName: 'Priyanka',
      familyName: 'Okonjo',
      dobPrecision: 'exact',
      dateOfBirth: '2008-05-02',
      gender: 'female',
      aliases: [
        { givenName: null, familyName: 'Quartermaine', kind: 'previous_name' },
        { givenName: 'Tiana', familyName: 'Vanterpool', kind: 'alias' },
      ],
    });
    const hamza = await ta.services.people.create(actors.frontdoor, {
      givenName: 'Hamza',
      familyName: 'Rowntree',
      dobPrecision: 'exact',
      dateOfBirth: '2011-01-20',
      gender: 'male',
    });
    const first = async (q: Record<string, string>) =>
      (await ta.services.matching.match(actors.frontdoor, q)).candidates.map((c) => c.person.id);
    assert.ok((await first({ given_name: 'Priyanka', family_name: 'Quartermaine' })).includes(priya));
    assert.ok((await first({ given_name: 'Tiana', family_name: 'Vanterpool' })).includes(priya));
    assert.ok(!(await first({ given_name: 'Marcus', family_name: 'Vanterpool' })).includes(priya));
    assert.ok((await first({ given_name: 'Rowntree', family_name: 'Hamza' })).includes(hamza));
  });

  it('does not call a stranger known', async () => {
    const result = await ta.services.matching.match(actors.frontdoor, {
      given_name: 'Zebedee',
      family_name: 'Quillfeather',
      dob: '1999-09-09',
    });
    assert.ok(result.candidates.every((c) => c.probability < 0.5));
  });

  it('stores a model version, and records practitioners’ decisions (audited)', async () => {
    const before = await ta.services.matching.model(actors.manager);
    assert.ok(before.current, 'a model was trained on first use');
    const version = await ta.services.matching.train(actors.admin);
    assert.equal(version, (before.current?.version ?? 0) + 1);
    await assert.rejects(ta.services.matching.train(actors.manager), /do not have access/);
    const match = await ta.services.matching.match(actors.frontdoor, {
      full_name: 'Jonathan Smith',
      dob: '2010-03-12',
    });
    await ta.services.matching.recordDecision(actors.frontdoor, {
      personId: jonathan,
      decision: 'confirmed',
      probability: match.candidates[0].probability,
      modelVersion: match.modelVersion,
    });
    const after = await ta.services.matching.model(actors.manager);
    assert.deepEqual(
      after.decisions.map((d) => [d.modelVersion, d.decision, d.count]),
      [[version, 'confirmed', 1]],
    );
    const audited = await t.owner.pool.query(
      "SELECT count(*)::int AS n FROM audit_event WHERE action = 'match.confirmed' AND subject_person_id = $1",
      [jonathan],
    );
    assert.equal(audited.rows[0].n, 1);
  });

  it('checks input and access like every other search', async () => {
    await assert.rejects(ta.services.matching.match(actors.frontdoor, {}), ValidationError);
    await assert.rejects(
      ta.services.matching.match(actors.frontdoor, { family_name: 'Smith', dob: '31/02/2010' }),
      ValidationError,
    );
    await assert.rejects(
      ta.services.matching.match(actors.councillor, { family_name: 'Smith' }),
      /do not have access/,
    );
    // A service worker only sees people their agency knows.
    const seen = await ta.services.matching.match(actors.keyworker, {
      full_name: 'Jonathan Smith',
      dob: '2010-03-12',
    });
    assert.ok(seen.candidates.every((c) => c.person.id !== jonathan));
  });

  it('answers POST /api/v1/people/match with candidates and evidence', async () => {
    const response = await ta.app.inject({
      method: 'POST',
      url: '/api/v1/people/match',
      headers: { authorization: `Bearer ${tokens.police}` },
      payload: { givenName: 'Jon', familyName: 'Smyth', dateOfBirth: '03/12/2010' },
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.candidates[0].person.id, jonathan);
    assert.ok(
      body.candidates[0].explanation.fields.some(
        (f: { field: string; weight: number }) => f.field === 'dob' && f.weight > 0,
      ),
    );
    const bad = await ta.app.inject({
      method: 'POST',
      url: '/api/v1/people/match',
      headers: { authorization: `Bearer ${tokens.police}` },
      payload: { surname: 'Smith' },
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].field, 'surname');
    // The service's rules name the API's own (camelCase) fields.
    const fieldsOf = async (payload: Record<string, string>) => {
      const r = await ta.app.inject({
        method: 'POST',
        url: '/api/v1/people/match',
        headers: { authorization: `Bearer ${tokens.police}` },
        payload,
      });
      assert.equal(r.statusCode, 422, r.body);
      return r.json().errors.map((e: { field: string }) => e.field);
    };
    assert.deepEqual(await fieldsOf({ dateOfBirth: '31/02/2010' }), ['dateOfBirth']);
    assert.deepEqual(await fieldsOf({ postcode: 'BD7 1AB' }), ['familyName']);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  createTestApp,
  createTestDatabase,
  type TestApp,
  type TestDatabase,
  tokenFor,
} from '../test/helpers.ts';

describe('API v1', () => {
  let t: TestDatabase;
  let ta: TestApp;
  let token: string;
  let councillorToken: string;

  before(async () => {
    t = await createTestDatabase({ people: 10 });
    ta = await createTestApp(t);
    token = await tokenFor(ta.services, 'police', 'police records');
    councillorToken = await tokenFor(ta.services, 'councillor');
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  const call = (method: 'GET' | 'POST', url: string, payload?: object, bearer = token) =>
    ta.app.inject({ method, url, payload, headers: { authorization: `Bearer ${bearer}` } });
  const people = async () => (await t.owner.pool.query('SELECT count(*)::int AS n FROM person')).rows[0].n;

  it('describes itself at /api/v1/openapi.json', async () => {
    const response = await ta.app.inject('/api/v1/openapi.json');
    assert.equal(response.statusCode, 200);
    const doc = response.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/v1/people'].post);
    assert.ok(doc.paths['/api/v1/people'].get);
    assert.ok(doc.paths['/api/v1/people/{id}'].get);
    assert.ok(doc.components.securitySchemes.bearerAuth);
  });

  it('creates, reads and finds a person', async () => {
    const created = await call('POST', '/api/v1/people', {
      givenName: 'Tobias',
      familyName: 'Apitest',
      dobPrecision: 'exact',
      dateOfBirth: '2010-03-12',
      gender: 'male',
      upn: null,
      policeRef: 'WY/12345/24',
    });
    assert.equal(created.statusCode, 201, created.body);
    const person = created.json();
    assert.equal(created.headers.location, `/api/v1/people/${person.id}`);
    assert.equal(person.ageYears !== null && person.ageYears >= 16, true);
    const read = await call('GET', `/api/v1/people/${person.id}`);
    assert.equal(read.statusCode, 200);
    assert.equal(read.json().familyName, 'Apitest');
    const found = await call('GET', '/api/v1/people?name=Apitest&dob=2010-03-12');
    assert.deepEqual(
      found.json().results.map((r: { id: string }) => r.id),
      [person.id],
    );
    const views = await t.owner.pool.query(
      "SELECT count(*)::int AS n FROM audit_event WHERE action = 'person.viewed' AND subject_person_id = $1",
      [person.id],
    );
    assert.ok(views.rows[0].n >= 1, 'API reads are audited too');
  });

  it('answers bad input with problem details naming the field, and writes nothing', async () => {
    const before = await people();
    const missing = await call('POST', '/api/v1/people', {
      familyName: 'X',
      dobPrecision: 'unknown',
      gender: 'male',
    });
    assert.equal(missing.statusCode, 400);
    assert.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.deepEqual(missing.json().errors, [{ field: 'givenName', message: 'is required' }]);
    const rules = await call('POST', '/api/v1/people', {
      givenName: 'Y',
      familyName: 'X',
      dobPrecision: 'exact',
      dateOfBirth: '2010-02-30',
      gender: 'male',
      nhsNumber: '9434765918',
    });
    assert.equal(rules.statusCode, 422);
    assert.deepEqual(
      rules
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
      ['dateOfBirth', 'nhsNumber'],
    );
    const extra = await call('POST', '/api/v1/people', {
      givenName: 'Y',
      familyName: 'X',
      dobPrecision: 'unknown',
      gender: 'male',
      shoeSize: 9,
    });
    assert.equal(extra.statusCode, 400);
    assert.equal(extra.json().errors[0].field, 'shoeSize');
    const badQuery = await call('GET', '/api/v1/people?dob=yesterday');
    assert.equal(badQuery.statusCode, 422);
    assert.equal(badQuery.json().errors[0].field, 'dob');
    assert.equal(await people(), before);
  });

  it('refuses without a valid token, and by role', async () => {
    assert.equal((await ta.app.inject('/api/v1/people?name=a')).statusCode, 401);
    assert.equal(
      (await call('GET', '/api/v1/people?name=a', undefined, 'lnt_not-a-real-token-at-all-xx')).statusCode,
      401,
    );
    const forbidden = await call('GET', '/api/v1/people?name=a', undefined, councillorToken);
    assert.equal(forbidden.statusCode, 403);
    assert.equal(forbidden.json().title, 'Forbidden');
    const unknown = await call('GET', '/api/v1/people/00000000-0000-4000-8000-000000000000');
    assert.equal(unknown.statusCode, 404);
  });
});

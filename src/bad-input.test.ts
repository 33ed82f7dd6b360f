import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { agencyOf } from '../test/factories.ts';
import {
  Client,
  createTestApp,
  createTestDatabase,
  personIdWhere,
  TEST_PASSWORD,
  type TestApp,
  type TestDatabase,
  tokenFor,
} from '../test/helpers.ts';

/** Bad input is refused with a clear, specific answer, loses nothing, and is never a 500. */
describe('bad input', () => {
  let t: TestDatabase;
  let ta: TestApp;
  let token: string;
  let school: string;
  let person: string;

  before(async () => {
    t = await createTestDatabase({ people: 10 });
    ta = await createTestApp(t);
    token = await tokenFor(ta.services, 'frontdoor');
    school = await agencyOf(t, 'education');
    person = await personIdWhere(t);
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  const api = (method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
    ta.app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}`, ...headers } });

  const contact = (narrative: string) => ({
    sourceKind: 'agency',
    sourceAgencyId: school,
    categories: ['criminal'],
    narrative,
    people: [{ personId: person, part: 'subject' }],
  });

  it('refuses a NUL byte or a lone surrogate anywhere in an API request, naming the field', async () => {
    const cases: [string, Awaited<ReturnType<typeof api>>][] = [
      [
        'givenName',
        await api('POST', '/api/v1/people', {
          givenName: 'Ja\u0000ne',
          familyName: 'Doe',
          dobPrecision: 'unknown',
          gender: 'female',
        }),
      ],
      ['narrative', await api('POST', '/api/v1/contacts', contact('Seen\u0000 with older males'))],
      ['familyName', await api('POST', '/api/v1/people/match', { familyName: 'Sm\ud800ith' })],
      ['query.name', await api('GET', '/api/v1/people?name=%00')],
    ];
    for (const [field, response] of cases) {
      assert.equal(response.statusCode, 400, `${field}: ${response.body}`);
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
      assert.ok(
        response.json().errors.some((e: { field: string }) => e.field === field),
        `${field} named in ${response.body}`,
      );
    }
    const stored = await t.owner.pool.query("SELECT 1 FROM person WHERE family_name = 'Doe'");
    assert.equal(stored.rowCount, 0);
  });

  it('on pages, shows the error summary and keeps what was typed', async () => {
    const client = new Client(ta.app);
    await client.signIn('frontdoor');
    const response = await client.post('/people', {
      givenName: 'Ja\u0000ne',
      familyName: 'Typedsurname',
      dobPrecision: 'unknown',
      gender: 'female',
    });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /govuk-error-summary/);
    assert.match(response.body, /First name must not contain a NUL character/);
    assert.match(response.body, /value="Typedsurname"/);
    const search = await client.get('/people?name=%00');
    assert.equal(search.statusCode, 422);
    assert.match(search.body, /must not contain a NUL character/);
  });

  it('refuses an empty Idempotency-Key, and the same key with a different body', async () => {
    const empty = await api('POST', '/api/v1/contacts', contact('A concern'), { 'idempotency-key': '' });
    assert.equal(empty.statusCode, 400, empty.body);
    assert.match(empty.body, /idempotency-key/);
    const first = await api('POST', '/api/v1/contacts', contact('First concern'), {
      'idempotency-key': 'sys-42',
    });
    assert.equal(first.statusCode, 201);
    const retry = await api('POST', '/api/v1/contacts', contact('First concern'), {
      'idempotency-key': 'sys-42',
    });
    assert.equal(retry.statusCode, 200);
    assert.equal(retry.json().id, first.json().id);
    const reused = await api('POST', '/api/v1/contacts', contact('Another concern'), {
      'idempotency-key': 'sys-42',
    });
    assert.equal(reused.statusCode, 422, reused.body);
    assert.equal(reused.json().errors[0].field, 'Idempotency-Key');
    const count = await t.owner.pool.query(
      "SELECT count(*)::int AS n FROM contact WHERE idempotency_key = 'sys-42'",
    );
    assert.equal(count.rows[0].n, 1);
  });

  it('settles two opposite merges at once: one succeeds, the other is refused with 409', async () => {
    const signedIn = await ta.services.accounts.signIn('frontdoor', TEST_PASSWORD);
    assert.ok(signedIn.ok);
    const make = (given: string) =>
      ta.services.people.create(signedIn.actor, {
        givenName: given,
        familyName: 'Twinmerge',
        dobPrecision: 'unknown',
        gender: 'male',
      });
    for (let round = 0; round < 5; round++) {
      const a = await make(`Alpha${round}`);
      const b = await make(`Beta${round}`);
      const [ab, ba] = await Promise.all([
        api('POST', `/api/v1/people/${a}/merges`, { absorbedId: b, reason: 'same child' }),
        api('POST', `/api/v1/people/${b}/merges`, { absorbedId: a, reason: 'same child' }),
      ]);
      assert.deepEqual([ab.statusCode, ba.statusCode].sort(), [201, 409], `${ab.body} ${ba.body}`);
    }
  });
});

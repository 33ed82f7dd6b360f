import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Client,
  createTestApp,
  createTestDatabase,
  formValues,
  personIdWhere,
  type TestApp,
  type TestDatabase,
} from '../test/helpers.ts';

describe('pages', () => {
  let t: TestDatabase;
  let ta: TestApp;

  before(async () => {
    t = await createTestDatabase({ people: 20 });
    ta = await createTestApp(t);
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  it('serves /health with the database status', async () => {
    const response = await ta.app.inject('/health');
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: 'ok', database: 'up' });
  });

  it('sets a CSP with a script nonce that the page uses, and no-store', async () => {
    const response = await ta.app.inject('/sign-in');
    const csp = String(response.headers['content-security-policy']);
    const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
    assert.ok(nonce, csp);
    assert.match(response.body, new RegExp(`<script type="module" nonce="${nonce}"`));
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers['cache-control'], 'no-store');
    // A fresh nonce for every response (the security headers are built once, the nonce is not),
    // past the 256 that one fill of the nonce pool gives.
    const nonces = new Set<string>([nonce]);
    for (let i = 0; i < 300; i++) {
      const again = await ta.app.inject('/sign-in');
      const next = /script-src 'self' 'nonce-([0-9a-f]{32})'/.exec(
        String(again.headers['content-security-policy']),
      )?.[1];
      assert.ok(next && !nonces.has(next), `nonce ${i} is new`);
      assert.match(again.body, new RegExp(`nonce="${next}"`));
      nonces.add(next);
    }
    assert.equal(nonces.size, 301);
    const api = await ta.app.inject('/api/v1/people/x');
    assert.match(
      String(api.headers['content-security-policy']),
      /default-src 'self'.*frame-ancestors 'none'/,
    );
    assert.equal(api.headers['x-content-type-options'], 'nosniff');
  });

  it('refuses a form without its CSRF token', async () => {
    const client = new Client(ta.app);
    await client.signIn('frontdoor');
    const response = await client.post('/people', { givenName: 'X' }, { csrf: false });
    assert.equal(response.statusCode, 403);
    assert.match(response.body, /The form had expired/);
  });

  it('signs in with a new session cookie, and signs out for good', async () => {
    const client = new Client(ta.app);
    await client.get('/sign-in');
    const bad = await client.post('/sign-in', { username: 'frontdoor', password: 'wrong' });
    assert.equal(bad.statusCode, 422);
    assert.match(bad.body, /govuk-error-summary/);
    assert.match(bad.body, /Enter a correct username and password/);
    assert.match(bad.body, /value="frontdoor"/, 'the username typed is kept');
    const signedIn = await client.post('/sign-in', {
      username: 'frontdoor',
      password: 'correct-horse-battery',
      next: '/people',
    });
    assert.equal(signedIn.headers.location, '/people');
    const first = client.cookies.get('lantern_session');
    await client.post('/sign-in', { username: 'frontdoor', password: 'correct-horse-battery' });
    const second = client.cookies.get('lantern_session');
    assert.ok(first && second && first !== second, 'a fresh session id at each sign-in');
    const page = await client.get('/people');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Sam Whitaker/);
    assert.match(page.body, /Children&#39;s Social Care/);
    const stolen = client.cookies.get('lantern_session');
    await client.post('/sign-out', {});
    // The old cookie no longer works even if someone kept it.
    const replay = await ta.app.inject({ url: '/people', headers: { cookie: `lantern_session=${stolen}` } });
    assert.equal(replay.statusCode, 302);
  });

  it('only returns to same-site paths after sign-in', async () => {
    const client = new Client(ta.app);
    await client.get('/sign-in');
    const response = await client.post('/sign-in', {
      username: 'frontdoor',
      password: 'correct-horse-battery',
      next: '//evil.example/x',
    });
    assert.equal(response.headers.location, '/');
  });

  it('keeps everything typed when a person form fails validation', async () => {
    const client = new Client(ta.app);
    await client.signIn('frontdoor');
    await client.get('/people/new');
    const response = await client.post('/people', {
      givenName: 'Keepme',
      familyName: '',
      dobPrecision: 'exact',
      'dateOfBirth-day': '31',
      'dateOfBirth-month': '2',
      'dateOfBirth-year': '2012',
      gender: 'female',
      postcode: 'BD7 1AB',
      nhsNumber: '1234567890',
      aliasesText: 'Street Name',
    });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /There is a problem/);
    assert.match(response.body, /href="#familyName">Enter last name/);
    assert.match(response.body, /Date of birth must be a real date/);
    assert.match(response.body, /NHS number is not valid/);
    for (const kept of [
      'value="Keepme"',
      'value="31"',
      'value="BD7 1AB"',
      'value="1234567890"',
      'Street Name',
    ]) {
      assert.ok(response.body.includes(kept), `kept ${kept}`);
    }
    assert.match(response.body, /<title>Error: /);
  });

  it('a stale edit keeps neither version silently: the other change is taken in, a clash is chosen', async () => {
    const id = await personIdWhere(t, 'merged_into IS NULL AND town IS NOT NULL');
    const a = new Client(ta.app);
    const b = new Client(ta.app);
    await a.signIn('frontdoor');
    await b.signIn('manager');
    // Both open the form; the manager changes the last name and saves first.
    const formA = formValues((await a.get(`/people/${id}/edit`)).body, 'person-form');
    const formB = formValues((await b.get(`/people/${id}/edit`)).body, 'person-form');
    assert.equal((await b.post(`/people/${id}`, { ...formB, familyName: 'Managersurname' })).statusCode, 302);
    // The Front Door changed only the town: the manager's last name comes into the form, said so.
    const stale = await a.post(`/people/${id}`, { ...formA, town: 'Frontdoortown' });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /Their changes to the last name are now in the form/);
    const again = formValues(stale.body, 'person-form');
    assert.equal(again.familyName, 'Managersurname');
    assert.equal(again.town, 'Frontdoortown');
    assert.equal((await a.post(`/people/${id}`, again)).statusCode, 302);
    const saved = (await t.owner.pool.query('SELECT family_name, town FROM person WHERE id = $1', [id]))
      .rows[0];
    assert.deepEqual(saved, { family_name: 'Managersurname', town: 'Frontdoortown' });
    // Now both change the last name: a clash, which must be chosen, not saved either way.
    const formA2 = formValues((await a.get(`/people/${id}/edit`)).body, 'person-form');
    const formB2 = formValues((await b.get(`/people/${id}/edit`)).body, 'person-form');
    assert.equal((await b.post(`/people/${id}`, { ...formB2, familyName: 'Theirchoice' })).statusCode, 302);
    const clash = await a.post(`/people/${id}`, { ...formA2, familyName: 'Mychoice' });
    assert.equal(clash.statusCode, 409);
    assert.match(clash.body, /Which last name should be saved\?/);
    assert.match(clash.body, /Yours: Mychoice/);
    assert.match(clash.body, /The one saved since: Theirchoice/);
    const unchosen = await a.post(`/people/${id}`, formValues(clash.body, 'person-form'));
    assert.equal(unchosen.statusCode, 422);
    assert.match(unchosen.body, /href="#resolve-familyName">Choose which last name to keep/);
    const chosen = await a.post(`/people/${id}`, {
      ...formValues(clash.body, 'person-form'),
      'resolve-familyName': 'theirs',
    });
    assert.equal(chosen.statusCode, 302);
    assert.equal(
      (await t.owner.pool.query('SELECT family_name FROM person WHERE id = $1', [id])).rows[0].family_name,
      'Theirchoice',
    );
  });

  it('shows a stale edit with the other change and the words typed', async () => {
    const id = await personIdWhere(t);
    const a = new Client(ta.app);
    const b = new Client(ta.app);
    await a.signIn('frontdoor');
    await b.signIn('manager');
    const formA = await a.get(`/people/${id}/edit`);
    const version = /name="version" value="(\d+)"/.exec(formA.body)?.[1] ?? '';
    await b.get(`/people/${id}/edit`);
    const base = { dobPrecision: 'unknown', gender: 'female', givenName: 'Same', version };
    const saved = await b.post(`/people/${id}`, { ...base, familyName: 'Managerchange' });
    assert.equal(saved.statusCode, 302);
    const stale = await a.post(`/people/${id}`, { ...base, familyName: 'Frontdoorchange' });
    assert.equal(stale.statusCode, 409);
    assert.match(stale.body, /Someone else changed this person/);
    assert.match(stale.body, /value="Frontdoorchange"/);
    assert.match(stale.body, /Managerchange/);
  });

  it('records a person view in the access log that a manager sees', async () => {
    const id = await personIdWhere(t);
    const frontdoor = new Client(ta.app);
    await frontdoor.signIn('frontdoor');
    assert.equal((await frontdoor.get(`/people/${id}`)).statusCode, 200);
    const manager = new Client(ta.app);
    await manager.signIn('manager');
    const log = await manager.get(`/people/${id}/access-log`);
    assert.match(log.body, /<td class="govuk-table__cell">frontdoor<\/td>[\s\S]*?person\.viewed/);
  });

  it('shows a 404 page for an unknown page or person', async () => {
    const client = new Client(ta.app);
    await client.signIn('frontdoor');
    const missing = await client.get('/nothing-here');
    assert.equal(missing.statusCode, 404);
    assert.match(missing.body, /Page not found/);
    const person = await client.get('/people/00000000-0000-4000-8000-000000000000');
    assert.equal(person.statusCode, 404);
  });

  it('shows a 500 page without internals when something breaks', async () => {
    const t2 = await createTestDatabase({ people: 1 });
    const ta2 = await createTestApp(t2);
    const client = new Client(ta2.app);
    await client.signIn('frontdoor');
    await t2.db.close(); // the database goes away under the app
    const response = await client.get('/people?name=x');
    assert.equal(response.statusCode, 500);
    assert.match(response.body, /Sorry, there is a problem with the service/);
    assert.doesNotMatch(response.body, /at .*\.ts:\d+|Error:|pool/i);
    await ta2.app.close();
    await t2.close();
  });
});

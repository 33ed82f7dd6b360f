import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Client,
  createTestApp,
  createTestDatabase,
  TEST_PASSWORD,
  type TestApp,
  type TestDatabase,
  tokenFor,
} from '../../../test/helpers.ts';
import type { Actor } from '../access.ts';

/**
 * The one record-visibility rule, as every module applies it: which people (a service worker's
 * agency relationships, whatever other role they hold) and which records (a contact's narrative is
 * for those who may open contacts, on the chronology and its printout too). Lists are audited.
 */
describe('record visibility: one rule for every module', () => {
  let t: TestDatabase;
  let ta: TestApp;
  let frontdoor: Actor;
  /** Known to the Trusted Relationships Project (the keyworker's agency), with a contact. */
  let known: string;
  /** Known to nobody but the police. */
  let stranger: string;
  let mixedToken: string;

  before(async () => {
    t = await createTestDatabase({ people: 20 });
    ta = await createTestApp(t);
    const signedIn = await ta.services.accounts.signIn('frontdoor', TEST_PASSWORD);
    assert.ok(signedIn.ok);
    frontdoor = signedIn.actor;
    const agency = async (code: string) =>
      (await t.owner.pool.query('SELECT id FROM agency WHERE code = $1', [code])).rows[0].id as string;
    const trp = await agency('trp');
    known = await ta.services.people.create(frontdoor, {
      givenName: 'Kerry',
      familyName: 'Visibletest',
      dobPrecision: 'exact',
      dateOfBirth: '2011-05-04',
      gender: 'female',
      agencyIds: [trp],
    });
    const police = await ta.services.accounts.signIn('police', TEST_PASSWORD);
    assert.ok(police.ok);
    stranger = await ta.services.people.create(police.actor, {
      givenName: 'Quentin',
      familyName: 'Unknownto',
      dobPrecision: 'exact',
      dateOfBirth: '2009-02-01',
      gender: 'male',
      postcode: 'BD7 1AB',
    });
    await ta.services.contacts.receive(
      frontdoor,
      {
        sourceKind: 'agency',
        sourceAgencyId: await agency('education'),
        categories: ['sexual'],
        narrative: 'Seen getting into a car with an older male outside school. SECRET-NARRATIVE-7731',
        people: [{ personId: known, part: 'subject' }],
      },
      null,
    );
    // A service worker who is also an elected member (a second, unrelated role).
    const hash = (await t.owner.pool.query("SELECT password_hash FROM app_user WHERE username = 'keyworker'"))
      .rows[0].password_hash;
    await t.owner.pool.query(
      `INSERT INTO app_user (partnership_id, username, username_key, display_name, agency_id, roles, password_hash)
       VALUES ($1, 'mixed', 'mixed', 'Two Hats', $2, '{service_worker,elected_member}', $3)`,
      [t.partnershipId, trp, hash],
    );
    mixedToken = await tokenFor(ta.services, 'mixed');
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  const api = (method: 'GET' | 'POST', url: string, payload?: object) =>
    ta.app.inject({ method, url, payload, headers: { authorization: `Bearer ${mixedToken}` } });

  it('a second role widens nothing: a service worker who is also a councillor finds only their agency’s people', async () => {
    assert.equal((await api('GET', `/api/v1/people/${stranger}`)).statusCode, 404);
    assert.equal((await api('GET', `/api/v1/people/${known}`)).statusCode, 200);
    // "Already known?" by name, date of birth and postcode: the stranger is not offered.
    const matched = await api('POST', '/api/v1/people/match', {
      givenName: 'Quentin',
      familyName: 'Unknownto',
      dateOfBirth: '2009-02-01',
      postcode: 'BD7 1AB',
    });
    assert.equal(matched.statusCode, 200, matched.body);
    assert.ok(!matched.body.includes(stranger), 'the stranger is not among the candidates');
    assert.ok(!matched.body.includes('Unknownto'));
    const searched = await api('GET', '/api/v1/people?name=Unknownto');
    assert.equal(searched.json().results.length, 0);
  });

  it('does not show a contact’s narrative to a role that may not open contacts, on the chronology or its printout', async () => {
    const keyworker = new Client(ta.app);
    await keyworker.signIn('keyworker');
    assert.equal((await keyworker.get(`/people/${known}`)).statusCode, 200);
    const page = await keyworker.get(`/people/${known}`);
    assert.doesNotMatch(page.body, /SECRET-NARRATIVE-7731/);
    assert.match(page.body, /Contact received \(details restricted\)/);
    const print = await keyworker.get(`/people/${known}/chronology/print`);
    assert.equal(print.statusCode, 200);
    assert.doesNotMatch(print.body, /SECRET-NARRATIVE-7731/);
    // The Front Door still reads it.
    const fd = new Client(ta.app);
    await fd.signIn('frontdoor');
    assert.match((await fd.get(`/people/${known}`)).body, /SECRET-NARRATIVE-7731/);
  });

  it('audits list views that name people: work queues, contact lists, search results, match candidates', async () => {
    const fd = new Client(ta.app);
    await fd.signIn('frontdoor');
    assert.equal((await fd.get('/work')).statusCode, 200);
    assert.equal((await fd.get('/contacts')).statusCode, 200);
    assert.equal((await fd.get('/people?name=Visibletest')).statusCode, 200);
    const { rows } = await t.owner.pool.query(
      `SELECT action FROM audit_event WHERE $1 = ANY(listed_person_ids) ORDER BY seq`,
      [known],
    );
    const actions = rows.map((r) => r.action);
    for (const action of ['work_queues.viewed', 'contacts.listed', 'people.searched'])
      assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    // A manager sees those list views in the person's access log.
    const manager = new Client(ta.app);
    await manager.signIn('manager');
    const log = await manager.get(`/people/${known}/access-log`);
    assert.match(log.body, /work_queues\.viewed/);
    assert.match(log.body, /shown in a list/);
  });
});

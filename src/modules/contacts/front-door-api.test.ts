import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { agencyOf } from '../../../test/factories.ts';
import {
  Client,
  createTestApp,
  createTestDatabase,
  type TestApp,
  type TestDatabase,
  tokenFor,
} from '../../../test/helpers.ts';
import { CURRENT_RULES, rulesFor } from '../assessments/index.ts';

const rules = rulesFor(CURRENT_RULES);
const requiredNo = Object.fromEntries(
  rules.themes.filter((t) => t.required).flatMap((t) => t.indicators.map((i) => [i.id, 'not_present'])),
);

describe('Front Door API', () => {
  let t: TestDatabase;
  let ta: TestApp;
  const tokens: Record<string, string> = {};
  let personId: string;
  let schoolId: string;

  before(async () => {
    t = await createTestDatabase({ people: 10 });
    ta = await createTestApp(t);
    const admin = await ta.services.accounts.signIn('admin', 'correct-horse-battery');
    assert.ok(admin.ok);
    for (const u of await ta.services.accounts.listUsers(admin.actor)) {
      tokens[u.username] = await tokenFor(ta.services, u.username);
    }
    schoolId = await agencyOf(t, 'education');
    const created = await call('POST', '/api/v1/people', 'police', {
      givenName: 'Leah',
      familyName: 'Apicontact',
      dobPrecision: 'approximate',
      dateOfBirth: '2012-07-01',
      gender: 'female',
    });
    personId = created.json().id;
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  function call(
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    user: string,
    payload?: object,
    headers: Record<string, string> = {},
  ) {
    return ta.app.inject({
      method,
      url,
      payload,
      headers: { authorization: `Bearer ${tokens[user]}`, ...headers },
    });
  }
  const contactBody = () => ({
    sourceKind: 'agency',
    sourceAgencyId: schoolId,
    categories: ['sexual', 'missing'],
    narrative: 'Seen getting into cars with older males. Missing twice.',
    occurredOn: '2026-11-19',
    places: [{ description: 'Outside the school gates', kind: 'school', postcode: 'bd7 1ab' }],
    people: [{ personId, part: 'subject' }],
  });
  const contactCount = async () =>
    (await t.owner.pool.query('SELECT count(*)::int AS n FROM contact')).rows[0].n;

  it('receives a contact once however often it is retried with the same Idempotency-Key', async () => {
    const before = await contactCount();
    const first = await call('POST', '/api/v1/contacts', 'police', contactBody(), {
      'idempotency-key': 'police-system-7781',
    });
    assert.equal(first.statusCode, 201, first.body);
    const retry = await call('POST', '/api/v1/contacts', 'police', contactBody(), {
      'idempotency-key': 'police-system-7781',
    });
    assert.equal(retry.statusCode, 200);
    assert.equal(retry.json().id, first.json().id);
    assert.equal(await contactCount(), before + 1);
    const contact = first.json();
    assert.equal(contact.status, 'submitted');
    assert.equal(contact.places[0].postcode, 'BD7 1AB');
    assert.match(first.headers.location as string, /^\/api\/v1\/contacts\//);
    // Without a key, each call is a new contact.
    await call('POST', '/api/v1/contacts', 'police', contactBody());
    assert.equal(await contactCount(), before + 2);
  });

  it('names bad fields in problem details and writes nothing', async () => {
    const before = await contactCount();
    const bad = await call('POST', '/api/v1/contacts', 'police', {
      ...contactBody(),
      categories: ['gossip'],
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().errors[0].field, 'categories.0');
    const noSubject = await call('POST', '/api/v1/contacts', 'police', {
      ...contactBody(),
      people: [{ personId, part: 'witness' }],
    });
    assert.equal(noSubject.statusCode, 422);
    assert.deepEqual(
      noSubject.json().errors.map((e: { field: string }) => e.field),
      ['people'],
    );
    const unknown = await call('POST', '/api/v1/contacts', 'police', {
      ...contactBody(),
      people: [{ personId: '00000000-0000-4000-8000-000000000000', part: 'subject' }],
    });
    assert.equal(unknown.statusCode, 422);
    assert.equal(unknown.json().errors[0].field, 'people.0.personId');
    assert.equal(await contactCount(), before);
  });

  it('decides, assesses and flags with the same rules as the pages', async () => {
    const contact = (await call('POST', '/api/v1/contacts', 'police', contactBody())).json();
    const forbidden = await call('POST', `/api/v1/contacts/${contact.id}/decision`, 'police', {
      outcome: 'exploitation_assessment',
      urgency: 'routine',
      rationale: 'x',
    });
    assert.equal(forbidden.statusCode, 403, 'police record contacts but the Front Door decides');
    const decided = await call('POST', `/api/v1/contacts/${contact.id}/decision`, 'frontdoor', {
      outcome: 'exploitation_assessment',
      urgency: 'within_24_hours',
      rationale: 'Signs of CSE.',
    });
    assert.equal(decided.statusCode, 201, decided.body);
    const assessmentId = decided.json().assessments[0].assessmentId;
    const again = await call('POST', `/api/v1/contacts/${contact.id}/decision`, 'frontdoor', {
      outcome: 'early_help',
      urgency: 'routine',
      rationale: 'x',
    });
    assert.equal(again.statusCode, 409);

    const read = (await call('GET', `/api/v1/assessments/${assessmentId}`, 'frontdoor')).json();
    const incomplete = await call('PUT', `/api/v1/assessments/${assessmentId}`, 'frontdoor', {
      version: read.version,
      submit: true,
      answers: { 'cse-cars': 'current' },
      flagTypes: ['cse'],
    });
    assert.equal(incomplete.statusCode, 422);
    assert.ok(incomplete.json().errors.some((e: { field: string }) => e.field === 'a-dis-learning'));
    const done = await call('PUT', `/api/v1/assessments/${assessmentId}`, 'frontdoor', {
      version: read.version,
      submit: true,
      answers: { ...requiredNo, 'cse-cars': 'current', 'mis-repeat': 'current' },
      flagTypes: ['cse', 'missing_linked'],
    });
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().finalLevel, 'moderate');
    const stale = await call('PUT', `/api/v1/assessments/${assessmentId}`, 'frontdoor', {
      version: read.version,
      answers: {},
    });
    assert.equal(stale.statusCode, 409);

    const flags = (await call('GET', `/api/v1/people/${personId}/flags`, 'frontdoor')).json();
    const flagViews = await t.owner.pool.query(
      "SELECT count(*)::int AS n FROM audit_event WHERE action = 'flags.viewed' AND subject_person_id = $1",
      [personId],
    );
    assert.ok(flagViews.rows[0].n >= 1, 'reading flags through the API is audited');
    assert.deepEqual(flags.current.map((f: { flagType: string }) => f.flagType).sort(), [
      'cse',
      'missing_linked',
    ]);
    const ended = await call('POST', `/api/v1/people/${personId}/flags`, 'manager', {
      flagType: 'cse',
      level: 'ended',
      reason: 'Risk reduced',
    });
    assert.equal(ended.statusCode, 201);
    const badFlag = await call('POST', `/api/v1/people/${personId}/flags`, 'manager', {
      flagType: 'cse',
      level: 'huge',
      reason: 'x',
    });
    assert.equal(badFlag.statusCode, 400);
    assert.equal(badFlag.json().errors[0].field, 'level');
  });

  it('pages: a manager approves an override on the assessment page, then sees the completed result', async () => {
    const started = (await call('POST', `/api/v1/people/${personId}/assessments`, 'frontdoor')).json();
    const read = (await call('GET', `/api/v1/assessments/${started.id}`, 'frontdoor')).json();
    const submitted = await call('PUT', `/api/v1/assessments/${started.id}`, 'frontdoor', {
      version: read.version,
      submit: true,
      answers: { ...requiredNo, 'sub-use': 'current' },
      flagTypes: ['cce'],
      specialistReferral: 'not_made',
      specialistReferralNote: 'Declined by family',
      overrideLevel: 'significant',
      overrideReason: 'Police intelligence about the adults involved.',
    });
    assert.equal(submitted.json().status, 'awaiting_approval');
    const manager = new Client(ta.app);
    await manager.signIn('manager');
    const page = await manager.get(`/assessments/${started.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-qa="approval-form"/);
    assert.match(page.body, /no specialist referral was made/);
    const missing = await manager.post(`/assessments/${started.id}/approval`, { decision: 'decline' });
    assert.equal(missing.statusCode, 422);
    assert.match(missing.body, /Say why the override is declined/);
    const approved = await manager.post(`/assessments/${started.id}/approval`, { decision: 'approve' });
    assert.equal(approved.statusCode, 302);
    const done = await manager.get(`/assessments/${started.id}`);
    assert.match(done.body, /data-qa='final-level'>Significant</);
  });

  it('pages: a contact form that fails keeps every word, and overdue work shows on every page', async () => {
    const client = new Client(ta.app);
    await client.signIn('frontdoor');
    await client.get('/contacts/new');
    const response = await client.post('/contacts', {
      sourceKind: 'public',
      occurredOn: '2026-02-30',
      narrative: 'He was recruited by older boys at the park.',
      placesText: 'The park BD7 1AB',
      categories: ['criminal'],
    });
    assert.equal(response.statusCode, 422);
    assert.match(response.body, /Date it happened must be a real date/);
    assert.ok(response.body.includes('He was recruited by older boys at the park.'));
    assert.ok(response.body.includes('The park BD7 1AB'));
    assert.match(response.body, /value="criminal" checked/);
    assert.match(response.body, /data-qa="language-warning-narrative"[\s\S]*recruited/);
    await t.owner.pool.query(
      "UPDATE work_item SET due_at = now() - interval '1 day' WHERE completed_at IS NULL",
    );
    const page = await client.get('/people');
    assert.match(page.body, /data-qa="attention-banner"[\s\S]*overdue item/);
    const keyworker = new Client(ta.app);
    await keyworker.signIn('keyworker');
    assert.doesNotMatch((await keyworker.get('/people')).body, /attention-banner/);
  });

  it('checks language through the API', async () => {
    const response = await call('POST', '/api/v1/language-check', 'frontdoor', {
      text: 'He is making his own choices.',
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().findings[0].phraseId, 'making-choices');
    assert.equal((await call('POST', '/api/v1/language-check', 'councillor', { text: 'x' })).statusCode, 403);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { factories } from '../test/factories.ts';
import {
  Client,
  createTestApp,
  createTestDatabase,
  formValues,
  type TestApp,
  type TestDatabase,
} from '../test/helpers.ts';
import { CURRENT_RULES, rulesFor } from './modules/assessments/index.ts';
import { addWorkingDays } from './modules/clock/index.ts';
import type { Actor } from './platform/access.ts';
import { ValidationError } from './platform/errors.ts';

const rules = rulesFor(CURRENT_RULES);
const requiredNo = Object.fromEntries(
  rules.themes
    .filter((t) => t.required)
    .flatMap((t) => t.indicators.map((i) => [`a-${i.id}`, 'not_present'])),
);

/** What the record says is what happened — no more, no less. */
describe('what the record says is true', () => {
  let t: TestDatabase;
  let ta: TestApp;
  let frontdoor: Actor;
  let school: string;

  before(async () => {
    t = await createTestDatabase();
    ta = await createTestApp(t);
    const make = factories(t, ta.services);
    ({ frontdoor } = await make.actors('frontdoor'));
    school = await make.agencyId('education');
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  const child = (familyName: string) =>
    ta.services.people.create(frontdoor, {
      givenName: 'Urgent',
      familyName,
      dobPrecision: 'exact',
      dateOfBirth: '2011-06-01',
      gender: 'female',
    });

  async function decided(familyName: string, urgency: string) {
    const personId = await child(familyName);
    const { id } = await ta.services.contacts.receive(
      frontdoor,
      {
        sourceKind: 'agency',
        sourceAgencyId: school,
        categories: ['sexual'],
        narrative: 'Older males collecting her from school',
        people: [{ personId, part: 'subject' }],
      },
      null,
    );
    const before = Date.now();
    const result = await ta.services.contacts.decide(frontdoor, id, {
      outcome: 'exploitation_assessment',
      urgency,
      rationale: 'Signs of sexual exploitation',
    });
    const { rows } = await t.owner.pool.query(
      "SELECT due_at FROM work_item WHERE kind = 'assessment' AND person_id = $1 AND completed_at IS NULL",
      [personId],
    );
    return { personId, before, due: rows[0].due_at as Date, result };
  }

  it('the urgency of a decision drives the clock of the work it starts', async () => {
    const hour = 3_600_000;
    const within = async (urgency: string, hours: number) => {
      const { before, due } = await decided(`Clock${urgency.replace(/_/g, '')}`, urgency);
      assert.ok(
        Math.abs(due.getTime() - (before + hours * hour)) < 10_000,
        `${urgency}: due ${due.toISOString()}`,
      );
    };
    await within('immediate', 4);
    await within('within_24_hours', 24);
    await within('within_72_hours', 72);
    const routine = await decided('Clockroutine', 'routine');
    const expected = addWorkingDays(new Date(routine.before), 10);
    assert.ok(Math.abs(routine.due.getTime() - expected.getTime()) < 10_000, 'routine: 10 working days');
    // A second, urgent concern brings an open assessment forward, never back.
    const { id } = await ta.services.contacts.receive(
      frontdoor,
      {
        sourceKind: 'agency',
        sourceAgencyId: school,
        categories: ['sexual'],
        narrative: 'Missing overnight',
        people: [{ personId: routine.personId, part: 'subject' }],
      },
      null,
    );
    await ta.services.contacts.decide(frontdoor, id, {
      outcome: 'exploitation_assessment',
      urgency: 'within_24_hours',
      rationale: 'Escalating',
    });
    const { rows } = await t.owner.pool.query(
      "SELECT due_at FROM work_item WHERE kind = 'assessment' AND person_id = $1 AND completed_at IS NULL",
      [routine.personId],
    );
    assert.equal(rows.length, 1, 'still one open assessment');
    assert.ok(rows[0].due_at.getTime() < Date.now() + 25 * hour, 'brought forward to within 24 hours');
  });

  it('says drug or alcohol use was current only when the answers say so', async () => {
    const client = new Client(ta.app);
    await client.signIn('frontdoor');
    const show = async (answers: Record<string, string>, familyName: string) => {
      const personId = await child(familyName);
      const { id } = await ta.services.assessments.start(frontdoor, personId);
      const { assessment } = await ta.services.assessments.get(frontdoor, id);
      await ta.services.assessments.save(
        frontdoor,
        id,
        assessment.version,
        {
          ...requiredNo,
          ...answers,
          specialistReferral: 'not_made',
          specialistReferralNote: 'Declined by the young person',
          analysis: 'Test',
          flagTypes: ['cce'],
        },
        true,
      );
      return (await client.get(`/assessments/${id}`)).body;
    };
    const notKnown = await show({ 'a-sub-use': 'not_known', 'a-sub-supplied': 'not_known' }, 'Drugsnotknown');
    assert.ok(/data-qa="assessment-summary"/.test(notKnown), 'the submitted assessment is shown');
    assert.ok(!/Drug or alcohol use was current/.test(notKnown), 'no claim of current use');
    const current = await show({ 'a-sub-use': 'current' }, 'Drugscurrent');
    assert.ok(/Drug or alcohol use was current and no specialist referral was made/.test(current));
  });

  it("lists a person's assessments on their page, newest first, each with where it stands", async () => {
    const client = new Client(ta.app);
    await client.signIn('frontdoor');
    const personId = await child('Assessedtwice');
    const first = await ta.services.assessments.start(frontdoor, personId);
    const { assessment } = await ta.services.assessments.get(frontdoor, first.id);
    await ta.services.assessments.save(
      frontdoor,
      first.id,
      assessment.version,
      {
        ...requiredNo,
        specialistReferral: 'not_made',
        specialistReferralNote: 'Not needed',
        analysis: 'Test',
        flagTypes: ['cce'],
      },
      true,
    );
    const done = (await ta.services.assessments.get(frontdoor, first.id)).assessment;
    assert.ok(done.finalLevel, 'the first assessment has its level');
    const second = await ta.services.assessments.start(frontdoor, personId);
    assert.notEqual(second.id, first.id);
    const page = (await client.get(`/people/${personId}`)).body;
    const list = /<ul class="govuk-list" data-qa="assessments">([\s\S]*?)<\/ul>/.exec(page)?.[1] ?? '';
    const items = [
      ...list.matchAll(/href="\/assessments\/([0-9a-f-]{36})">[^<]+<\/a>:\s*([^<]+?)\s*<\/li>/g),
    ].map((m) => [m[1], m[2]]);
    assert.deepEqual(
      items.map((i) => i[0]),
      [second.id, first.id],
      'newest first',
    );
    assert.equal(items[0][1], 'in progress');
    assert.notEqual(items[1][1], 'in progress');
    assert.ok(items[1][1].length > 0, 'the first shows its level');
  });

  it('refuses a second person with the same NHS number or UPN unless the practitioner says why', async () => {
    const first = await ta.services.people.create(frontdoor, {
      givenName: 'Ada',
      familyName: 'Identifier',
      dobPrecision: 'unknown',
      gender: 'female',
      nhsNumber: '9434765919',
    });
    await assert.rejects(
      ta.services.people.create(frontdoor, {
        givenName: 'Someone',
        familyName: 'Else',
        dobPrecision: 'unknown',
        gender: 'male',
        nhsNumber: '943 476 5919',
      }),
      (e: unknown) => e instanceof ValidationError && e.errors[0].field === 'nhsNumber',
    );
    const second = await ta.services.people.create(frontdoor, {
      givenName: 'Someone',
      familyName: 'Else',
      dobPrecision: 'unknown',
      gender: 'male',
      nhsNumber: '9434765919',
      duplicateReason: 'The NHS number on the referral is wrong; queried with the GP',
    });
    assert.notEqual(first, second);
    const { rows } = await t.owner.pool.query(
      "SELECT reason, details FROM audit_event WHERE action = 'person.created' AND subject_person_id = $1",
      [second],
    );
    assert.match(rows[0].reason, /queried with the GP/);
    assert.deepEqual(rows[0].details.sharesIdentifierWith, [first]);
  });

  it('asks "already known?" before adding a person on the page, and adds them only when told none match', async () => {
    const existing = await ta.services.people.create(frontdoor, {
      givenName: 'Bethany',
      familyName: 'Alreadyknown',
      dobPrecision: 'exact',
      dateOfBirth: '2010-03-12',
      gender: 'female',
      postcode: 'BD7 1AB',
    });
    const client = new Client(ta.app);
    await client.signIn('frontdoor');
    const typed = {
      givenName: 'Beth',
      familyName: 'Alreadyknown',
      'dateOfBirth-day': '12',
      'dateOfBirth-month': '3',
      'dateOfBirth-year': '2010',
      dobPrecision: 'exact',
      gender: 'female',
      postcode: 'BD7 1AB',
    };
    const count = async () =>
      (await t.owner.pool.query("SELECT count(*)::int AS n FROM person WHERE family_name = 'Alreadyknown'"))
        .rows[0].n;
    const asked = await client.post('/people', typed);
    assert.equal(asked.statusCode, 200);
    assert.match(asked.body, /This person may already be known/);
    assert.ok(asked.body.includes(`/people/${existing}`), 'the known person is offered');
    assert.equal(await count(), 1, 'nothing added yet');
    // "Change what I entered" goes back to the form with everything typed.
    const kept = formValues(asked.body, 'possible-matches-form');
    const back = await client.post('/people', { ...kept, edit: '1' });
    assert.ok(/value="Beth"/.test(back.body), 'typed first name kept');
    const added = await client.post('/people', { ...kept, confirmedNew: '1' });
    assert.equal(added.statusCode, 302);
    assert.equal(await count(), 2);
  });

  it('labels every control on the sign-off form (no id shared with a heading)', async () => {
    const personId = await child('Signofflabel');
    const make = factories(t, ta.services);
    const { chair } = await make.actors('chair');
    await make.flag(chair, personId, 'cse', 'moderate');
    const { id } = await ta.services.contacts.receive(
      frontdoor,
      {
        sourceKind: 'agency',
        sourceAgencyId: school,
        categories: ['sexual'],
        narrative: 'Concern',
        people: [{ personId, part: 'subject' }],
      },
      null,
    );
    await ta.services.contacts.decide(frontdoor, id, {
      outcome: 'no_further_action',
      urgency: 'routine',
      rationale: 'Not now',
    });
    const manager = new Client(ta.app);
    await manager.signIn('manager');
    const page = (await manager.get(`/contacts/${id}`)).body;
    assert.match(page, /data-qa="signoff-form"/);
    assert.equal(page.match(/\sid="decision"/g)?.length, 1, 'one element with the id');
    assert.match(
      page,
      /<input class="govuk-radios__input" id="decision" name="decision" type="radio" value="approve"/,
    );
    assert.match(page, /<label class="govuk-label govuk-radios__label" for="decision">/);
  });
});

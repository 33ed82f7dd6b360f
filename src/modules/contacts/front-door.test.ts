import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bornYearsAgo, factories } from '../../../test/factories.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers.ts';
import type { Actor } from '../../platform/access.ts';
import { ConflictError, ValidationError } from '../../platform/errors.ts';
import { createServices, type Services } from '../../services.ts';
import { CURRENT_RULES, rulesFor } from '../assessments/index.ts';

const rules = rulesFor(CURRENT_RULES);
const requiredNo = Object.fromEntries(
  rules.themes.filter((t) => t.required).flatMap((t) => t.indicators.map((i) => [i.id, 'not_present'])),
);
describe('Front Door: from concern to graded, flagged, timed case', () => {
  let t: TestDatabase;
  let s: Services;
  let make: ReturnType<typeof factories>;
  let actors: Record<'frontdoor' | 'manager' | 'chair' | 'keyworker' | 'councillor', Actor>;
  let schoolId: string;

  before(async () => {
    t = await createTestDatabase();
    s = createServices(t.db, { sessionIdleSeconds: 1800, sessionAbsoluteSeconds: 43200 });
    make = factories(t, s);
    actors = await make.actors('frontdoor', 'manager', 'chair', 'keyworker', 'councillor');
    schoolId = await make.agencyId('education');
  });
  after(() => t.close());

  const openWork = async (kind: string, personId?: string) =>
    (
      await t.owner.pool.query(
        'SELECT * FROM work_item WHERE kind = $1 AND completed_at IS NULL AND ($2::uuid IS NULL OR person_id = $2) ORDER BY created_at',
        [kind, personId ?? null],
      )
    ).rows;

  const newChild = (givenName: string, age = 14) =>
    make.child(actors.frontdoor, { givenName, familyName: 'Frontdoortest', dateOfBirth: bornYearsAgo(age) });

  const submittedContact = (
    personId: string,
    narrative = 'Seen getting into cars with older males; missing twice this month.',
  ) => make.submittedContact(actors.frontdoor, personId, { narrative });

  it('keeps a draft private to its author and refuses to submit it without a subject', async () => {
    const id = await s.contacts.createDraft(actors.frontdoor, {
      sourceKind: 'public',
      narrative: 'Half-written',
    });
    await assert.rejects(s.contacts.get(actors.manager, id), /No such contact/);
    const draft = await s.contacts.get(actors.frontdoor, id);
    await assert.rejects(s.contacts.submit(actors.frontdoor, id, draft.version), (e: unknown) => {
      assert.ok(e instanceof ValidationError);
      assert.deepEqual(e.errors.map((x) => x.field).sort(), ['categories', 'sourceName']);
      return true;
    });
    const still = await s.contacts.get(actors.frontdoor, id);
    assert.equal(still.status, 'draft');
    assert.equal(still.narrative, 'Half-written', 'nothing typed is lost');
  });

  it('runs a concern through decision, assessment and flag, on the clock and the chronology', async () => {
    const child = await newChild('Keira');
    const contactId = await submittedContact(child);
    const contact = await s.contacts.get(actors.frontdoor, contactId);
    assert.equal(contact.status, 'submitted');
    assert.deepEqual(contact.places, [
      { description: 'Takeaway on the high street BD7 1AB', kind: 'other', postcode: 'BD7 1AB' },
    ]);

    const [decisionItem] = await openWork('front_door_decision', child);
    assert.ok(decisionItem, 'the decision is on the clock');
    const hours = (decisionItem.due_at.getTime() - (contact.receivedAt as Date).getTime()) / 3_600_000;
    assert.equal(Math.round(hours), 24);

    const decided = await s.contacts.decide(actors.frontdoor, contactId, {
      outcome: 'exploitation_assessment',
      urgency: 'within_24_hours',
      rationale: 'Clear signs of sexual exploitation and repeated missing.',
    });
    assert.equal(decided.needsSignoff, false);
    assert.equal((await openWork('front_door_decision', child)).length, 0, 'the decision item is done');
    const [assessmentItem] = await openWork('assessment', child);
    // "Within 24 hours" drives the clock: not the 10 working days of a routine assessment.
    const expectedDue = new Date(new Date(assessmentItem.created_at).getTime() + 24 * 3_600_000);
    assert.ok(
      Math.abs(assessmentItem.due_at.getTime() - expectedDue.getTime()) < 5_000,
      `due within 24 hours of the decision, not ${assessmentItem.due_at.toISOString()}`,
    );

    const assessmentId = decided.assessments[0].assessmentId;
    const { assessment } = await s.assessments.get(actors.frontdoor, assessmentId);
    assert.deepEqual(
      assessment.flagTypes.sort(),
      ['cse', 'missing_linked'],
      'flag types come from the concerns',
    );
    const result = await s.assessments.save(
      actors.frontdoor,
      assessmentId,
      assessment.version,
      {
        answers: { ...requiredNo, 'cse-cars': 'current', 'mis-repeat': 'current' },
        flagTypes: ['cse', 'missing_linked'],
        analysis: 'Groomed by adults.',
      },
      true,
    );
    assert.equal(result.status, 'completed');
    assert.equal(result.finalLevel, 'moderate');

    const flags = await s.flags.forPerson(actors.frontdoor, child);
    assert.deepEqual(flags.current.map((f) => [f.flagType, f.riskLevel]).sort(), [
      ['cse', 'moderate'],
      ['missing_linked', 'moderate'],
    ]);
    assert.equal((await openWork('assessment', child)).length, 0, 'the assessment is off the clock');
    const [review] = await openWork('flag_review', child);
    assert.ok(review, 'a moderate flag goes on the 3-monthly review clock');
    const months =
      (review.due_at.getUTCFullYear() - new Date().getUTCFullYear()) * 12 +
      review.due_at.getUTCMonth() -
      new Date().getUTCMonth();
    assert.equal(months, 3);

    const { entries } = await s.people.chronology(actors.frontdoor, child);
    const titles = entries.map((e) => e.title);
    for (const expected of [
      /Contact C\d{2}-\d{6} received/,
      /Front Door decision on .*Exploitation assessment/,
      /Exploitation assessment completed: Moderate/,
      /Child sexual exploitation flag set: Moderate/,
    ]) {
      assert.ok(
        titles.some((title) => expected.test(title)),
        `chronology has ${expected}`,
      );
    }
    const { entries: onlyFlags } = await s.people.chronology(actors.frontdoor, child, 'flag');
    assert.ok(onlyFlags.length === 2 && onlyFlags.every((e) => e.kind === 'flag'), 'filterable by kind');

    // The narrative's language is counted for practice monitoring at save, never blocking.
    const events = await t.owner.pool.query('SELECT count(*)::int AS n FROM language_check_event');
    assert.equal(events.rows[0].n, 0);
  });

  it('re-opens the question when a new concern arrives about a flagged person', async () => {
    const child = await newChild('Maisie');
    await s.flags.set(actors.chair, child, {
      flagType: 'cce',
      level: 'significant',
      reason: 'DRAM decision',
    });
    const contactId = await submittedContact(child, 'Found in another town; she is putting herself at risk.');
    const [item] = await openWork('risk_review', child);
    assert.ok(item, 'a risk review item is created');
    assert.match(item.reason, /Child criminal exploitation significant/);
    // The phrase was counted when the contact was submitted.
    const events = await t.owner.pool.query(
      'SELECT phrase_id FROM language_check_event WHERE record_id = $1',
      [contactId],
    );
    assert.deepEqual(
      events.rows.map((r) => r.phrase_id),
      ['putting-self-at-risk'],
    );
    const queues = await s.clock.queues(actors.manager);
    assert.ok(queues.riskReview.some((w) => w.personId === child));
  });

  it('needs a manager to sign off "no further action" on a flagged child', async () => {
    const child = await newChild('Tilly');
    await s.flags.set(actors.chair, child, { flagType: 'cse', level: 'emerging', reason: 'Known to DRAM' });
    const contactId = await submittedContact(child);
    const result = await s.contacts.decide(actors.frontdoor, contactId, {
      outcome: 'no_further_action',
      urgency: 'routine',
      rationale: 'Already known.',
    });
    assert.equal(result.needsSignoff, true);
    assert.equal((await openWork('signoff', child)).length, 1);
    await assert.rejects(
      s.contacts.signOff(actors.frontdoor, contactId, { decision: 'approve' }),
      /do not have access/,
    );
    await assert.rejects(
      s.contacts.signOff(actors.manager, contactId, { decision: 'decline' }),
      ValidationError,
    );
    await s.contacts.signOff(actors.manager, contactId, {
      decision: 'decline',
      note: 'Risk is rising: assess.',
    });
    const after = await s.contacts.get(actors.frontdoor, contactId);
    assert.equal(after.decision, null, 'the Front Door decides again');
    assert.equal((await openWork('front_door_decision', child)).length, 1);
    // An unflagged child's "no further action" stands without sign-off.
    const other = await newChild('Unflagged');
    const otherContact = await submittedContact(other);
    assert.equal(
      (
        await s.contacts.decide(actors.frontdoor, otherContact, {
          outcome: 'no_further_action',
          urgency: 'routine',
          rationale: 'Unfounded.',
        })
      ).needsSignoff,
      false,
    );
  });

  it('sends a professional-judgement override to a manager, and applies it only when approved', async () => {
    const child = await newChild('Ruby');
    const { id } = await s.assessments.start(actors.frontdoor, child);
    const { assessment } = await s.assessments.get(actors.frontdoor, id);
    const submitted = await s.assessments.save(
      actors.frontdoor,
      id,
      assessment.version,
      {
        answers: { ...requiredNo, 'vul-home': 'current' },
        flagTypes: ['cse'],
        overrideLevel: 'significant',
        overrideReason: 'Disclosure to a teacher today.',
      },
      true,
    );
    assert.equal(submitted.status, 'awaiting_approval');
    assert.equal(
      (await s.flags.forPerson(actors.frontdoor, child)).current.length,
      0,
      'no flag until approved',
    );
    await assert.rejects(
      s.assessments.decideOverride(actors.frontdoor, id, { decision: 'approve' }),
      /do not have access/,
    );
    assert.equal(
      await s.assessments.decideOverride(actors.manager, id, { decision: 'approve', note: 'Agreed' }),
      'significant',
    );
    const flags = await s.flags.forPerson(actors.frontdoor, child);
    assert.deepEqual(
      flags.current.map((f) => f.riskLevel),
      ['significant'],
    );
    await assert.rejects(
      s.assessments.decideOverride(actors.manager, id, { decision: 'approve' }),
      ConflictError,
    );
  });

  it('keeps every level a flag held, and answers "who was flagged at what level in month M"', async () => {
    const child = await newChild('Ava');
    await s.flags.set(actors.chair, child, { flagType: 'cce', level: 'emerging', reason: 'First concern' });
    await s.flags.set(actors.chair, child, { flagType: 'cce', level: 'significant', reason: 'Escalation' });
    const { history } = await s.flags.forPerson(actors.chair, child);
    assert.deepEqual(
      history.map((h) => [h.riskLevel, h.validTo === null]),
      [
        ['significant', true],
        ['emerging', false],
      ],
    );
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const flagged = await s.flags.flaggedDuring(actors.chair, monthStart, nextMonth);
    assert.deepEqual(
      flagged.filter((f) => f.personId === child),
      [{ personId: child, flagType: 'cce', highestLevel: 'significant' }],
    );
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    assert.equal(
      (await s.flags.flaggedDuring(actors.chair, lastMonth, monthStart)).filter((f) => f.personId === child)
        .length,
      0,
    );
    await s.flags.set(actors.chair, child, { flagType: 'cce', level: 'ended', reason: 'Risk reduced' });
    assert.equal((await s.flags.forPerson(actors.chair, child)).current.length, 0);
    await assert.rejects(
      s.flags.set(actors.frontdoor, child, { flagType: 'cce', level: 'moderate', reason: 'x' }),
      /do not have access/,
    );
  });

  it('puts an allegation against an adult on the 45-day clock, and records a review outcome on its item', async () => {
    const child = await newChild('Esme');
    const adult = await s.people.create(actors.frontdoor, {
      givenName: 'Gareth',
      familyName: 'Coachtest',
      dobPrecision: 'unknown',
      gender: 'male',
    });
    const id = await s.contacts.createDraft(actors.frontdoor, {
      sourceKind: 'agency',
      sourceAgencyId: schoolId,
      categories: ['allegation', 'sexual'],
      narrative: 'A football coach sent a child sexual messages.',
    });
    await s.contacts.addPerson(actors.frontdoor, id, child, 'subject');
    await s.contacts.addPerson(actors.frontdoor, id, adult, 'adult_of_concern');
    const draft = await s.contacts.get(actors.frontdoor, id);
    await s.contacts.submit(actors.frontdoor, id, draft.version);
    const [item] = await openWork('allegation_strategy', adult);
    assert.ok(item, 'the adult of concern is on the allegation clock');
    const days = Math.round((item.due_at.getTime() - item.created_at.getTime()) / 86_400_000);
    assert.equal(days, 45);
    assert.equal((await openWork('allegation_strategy', child)).length, 0);

    // A review is done by recording its outcome; work done by its own action cannot be closed this way.
    await assert.rejects(s.clock.complete(actors.frontdoor, item.id, {}), ValidationError);
    await assert.rejects(s.clock.complete(actors.keyworker, item.id, { note: 'x' }), /do not have access/);
    await s.clock.complete(actors.chair, item.id, {
      note: 'Strategy discussion held; risk assessment completed; suspended from coaching.',
    });
    assert.equal((await openWork('allegation_strategy', adult)).length, 0);
    const { entries } = await s.people.chronology(actors.chair, adult, 'review');
    assert.match(entries[0].title, /Allegation: strategy discussion and risk assessment: outcome recorded/);
    await assert.rejects(s.clock.complete(actors.chair, item.id, { note: 'again' }), ConflictError);
    const [decisionItem] = await openWork('front_door_decision', child);
    await assert.rejects(
      s.clock.complete(actors.chair, decisionItem.id, { note: 'x' }),
      /is done by completing it/,
    );
  });

  it('puts overdue work at the top of the queues managers see', async () => {
    const child = await newChild('Orla');
    await submittedContact(child);
    await t.owner.pool.query(
      "UPDATE work_item SET due_at = now() - interval '2 hours' WHERE person_id = $1 AND kind = 'front_door_decision'",
      [child],
    );
    const queues = await s.clock.queues(actors.manager);
    assert.ok(queues.overdue.some((w) => w.personId === child && w.kind === 'front_door_decision'));
    assert.ok(queues.frontDoor.some((w) => w.personId === child));
    await assert.rejects(s.clock.queues(actors.councillor), /do not have access/);
    const attention = await s.clock.attention(actors.manager);
    assert.ok(attention.overdue >= 1);
  });

  it('counts exactly the open work the banner names: overdue, risk reviews, return interviews', async () => {
    const child = await newChild('Tamsin');
    await submittedContact(child);
    const count = async () =>
      (
        await t.owner.pool.query(
          `SELECT count(*) FILTER (WHERE due_at < now())::int AS overdue,
                  count(*) FILTER (WHERE kind = 'risk_review')::int AS "riskReview",
                  count(*) FILTER (WHERE kind = 'return_interview')::int AS "returnInterview"
             FROM work_item WHERE partnership_id = $1 AND completed_at IS NULL`,
          [actors.manager.partnershipId],
        )
      ).rows[0];
    // Some open work of each kind made overdue, one risk review done: only open items count.
    await t.owner.pool.query(
      `UPDATE work_item SET due_at = now() - interval '1 hour'
        WHERE id IN (SELECT id FROM work_item WHERE completed_at IS NULL ORDER BY id LIMIT 3)`,
    );
    await t.owner.pool.query(
      `INSERT INTO work_item (partnership_id, kind, title, reason, person_id, due_at)
       VALUES ($1, 'risk_review', 'Risk review', 'test', $2, now() + interval '1 day'),
              ($1, 'risk_review', 'Risk review', 'test', $2, now() - interval '1 day'),
              ($1, 'return_interview', 'Return home interview', 'test', $2, now() + interval '2 days')`,
      [actors.manager.partnershipId, child],
    );
    await t.owner.pool.query(
      `UPDATE work_item SET completed_at = now() WHERE id =
         (SELECT id FROM work_item WHERE kind = 'risk_review' AND completed_at IS NULL ORDER BY id LIMIT 1)`,
    );
    const expected = await count();
    assert.ok(expected.overdue >= 1 && expected.riskReview >= 1 && expected.returnInterview >= 1);
    assert.deepEqual(await s.clock.attention(actors.manager), expected);
  });
});

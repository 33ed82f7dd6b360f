import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import {
  Client,
  createTestApp,
  createTestDatabase,
  type TestApp,
  type TestDatabase,
} from '../../test/helpers.ts';
import { PUBLISHED_UNDER18 } from '../modules/district/index.ts';
import { isValidNhsNumber, isValidUpn } from '../modules/people/index.ts';

describe('synthetic demo district', () => {
  let a: TestDatabase;
  let b: TestDatabase;
  let c: TestDatabase;

  before(async () => {
    [a, b, c] = await Promise.all([
      createTestDatabase({ people: 300, seed: 42 }),
      createTestDatabase({ people: 300, seed: 42 }),
      createTestDatabase({ people: 300, seed: 43 }),
    ]);
  });
  after(async () => {
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  const fingerprint = async (t: TestDatabase) =>
    (
      await t.owner.pool.query(
        `SELECT md5(string_agg(concat_ws('|', id, given_name, family_name, date_of_birth, gender, ethnicity, postcode, nhs_number, upn), ',' ORDER BY id)) AS f
           FROM person`,
      )
    ).rows[0].f;

  it('is deterministic for a seed, and different for another', async () => {
    assert.equal(await fingerprint(a), await fingerprint(b));
    assert.notEqual(await fingerprint(a), await fingerprint(c));
  });

  it('has the 30 wards with the populations the seed reports publish', async () => {
    const { rows } = await a.owner.pool.query('SELECT name, code, under18_population FROM ward');
    assert.equal(rows.length, 30);
    for (const [name, population] of Object.entries(PUBLISHED_UNDER18)) {
      assert.equal(rows.find((r) => r.name === name)?.under18_population, population, name);
    }
    assert.ok(rows.every((r) => /^E0500\d{4}$/.test(r.code)));
  });

  it('places every gazetteer postcode inside its ward, and gives people valid identifiers', async () => {
    const { rows } = await a.owner.pool.query(
      'SELECT p.latitude, p.longitude, w.boundary FROM postcode p JOIN ward w ON w.code = p.ward_code',
    );
    assert.equal(rows.length, 30 * 40);
    for (const r of rows) assert.ok(booleanPointInPolygon([r.longitude, r.latitude], r.boundary));
    const people = (await a.owner.pool.query('SELECT nhs_number, upn, ward_code, postcode FROM person')).rows;
    assert.equal(people.length, 300);
    assert.ok(people.every((p) => p.nhs_number === null || isValidNhsNumber(p.nhs_number)));
    assert.ok(people.every((p) => p.upn === null || isValidUpn(p.upn)));
    assert.ok(people.filter((p) => p.postcode).every((p) => p.ward_code));
    const names = new Set(
      (await a.owner.pool.query('SELECT family_name FROM person')).rows.map((r) => r.family_name),
    );
    assert.ok(names.size > 50, 'a varied population');
  });

  it('has a demo user for every role', async () => {
    const { rows } = await a.owner.pool.query('SELECT DISTINCT unnest(roles) AS role FROM app_user');
    assert.equal(rows.length, 8);
  });
});

/**
 * The district as `npm start` seeds it (seed 2026, 2000 people, with history): the Front Door's
 * recent months are there — work waiting, done, and late — and every role's landing page shows it.
 */
describe("the demo district's history", () => {
  let first: TestDatabase;
  let again: TestDatabase;
  let start: TestDatabase;
  let ta: TestApp;

  before(async () => {
    [first, again, start] = await Promise.all([
      createTestDatabase({ people: 400, seed: 42, history: true }),
      createTestDatabase({ people: 400, seed: 42, history: true }),
      createTestDatabase({ people: 2000, seed: 2026, history: true }),
    ]);
    ta = await createTestApp(start);
  });
  after(async () => {
    await ta.app.close();
    await Promise.all([first.close(), again.close(), start.close()]);
  });

  const story = async (t: TestDatabase) =>
    (
      await t.owner.pool.query(
        `SELECT (SELECT md5(string_agg(concat_ws('|', cp.person_id, c.narrative, c.categories::text), ',' ORDER BY c.received_at, cp.person_id))
                   FROM contact c JOIN contact_person cp ON cp.contact_id = c.id) AS contacts,
                (SELECT md5(string_agg(concat_ws('|', person_id, final_level, status), ',' ORDER BY started_at, person_id)) FROM assessment) AS assessments,
                (SELECT md5(string_agg(concat_ws('|', person_id, flag_type, risk_level), ',' ORDER BY valid_from, person_id, flag_type)) FROM flag_period) AS flags`,
      )
    ).rows[0];

  it('is the same history for the same seed', async () => {
    const a = await story(first);
    assert.ok(a.contacts && a.assessments, 'there is a history');
    assert.deepEqual(await story(again), a);
  });

  it('tells a consistent story', async () => {
    const q = async (sql: string) => (await start.owner.pool.query(sql)).rows;
    const [counts] = await q(
      `SELECT (SELECT count(*) FROM contact WHERE status = 'submitted')::int AS contacts,
              (SELECT count(*) FROM assessment WHERE status = 'completed')::int AS completed,
              (SELECT count(*) FROM flag_period WHERE valid_to IS NULL)::int AS flagged,
              (SELECT count(*) FROM language_check_event)::int AS findings`,
    );
    assert.ok(counts.contacts >= 100, JSON.stringify(counts));
    assert.ok(counts.completed >= 20 && counts.flagged >= 10 && counts.findings >= 5, JSON.stringify(counts));
    // Every contact has a subject, every decision follows its contact, every flag its assessment.
    assert.deepEqual(
      await q(
        `SELECT c.id FROM contact c WHERE NOT EXISTS (SELECT 1 FROM contact_person cp WHERE cp.contact_id = c.id AND cp.part = 'subject')`,
      ),
      [],
    );
    assert.deepEqual(
      await q(
        `SELECT d.id FROM front_door_decision d JOIN contact c ON c.id = d.contact_id WHERE d.decided_at < c.received_at`,
      ),
      [],
    );
    assert.deepEqual(
      await q(
        `SELECT f.id FROM flag_period f JOIN assessment a ON a.id = f.assessment_id
          WHERE a.status <> 'completed' OR a.final_level <> f.risk_level OR f.valid_from < a.started_at`,
      ),
      [],
    );
    // No child has two periods of one flag at once.
    assert.deepEqual(
      await q(
        `SELECT a.id FROM flag_period a JOIN flag_period b
            ON a.person_id = b.person_id AND a.flag_type = b.flag_type AND a.id < b.id AND a.period && b.period`,
      ),
      [],
    );
    // Work of every kind the Front Door makes, some of it late; nothing done before it was made.
    const kinds = (await q(`SELECT DISTINCT kind FROM work_item`)).map((r) => r.kind).sort();
    assert.deepEqual(
      kinds.filter((k) => k !== 'signoff' && k !== 'allegation_strategy'),
      [
        'assessment',
        'flag_review',
        'front_door_decision',
        'philomena_plan',
        'return_interview',
        'risk_review',
      ],
    );
    assert.ok(
      (await q(`SELECT 1 FROM work_item WHERE completed_at IS NULL AND due_at < now()`)).length > 0,
      'some work is overdue',
    );
    assert.deepEqual(await q(`SELECT id FROM work_item WHERE completed_at < created_at`), []);
  });

  it('has missing episodes, placements and education that agree with each other', async () => {
    const q = async (sql: string) => (await start.owner.pool.query(sql)).rows;
    const [n] = await q(
      `SELECT (SELECT count(*) FROM missing_episode)::int AS episodes,
              (SELECT count(DISTINCT person_id) FROM missing_episode)::int AS children,
              (SELECT count(*) FROM missing_episode WHERE returned_at IS NULL)::int AS open,
              (SELECT count(*) FROM return_interview)::int AS interviews,
              (SELECT count(*) FROM placement WHERE ended_on IS NULL)::int AS placed,
              (SELECT count(*) FROM education_event WHERE kind = 'missing_education')::int AS cme,
              (SELECT count(*) FROM philomena_plan)::int AS plans`,
    );
    assert.ok(n.episodes > n.children && n.children >= 50 && n.interviews > 0, JSON.stringify(n));
    assert.ok(n.open >= 1 && n.placed >= 20 && n.cme >= 5 && n.plans >= 5, JSON.stringify(n));
    // No child missing twice at once; returns after going missing; interviews after returns.
    assert.deepEqual(
      await q(
        `SELECT a.id FROM missing_episode a JOIN missing_episode b ON a.person_id = b.person_id AND a.id < b.id
          AND tstzrange(a.last_seen_at, a.returned_at) && tstzrange(b.last_seen_at, b.returned_at)`,
      ),
      [],
    );
    assert.deepEqual(
      await q(
        `SELECT r.id FROM return_interview r JOIN missing_episode e ON e.id = r.episode_id WHERE r.offered_at < e.returned_at`,
      ),
      [],
    );
    // A missing-from-placement episode names a placement the child was in that day.
    assert.deepEqual(
      await q(
        `SELECT e.id FROM missing_episode e JOIN placement p ON p.id = e.placement_id
          WHERE p.person_id <> e.person_id OR p.started_on > e.last_seen_at::date
             OR (p.ended_on IS NOT NULL AND p.ended_on < e.last_seen_at::date)`,
      ),
      [],
    );
    // Seed 001's figure: 23 children out of area and at risk of sexual exploitation.
    const [ooa] = await q(
      `SELECT count(DISTINCT pl.person_id)::int AS n FROM placement pl
         JOIN flag_period f ON f.person_id = pl.person_id AND f.valid_to IS NULL AND f.flag_type = 'cse'
        WHERE pl.ended_on IS NULL AND pl.out_of_area`,
    );
    const chair = new Client(ta.app);
    await chair.signIn('chair');
    const list = await chair.get('/placements/out-of-area');
    assert.equal(list.statusCode, 200);
    assert.match(list.body, new RegExp(`data-qa="out-of-area-cse">${ooa.n}<`));
    assert.equal(ooa.n, 23);
  });

  it('has a matching history: agency extracts taken in, and pairs waiting for a practitioner', async () => {
    const q = async (sql: string) => (await start.owner.pool.query(sql)).rows;
    const [n] = await q(
      `SELECT (SELECT count(*) FROM record_import)::int AS imports,
              (SELECT count(*) FROM agency_record WHERE linked_how = 'matched')::int AS matched,
              (SELECT count(*) FROM agency_record WHERE linked_how = 'new_person')::int AS created,
              (SELECT count(*) FROM agency_record WHERE phone_key IS NOT NULL)::int AS phones,
              (SELECT count(*) FROM agency_record WHERE email_key IS NOT NULL)::int AS emails,
              (SELECT count(*) FROM match_review WHERE status = 'open')::int AS open,
              (SELECT count(*) FROM match_model)::int AS models`,
    );
    assert.ok(n.imports >= 6 && n.matched >= 100 && n.created > 0, JSON.stringify(n));
    assert.ok(n.phones > 0 && n.emails > 0 && n.open > 0 && n.models === 1, JSON.stringify(n));
    // Each import's counts are the records and reviews it holds.
    assert.deepEqual(
      await q(
        `SELECT i.id FROM record_import i
          WHERE i.linked <> (SELECT count(*) FROM agency_record r WHERE r.import_id = i.id AND r.linked_how = 'matched')
             OR i.created <> (SELECT count(*) FROM agency_record r WHERE r.import_id = i.id AND r.linked_how = 'new_person')
             OR i.for_review <> (SELECT count(*) FROM match_review m WHERE m.import_id = i.id)`,
      ),
      [],
    );
    const frontdoor = new Client(ta.app);
    await frontdoor.signIn('frontdoor');
    const review = await frontdoor.get('/matching/review');
    assert.equal(review.statusCode, 200);
    const waiting = Number(/(\d+) pairs? to review/.exec(review.body)?.[1] ?? 0);
    assert.ok(waiting > 0, 'pairs wait for review on first start');
    // Some pairs already told apart (children who share a name), each with who decided and why.
    const [told] = await q(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE note IS NULL OR decided_by IS NULL OR decided_at IS NULL)::int AS bare
         FROM match_review WHERE status = 'rejected'`,
    );
    assert.ok(told.n > 0 && told.bare === 0, JSON.stringify(told));
    const recent = review.body.split('data-qa="recent-decisions"')[1] ?? '';
    assert.match(recent, /Different people/, 'the review page shows pairs already told apart');
    assert.deepEqual(
      await q('SELECT id FROM person WHERE date_of_birth > current_date'),
      [],
      'nobody born in the future',
    );
  });

  it('shows every role real work on the page it lands on', async () => {
    const landing = async (username: string) => {
      const client = new Client(ta.app);
      await client.signIn(username);
      const home = await client.get('/');
      const page = await client.get(String(home.headers.location));
      assert.equal(page.statusCode, 200, `${username}'s landing page`);
      return page.body;
    };
    const count = (body: string, qa: string) =>
      Number(new RegExp(`data-qa="${qa}">\\s*<caption[^>]*>[^(]*\\((\\d+)\\)`).exec(body)?.[1] ?? 0);
    for (const username of ['frontdoor', 'chair', 'police', 'manager']) {
      const body = await landing(username);
      const open = [
        'queue-overdue',
        'queue-due-today',
        'queue-risk-review',
        'queue-not-assessed',
        'queue-front-door',
        'queue-signoff',
      ]
        .map((qa) => count(body, qa))
        .reduce((a, b) => a + b, 0);
      assert.ok(open > 0, `${username} sees open work`);
    }
    assert.ok(count(await landing('frontdoor'), 'queue-front-door') > 0, 'contacts wait for a decision');
    // The analyst's practice report counts what the language check found in the history.
    const analyst = new Client(ta.app);
    await analyst.signIn('analyst');
    const report = await analyst.get('/reports/language');
    assert.equal(report.statusCode, 200);
    assert.match(report.body, /“Putting themselves at risk”|“Making choices”|“Boyfriend”/);
  });

  it('gives elected members the ward figures with small numbers suppressed, and analysts exact ones', async () => {
    const cells = async (username: string) => {
      const client = new Client(ta.app);
      await client.signIn(username);
      const page = await client.get('/reports/wards');
      assert.equal(page.statusCode, 200);
      const values = new Map(
        [...page.body.matchAll(/data-qa="flagged-([\w-]+)">(?:<strong>)?([^<]*)</g)].map((m) => [
          m[1],
          m[2].trim(),
        ]),
      );
      return { body: page.body, values };
    };
    const analyst = await cells('analyst');
    const councillor = await cells('councillor');
    assert.match(analyst.body, /data-qa="exact-figures"/);
    assert.match(councillor.body, /data-qa="suppressed-figures"/);
    assert.equal(analyst.values.size, 31, 'thirty wards and the district');
    let hidden = 0;
    for (const [ward, exact] of analyst.values) {
      const shown = councillor.values.get(ward);
      const n = Number(exact);
      if (n >= 1 && n <= 5) assert.equal(shown, 'c', `${ward}: ${n} is suppressed`);
      if (shown === 'c') hidden++;
      else assert.equal(shown, exact, `${ward}: shown as it is`);
    }
    assert.ok(hidden === 0 || hidden >= 2, 'never a single suppressed cell beside its total');
    assert.ok(Number(analyst.values.get('district')) >= 10, 'the district has flagged children');
  });
});

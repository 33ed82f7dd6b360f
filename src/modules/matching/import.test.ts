import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  Client,
  createTestApp,
  createTestDatabase,
  TEST_PASSWORD,
  type TestApp,
  type TestDatabase,
} from '../../../test/helpers.ts';
import type { Actor } from '../../platform/access.ts';
import { ConflictError } from '../../platform/errors.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'lantern-import-'));

function lantern(args: string[], databaseUrl: string) {
  return spawnSync(process.execPath, [path.join(ROOT, 'bin/lantern.js'), ...args], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: databaseUrl },
    encoding: 'utf8',
  });
}

// A police extract: a child Lantern knows written differently, a child nobody knows yet (twice),
// a row with no name, and a girl who may or may not be one Lantern knows.
const police = [
  'PoliceRef,Forename,Surname,BirthDate,Sex,Postcode',
  'PR-1,Jon,Smith,12/03/2010,M,BD7 1AB',
  'PR-2,Quentin,Zyxwv,01/01/2009,M,BD7 2AA',
  'PR-3,Quentin,Zyxwv,01/01/2009,M,BD7 2AA',
  'PR-4,,,01/01/2009,M,BD7 1AB',
  'PR-5,Amira,Hussein,04/05/2012,F,BD8 1AA',
].join('\n');
const MAP = 'given_name=Forename,family_name=Surname,dob=BirthDate,gender=Sex,postcode=Postcode';

describe('lantern import and clerical review', () => {
  let t: TestDatabase;
  let ta: TestApp;
  const actors: Record<string, Actor> = {};
  let jonathan: string;
  let amira: string;
  let firstRun: ReturnType<typeof lantern>;

  /** The police extract through the real command, as an operator would load it. */
  const importPolice = (agency = 'police', map = MAP) =>
    lantern(
      [
        'import',
        '--input',
        path.join(dir, 'police.csv'),
        '--agency',
        agency,
        '--id',
        'PoliceRef',
        '--map',
        map,
      ],
      t.url,
    );
  const count = async (table: string) =>
    (await t.owner.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  const recordsOf = (personId: string) =>
    t.owner.pool
      .query(
        `SELECT r.source_ref, r.linked_how, r.link_probability FROM agency_record r
          WHERE r.person_id IN (SELECT person_group($1)) ORDER BY r.source_ref`,
        [personId],
      )
      .then((r) => r.rows);

  before(async () => {
    writeFileSync(path.join(dir, 'police.csv'), police);
    t = await createTestDatabase({ people: 400 });
    ta = await createTestApp(t);
    for (const u of ['frontdoor', 'chair', 'manager']) {
      const r = await ta.services.accounts.signIn(u, TEST_PASSWORD);
      assert.ok(r.ok);
      actors[u] = r.actor;
    }
    const create = (
      givenName: string,
      familyName: string,
      dateOfBirth: string,
      gender: string,
      postcode: string,
    ) =>
      ta.services.people.create(actors.frontdoor, {
        givenName,
        familyName,
        dobPrecision: 'exact',
        dateOfBirth,
        gender,
        postcode,
      });
    jonathan = await create('Jonathan', 'Smith', '2010-03-12', 'male', 'BD7 1AB');
    amira = await create('Amira', 'Hussain', '2011-05-04', 'female', 'BD8 7QQ');
    firstRun = importPolice();
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  it('links, creates, refuses and reports each row', async () => {
    assert.equal(firstRun.status, 0, firstRun.stderr);
    assert.match(firstRun.stdout, /Imported 5 rows from District Police/);
    assert.match(firstRun.stdout, /1 linked to people already in Lantern/);
    assert.match(firstRun.stdout, /1 rows refused/);
    assert.match(firstRun.stdout, /PR-4: no last name or full name/);

    // Jon Smith is the Jonathan Smith Lantern knows: the police record joins him, kept as written.
    const jon = await recordsOf(jonathan);
    assert.deepEqual(
      jon.map((r) => [r.source_ref, r.linked_how]),
      [['PR-1', 'matched']],
    );
    assert.ok(jon[0].link_probability >= 0.95);
    const records = await ta.services.people.records(actors.frontdoor, jonathan);
    assert.deepEqual(records.agencyRecords[0].fields, {
      given_name: 'Jon',
      family_name: 'Smith',
      dob: '12/03/2010',
      gender: 'M',
      postcode: 'BD7 1AB',
    });
    const jonView = await ta.services.people.view(actors.frontdoor, jonathan);
    assert.ok(jonView.agencies.some((a) => a.name === 'District Police'));

    // The unknown boy is one new person with both police records.
    const { rows: quentins } = await t.owner.pool.query(
      `SELECT id, date_of_birth::text AS dob, gender, postcode, ward_code FROM person WHERE family_name = 'Zyxwv'`,
    );
    assert.equal(quentins.length, 1);
    assert.deepEqual(
      { dob: quentins[0].dob, gender: quentins[0].gender },
      { dob: '2009-01-01', gender: 'male' },
    );
    assert.deepEqual(
      (await recordsOf(quentins[0].id)).map((r) => [r.source_ref, r.linked_how]),
      [
        ['PR-2', 'new_person'],
        ['PR-3', 'matched'],
      ],
    );
    const chronology = await ta.services.people.chronology(actors.frontdoor, quentins[0].id);
    assert.ok(chronology.entries.some((e) => e.title === 'Person record created from District Police'));

    // One audit event for the import, committed with it.
    const { rows: audits } = await t.owner.pool.query(
      `SELECT details FROM audit_event WHERE action = 'records.imported'`,
    );
    assert.equal(audits.length, 1);
    assert.equal(audits[0].details.created, 2);
    assert.equal(audits[0].details.refused, 1);
  });

  it('sends the uncertain pair to clerical review, where a practitioner merges it', async () => {
    const { items } = await ta.services.matching.reviews(actors.frontdoor);
    const pair = items.find((i) => [i.personA, i.personB].includes(amira));
    assert.ok(pair, 'Amira Hussain and the police record of Amira Hussein are waiting for review');
    assert.ok(pair.probability >= 0.5 && pair.probability < 0.95, `probability ${pair.probability}`);
    // A meeting chair may not merge, so does not review either.
    await assert.rejects(ta.services.matching.reviews(actors.chair), { status: 403 });

    const browser = new Client(ta.app);
    await browser.signIn('frontdoor');
    const list = await browser.get('/matching/review');
    assert.match(list.body, /Amira Hussein/);
    const page = await browser.get(`/matching/review/${pair.id}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /data-qa="side-by-side"/);
    assert.match(page.body, /data-qa="review-explanation"/);
    assert.match(page.body, /04\/05\/2012/); // the police record as the police hold it
    const missing = await browser.post(`/matching/review/${pair.id}`, { note: 'checked with school' });
    assert.equal(missing.statusCode, 422);
    assert.match(missing.body, /Select whether these records are the same person/);
    assert.match(missing.body, /checked with school/); // what was typed is kept

    const viewsBefore = await t.owner.pool.query(
      `SELECT count(*)::int AS n FROM audit_event WHERE action = 'person.viewed' AND details->>'reviewId' = $1`,
      [pair.id],
    );
    assert.ok(viewsBefore.rows[0].n >= 2, 'looking at the pair is audited for both people');

    const done = await browser.post(`/matching/review/${pair.id}`, {
      decision: 'accepted',
      note: 'School confirmed: same girl, date of birth mistyped by police',
    });
    assert.equal(done.statusCode, 303);
    const other = pair.personA === amira ? pair.personB : pair.personA;
    assert.equal((await ta.services.people.view(actors.frontdoor, other)).mergedInto, amira);
    assert.deepEqual(
      (await recordsOf(amira)).map((r) => r.source_ref),
      ['PR-5'],
    );
    const again = await ta.services.matching.reviews(actors.frontdoor);
    assert.ok(!again.items.some((i) => i.id === pair.id));
    await assert.rejects(
      ta.services.matching.decideReview(actors.manager, pair.id, { decision: 'rejected' }),
      (e) => e instanceof ConflictError,
    );
  });

  it('refreshes records it has seen before instead of adding them again', async () => {
    const people = await count('person');
    const entries = await count('chronology_entry');
    const run = importPolice();
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /4 records seen before, refreshed/);
    assert.match(run.stdout, /0 new people/);
    assert.equal(await count('person'), people);
    assert.equal(await count('chronology_entry'), entries);
    // The merged police record still belongs to Amira.
    assert.deepEqual(
      (await recordsOf(amira)).map((r) => r.source_ref),
      ['PR-5'],
    );
  });

  it('keeps the phones and emails agencies hold, and finds a person by either in real time', async () => {
    writeFileSync(
      path.join(dir, 'health.csv'),
      [
        'NHSRef,Forename,Surname,BirthDate,Mobile,Email',
        'H-1,Tamsin,Quarrendon,2011-07-09,+44 (0)7700 900461,Tamsin.Q@Example.org',
      ].join('\n'),
    );
    const run = lantern(
      [
        'import',
        '--input',
        path.join(dir, 'health.csv'),
        '--agency',
        'health',
        '--id',
        'NHSRef',
        '--map',
        'given_name=Forename,family_name=Surname,dob=BirthDate,phone=Mobile,email=Email',
      ],
      t.url,
    );
    assert.equal(run.status, 0, run.stderr);
    const { rows } = await t.owner.pool.query(
      "SELECT person_id, phone_key, email_key, fields->>'phone' AS phone FROM agency_record WHERE source_ref = 'H-1'",
    );
    assert.deepEqual(
      [rows[0].phone_key, rows[0].email_key, rows[0].phone],
      ['07700900461', 'tamsin.q@example.org', '+44 (0)7700 900461'],
      'normalised beside the value as the agency gave it',
    );
    // A caller with only a phone number, written another way, or only an email.
    const byPhone = await ta.services.matching.match(actors.frontdoor, { phone: '07700 900461' });
    assert.equal(byPhone.candidates[0]?.person.id, rows[0].person_id);
    const phoneLevel = byPhone.candidates[0].explanation.fields.find((f) => f.field === 'phone');
    assert.equal(phoneLevel?.level, 'same');
    const byEmail = await ta.services.matching.match(actors.frontdoor, {
      given_name: 'Tam',
      email: 'TAMSIN.Q@example.org',
    });
    assert.equal(byEmail.candidates[0]?.person.id, rows[0].person_id);
    assert.ok(byEmail.candidates[0].probability > byPhone.candidates[0].probability / 10);
    await assert.rejects(
      ta.services.matching.match(actors.frontdoor, { phone: '12', email: 'tamsin' }),
      (e: Error & { errors?: { field: string; message: string }[] }) => {
        assert.deepEqual(
          e.errors?.map((x) => x.field),
          ['phone', 'email'],
        );
        return true;
      },
    );
    const nobody = await ta.services.matching.match(actors.frontdoor, { phone: '07700 111222' });
    assert.ok(!nobody.candidates.some((c) => c.person.id === rows[0].person_id));
    // The Front Door's contact page asks the same question with a phone number or an email.
    const draft = await ta.services.contacts.createDraft(actors.frontdoor, {
      sourceKind: 'public',
      narrative: 'A caller gave only the mobile number the girl uses',
    });
    const browser = new Client(ta.app);
    await browser.signIn('frontdoor');
    const page = await browser.get(`/contacts/${draft}?phone=${encodeURIComponent('0044 7700 900461')}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /id="phone"[^>]*value="0044 7700 900461"/, 'what was typed is kept');
    const first = page.body.split('data-qa="candidate"')[1] ?? '';
    assert.match(first, /Tamsin/, 'the person the phone belongs to comes first');
    assert.match(first, /Phone[^<]*: same/i, 'and the evidence says why');
    const byMail = await browser.get(
      `/contacts/${draft}?email=${encodeURIComponent('tamsin.q@example.org')}`,
    );
    assert.match(byMail.body.split('data-qa="candidate"')[1] ?? '', /Tamsin/);
    const bad = await browser.get(`/contacts/${draft}?name=Tamsin&phone=12&email=tamsin`);
    assert.match(bad.body, /govuk-error-summary/);
    assert.match(bad.body, /href="#phone"/);
    assert.match(bad.body, /href="#email"/);
    assert.match(bad.body, /id="name"[^>]*value="Tamsin"/, 'nothing typed is lost');
  });

  it('refuses an unknown agency or a bad map clearly, writing nothing', async () => {
    const before = await count('record_import');
    const unknown = importPolice('nope');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /No agency has the code "nope"/);
    const badMap = importPolice('police', 'surname=Surname');
    assert.equal(badMap.status, 2);
    assert.match(badMap.stderr, /not a Lantern field/);
    assert.equal(await count('record_import'), before);
  });
});

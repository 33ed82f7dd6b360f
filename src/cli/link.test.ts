import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, TEST_PASSWORD, type TestDatabase } from '../../test/helpers.ts';
import { createServices } from '../services.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'lantern-link-'));

function lantern(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [path.join(ROOT, 'bin/lantern.js'), ...args], {
    env: { ...process.env, NODE_ENV: 'test', ...env },
    encoding: 'utf8',
  });
}

// A school's extract and a GP's: the same children written differently, plus others.
const school = [
  'pupil_id,first,last,birth,post',
  'S1,Jonathan,Smith,12/03/2010,BD7 1AB',
  'S2,Amira,Hussain,2011-05-04,BD8 7QQ',
  'S3,Keira,Walsh,20120101,BD6 2XY',
  'S4,Mo,Khan,01/09/2009,BD3 9PL',
  'S5,Jon,Smyth,12/03/2010,BD7 1AB',
].join('\n');
const gp = [
  'pupil_id,first,last,birth,post',
  'G1,Jon,Smith,12/03/2010,BD71AB',
  'G2,Amira,Hussein,2011-05-04,BD8 7QQ',
  'G3,Oliver,Brown,2008-08-08,LS29 8AA',
  'G4,Mohammed,Khan,2009-09-01,BD3 9PL',
].join('\n');

describe('lantern link', () => {
  let t: TestDatabase;
  let personId: string;
  before(async () => {
    writeFileSync(path.join(dir, 'school.csv'), school);
    writeFileSync(path.join(dir, 'gp.csv'), gp);
    t = await createTestDatabase({ people: 20 });
    const services = createServices(t.db, { sessionIdleSeconds: 1800, sessionAbsoluteSeconds: 43200 });
    const signedIn = await services.accounts.signIn('frontdoor', TEST_PASSWORD);
    assert.ok(signedIn.ok);
    personId = await services.people.create(signedIn.actor, {
      givenName: 'Jonathan',
      familyName: 'Smith',
      dobPrecision: 'exact',
      dateOfBirth: '2010-03-12',
      gender: 'male',
      postcode: 'BD7 1AB',
    });
  });
  after(() => t.close());

  const map = 'given_name=first,family_name=last,dob=birth,postcode=post';
  /** `lantern link` on one of the test's extracts (in `dir`), writing `out` there. */
  const linkArgs = (input: string, spec: string, out: string, extra: string[] = []) => [
    'link',
    '--input',
    path.join(dir, input),
    '--id',
    'pupil_id',
    '--map',
    spec,
    '--output',
    path.join(dir, out),
    ...extra,
  ];

  it('links two extracts into pairs, reading each date format', () => {
    const out = path.join(dir, 'pairs.csv');
    const run = lantern(linkArgs('school.csv', map, 'pairs.csv', ['--against', path.join(dir, 'gp.csv')]));
    assert.equal(run.status, 0, run.stderr);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines[0], 'id_l,id_r,probability');
    const pairs = new Set(lines.slice(1).map((l) => l.split(',').slice(0, 2).join('-')));
    for (const expected of ['S1-G1', 'S2-G2', 'S4-G4', 'S5-G1'])
      assert.ok(pairs.has(expected), `${expected} in ${[...pairs]}`);
    assert.ok(!pairs.has('S3-G3'));
    for (const line of lines.slice(1)) assert.ok(Number(line.split(',')[2]) >= 0.5);
  });

  it('deduplicates one extract into clusters, one row per record', () => {
    const out = path.join(dir, 'clusters.csv');
    const run = lantern(linkArgs('school.csv', map, 'clusters.csv', ['--format', 'clusters']));
    assert.equal(run.status, 0, run.stderr);
    const rows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(','));
    assert.equal(rows.length, 5);
    const cluster = Object.fromEntries(rows);
    assert.equal(cluster.S1, cluster.S5, 'Jonathan Smith and Jon Smyth, same DOB and postcode');
    assert.notEqual(cluster.S1, cluster.S2);
  });

  it('links an extract to the people already in Lantern', () => {
    const out = path.join(dir, 'people.csv');
    const run = lantern(linkArgs('gp.csv', map, 'people.csv', ['--against', 'people']), {
      DATABASE_URL: t.url,
    });
    assert.equal(run.status, 0, run.stderr);
    const lines = readFileSync(out, 'utf8').trim().split('\n').slice(1);
    assert.ok(
      lines.some((l) => l.startsWith(`G1,${personId},`)),
      lines.join('\n'),
    );
  });

  it('says clearly what is wrong with the command', () => {
    const linkSchool = (spec: string, extra: string[] = []) =>
      lantern(linkArgs('school.csv', spec, 'x.csv', extra));
    const badField = linkSchool('forename=first');
    assert.equal(badField.status, 2);
    assert.match(badField.stderr, /"forename", which is not a Lantern field/);
    const badColumn = linkSchool('given_name=forename');
    assert.match(
      badColumn.stderr,
      /has no column "forename". Its columns are: pupil_id, first, last, birth, post/,
    );
    const missing = lantern(['link', '--input', path.join(dir, 'school.csv')]);
    assert.match(missing.stderr, /--id is required/);
    const badJoin = linkSchool('given_name=first,address=post+flat');
    assert.equal(badJoin.status, 2);
    assert.match(badJoin.stderr, /no column "flat", which --map joins into address \(post\+flat\)/);
    assert.doesNotMatch(badJoin.stderr, /at .*\.ts:\d+/, 'a message, not a stack trace');
    const badHousehold = linkSchool(map, ['--household', 'maybe']);
    assert.equal(badHousehold.status, 2);
    assert.match(badHousehold.stderr, /--household must be auto, on or off/);
    const nowhere = linkSchool(map, ['--report', path.join(dir, 'no-such-folder', 'r.html')]);
    assert.equal(nowhere.status, 2);
    assert.match(nowhere.stderr, /--report .*r\.html: its folder does not exist or cannot be written to/);
  });

  it('documents every option in --help, without a stack trace', () => {
    const help = lantern(['link', '--help']);
    assert.equal(help.status, 0, help.stderr);
    for (const option of [
      '--input',
      '--against',
      '--id',
      '--map',
      '--output',
      '--format',
      '--threshold',
      '--household',
      '--explain',
      '--report',
      '--model-out',
      '--model',
      '--seed',
      'extra:NAME',
      'email',
      'phone',
      'town',
      'birth_place',
    ])
      assert.ok(help.stdout.includes(option), `${option} in help`);
  });

  // People known only by a phone number and an email in one agency's records and a name in another's.
  const contacts = [
    'ref,first,last,birth,mobile,mail,job',
    'C1,Kai,Ellison,2009-06-01,+44 7700 900123,kai.e@example.net,',
    'C2,Kai,Ellison,,07700 900123,,',
    'C3,Kai,Ellison,,07700 555111,other@example.org,',
    'C4,Bea,Norris,2008-02-02,,bea.n@example.com,',
    'C5,Beatrice,Norris,,,bea.n@example.com,',
  ].join('\n');

  it('uses phones and emails: records that share only those and a name are linked', () => {
    writeFileSync(path.join(dir, 'contacts.csv'), contacts);
    const out = path.join(dir, 'contacts-pairs.csv');
    const run = lantern([
      'link',
      '--input',
      path.join(dir, 'contacts.csv'),
      '--id',
      'ref',
      '--map',
      'given_name=first,family_name=last,dob=birth,phone=mobile,email=mail',
      '--output',
      out,
      '--explain',
      '--household',
      'off',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const rows = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(rows[0], 'id_l,id_r,probability,match_weight,top_fields');
    const pair = (a: string, b: string) =>
      rows.find((r) => r.startsWith(`${a},${b},`) || r.startsWith(`${b},${a},`));
    assert.ok(pair('C1', 'C2'), rows.join('\n'));
    assert.match(pair('C1', 'C2') ?? '', /Phone: same \+/);
    assert.ok(pair('C4', 'C5'), rows.join('\n'));
    assert.match(pair('C4', 'C5') ?? '', /Email: same \+/);
    // Same name, a different phone and email: not the same person on this evidence.
    assert.ok(!pair('C2', 'C3'), rows.join('\n'));
    assert.match(run.stdout, /Household and twin rules: off \(as asked\)/);
    assert.match(run.stdout, /\+ phone number: 1 pair\n/);
    // Five records hold too few duplicates to learn from, and the command says so.
    assert.match(run.stdout, /u from default values \(under 1,000 records\); m from default values/);
  });

  it('saves a model and scores a second extract with it, the same way each time', () => {
    const model = path.join(dir, 'model.json');
    const args = (input: string, out: string, extra: string[]) => linkArgs(input, map, out, extra);
    const trained = lantern(args('school.csv', 'trained.csv', ['--model-out', model]));
    assert.equal(trained.status, 0, trained.stderr);
    assert.match(trained.stdout, /model saved to/);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    assert.equal(saved.format, 'lantern-link-model');
    assert.deepEqual(saved.fields, ['given_name', 'family_name', 'dob', 'postcode']);
    // The same records scored with the saved model give the same probabilities as training did.
    const again = lantern(args('school.csv', 'again.csv', ['--model', model]));
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /Model: read from .*model\.json, not trained on this data/);
    assert.equal(
      readFileSync(path.join(dir, 'again.csv'), 'utf8'),
      readFileSync(path.join(dir, 'trained.csv'), 'utf8'),
    );
    // A second extract, linked to the first with the saved model.
    const second = lantern(
      args('school.csv', 'second.csv', ['--model', model, '--against', path.join(dir, 'gp.csv')]),
    );
    assert.equal(second.status, 0, second.stderr);
    assert.match(readFileSync(path.join(dir, 'second.csv'), 'utf8'), /^S1,G1,/m);
    writeFileSync(path.join(dir, 'not-a-model.json'), '{"format":"something else"}');
    const bad = lantern(args('gp.csv', 'x.csv', ['--model', path.join(dir, 'not-a-model.json')]));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /is not a model saved by lantern link --model-out/);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { createTestDatabase, type TestDatabase } from '../../test/helpers.ts';
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

import { en, en_GB, Faker } from '@faker-js/faker';
import type { RawRecord } from '../src/modules/matching/index.ts';
import { ETHNICITY_WEIGHTS, NAMES, NICKNAMES } from '../src/modules/people/index.ts';

/** One agency record with the person it truly belongs to. */
export interface TruthRecord extends RawRecord {
  personId: number;
  agency: 'police' | 'education' | 'health' | 'social_care';
}

const AGENCIES: TruthRecord['agency'][] = ['police', 'education', 'health', 'social_care'];
const DISTRICTS = [
  'BD1',
  'BD2',
  'BD3',
  'BD4',
  'BD5',
  'BD6',
  'BD7',
  'BD8',
  'BD9',
  'BD10',
  'BD12',
  'BD13',
  'BD14',
  'BD15',
  'BD16',
  'BD17',
  'BD18',
  'BD20',
  'BD21',
  'BD22',
];

/**
 * Agency extracts with known truth: each synthetic person appears in 1–3 agencies' records, each
 * written with the errors real extracts carry (typos, nicknames, swapped names, surname changes,
 * day/month swaps, moves, missing fields), plus siblings and twins who share surname and address
 * but are different people.
 */
export function generateExtracts(people: number, seed = 1): TruthRecord[] {
  const faker = new Faker({ locale: [en_GB, en] });
  faker.seed(seed);
  // Ages are worked out from this date, so a seed gives the same records on any day.
  faker.setDefaultRefDate('2026-01-01T00:00:00Z');
  const weights = ETHNICITY_WEIGHTS.map(([, weight, pool]) => ({ value: pool, weight }));
  const postcode = (district: string) =>
    `${district} ${faker.number.int({ min: 1, max: 9 })}${faker.string.fromCharacters('ABDEFGHJLNPQRSTUWXYZ', 2)}`;
  const truths: {
    given: string;
    family: string;
    dob: Date;
    sex: 'female' | 'male';
    postcode: string;
    address: string;
    nhs: string;
    upn: string;
    police: string;
  }[] = [];
  for (let p = 0; p < people; p++) {
    const previous = truths[truths.length - 1];
    // About 6% are siblings of the person before (twins a third of those): same surname and home.
    const sibling = previous && faker.number.float() < 0.06;
    const sex = faker.number.float() < 0.5 ? 'female' : 'male';
    const pool = faker.helpers.weightedArrayElement(weights);
    const names = pool === 'british' ? undefined : NAMES[pool];
    const given = names ? faker.helpers.arrayElement(names[sex]) : faker.person.firstName(sex);
    const family = sibling
      ? previous.family
      : names
        ? faker.helpers.arrayElement(names.family)
        : faker.person.lastName();
    const twin = sibling && faker.number.float() < 0.33;
    const dob = twin ? previous.dob : faker.date.birthdate({ min: 8, max: 40, mode: 'age' });
    const home = sibling
      ? { postcode: previous.postcode, address: previous.address }
      : {
          postcode: postcode(faker.helpers.arrayElement(DISTRICTS)),
          address: `${faker.location.buildingNumber()} ${faker.location.street()}`,
        };
    truths.push({
      given,
      family,
      dob,
      sex,
      ...home,
      nhs: String(4_000_000_000 + p * 7 + 3),
      upn: `A${String(380_000_000_000 + p)}`,
      police: `WY/${10_000 + p}/24`,
    });
  }
  const typo = typist(faker);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const out: TruthRecord[] = [];
  truths.forEach((t, personId) => {
    const count = faker.helpers.weightedArrayElement([
      { value: 1, weight: 3 },
      { value: 2, weight: 5 },
      { value: 3, weight: 2 },
    ]);
    for (const agency of faker.helpers.arrayElements(AGENCIES, count)) {
      let given = t.given;
      let family = t.family;
      const r = () => faker.number.float();
      if (r() < 0.08 && NICKNAMES[given]) given = NICKNAMES[given];
      if (r() < 0.06) given = typo(given);
      if (r() < 0.08) family = typo(family);
      if (r() < 0.03) family = faker.person.lastName(); // surname changed
      if (r() < 0.02) [given, family] = [family, given];
      let dob: string | null = iso(t.dob);
      const dr = r();
      if (dr < 0.03 && t.dob.getUTCDate() <= 12)
        dob = `${t.dob.getUTCFullYear()}-${String(t.dob.getUTCDate()).padStart(2, '0')}-${String(t.dob.getUTCMonth() + 1).padStart(2, '0')}`;
      else if (dr < 0.06) dob = `${dob.slice(0, 9)}${(Number(dob[9]) + 1) % 10}`;
      else if (dr < 0.1) dob = null;
      // Agencies write dates their own way.
      if (dob && agency === 'police') dob = `${dob.slice(8, 10)}/${dob.slice(5, 7)}/${dob.slice(0, 4)}`;
      if (dob && agency === 'education') dob = dob.replace(/-/g, '');
      const moved = r() < 0.1;
      out.push({
        id: `${agency}-${out.length}`,
        personId,
        agency,
        given_name: given,
        family_name: family,
        dob,
        gender: r() < 0.05 ? null : t.sex,
        postcode: r() < 0.05 ? null : moved ? postcode(faker.helpers.arrayElement(DISTRICTS)) : t.postcode,
        address: moved || r() < 0.2 ? null : t.address,
        nhs_number: agency === 'health' && r() < 0.9 ? t.nhs : null,
        upn: agency === 'education' && r() < 0.9 ? t.upn : null,
        police_ref: agency === 'police' && r() < 0.8 ? t.police : null,
      });
    }
  });
  return faker.helpers.shuffle(out);
}

/** A typing error made with `faker`'s random source: two letters swapped, one dropped or one changed. */
export const typist = (faker: Faker) => (s: string) => {
  if (s.length < 4) return s;
  const i = faker.number.int({ min: 1, max: s.length - 2 });
  const r = faker.number.float();
  if (r < 0.4) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  if (r < 0.7) return s.slice(0, i) + s.slice(i + 1);
  return s.slice(0, i) + faker.string.fromCharacters('aeioulnrst') + s.slice(i + 1);
};

/** About `records` agency records: enough people for that many (1.9 records each on average). */
export function generateRecords(records: number, seed = 1): TruthRecord[] {
  return generateExtracts(Math.ceil((records / 1.9) * 1.03), seed).slice(0, records);
}

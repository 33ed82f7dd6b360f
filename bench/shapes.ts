// Extracts shaped unlike Lantern's own synthetic ones, with known truth, written as CSV files for
// `lantern link` to read. Each shape has the traits of data a partnership meets from others:
//   uk-heavy     ~10 records a person; names with titles, middle names, nicknames and typos; dates
//                of birth often missing or wrong; postcodes often missing or wrong; no identifiers
//                (the shape of the held-back set the issue describes, made here, not copied)
//   no-postcode  no postcode or address at all: names, date of birth, town, email, phone
//   foreign      addresses and postcodes from other countries, towns in their own spelling
//   full-names   one full-name column ("Dr John Paul Smith", "SMITH, John"), middle names common
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { en, en_GB, Faker } from '@faker-js/faker';
import { stringify } from 'csv-stringify/sync';
import { ETHNICITY_WEIGHTS, NAMES } from '../src/modules/people/index.ts';
import { typist } from './extracts.ts';

export const SHAPES = ['uk-heavy', 'no-postcode', 'foreign', 'full-names'] as const;
export type Shape = (typeof SHAPES)[number];

const groups = (
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../data/matching/nicknames.json'), 'utf8')) as {
    groups: string[][];
  }
).groups;
const nicknames = new Map<string, string[]>();
for (const g of groups)
  for (const name of g) nicknames.set(name, [...(nicknames.get(name) ?? []), ...g.filter((n) => n !== name)]);

const TITLES = { female: ['Ms', 'Mrs', 'Miss', 'Dr'], male: ['Mr', 'Dr', 'Master'] };
const FOREIGN = [
  {
    country: 'France',
    towns: ['Paris', 'Lyon', 'Marseille', 'Lille'],
    postcode: (f: Faker) => f.string.numeric(5),
  },
  {
    country: 'Poland',
    towns: ['Warszawa', 'Kraków', 'Łódź', 'Gdańsk'],
    postcode: (f: Faker) => `${f.string.numeric(2)}-${f.string.numeric(3)}`,
  },
  {
    country: 'Romania',
    towns: ['Bucureşti', 'Cluj-Napoca', 'Iaşi', 'Timişoara'],
    postcode: (f: Faker) => f.string.numeric(6),
  },
  {
    country: 'Ireland',
    towns: ['Dublin', 'Cork', 'Galway', 'Limerick'],
    postcode: (f: Faker) =>
      `D${f.string.numeric(2)} ${f.string.alphanumeric({ length: 4, casing: 'upper' })}`,
  },
  {
    country: 'Germany',
    towns: ['München', 'Köln', 'Düsseldorf', 'Berlin'],
    postcode: (f: Faker) => f.string.numeric(5),
  },
];

export interface ShapedExtract {
  file: string;
  records: number;
  people: number;
  /** The --map a user would write for it. */
  map: string;
}

/** Writes one shape's extract (columns include `person`, the truth, which the map leaves out). */
export function writeShape(shape: Shape, people: number, dir: string, seed = 11): ShapedExtract {
  const f = new Faker({ locale: [en_GB, en] });
  f.seed(seed);
  f.setDefaultRefDate('2026-01-01T00:00:00Z');
  const weights = ETHNICITY_WEIGHTS.map(([, weight, pool]) => ({ value: pool, weight }));
  const chance = (p: number) => f.number.float() < p;
  const typo = typist(f);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const ukPostcode = () =>
    `${f.helpers.arrayElement(['BD', 'LS', 'HX', 'WF', 'M', 'B'])}${f.number.int({ min: 1, max: 22 })} ${f.number.int({ min: 1, max: 9 })}${f.string.fromCharacters('ABDEFGHJLNPQRSTUWXYZ', 2)}`;
  const phone = () => `07${f.string.numeric(9)}`;
  const rows: Record<string, string>[] = [];
  for (let p = 0; p < people; p++) {
    const sex = chance(0.5) ? 'female' : 'male';
    const pool = f.helpers.weightedArrayElement(weights);
    const names = pool === 'british' ? undefined : NAMES[pool];
    const given = names ? f.helpers.arrayElement(names[sex]) : f.person.firstName(sex);
    const middle = chance(0.4) ? (names ? f.helpers.arrayElement(names[sex]) : f.person.firstName(sex)) : '';
    const family = names ? f.helpers.arrayElement(names.family) : f.person.lastName();
    const dob = f.date.birthdate({ min: 10, max: 60, mode: 'age' });
    const abroad = f.helpers.arrayElement(FOREIGN);
    const home = {
      postcode: shape === 'foreign' ? abroad.postcode(f) : ukPostcode(),
      address: `${f.location.buildingNumber()} ${f.location.street()}`,
      town: shape === 'foreign' ? f.helpers.arrayElement(abroad.towns) : f.location.city(),
    };
    const email = `${given.toLowerCase()}${chance(0.5) ? `.${family.toLowerCase()}` : ''}${f.number.int(99)}@${f.internet.domainName()}`;
    const mobile = phone();
    const count =
      shape === 'uk-heavy'
        ? f.number.int({ min: 2, max: 18 })
        : f.helpers.weightedArrayElement([
            { value: 1, weight: 3 },
            { value: 2, weight: 5 },
            { value: 3, weight: 2 },
          ]);
    const heavy = shape === 'uk-heavy';
    for (let k = 0; k < count; k++) {
      let g = given;
      let fam = family;
      if (chance(heavy ? 0.15 : 0.08)) g = f.helpers.arrayElement(nicknames.get(g.toLowerCase()) ?? [g]);
      if (chance(heavy ? 0.12 : 0.06)) g = typo(g);
      if (chance(heavy ? 0.12 : 0.08)) fam = typo(fam);
      if (chance(0.02)) [g, fam] = [fam, g];
      const title = chance(heavy || shape === 'full-names' ? 0.3 : 0)
        ? `${f.helpers.arrayElement(TITLES[sex])} `
        : '';
      const mid = middle && chance(0.6) ? ` ${middle}` : '';
      let birth: string | null = iso(dob);
      const dr = f.number.float();
      if (heavy ? dr < 0.3 : dr < 0.08) birth = null;
      else if (heavy ? dr < 0.5 : dr < 0.14) {
        const e = f.number.float();
        if (e < 0.3) birth = `${birth.slice(0, 9)}${(Number(birth[9]) + 1) % 10}`;
        else if (e < 0.5 && dob.getUTCDate() <= 12)
          birth = `${birth.slice(0, 4)}-${birth.slice(8, 10)}-${birth.slice(5, 7)}`;
        else if (e < 0.8)
          birth = `${Number(birth.slice(0, 4)) + f.helpers.arrayElement([-1, 1])}${birth.slice(4)}`;
        else birth = iso(f.date.birthdate({ min: 10, max: 60, mode: 'age' }));
      }
      let postcode: string | null = home.postcode;
      const pr = f.number.float();
      if (heavy ? pr < 0.35 : pr < 0.05) postcode = null;
      else if (heavy ? pr < 0.5 : pr < 0.12)
        postcode = shape === 'foreign' ? abroad.postcode(f) : ukPostcode();
      const row: Record<string, string> = { id: `${shape}-${rows.length}`, person: String(p) };
      if (shape === 'full-names') {
        const upper = chance(0.3);
        row.name = upper ? `${fam.toUpperCase()}, ${g}${mid}` : `${title}${g}${mid} ${fam}`;
      } else {
        row.first_name = `${title}${g}${mid}`;
        row.last_name = fam;
      }
      row.date_of_birth = birth ?? '';
      row.sex = chance(0.1) ? '' : sex === 'female' ? 'F' : 'M';
      if (shape !== 'no-postcode') {
        row.postcode = postcode ?? '';
        row.address = chance(heavy ? 0.5 : 0.2) ? '' : home.address;
      }
      if (shape === 'no-postcode' || shape === 'foreign')
        row.town = chance(0.2) ? '' : chance(0.05) ? typo(home.town) : home.town;
      if (shape === 'foreign') row.country = abroad.country;
      if (shape === 'no-postcode') {
        row.email = chance(0.4) ? '' : chance(0.05) ? typo(email) : email;
        const written = f.helpers.arrayElement([
          mobile,
          `+44 ${mobile.slice(1, 5)} ${mobile.slice(5)}`,
          `${mobile.slice(0, 5)}-${mobile.slice(5)}`,
        ]);
        row.phone = chance(0.5) ? '' : written;
      }
      rows.push(row);
    }
  }
  const shuffled = f.helpers.shuffle(rows);
  const file = path.join(dir, `${shape}.csv`);
  writeFileSync(
    file,
    stringify(shuffled, {
      header: true,
      columns: [...new Set(shuffled.flatMap((r) => Object.keys(r)))],
    }),
  );
  const names = shape === 'full-names' ? 'full_name=name' : 'given_name=first_name,family_name=last_name';
  const map = {
    'uk-heavy': `${names},dob=date_of_birth,gender=sex,postcode=postcode,address=address`,
    'no-postcode': `${names},dob=date_of_birth,gender=sex,town=town,email=email,phone=phone`,
    foreign: `${names},dob=date_of_birth,gender=sex,postcode=postcode,address=address+town,town=town,extra:country=country`,
    'full-names': `${names},dob=date_of_birth,gender=sex,postcode=postcode,address=address`,
  }[shape];
  return { file, records: shuffled.length, people, map };
}

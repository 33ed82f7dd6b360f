import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { en, en_GB, Faker } from '@faker-js/faker';
import bbox from '@turf/bbox';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { hashPassword } from '../modules/accounts/index.ts';
import { DEFAULT_CLOCK_RULES } from '../modules/clock/index.ts';
import { nhsNumberFrom, upnCheckLetter } from '../modules/people/index.ts';
import type { Role } from '../platform/access.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const WARDS_FILE = path.join(ROOT, 'data/geo/bradford-wards-2013.geojson');

/** Under-18 populations the seed reports publish (seed 002, Appendix D); the rest are drawn in that range. */
export const PUBLISHED_UNDER18: Record<string, number> = {
  Queensbury: 3911,
  Royds: 4686,
  Wibsey: 3850,
  Wyke: 3319,
  'Great Horton': 3928,
  Tong: 6805,
};

/** Plausible postcode districts for each ward (synthetic gazetteer: real districts, made-up units). */
const WARD_DISTRICTS: Record<string, string[]> = {
  Baildon: ['BD17'],
  Bingley: ['BD16'],
  'Bingley Rural': ['BD16', 'BD13'],
  'Bolton and Undercliffe': ['BD2'],
  'Bowling and Barkerend': ['BD3', 'BD4'],
  'Bradford Moor': ['BD3'],
  City: ['BD1', 'BD5'],
  'Clayton and Fairweather Green': ['BD14', 'BD8'],
  Craven: ['BD20'],
  Eccleshill: ['BD2', 'BD10'],
  'Great Horton': ['BD7'],
  Heaton: ['BD9'],
  'Idle and Thackley': ['BD10'],
  Ilkley: ['LS29'],
  'Keighley Central': ['BD21'],
  'Keighley East': ['BD21', 'BD20'],
  'Keighley West': ['BD22'],
  'Little Horton': ['BD5', 'BD7'],
  Manningham: ['BD8'],
  Queensbury: ['BD13'],
  Royds: ['BD6'],
  Shipley: ['BD18'],
  'Thornton and Allerton': ['BD13', 'BD15'],
  Toller: ['BD8', 'BD9'],
  Tong: ['BD4'],
  Wharfedale: ['LS21', 'LS29'],
  Wibsey: ['BD6'],
  'Windhill and Wrose': ['BD18', 'BD2'],
  'Worth Valley': ['BD22'],
  Wyke: ['BD12'],
};

const TOWN_OF_DISTRICT = (district: string) =>
  ['BD20', 'BD21', 'BD22'].includes(district)
    ? 'Keighley'
    : district === 'BD16'
      ? 'Bingley'
      : ['BD17', 'BD18'].includes(district)
        ? 'Shipley'
        : district === 'LS29'
          ? 'Ilkley'
          : district === 'LS21'
            ? 'Otley'
            : 'Bradford';

export const DEMO_AGENCIES = [
  { code: 'csc', name: "Children's Social Care", kind: 'childrens_social_care' },
  { code: 'asc', name: 'Adult Social Care', kind: 'adult_social_care' },
  { code: 'police', name: 'District Police', kind: 'police' },
  { code: 'health', name: 'District NHS Foundation Trust', kind: 'health' },
  { code: 'education', name: 'Education Safeguarding Team', kind: 'education' },
  { code: 'youth', name: 'Youth Service', kind: 'youth_service' },
  { code: 'trp', name: 'Trusted Relationships Project', kind: 'commissioned_charity' },
  { code: 'bu', name: 'Safeguarding Partnership Business Unit', kind: 'business_unit' },
] as const;

/** One demo user for every role (listed in the README). */
export const DEMO_USERS: { username: string; displayName: string; agency: string; roles: Role[] }[] = [
  { username: 'frontdoor', displayName: 'Sam Whitaker', agency: 'csc', roles: ['front_door'] },
  { username: 'chair', displayName: 'Nadia Rahman', agency: 'csc', roles: ['meeting_chair'] },
  { username: 'police', displayName: 'DC Chris Holroyd', agency: 'police', roles: ['police_intelligence'] },
  { username: 'analyst', displayName: 'Ellis Barraclough', agency: 'bu', roles: ['analyst'] },
  { username: 'keyworker', displayName: 'Jordan Akhtar', agency: 'trp', roles: ['service_worker'] },
  { username: 'manager', displayName: 'Helen Sutcliffe', agency: 'csc', roles: ['manager'] },
  { username: 'admin', displayName: 'Ravi Mistry', agency: 'bu', roles: ['administrator'] },
  // A second administrator: roles that reach people's records need two to grant.
  { username: 'admin2', displayName: 'Grace Oyelaran', agency: 'bu', roles: ['administrator'] },
  { username: 'councillor', displayName: 'Cllr Pat Greenwood', agency: 'bu', roles: ['elected_member'] },
];

// Name pools for the district's communities; faker's en_GB supplies the rest.
export const NAMES: Record<string, { female: string[]; male: string[]; family: string[] }> = {
  south_asian: {
    female: [
      'Aisha',
      'Maryam',
      'Zara',
      'Fatima',
      'Amina',
      'Sana',
      'Hafsa',
      'Khadijah',
      'Inaya',
      'Alisha',
      'Safa',
      'Noor',
      'Iqra',
      'Mehwish',
      'Zainab',
      'Anaya',
      'Haleema',
      'Ruqayyah',
    ],
    male: [
      'Mohammed',
      'Muhammad',
      'Hamza',
      'Ayaan',
      'Ibrahim',
      'Yusuf',
      'Bilal',
      'Imran',
      'Zain',
      'Ali',
      'Hassan',
      'Usman',
      'Adam',
      'Haris',
      'Rayyan',
      'Zakariya',
      'Saad',
      'Arham',
    ],
    family: [
      'Khan',
      'Hussain',
      'Ali',
      'Ahmed',
      'Akhtar',
      'Mahmood',
      'Iqbal',
      'Shah',
      'Rehman',
      'Butt',
      'Malik',
      'Akram',
      'Riaz',
      'Aslam',
      'Rashid',
      'Bibi',
      'Begum',
      'Anwar',
      'Saleem',
      'Javed',
      'Nawaz',
      'Qureshi',
      'Mirza',
      'Sadiq',
    ],
  },
  bangladeshi: {
    female: ['Tahmina', 'Sumaiya', 'Nusrat', 'Farhana', 'Rumana', 'Jannat'],
    male: ['Abdul', 'Rahim', 'Shahid', 'Jamal', 'Rafiq', 'Tanvir'],
    family: ['Miah', 'Uddin', 'Islam', 'Rahman', 'Chowdhury', 'Begum', 'Hoque'],
  },
  indian: {
    female: ['Priya', 'Simran', 'Anjali', 'Kiran', 'Harpreet', 'Meera'],
    male: ['Arjun', 'Harjeet', 'Rohan', 'Sukhdeep', 'Vikram', 'Jaspal'],
    family: ['Patel', 'Singh', 'Kaur', 'Sharma', 'Mistry', 'Sandhu', 'Gill', 'Chauhan'],
  },
  roma: {
    female: ['Zuzana', 'Monika', 'Veronika', 'Denisa', 'Nikola', 'Klaudia'],
    male: ['Marek', 'Tomas', 'Patrik', 'Dominik', 'Lukas', 'Jozef'],
    family: ['Horvath', 'Balog', 'Dudas', 'Gabor', 'Lakatos', 'Kolompar', 'Oláh'],
  },
  polish: {
    female: ['Natalia', 'Zofia', 'Julia', 'Oliwia', 'Maja'],
    male: ['Jakub', 'Kacper', 'Szymon', 'Filip', 'Mateusz'],
    family: ['Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Kamiński', 'Lewandowski'],
  },
  african: {
    female: ['Amara', 'Chiamaka', 'Blessing', 'Adaeze', 'Ifeoma', 'Precious', 'Hodan'],
    male: ['Chidi', 'Tobi', 'Emeka', 'Kwame', 'Tendai', 'Abdi', 'Samuel'],
    family: ['Okafor', 'Adeyemi', 'Mensah', 'Mohamed', 'Osei', 'Nwosu', 'Farah', 'Moyo'],
  },
};

/** Ethnicity shares for the synthetic population (roughly the district's young people). */
export const ETHNICITY_WEIGHTS: [string, number, keyof typeof NAMES | 'british'][] = [
  ['white_british', 44, 'british'],
  ['asian_pakistani', 29, 'south_asian'],
  ['asian_bangladeshi', 3, 'bangladeshi'],
  ['asian_indian', 3, 'indian'],
  ['asian_other', 1, 'south_asian'],
  ['mixed_white_asian', 2, 'british'],
  ['mixed_white_black_caribbean', 2, 'british'],
  ['mixed_other', 1, 'british'],
  ['black_african', 2, 'african'],
  ['black_caribbean', 1, 'british'],
  ['white_roma', 2, 'roma'],
  ['white_other', 3, 'polish'],
  ['white_irish', 1, 'british'],
  ['white_gypsy_traveller', 1, 'british'],
  ['other_arab', 1, 'african'],
  ['other_any', 1, 'british'],
  ['not_stated', 3, 'british'],
];

export const NICKNAMES: Record<string, string> = {
  Mohammed: 'Mo',
  Muhammad: 'Mo',
  Jonathan: 'Jon',
  William: 'Will',
  Samuel: 'Sam',
  Joshua: 'Josh',
  Thomas: 'Tom',
  Jessica: 'Jess',
  Rebecca: 'Becky',
  Elizabeth: 'Liz',
  Ibrahim: 'Ibby',
  Zakariya: 'Zak',
  Daniel: 'Dan',
  Matthew: 'Matt',
};

interface Ward {
  code: string;
  name: string;
  geometry: GeoJSON.Polygon;
}

export function loadWards(): Ward[] {
  const geo = JSON.parse(readFileSync(WARDS_FILE, 'utf8')) as GeoJSON.FeatureCollection<GeoJSON.Polygon>;
  return geo.features.map((f) => ({
    code: String(f.properties?.WD13CD),
    name: String(f.properties?.WD13NM),
    geometry: f.geometry,
  }));
}

export interface SeedOptions {
  seed: number;
  people: number;
  demoUsers: boolean;
  demoPassword: string;
  say?: (line: string) => void;
  progress?: (done: number, total: number) => void;
}

export async function isEmpty(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT count(*)::int AS n FROM partnership');
    return rows[0].n === 0;
  } finally {
    await client.end();
  }
}

/** TSV field for COPY: NULL as \N, and tabs, newlines and backslashes escaped. */
const tsv = (value: unknown): string =>
  value === null || value === undefined
    ? '\\N'
    : String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');

async function copyRows(
  client: pg.PoolClient | pg.Client,
  table: string,
  columns: string[],
  rows: Iterable<unknown[]>,
) {
  async function* lines() {
    let buffer = '';
    for (const row of rows) {
      buffer += `${row.map(tsv).join('\t')}\n`;
      if (buffer.length > 1 << 20) {
        yield buffer;
        buffer = '';
      }
    }
    if (buffer) yield buffer;
  }
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(lines()), stream);
}

/**
 * Loads the synthetic demo district: the partnership, its 30 wards and postcode gazetteer, the
 * agencies, demo users for every role and N synthetic people. Deterministic for a given seed.
 */
export async function seedDemo(
  url: string,
  opts: SeedOptions,
): Promise<{ partnershipId: string; people: number }> {
  const say = opts.say ?? (() => undefined);
  const faker = new Faker({ locale: [en_GB, en] });
  faker.seed(opts.seed);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    const partnershipId = faker.string.uuid();
    await client.query('INSERT INTO partnership (id, code, name) VALUES ($1, $2, $3)', [
      partnershipId,
      'demo-district',
      'Bradford District Safeguarding Partnership (synthetic demo)',
    ]);

    // Wards, with published under-18 populations where the seed reports give them.
    const wards = loadWards();
    for (const ward of wards) {
      const population = PUBLISHED_UNDER18[ward.name] ?? faker.number.int({ min: 3300, max: 7800 });
      await client.query(
        'INSERT INTO ward (partnership_id, code, name, under18_population, boundary) VALUES ($1, $2, $3, $4, $5)',
        [partnershipId, ward.code, ward.name, population, JSON.stringify(ward.geometry)],
      );
    }

    // A synthetic postcode gazetteer: units inside each ward's boundary.
    const postcodes: { postcode: string; ward: Ward; town: string }[] = [];
    const taken = new Set<string>();
    for (const ward of wards) {
      const [minX, minY, maxX, maxY] = bbox(ward.geometry);
      const districts = WARD_DISTRICTS[ward.name] ?? ['BD1'];
      for (let i = 0; i < 40; i++) {
        let point: [number, number];
        do {
          point = [
            faker.number.float({ min: minX, max: maxX }),
            faker.number.float({ min: minY, max: maxY }),
          ];
        } while (!booleanPointInPolygon(point, ward.geometry));
        let postcode: string;
        const district = faker.helpers.arrayElement(districts);
        do {
          postcode = `${district} ${faker.number.int({ min: 1, max: 9 })}${faker.string.fromCharacters('ABDEFGHJLNPQRSTUWXYZ', 2)}`;
        } while (taken.has(postcode));
        taken.add(postcode);
        postcodes.push({ postcode, ward, town: TOWN_OF_DISTRICT(district) });
        await client.query(
          'INSERT INTO postcode (partnership_id, postcode, ward_code, latitude, longitude) VALUES ($1, $2, $3, $4, $5)',
          [partnershipId, postcode, ward.code, point[1], point[0]],
        );
      }
    }

    for (const rule of DEFAULT_CLOCK_RULES) {
      await client.query(
        'INSERT INTO clock_rule (partnership_id, kind, amount, unit) VALUES ($1, $2, $3, $4)',
        [partnershipId, rule.kind, rule.amount, rule.unit],
      );
    }

    const agencyIds: Record<string, string> = {};
    for (const agency of DEMO_AGENCIES) {
      const id = faker.string.uuid();
      agencyIds[agency.code] = id;
      await client.query(
        'INSERT INTO agency (partnership_id, id, code, name, kind) VALUES ($1, $2, $3, $4, $5)',
        [partnershipId, id, agency.code, agency.name, agency.kind],
      );
    }

    if (opts.demoUsers) {
      const passwordHash = await hashPassword(opts.demoPassword);
      for (const user of DEMO_USERS) {
        await client.query(
          `INSERT INTO app_user (partnership_id, username, username_key, display_name, email, agency_id, roles, password_hash)
           VALUES ($1, $2, lower($2), $3, $4, $5, $6, $7)`,
          [
            partnershipId,
            user.username,
            user.displayName,
            `${user.username}@demo.invalid`,
            agencyIds[user.agency],
            user.roles,
            passwordHash,
          ],
        );
      }
    }

    // People, bulk-loaded with COPY so a million takes minutes, not hours.
    const total = opts.people;
    const weights = ETHNICITY_WEIGHTS.map(([code, weight, pool]) => ({ value: { code, pool }, weight }));
    const agencyCodes = DEMO_AGENCIES.filter((a) => a.kind !== 'business_unit').map((a) => a.code);
    const today = new Date();
    const personRows: unknown[][] = [];
    const aliasRows: unknown[][] = [];
    const knownRows: unknown[][] = [];
    const chronologyRows: unknown[][] = [];
    const now = today.toISOString();
    let nhsBase = 400_000_000;
    let upnSerial = 0;
    const flush = async () => {
      await copyRows(
        client,
        'person',
        [
          'partnership_id',
          'id',
          'given_name',
          'middle_names',
          'family_name',
          'date_of_birth',
          'dob_precision',
          'gender',
          'ethnicity',
          'address_line',
          'town',
          'postcode',
          'ward_code',
          'nhs_number',
          'upn',
          'police_ref',
        ],
        personRows,
      );
      await copyRows(
        client,
        'person_alias',
        ['partnership_id', 'person_id', 'given_name', 'family_name', 'kind'],
        aliasRows,
      );
      await copyRows(
        client,
        'person_agency',
        ['partnership_id', 'person_id', 'agency_id', 'local_reference'],
        knownRows,
      );
      await copyRows(
        client,
        'chronology_entry',
        ['partnership_id', 'person_id', 'occurred_at', 'kind', 'title', 'detail'],
        chronologyRows,
      );
      personRows.length = 0;
      aliasRows.length = 0;
      knownRows.length = 0;
      chronologyRows.length = 0;
    };
    for (let i = 0; i < total; i++) {
      const id = faker.string.uuid();
      const { code: ethnicity, pool } = faker.helpers.weightedArrayElement(weights);
      const genderRoll = faker.number.float();
      const gender =
        genderRoll < 0.52 ? 'female' : genderRoll < 0.98 ? 'male' : genderRoll < 0.99 ? 'other' : 'not_known';
      const sex = gender === 'female' ? 'female' : 'male';
      const names = pool === 'british' ? undefined : NAMES[pool];
      const given = names ? faker.helpers.arrayElement(names[sex]) : faker.person.firstName(sex);
      const family = names ? faker.helpers.arrayElement(names.family) : faker.person.lastName();
      const middle = faker.number.float() < 0.3 ? faker.person.firstName(sex) : null;
      const child = faker.number.float() < 0.75;
      const age = child ? faker.number.int({ min: 8, max: 17 }) : faker.number.int({ min: 18, max: 65 });
      const birth = new Date(
        today.getTime() - (age * 365.25 + faker.number.int({ min: 0, max: 364 })) * 86_400_000,
      );
      const precisionRoll = faker.number.float();
      const dobPrecision = precisionRoll < 0.9 ? 'exact' : precisionRoll < 0.95 ? 'approximate' : 'unknown';
      const dob =
        dobPrecision === 'unknown'
          ? null
          : dobPrecision === 'approximate'
            ? `${birth.getUTCFullYear()}-07-01`
            : birth.toISOString().slice(0, 10);
      const place = faker.helpers.arrayElement(postcodes);
      const hasAddress = faker.number.float() < 0.92;
      let nhs: string | undefined;
      while (!nhs) nhs = nhsNumberFrom(String(nhsBase++));
      const hasNhs = faker.number.float() < 0.8;
      let upn: string | null = null;
      if (child && faker.number.float() < 0.85) {
        const digits = `380${String(2000 + (upnSerial % 7000)).padStart(4, '0')}${String(birth.getUTCFullYear() % 100).padStart(2, '0')}${String(upnSerial % 1000).padStart(3, '0')}`;
        upnSerial++;
        upn = `${upnCheckLetter(digits)}${digits}`;
      }
      const policeRef =
        faker.number.float() < 0.15
          ? `WY/${faker.number.int({ min: 10000, max: 99999 })}/${faker.number.int({ min: 19, max: 26 })}`
          : null;
      personRows.push([
        partnershipId,
        id,
        given,
        middle,
        family,
        dob,
        dobPrecision,
        gender,
        ethnicity,
        hasAddress ? `${faker.location.buildingNumber()} ${faker.location.street()}` : null,
        hasAddress ? place.town : null,
        hasAddress ? place.postcode : null,
        hasAddress ? place.ward.code : null,
        hasNhs ? nhs : null,
        upn,
        policeRef,
      ]);
      if (faker.number.float() < 0.06) {
        const nick = NICKNAMES[given];
        aliasRows.push(
          nick
            ? [partnershipId, id, nick, family, 'nickname']
            : [partnershipId, id, faker.person.firstName(sex), family, 'alias'],
        );
      }
      const knownBy = faker.helpers.arrayElements(agencyCodes, { min: 1, max: 3 });
      for (const code of knownBy)
        knownRows.push([
          partnershipId,
          id,
          agencyIds[code],
          code === 'police' && policeRef ? policeRef : null,
        ]);
      chronologyRows.push([
        partnershipId,
        id,
        now,
        'record',
        'Person record created',
        'Loaded with the synthetic demo district',
      ]);
      if (personRows.length >= 10_000) {
        await flush();
        opts.progress?.(i + 1, total);
      }
    }
    await flush();
    opts.progress?.(total, total);
    await client.query(
      `INSERT INTO audit_event (partnership_id, actor_username, action, details)
       VALUES ($1, 'system', 'demo.seeded', $2)`,
      [partnershipId, JSON.stringify({ seed: opts.seed, people: total, demoUsers: opts.demoUsers })],
    );
    await client.query('COMMIT');
    say(`Seeded ${total.toLocaleString('en-GB')} synthetic people in ${wards.length} wards.`);
    await client.query('ANALYZE');
    return { partnershipId, people: total };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

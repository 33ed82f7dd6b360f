import type { SeedContext } from '../../platform/module.ts';
import type { GazetteerPostcode } from '../district/index.ts';
import { nhsNumberFrom, upnCheckLetter } from './identifiers.ts';

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

/**
 * The district's synthetic people, bulk-loaded with COPY: names from the district's communities,
 * dates of birth (some approximate or unknown), addresses in the gazetteer, NHS numbers, UPNs and
 * police references that pass their checks, a few aliases, and the agencies that know each one.
 */
/** A child the people seed made, for the modules that add history about them. */
export interface SeededChild {
  id: string;
  age: number;
  gender: string;
  wardCode: string | null;
  /** Date of birth as recorded (YYYY-MM-DD), or null when not known. */
  dob: string | null;
  /** The codes of the agencies that know them. */
  knownTo: string[];
  /** Whether they have a disability or special educational needs, as recorded (null: not asked). */
  disability: string | null;
}

/** What a later seed asks for when it needs a person of its own (the years before today's children). */
export interface SeedPersonSpec {
  birth: Date;
  gender?: string;
  wardCode?: string;
  /** Agencies that know them (codes); drawn when not given. */
  knownTo?: string[];
}

/**
 * Writes synthetic people in batches: names from the district's communities, dates of birth (some
 * approximate or unknown), addresses in the gazetteer, identifiers that pass their checks, a few
 * aliases, and the agencies that know each one. One writer per seed run keeps identifiers unique.
 */
export function personWriter(ctx: SeedContext) {
  if (ctx.made.personWriter) return ctx.made.personWriter as ReturnType<typeof makeWriter>;
  const writer = makeWriter(ctx);
  ctx.made.personWriter = writer;
  return writer;
}

function makeWriter(ctx: SeedContext) {
  const faker = ctx.random;
  const partnershipId = ctx.partnershipId;
  const agencyIds = ctx.made.agencyIds as Record<string, string>;
  const postcodes = ctx.made.postcodes as GazetteerPostcode[];
  const byWard = new Map<string, GazetteerPostcode[]>();
  for (const p of postcodes) {
    const inWard = byWard.get(p.ward.code);
    if (inWard) inWard.push(p);
    else byWard.set(p.ward.code, [p]);
  }
  const weights = ETHNICITY_WEIGHTS.map(([code, weight, pool]) => ({ value: { code, pool }, weight }));
  const agencyCodes = Object.keys(agencyIds).filter((code) => code !== 'bu');
  const personRows: unknown[][] = [];
  const aliasRows: unknown[][] = [];
  const knownRows: unknown[][] = [];
  const chronologyRows: unknown[][] = [];
  const now = new Date().toISOString();
  let nhsBase = 400_000_000;
  let upnSerial = 0;
  const flush = async () => {
    await ctx.client.copy(
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
        'disability',
      ],
      personRows,
    );
    await ctx.client.copy(
      'person_alias',
      ['partnership_id', 'person_id', 'given_name', 'family_name', 'kind'],
      aliasRows,
    );
    await ctx.client.copy(
      'person_agency',
      ['partnership_id', 'person_id', 'agency_id', 'local_reference'],
      knownRows,
    );
    await ctx.client.copy(
      'chronology_entry',
      ['partnership_id', 'person_id', 'occurred_at', 'kind', 'title', 'detail'],
      chronologyRows,
    );
    personRows.length = 0;
    aliasRows.length = 0;
    knownRows.length = 0;
    chronologyRows.length = 0;
  };
  /** One person; returns what later seeds need to know of them. */
  const add = (spec: SeedPersonSpec) => {
    const id = faker.string.uuid();
    const { code: ethnicity, pool } = faker.helpers.weightedArrayElement(weights);
    const genderRoll = faker.number.float();
    const gender =
      spec.gender ??
      (genderRoll < 0.52 ? 'female' : genderRoll < 0.98 ? 'male' : genderRoll < 0.99 ? 'other' : 'not_known');
    const sex = gender === 'female' ? 'female' : 'male';
    const names = pool === 'british' ? undefined : NAMES[pool];
    const given = names ? faker.helpers.arrayElement(names[sex]) : faker.person.firstName(sex);
    const family = names ? faker.helpers.arrayElement(names.family) : faker.person.lastName();
    const middle = faker.number.float() < 0.3 ? faker.person.firstName(sex) : null;
    const birth = spec.birth;
    const child = Date.now() - birth.getTime() < 18 * 365.25 * 86_400_000;
    const precisionRoll = faker.number.float();
    // A child the partnership works with has a known date of birth (the figures need the age).
    const dobPrecision =
      spec.wardCode || precisionRoll < 0.9 ? 'exact' : precisionRoll < 0.95 ? 'approximate' : 'unknown';
    const dob =
      dobPrecision === 'unknown'
        ? null
        : dobPrecision === 'approximate'
          ? `${birth.getUTCFullYear()}-07-01`
          : birth.toISOString().slice(0, 10);
    const inWard = spec.wardCode ? byWard.get(spec.wardCode) : undefined;
    const place = faker.helpers.arrayElement(inWard ?? postcodes);
    const hasAddress = inWard !== undefined || faker.number.float() < 0.92;
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
    // Asked of children (about one in six has a disability or special educational needs); seldom of adults.
    const disabilityRoll = faker.number.float();
    const disability =
      !child && disabilityRoll < 0.8
        ? null
        : disabilityRoll < 0.17
          ? 'yes'
          : disabilityRoll < 0.8
            ? 'no'
            : disabilityRoll < 0.9
              ? 'not_known'
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
      disability,
    ]);
    if (faker.number.float() < 0.06) {
      const nick = NICKNAMES[given];
      aliasRows.push(
        nick
          ? [partnershipId, id, nick, family, 'nickname']
          : [partnershipId, id, faker.person.firstName(sex), family, 'alias'],
      );
    }
    const knownTo = spec.knownTo ?? faker.helpers.arrayElements(agencyCodes, { min: 1, max: 3 });
    for (const code of knownTo)
      knownRows.push([partnershipId, id, agencyIds[code], code === 'police' && policeRef ? policeRef : null]);
    chronologyRows.push([
      partnershipId,
      id,
      now,
      'record',
      'Person record created',
      'Loaded with the synthetic demo district',
    ]);
    return {
      id,
      gender,
      ethnicity,
      dob,
      wardCode: hasAddress ? place.ward.code : null,
      knownTo,
      child,
      disability,
    };
  };
  return { add, flush, pending: () => personRows.length };
}

export async function seedPeople(ctx: SeedContext): Promise<void> {
  // People, bulk-loaded with COPY so a million takes minutes, not hours.
  const total = ctx.people;
  const faker = ctx.random;
  const today = new Date();
  const children: SeededChild[] = [];
  ctx.made.children = children;
  const writer = personWriter(ctx);
  for (let i = 0; i < total; i++) {
    const child = faker.number.float() < 0.75;
    const age = child ? faker.number.int({ min: 8, max: 17 }) : faker.number.int({ min: 18, max: 65 });
    const birth = new Date(
      today.getTime() - (age * 365.25 + faker.number.int({ min: 0, max: 364 })) * 86_400_000,
    );
    const made = writer.add({ birth });
    // Children for later modules' history (contacts about them): enough to draw from, not a million.
    if (child && children.length < 50_000)
      children.push({
        id: made.id,
        age,
        gender: made.gender,
        wardCode: made.wardCode,
        dob: made.dob,
        knownTo: made.knownTo,
        disability: made.disability,
      });
    if (writer.pending() >= 10_000) {
      await writer.flush();
      ctx.progress?.(i + 1, total);
    }
  }
  await writer.flush();
  ctx.progress?.(total, total);
  ctx.say(`Seeded ${total.toLocaleString('en-GB')} synthetic people.`);
}

/**
 * Bulk-loads seeded chronology entries, each `[partnership_id, person_id, occurred_at, kind, title,
 * detail, recorded_by]` (every module's history the same way).
 */
export async function copyChronologyEntries(client: SeedContext['client'], rows: unknown[][]): Promise<void> {
  await client.copy(
    'chronology_entry',
    ['partnership_id', 'person_id', 'occurred_at', 'kind', 'title', 'detail', 'recorded_by'],
    rows,
  );
}

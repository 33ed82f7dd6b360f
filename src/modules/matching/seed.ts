import { en, en_GB, Faker } from '@faker-js/faker';
import type { SeedContext } from '../../platform/module.ts';
import type { SeededChild } from '../people/index.ts';
import { NICKNAMES } from '../people/index.ts';
import { predict } from './link.ts';
import { normalisePhone } from './normalise.ts';
import * as repo from './repository.ts';
import { personRecord, trainAndStore } from './service.ts';

/** Agencies whose extracts the demo district has taken in, each a few times over the years. */
const EXTRACTS: { agency: string; source: string; prefix: string; monthsAgo: number[] }[] = [
  { agency: 'health', source: 'Child health system extract', prefix: 'CHS', monthsAgo: [30, 18, 6] },
  { agency: 'education', source: 'School census extract', prefix: 'SC', monthsAgo: [26, 14, 2] },
  { agency: 'police', source: 'Missing persons and intelligence extract', prefix: 'MP', monthsAgo: [20, 8] },
];

/** At most this many pairs wait for review on first start; the most likely first. */
const OPEN_REVIEWS = 40;
/**
 * The demo partnership's imports link a record by themselves only when all but certain, and put
 * pairs from even odds up to that before a practitioner.
 */
const LINK_FROM = 0.999;
const REVIEW_FROM = 0.5;
/** Children an import recorded a second time. */
const DUPLICATES = 60;
/** Other children an import recorded who share a child's name. */
const NAMESAKES = 30;
const DAY = 86_400_000;

/**
 * The matching history of the demo district: a trained model, each agency's extracts taken in over
 * the years (records linked to the children they describe, some with phone numbers and emails, so
 * "already known?" finds people by them), and the pairs the model was unsure of — most waiting for
 * a practitioner, some already decided. Deterministic for a seed.
 */
export async function seedMatching(ctx: SeedContext): Promise<void> {
  if (!ctx.history) return;
  const { client, partnershipId } = ctx;
  // Its own random source, so adding this history leaves every other module's demo data as it was.
  const faker = new Faker({ locale: [en_GB, en] });
  faker.seed(ctx.seed + 33);
  const children = (ctx.made.children as SeededChild[] | undefined) ?? [];
  const agencyIds = ctx.made.agencyIds as Record<string, string>;
  const users = (ctx.made.userIds as Record<string, string> | undefined) ?? {};
  if (!children.length) return;
  ctx.say('Matching: model, agency extracts and pairs for review…');

  const now = Date.now();
  const importIds = EXTRACTS.map((e) => e.monthsAgo.map(() => faker.string.uuid()));
  const created = EXTRACTS.map((e) => e.monthsAgo.map(() => 0));
  const before = await repo.allPeople(client, partnershipId);
  // Records an agency sent that its import could not be sure about: each became a person of its
  // own, and is the same child as someone already known (a nickname, a slip of the keyboard, a
  // date of birth missing or with day and month swapped, an older address).
  const duplicates: unknown[][] = [];
  const duplicateRecords: unknown[][] = [];
  const sameChild = new Map<string, string>();
  const importOf = new Map<string, string>();
  const knownBy: unknown[][] = [];
  /** A person an import created from one agency record (the demo's imports could not be sure). */
  const recordedByImport = (
    child: SeededChild,
    person: { given: string; family: string; dob: string | null; postcode?: string | null; gender: string },
  ): string | null => {
    const e = faker.number.int({ min: 0, max: EXTRACTS.length - 1 });
    const which = EXTRACTS[e].monthsAgo.length - 1;
    const agencyId = agencyIds[EXTRACTS[e].agency];
    if (!agencyId) return null;
    created[e][which]++;
    const id = faker.string.uuid();
    const { given, family, dob } = person;
    const postcode = person.postcode ?? null;
    duplicates.push([
      partnershipId,
      id,
      given,
      family,
      dob,
      dob ? 'exact' : 'unknown',
      person.gender,
      postcode,
      postcode ? child.wardCode : null,
    ]);
    knownBy.push([partnershipId, id, agencyId]);
    importOf.set(id, importIds[e][which]);
    const fields: Record<string, string> = { given_name: given, family_name: family };
    if (dob) fields.dob = dob;
    if (postcode) fields.postcode = postcode;
    const seenAt = new Date(now - EXTRACTS[e].monthsAgo[which] * 30 * DAY).toISOString();
    duplicateRecords.push([
      partnershipId,
      agencyId,
      `${EXTRACTS[e].prefix}N${String(duplicates.length).padStart(5, '0')}`,
      id,
      JSON.stringify(fields),
      'new_person',
      null,
      importIds[e][which],
      seenAt,
      seenAt,
      null,
      null,
    ]);
    return id;
  };
  const picked = faker.helpers.arrayElements(children, Math.min(DUPLICATES + NAMESAKES, children.length));
  for (const child of picked.slice(0, DUPLICATES)) {
    const original = before.find((r) => r.id === child.id);
    if (!original?.given_name || !original.family_name) continue;
    const given = NICKNAMES[original.given_name] ?? typo(faker, original.given_name);
    const family = faker.number.float() < 0.3 ? typo(faker, original.family_name) : original.family_name;
    const roll = faker.number.float();
    const dob = !original.dob || roll < 0.2 ? null : roll < 0.35 ? swapDayMonth(original.dob) : original.dob;
    const postcode = faker.number.float() < 0.6 ? original.postcode : null;
    const id = recordedByImport(child, {
      given,
      family,
      dob,
      postcode,
      gender: original.gender ?? 'not_known',
    });
    if (id) sameChild.set(id, child.id);
  }
  // Other children with the same name (cousins named after one grandparent): born a year or two
  // apart, often at the same address.
  // The pairs the model is unsure of are the ones practitioners tell apart.
  for (const child of picked.slice(DUPLICATES)) {
    const original = before.find((r) => r.id === child.id);
    if (!original?.given_name || !original.family_name || !original.dob) continue;
    const born = new Date(`${original.dob}T00:00:00Z`);
    const apart = faker.helpers.arrayElement([-1, 1]) * faker.number.int({ min: 300, max: 800 }) * DAY;
    // Younger or older, but never born in the future.
    born.setTime(born.getTime() + (born.getTime() + apart > now - 30 * DAY ? -Math.abs(apart) : apart));
    recordedByImport(child, {
      given: original.given_name,
      family: original.family_name,
      dob: born.toISOString().slice(0, 10),
      postcode: faker.number.float() < 0.7 ? original.postcode : null,
      gender: original.gender ?? 'not_known',
    });
  }
  await client.copy(
    'person',
    [
      'partnership_id',
      'id',
      'given_name',
      'family_name',
      'date_of_birth',
      'dob_precision',
      'gender',
      'postcode',
      'ward_code',
    ],
    duplicates,
  );
  await client.copy('person_agency', ['partnership_id', 'person_id', 'agency_id'], knownBy);

  const rows = await repo.allPeople(client, partnershipId);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const { version, params } = await trainAndStore(client, partnershipId, null);

  const imports: unknown[][] = [];
  const records: unknown[][] = [...duplicateRecords];
  for (const [e, extract] of EXTRACTS.entries()) {
    const agencyId = agencyIds[extract.agency];
    if (!agencyId) continue;
    const known = children.filter((c) => c.knownTo.includes(extract.agency));
    const linked = extract.monthsAgo.map(() => 0);
    let n = 0;
    for (const child of known) {
      const person = byId.get(child.id);
      if (!person || faker.number.float() >= 0.35) continue;
      const which = faker.number.int({ min: 0, max: extract.monthsAgo.length - 1 });
      linked[which]++;
      const seenAt = new Date(now - extract.monthsAgo[which] * 30 * DAY);
      // Phones from Ofcom's range kept for drama, emails at example domains: never real ones.
      const phone = faker.number.float() < 0.3 ? `07700 900${faker.string.numeric(3)}` : null;
      const email =
        faker.number.float() < 0.2
          ? `${person.given_name}.${person.family_name}${faker.number.int({ min: 1, max: 99 })}@example.org`
              .toLowerCase()
              .replace(/[^a-z0-9.@-]/g, '')
          : null;
      const fields: Record<string, string> = {
        given_name: person.given_name ?? '',
        family_name: person.family_name ?? '',
      };
      if (person.dob) fields.dob = person.dob;
      if (person.postcode && faker.number.float() < 0.85) fields.postcode = person.postcode;
      if (phone) fields.phone = phone;
      if (email) fields.email = email;
      records.push([
        partnershipId,
        agencyId,
        `${extract.prefix}${String(++n).padStart(6, '0')}`,
        child.id,
        JSON.stringify(fields),
        'matched',
        LINK_FROM + faker.number.float() * (1 - LINK_FROM),
        importIds[e][which],
        seenAt.toISOString(),
        seenAt.toISOString(),
        phone ? normalisePhone(phone) : null,
        email,
      ]);
    }
    extract.monthsAgo.forEach((monthsAgo, i) => {
      const refused = faker.number.int({ min: 0, max: 4 });
      imports.push([
        partnershipId,
        importIds[e][i],
        agencyId,
        `${extract.source}, ${new Date(now - monthsAgo * 30 * DAY).toLocaleDateString('en-GB', { month: 'long', year: 'numeric' })}`,
        version,
        LINK_FROM,
        REVIEW_FROM,
        linked[i] + created[e][i] + refused,
        linked[i],
        created[e][i],
        0,
        0, // for review: counted below, from the pairs it put before a practitioner
        refused,
        users.admin ?? null,
        new Date(now - monthsAgo * 30 * DAY).toISOString(),
      ]);
    });
  }

  // The pairs of people the model is unsure of, as an import or a nightly run would find them.
  const people = rows.filter((r) => r.root_id === r.id).map((r) => personRecord(r));
  const scored = predict(params, people, null);
  const unsure: { a: string; b: string; p: number }[] = [];
  for (let k = 0; k < scored.probability.length; k++) {
    const p = scored.probability[k];
    if (p >= REVIEW_FROM && p < LINK_FROM)
      unsure.push({ a: people[scored.left[k]].id, b: people[scored.right[k]].id, p });
  }
  unsure.sort((x, y) => y.p - x.p || (x.a < y.a ? -1 : 1));
  const reviews: unknown[][] = [];
  const reviewer = users.frontdoor ?? null;
  let told = 0;
  let open = 0;
  for (const pair of unsure) {
    const [a, b] = pair.a < pair.b ? [pair.a, pair.b] : [pair.b, pair.a];
    const same = sameChild.get(a) === b || sameChild.get(b) === a;
    // Pairs that are two children (siblings, cousins): some already told apart. The same child
    // twice: waiting for a practitioner, a few held while someone checks.
    const status = same
      ? reviewer && faker.number.float() < 0.15
        ? 'not_sure'
        : 'open'
      : reviewer && told < OPEN_REVIEWS / 2
        ? 'rejected'
        : 'open';
    if (status === 'open' && open >= OPEN_REVIEWS) continue;
    if (status === 'open') open++;
    if (status === 'rejected') told++;
    const createdAt = new Date(now - faker.number.int({ min: 1, max: 400 }) * DAY);
    const decided = status !== 'open';
    const note =
      status === 'rejected'
        ? faker.helpers.arrayElement([
            'Siblings at the same address: school confirms two children.',
            'Different dates of birth confirmed with health visitor.',
            'Cousins; checked with the allocated social worker.',
          ])
        : status === 'not_sure'
          ? 'Asked the school to confirm; waiting to hear.'
          : null;
    reviews.push([
      partnershipId,
      a,
      b,
      pair.p,
      version,
      importOf.get(a) ?? importOf.get(b) ?? null,
      status,
      note,
      decided ? reviewer : null,
      decided
        ? new Date(
            Math.min(now, createdAt.getTime() + faker.number.int({ min: 1, max: 10 }) * DAY),
          ).toISOString()
        : null,
      createdAt.toISOString(),
    ]);
  }
  const forReview = (row: unknown[]) => reviews.filter((r) => r[5] === row[1]).length;
  for (const row of imports) row[11] = forReview(row);
  await client.copy(
    'record_import',
    [
      'partnership_id',
      'id',
      'agency_id',
      'source_name',
      'model_version',
      'auto_threshold',
      'review_threshold',
      'rows_read',
      'linked',
      'created',
      'updated',
      'for_review',
      'refused',
      'imported_by',
      'imported_at',
    ],
    imports,
  );
  await client.copy(
    'agency_record',
    [
      'partnership_id',
      'agency_id',
      'source_ref',
      'person_id',
      'fields',
      'linked_how',
      'link_probability',
      'import_id',
      'first_seen_at',
      'last_seen_at',
      'phone_key',
      'email_key',
    ],
    records,
  );
  await client.copy(
    'match_review',
    [
      'partnership_id',
      'person_a',
      'person_b',
      'probability',
      'model_version',
      'import_id',
      'status',
      'note',
      'decided_by',
      'decided_at',
      'created_at',
    ],
    reviews,
  );
}

/** One slip of the keyboard: two neighbouring letters swapped, or one left out. */
function typo(faker: Faker, name: string): string {
  if (name.length < 4) return name;
  const at = faker.number.int({ min: 1, max: name.length - 2 });
  return faker.number.float() < 0.5
    ? name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2)
    : name.slice(0, at) + name.slice(at + 1);
}

/** A date of birth written the American way round, where that is still a date. */
function swapDayMonth(dob: string): string {
  const [y, m, d] = dob.split('-');
  return Number(d) <= 12 && d !== m ? `${y}-${d}-${m}` : dob;
}

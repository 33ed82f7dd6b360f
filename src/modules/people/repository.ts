import { CUSTOM_PLAN, type Queryable } from '../../db/database.ts';
import { knownToAgencySql } from '../../platform/visibility/index.ts';
import type { LinkedHow } from './reference.ts';
import type { AliasInput, PersonInput, PersonSearch } from './schema.ts';

export interface PersonRecord {
  id: string;
  version: number;
  givenName: string;
  middleNames: string | null;
  familyName: string;
  dateOfBirth: string | null;
  dobPrecision: string;
  gender: string;
  ethnicity: string | null;
  disability: string | null;
  addressLine: string | null;
  town: string | null;
  postcode: string | null;
  ward: { code: string; name: string } | null;
  nhsNumber: string | null;
  upn: string | null;
  policeRef: string | null;
  aliases: AliasInput[];
  agencies: { id: string; name: string; kind: string }[];
  createdAt: Date;
  updatedAt: Date;
  /** Set when this record was merged into another person (whose page then shows it). */
  mergedInto: string | null;
}

export interface PersonSummary {
  id: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  dobPrecision: string;
  postcode: string | null;
  wardName: string | null;
  gender: string;
}

const PERSON_SELECT = `
  SELECT p.id, p.version, p.given_name AS "givenName", p.middle_names AS "middleNames",
         p.family_name AS "familyName", p.date_of_birth AS "dateOfBirth", p.dob_precision AS "dobPrecision",
         p.gender, p.ethnicity, p.disability, p.address_line AS "addressLine", p.town, p.postcode,
         CASE WHEN w.code IS NULL THEN NULL ELSE json_build_object('code', w.code, 'name', w.name) END AS ward,
         p.nhs_number AS "nhsNumber", p.upn, p.police_ref AS "policeRef",
         coalesce((SELECT json_agg(json_build_object('givenName', a.given_name, 'familyName', a.family_name, 'kind', a.kind)
                            ORDER BY a.kind, a.family_name, a.given_name)
                     FROM person_alias a WHERE a.person_id = p.id), '[]') AS aliases,
         coalesce((SELECT json_agg(json_build_object('id', k.id, 'name', k.name, 'kind', k.kind) ORDER BY k.name)
                     FROM (SELECT DISTINCT ag.id, ag.name, ag.kind FROM person_agency pa JOIN agency ag ON ag.id = pa.agency_id
                            WHERE pa.person_id = ANY(ARRAY(SELECT g FROM person_group(p.id) g))) k), '[]') AS agencies,
         p.created_at AS "createdAt", p.updated_at AS "updatedAt", p.merged_into AS "mergedInto"
    FROM person p LEFT JOIN ward w ON w.partnership_id = p.partnership_id AND w.code = p.ward_code`;

/** The query for a person, if the visibility rule lets them be seen (`agencyId`: the relationship limit). */
export function personQuery(partnershipId: string, id: string, agencyId: string | null) {
  return {
    text: `${PERSON_SELECT} WHERE p.partnership_id = $1 AND p.id = $2 AND ${knownToAgencySql('p', '$3')}`,
    values: [partnershipId, id, agencyId],
  };
}

export async function findPerson(
  db: Queryable,
  partnershipId: string,
  id: string,
  agencyId: string | null = null,
): Promise<PersonRecord | undefined> {
  const q = personQuery(partnershipId, id, agencyId);
  const { rows } = await db.query(q.text, q.values);
  return rows[0];
}

export async function wardForPostcode(
  db: Queryable,
  partnershipId: string,
  postcode: string,
): Promise<string | null> {
  const { rows } = await db.query(
    'SELECT ward_code FROM postcode WHERE partnership_id = $1 AND postcode = $2',
    [partnershipId, postcode],
  );
  return rows[0]?.ward_code ?? null;
}

export async function agencyIds(
  db: Queryable,
  partnershipId: string,
): Promise<{ id: string; name: string }[]> {
  const { rows } = await db.query('SELECT id, name FROM agency WHERE partnership_id = $1 ORDER BY name', [
    partnershipId,
  ]);
  return rows;
}

function personValues(p: PersonInput, wardCode: string | null) {
  return [
    p.givenName,
    p.middleNames,
    p.familyName,
    p.dateOfBirth,
    p.dobPrecision,
    p.gender,
    p.ethnicity,
    p.addressLine,
    p.town,
    p.postcode,
    wardCode,
    p.nhsNumber,
    p.upn,
    p.policeRef,
    p.disability,
  ];
}

export async function insertPerson(
  db: Queryable,
  partnershipId: string,
  p: PersonInput,
  wardCode: string | null,
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO person (partnership_id, given_name, middle_names, family_name, date_of_birth, dob_precision,
       gender, ethnicity, address_line, town, postcode, ward_code, nhs_number, upn, police_ref, disability)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
    [partnershipId, ...personValues(p, wardCode)],
  );
  return rows[0].id;
}

/** Writes only if the version is still the one the editor read; false means someone changed it since. */
export async function updatePerson(
  db: Queryable,
  partnershipId: string,
  id: string,
  version: number,
  p: PersonInput,
  wardCode: string | null,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE person SET given_name = $4, middle_names = $5, family_name = $6, date_of_birth = $7,
            dob_precision = $8, gender = $9, ethnicity = $10, address_line = $11, town = $12, postcode = $13,
            ward_code = $14, nhs_number = $15, upn = $16, police_ref = $17, disability = $18, updated_at = now(), version = version + 1
      WHERE partnership_id = $1 AND id = $2 AND version = $3`,
    [partnershipId, id, version, ...personValues(p, wardCode)],
  );
  return result.rowCount === 1;
}

export async function replaceAliases(
  db: Queryable,
  partnershipId: string,
  personId: string,
  aliases: AliasInput[],
) {
  await db.query('DELETE FROM person_alias WHERE person_id = $1', [personId]);
  for (const a of aliases) {
    await db.query(
      'INSERT INTO person_alias (partnership_id, person_id, given_name, family_name, kind) VALUES ($1, $2, $3, $4, $5)',
      [partnershipId, personId, a.givenName, a.familyName, a.kind],
    );
  }
}

/** Adds agencies that know the person; never removes one (an agency's knowledge is history). */
export async function addAgencies(
  db: Queryable,
  partnershipId: string,
  personId: string,
  agencyIdList: string[],
) {
  if (!agencyIdList.length) return;
  await db.query(
    `INSERT INTO person_agency (partnership_id, person_id, agency_id)
     SELECT $1, $2, unnest($3::uuid[]) ON CONFLICT DO NOTHING`,
    [partnershipId, personId, agencyIdList],
  );
}

export async function searchPeople(
  db: Queryable,
  partnershipId: string,
  s: PersonSearch,
  opts: { onlyKnownToAgency?: string; limit: number },
): Promise<PersonSummary[]> {
  // Merged records are found through the person they were merged into.
  const where = ['p.partnership_id = $1', 'p.merged_into IS NULL'];
  const params: unknown[] = [partnershipId];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const order: string[] = [];
  if (s.name) {
    const name = param(s.name.toLowerCase());
    // Word similarity finds a partial name inside the full one; aliases count as names too.
    where.push(`(${name} <% lower(p.given_name || ' ' || p.family_name)
      OR EXISTS (SELECT 1 FROM person_alias a WHERE a.person_id = p.id
                 AND ${name} <% lower(coalesce(a.given_name, '') || ' ' || coalesce(a.family_name, '')))
      OR EXISTS (SELECT 1 FROM person m WHERE m.merged_into = p.id
                 AND ${name} <% lower(m.given_name || ' ' || m.family_name)))`);
    order.push(`word_similarity(${name}, lower(p.given_name || ' ' || p.family_name)) DESC`);
  }
  if (s.dob) where.push(`p.date_of_birth = ${param(s.dob)}`);
  if (s.postcode) where.push(`p.postcode = ${param(s.postcode)}`);
  if (s.outwardCode) where.push(`p.postcode LIKE ${param(`${s.outwardCode} %`)}`);
  if (opts.onlyKnownToAgency) {
    where.push(knownToAgencySql('p', param(opts.onlyKnownToAgency)));
  }
  // Planned for the values given: a postcode prefix or a name's trigrams choose the index.
  const { rows } = await db.query(
    `${CUSTOM_PLAN} SELECT p.id, p.given_name AS "givenName", p.family_name AS "familyName", p.date_of_birth AS "dateOfBirth",
            p.dob_precision AS "dobPrecision", p.postcode, w.name AS "wardName", p.gender
       FROM person p LEFT JOIN ward w ON w.partnership_id = p.partnership_id AND w.code = p.ward_code
      WHERE ${where.join(' AND ')}
      ORDER BY ${[...order, 'p.family_name', 'p.given_name', 'p.id'].join(', ')}
      LIMIT ${param(opts.limit)}`,
    params,
  );
  return rows;
}

export interface ChronologyRow {
  id: string;
  occurredAt: Date;
  kind: string;
  title: string;
  detail: string | null;
  recordedBy: string | null;
  agencyName: string | null;
}

export async function addChronology(
  db: Queryable,
  e: {
    partnershipId: string;
    personId: string;
    occurredAt?: Date;
    kind: string;
    title: string;
    detail?: string | null;
    recordedBy: string | null;
  },
) {
  await db.query(
    `INSERT INTO chronology_entry (partnership_id, person_id, occurred_at, kind, title, detail, recorded_by)
     VALUES ($1, $2, coalesce($3, now()), $4, $5, $6, $7)`,
    [e.partnershipId, e.personId, e.occurredAt ?? null, e.kind, e.title, e.detail ?? null, e.recordedBy],
  );
}

export async function chronology(
  db: Queryable,
  partnershipId: string,
  personId: string,
  kind?: string,
): Promise<ChronologyRow[]> {
  const { rows } = await db.query(
    `SELECT c.id, c.occurred_at AS "occurredAt", c.kind, c.title, c.detail, u.display_name AS "recordedBy",
            a.name AS "agencyName"
       FROM chronology_entry c LEFT JOIN app_user u ON u.id = c.recorded_by LEFT JOIN agency a ON a.id = u.agency_id
      WHERE c.partnership_id = $1 AND c.person_id = ANY(ARRAY(SELECT g FROM person_group($2) g)) AND ($3::text IS NULL OR c.kind = $3)
      ORDER BY c.occurred_at DESC, c.recorded_at DESC`,
    [partnershipId, personId, kind ?? null],
  );
  return rows;
}

// ---- Merging people, and the agency records behind them ----

export interface PersonHead {
  id: string;
  mergedInto: string | null;
  givenName: string;
  familyName: string;
}

/** Locks a person's row for a merge or unmerge, so two people cannot change the same group at once. */
/** Locks several people's rows in one fixed order (by id), so two merges cannot deadlock. */
/** People (not merged away) already recorded with this NHS number or UPN. */
export async function withSameIdentifiers(
  db: Queryable,
  partnershipId: string,
  ids: { nhsNumber: string | null; upn: string | null },
  except?: string,
): Promise<{ id: string; field: 'nhsNumber' | 'upn' }[]> {
  if (!ids.nhsNumber && !ids.upn) return [];
  const { rows } = await db.query(
    `SELECT id, CASE WHEN nhs_number = $2 THEN 'nhsNumber' ELSE 'upn' END AS field FROM person
      WHERE partnership_id = $1 AND merged_into IS NULL AND ($4::uuid IS NULL OR id <> $4)
        AND (nhs_number = $2 OR upn = $3)
        AND ($4::uuid IS NULL OR id <> ALL(ARRAY(SELECT g FROM person_group($4) g)))`,
    [partnershipId, ids.nhsNumber, ids.upn, except ?? null],
  );
  return rows;
}

/** The first person (by id) an agency knows: a fixture for tests of every role. */
export async function firstPersonKnownTo(db: Queryable, agencyCode: string): Promise<string> {
  const { rows } = await db.query(
    `SELECT p.id FROM person p WHERE p.merged_into IS NULL AND p.id IN
       (SELECT pa.person_id FROM person_agency pa JOIN agency a ON a.id = pa.agency_id WHERE a.code = $1)
     ORDER BY p.id LIMIT 1`,
    [agencyCode],
  );
  return rows[0].id;
}

export async function lockPeopleInOrder(db: Queryable, partnershipId: string, ids: string[]): Promise<void> {
  await db.query(
    'SELECT id FROM person WHERE partnership_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE',
    [partnershipId, ids],
  );
}

export async function lockPerson(
  db: Queryable,
  partnershipId: string,
  id: string,
): Promise<PersonHead | undefined> {
  const { rows } = await db.query(
    `SELECT id, merged_into AS "mergedInto", given_name AS "givenName", family_name AS "familyName"
       FROM person WHERE partnership_id = $1 AND id = $2 FOR UPDATE`,
    [partnershipId, id],
  );
  return rows[0];
}

/** Points the absorbed person, and anyone already merged into them, at the survivor. */
export async function repointGroup(
  db: Queryable,
  partnershipId: string,
  absorbedId: string,
  survivorId: string,
): Promise<{ personId: string; before: string | null }[]> {
  const { rows } = await db.query(
    `WITH moved AS (
       SELECT id, merged_into FROM person
        WHERE partnership_id = $1 AND (id = $2 OR merged_into = $2) FOR UPDATE)
     UPDATE person p SET merged_into = $3 FROM moved WHERE p.id = moved.id
     RETURNING p.id AS "personId", moved.merged_into AS before`,
    [partnershipId, absorbedId, survivorId],
  );
  return rows;
}

/** Puts pointers back exactly, but only if nothing has moved them since (true when restored). */
export async function restorePointers(
  db: Queryable,
  partnershipId: string,
  survivorId: string,
  repointed: { personId: string; before: string | null }[],
): Promise<boolean> {
  const ids = repointed.map((r) => r.personId);
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM person WHERE partnership_id = $1 AND id = ANY($2::uuid[]) AND merged_into = $3`,
    [partnershipId, ids, survivorId],
  );
  if (rows[0].n !== ids.length) return false;
  await db.query(
    `UPDATE person p SET merged_into = r.before
       FROM unnest($2::uuid[], $3::uuid[]) AS r(id, before)
      WHERE p.partnership_id = $1 AND p.id = r.id`,
    [partnershipId, ids, repointed.map((r) => r.before)],
  );
  return true;
}

export async function insertMerge(
  db: Queryable,
  partnershipId: string,
  m: {
    survivorId: string;
    absorbedId: string;
    repointed: { personId: string; before: string | null }[];
    reason: string;
    reviewId: string | null;
    userId: string | null;
  },
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO person_merge (partnership_id, survivor_id, absorbed_id, repointed, reason, review_id, merged_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [partnershipId, m.survivorId, m.absorbedId, JSON.stringify(m.repointed), m.reason, m.reviewId, m.userId],
  );
  return rows[0].id;
}

export interface MergeRecord {
  id: string;
  survivorId: string;
  absorbedId: string;
  absorbedName: string;
  absorbedDateOfBirth: string | null;
  repointed: { personId: string; before: string | null }[];
  reason: string;
  mergedBy: string | null;
  mergedAt: Date;
  unmergedAt: Date | null;
}

const MERGE_SELECT = `
  SELECT m.id, m.survivor_id AS "survivorId", m.absorbed_id AS "absorbedId",
         p.given_name || ' ' || p.family_name AS "absorbedName", p.date_of_birth AS "absorbedDateOfBirth",
         m.repointed, m.reason, u.display_name AS "mergedBy", m.merged_at AS "mergedAt", m.unmerged_at AS "unmergedAt"
    FROM person_merge m JOIN person p ON p.id = m.absorbed_id LEFT JOIN app_user u ON u.id = m.merged_by`;

export async function findMerge(
  db: Queryable,
  partnershipId: string,
  id: string,
  lock = false,
): Promise<MergeRecord | undefined> {
  const { rows } = await db.query(
    `${MERGE_SELECT} WHERE m.partnership_id = $1 AND m.id = $2${lock ? ' FOR UPDATE OF m' : ''}`,
    [partnershipId, id],
  );
  return rows[0];
}

/** Merges that still hold on this person: the records now shown as part of them. */
export async function activeMergesInto(
  db: Queryable,
  partnershipId: string,
  survivorId: string,
): Promise<MergeRecord[]> {
  const { rows } = await db.query(
    `${MERGE_SELECT} WHERE m.partnership_id = $1 AND m.survivor_id = $2 AND m.unmerged_at IS NULL
      ORDER BY m.merged_at DESC`,
    [partnershipId, survivorId],
  );
  return rows;
}

export async function markUnmerged(
  db: Queryable,
  partnershipId: string,
  id: string,
  userId: string | null,
  reason: string,
) {
  await db.query(
    `UPDATE person_merge SET unmerged_by = $3, unmerged_at = now(), unmerge_reason = $4
      WHERE partnership_id = $1 AND id = $2`,
    [partnershipId, id, userId, reason],
  );
}

export interface AgencyRecordRow {
  id: string;
  personId: string;
  agencyName: string;
  sourceRef: string;
  fields: Record<string, string>;
  linkedHow: LinkedHow;
  linkProbability: number | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** Each agency's own record of the person (and of anyone merged into them), as the agency holds it. */
export async function agencyRecordsOf(
  db: Queryable,
  partnershipId: string,
  personId: string,
): Promise<AgencyRecordRow[]> {
  const { rows } = await db.query(
    `SELECT r.id, r.person_id AS "personId", a.name AS "agencyName", r.source_ref AS "sourceRef", r.fields,
            r.linked_how AS "linkedHow", r.link_probability AS "linkProbability",
            r.first_seen_at AS "firstSeenAt", r.last_seen_at AS "lastSeenAt"
       FROM agency_record r JOIN agency a ON a.id = r.agency_id
      WHERE r.partnership_id = $1 AND r.person_id = ANY(ARRAY(SELECT g FROM person_group($2) g))
      ORDER BY a.name, r.source_ref`,
    [partnershipId, personId],
  );
  return rows;
}

// ---- Loading an agency's extract (bulk writes, one transaction) ----

export interface ImportedPerson {
  id: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  gender: 'female' | 'male' | 'other' | 'not_known';
  addressLine: string | null;
  postcode: string | null;
  nhsNumber: string | null;
  upn: string | null;
  policeRef: string | null;
}

const CHUNK = 5000;
function* chunks<T>(rows: T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += CHUNK) yield rows.slice(i, i + CHUNK);
}

/** New people from agency records; the ward comes from the gazetteer when the postcode is in it. */
export async function insertImportedPeople(db: Queryable, partnershipId: string, people: ImportedPerson[]) {
  for (const part of chunks(people)) {
    const column = <K extends keyof ImportedPerson>(k: K) => part.map((p) => p[k]);
    await db.query(
      `INSERT INTO person (partnership_id, id, given_name, family_name, date_of_birth, dob_precision, gender,
                           address_line, postcode, ward_code, nhs_number, upn, police_ref)
       SELECT $1, x.id, x.given, x.family, x.dob, CASE WHEN x.dob IS NULL THEN 'unknown' ELSE 'exact' END, x.gender,
              x.address, x.postcode, pc.ward_code, x.nhs, x.upn, x.police
         FROM unnest($2::uuid[], $3::text[], $4::text[], $5::date[], $6::text[], $7::text[], $8::text[],
                     $9::text[], $10::text[], $11::text[])
              AS x(id, given, family, dob, gender, address, postcode, nhs, upn, police)
         LEFT JOIN postcode pc ON pc.partnership_id = $1 AND pc.postcode = x.postcode`,
      [
        partnershipId,
        column('id'),
        column('givenName'),
        column('familyName'),
        column('dateOfBirth'),
        column('gender'),
        column('addressLine'),
        column('postcode'),
        column('nhsNumber'),
        column('upn'),
        column('policeRef'),
      ],
    );
  }
}

export interface AgencyRecordInput {
  sourceRef: string;
  personId: string;
  fields: Record<string, string>;
  linkedHow: LinkedHow;
  linkProbability: number | null;
  /** The record's phone number and email, normalised, for "already known?". */
  phoneKey?: string | null;
  emailKey?: string | null;
  /** Seen in an earlier extract: refreshed, still with the person it was linked to. */
  refreshed?: boolean;
}

/** The agency's records as it holds them; a record seen before is refreshed and keeps its person. */
export async function upsertAgencyRecords(
  db: Queryable,
  partnershipId: string,
  agencyId: string,
  importId: string,
  records: AgencyRecordInput[],
) {
  for (const part of chunks(records)) {
    await db.query(
      `INSERT INTO agency_record (partnership_id, agency_id, import_id, source_ref, person_id, fields, linked_how, link_probability,
                                  phone_key, email_key)
       SELECT $1, $2, $3, x.ref, x.person, x.fields, x.how, x.p, x.phone, x.email
         FROM unnest($4::text[], $5::uuid[], $6::jsonb[], $7::text[], $8::float8[], $9::text[], $10::text[])
              AS x(ref, person, fields, how, p, phone, email)
       ON CONFLICT (partnership_id, agency_id, source_ref)
       DO UPDATE SET fields = EXCLUDED.fields, import_id = EXCLUDED.import_id, last_seen_at = now(),
                     phone_key = EXCLUDED.phone_key, email_key = EXCLUDED.email_key`,
      [
        partnershipId,
        agencyId,
        importId,
        part.map((r) => r.sourceRef),
        part.map((r) => r.personId),
        part.map((r) => JSON.stringify(r.fields)),
        part.map((r) => r.linkedHow),
        part.map((r) => r.linkProbability),
        part.map((r) => r.phoneKey ?? null),
        part.map((r) => r.emailKey ?? null),
      ],
    );
    await db.query(
      `INSERT INTO person_agency (partnership_id, person_id, agency_id, local_reference)
       SELECT $1, x.person, $2, x.ref FROM unnest($3::uuid[], $4::text[]) AS x(person, ref)
       ON CONFLICT DO NOTHING`,
      [partnershipId, agencyId, part.map((r) => r.personId), part.map((r) => r.sourceRef)],
    );
  }
}

/** Which person each of an agency's records already belongs to (through any merge). */
export async function agencyRecordOwners(
  db: Queryable,
  partnershipId: string,
  agencyId: string,
): Promise<Map<string, string>> {
  const { rows } = await db.query(
    `SELECT r.source_ref, coalesce(p.merged_into, p.id) AS person_id
       FROM agency_record r JOIN person p ON p.id = r.person_id
      WHERE r.partnership_id = $1 AND r.agency_id = $2`,
    [partnershipId, agencyId],
  );
  return new Map(rows.map((r) => [r.source_ref as string, r.person_id as string]));
}

/** Several chronology entries in one statement. */
export async function addChronologyEntries(
  db: Queryable,
  partnershipId: string,
  recordedBy: string | null,
  entries: {
    personId: string;
    kind: string;
    title: string;
    detail: string | null;
    occurredAt: Date | null;
  }[],
) {
  if (!entries.length) return;
  await db.query(
    `INSERT INTO chronology_entry (partnership_id, person_id, occurred_at, kind, title, detail, recorded_by)
     SELECT $1, x.person, coalesce(x.at, now()), x.kind, x.title, x.detail, $2
       FROM unnest($3::uuid[], $4::timestamptz[], $5::text[], $6::text[], $7::text[]) AS x(person, at, kind, title, detail)`,
    [
      partnershipId,
      recordedBy,
      entries.map((e) => e.personId),
      entries.map((e) => e.occurredAt),
      entries.map((e) => e.kind),
      entries.map((e) => e.title),
      entries.map((e) => e.detail),
    ],
  );
}

/** Each of these people is known to the agency (never removes a link). */
export async function addAgencyToPeople(
  db: Queryable,
  partnershipId: string,
  personIds: string[],
  agencyId: string,
) {
  if (!personIds.length) return;
  await db.query(
    `INSERT INTO person_agency (partnership_id, person_id, agency_id)
     SELECT $1, unnest($2::uuid[]), $3 ON CONFLICT DO NOTHING`,
    [partnershipId, personIds, agencyId],
  );
}

export async function addChronologyBulk(
  db: Queryable,
  partnershipId: string,
  entries: { personId: string; title: string; detail: string }[],
) {
  for (const part of chunks(entries)) {
    await db.query(
      `INSERT INTO chronology_entry (partnership_id, person_id, occurred_at, kind, title, detail)
       SELECT $1, x.person, now(), 'record', x.title, x.detail
         FROM unnest($2::uuid[], $3::text[], $4::text[]) AS x(person, title, detail)`,
      [partnershipId, part.map((e) => e.personId), part.map((e) => e.title), part.map((e) => e.detail)],
    );
  }
}

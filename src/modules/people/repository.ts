import type { Queryable } from '../../db/database.ts';
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
         p.gender, p.ethnicity, p.address_line AS "addressLine", p.town, p.postcode,
         CASE WHEN w.code IS NULL THEN NULL ELSE json_build_object('code', w.code, 'name', w.name) END AS ward,
         p.nhs_number AS "nhsNumber", p.upn, p.police_ref AS "policeRef",
         coalesce((SELECT json_agg(json_build_object('givenName', a.given_name, 'familyName', a.family_name, 'kind', a.kind)
                            ORDER BY a.kind, a.family_name, a.given_name)
                     FROM person_alias a WHERE a.person_id = p.id), '[]') AS aliases,
         coalesce((SELECT json_agg(json_build_object('id', ag.id, 'name', ag.name, 'kind', ag.kind) ORDER BY ag.name)
                     FROM person_agency pa JOIN agency ag ON ag.id = pa.agency_id WHERE pa.person_id = p.id), '[]') AS agencies,
         p.created_at AS "createdAt", p.updated_at AS "updatedAt"
    FROM person p LEFT JOIN ward w ON w.partnership_id = p.partnership_id AND w.code = p.ward_code`;

export async function findPerson(
  db: Queryable,
  partnershipId: string,
  id: string,
): Promise<PersonRecord | undefined> {
  const { rows } = await db.query(`${PERSON_SELECT} WHERE p.partnership_id = $1 AND p.id = $2`, [
    partnershipId,
    id,
  ]);
  return rows[0];
}

export async function personExists(db: Queryable, partnershipId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM person WHERE partnership_id = $1 AND id = $2', [
    partnershipId,
    id,
  ]);
  return rowCount === 1;
}

export async function isKnownToAgency(db: Queryable, personId: string, agencyId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM person_agency WHERE person_id = $1 AND agency_id = $2', [
    personId,
    agencyId,
  ]);
  return rowCount === 1;
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
       gender, ethnicity, address_line, town, postcode, ward_code, nhs_number, upn, police_ref)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
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
            ward_code = $14, nhs_number = $15, upn = $16, police_ref = $17, updated_at = now(), version = version + 1
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
  const where = ['p.partnership_id = $1'];
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
                 AND ${name} <% lower(coalesce(a.given_name, '') || ' ' || coalesce(a.family_name, ''))))`);
    order.push(`word_similarity(${name}, lower(p.given_name || ' ' || p.family_name)) DESC`);
  }
  if (s.dob) where.push(`p.date_of_birth = ${param(s.dob)}`);
  if (s.postcode) where.push(`p.postcode = ${param(s.postcode)}`);
  if (s.outwardCode) where.push(`p.postcode LIKE ${param(`${s.outwardCode} %`)}`);
  if (opts.onlyKnownToAgency) {
    where.push(
      `EXISTS (SELECT 1 FROM person_agency pa WHERE pa.person_id = p.id AND pa.agency_id = ${param(opts.onlyKnownToAgency)})`,
    );
  }
  const { rows } = await db.query(
    `SELECT p.id, p.given_name AS "givenName", p.family_name AS "familyName", p.date_of_birth AS "dateOfBirth",
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
      WHERE c.partnership_id = $1 AND c.person_id = $2 AND ($3::text IS NULL OR c.kind = $3)
      ORDER BY c.occurred_at DESC, c.recorded_at DESC`,
    [partnershipId, personId, kind ?? null],
  );
  return rows;
}

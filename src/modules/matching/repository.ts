import type { Queryable } from '../../db/database.ts';
import type { ModelParameters } from './model.ts';
import type { RawRecord } from './normalise.ts';

export interface StoredModel {
  version: number;
  params: ModelParameters;
  trainedAt: Date;
  trainedBy: string | null;
}

export async function activeModel(db: Queryable, partnershipId: string): Promise<StoredModel | undefined> {
  const { rows } = await db.query(
    `SELECT m.version, m.params, m.trained_at AS "trainedAt", u.display_name AS "trainedBy"
       FROM match_model m LEFT JOIN app_user u ON u.id = m.trained_by
      WHERE m.partnership_id = $1 ORDER BY m.version DESC LIMIT 1`,
    [partnershipId],
  );
  return rows[0];
}

export async function latestVersion(db: Queryable, partnershipId: string): Promise<number | null> {
  const { rows } = await db.query(
    'SELECT max(version) AS version FROM match_model WHERE partnership_id = $1',
    [partnershipId],
  );
  return rows[0]?.version ?? null;
}

export async function modelVersions(db: Queryable, partnershipId: string) {
  const { rows } = await db.query(
    `SELECT m.version, m.trained_at AS "trainedAt", u.display_name AS "trainedBy", m.params->'trainedOn' AS "trainedOn",
            (m.params->>'lambda')::float AS lambda
       FROM match_model m LEFT JOIN app_user u ON u.id = m.trained_by
      WHERE m.partnership_id = $1 ORDER BY m.version DESC`,
    [partnershipId],
  );
  return rows as {
    version: number;
    trainedAt: Date;
    trainedBy: string | null;
    trainedOn: ModelParameters['trainedOn'];
    lambda: number;
  }[];
}

export async function saveModel(
  db: Queryable,
  partnershipId: string,
  params: ModelParameters,
  userId: string | null,
): Promise<number> {
  const { rows } = await db.query(
    `INSERT INTO match_model (partnership_id, version, params, trained_by)
     VALUES ($1, coalesce((SELECT max(version) FROM match_model WHERE partnership_id = $1), 0) + 1, $2, $3)
     RETURNING version`,
    [partnershipId, JSON.stringify(params), userId],
  );
  return rows[0].version;
}

const PERSON_AS_RECORD = `
  SELECT p.id, p.given_name, p.family_name,
         CASE WHEN p.dob_precision = 'exact' THEN to_char(p.date_of_birth, 'YYYY-MM-DD') END AS dob,
         CASE WHEN p.dob_precision = 'approximate' THEN extract(year FROM p.date_of_birth)::int END AS dob_year,
         p.gender, p.postcode, p.address_line, p.nhs_number, p.upn, p.police_ref,
         coalesce((SELECT json_agg(json_build_object('given', a.given_name, 'family', a.family_name))
                     FROM person_alias a WHERE a.person_id = p.id), '[]') AS aliases
    FROM person p`;

export interface PersonRow extends RawRecord {
  dob_year: number | null;
}

function toRecord(r: Record<string, unknown>): PersonRow {
  return {
    id: r.id as string,
    given_name: r.given_name as string,
    family_name: r.family_name as string,
    dob: r.dob as string | null,
    dob_year: r.dob_year as number | null,
    gender: r.gender === 'not_known' ? null : (r.gender as string),
    postcode: r.postcode as string | null,
    address: r.address_line as string | null,
    nhs_number: r.nhs_number as string | null,
    upn: r.upn as string | null,
    police_ref: r.police_ref as string | null,
    aliases: r.aliases as { given: string; family: string }[],
  };
}

/** Every person of a partnership (or of every partnership, for an operator's command). */
export async function allPeople(db: Queryable, partnershipId: string | null): Promise<PersonRow[]> {
  const { rows } = await db.query(`${PERSON_AS_RECORD} WHERE $1::uuid IS NULL OR p.partnership_id = $1`, [
    partnershipId,
  ]);
  return rows.map(toRecord);
}

export interface CandidateQuery {
  name: string | null;
  given: string | null;
  family: string | null;
  birthYear: number | null;
  dobs: string[];
  postcode: string | null;
  nhs: string | null;
  upn: string | null;
  police: string | null;
}

/**
 * People who might be the person asked about, found through indexes (the real-time blocking
 * rules): the same identifier, date of birth (or a near variant), postcode, or a similar name.
 */
export async function candidates(
  db: Queryable,
  partnershipId: string,
  q: CandidateQuery,
  limit: number,
  onlyKnownToAgency?: string,
): Promise<PersonRow[]> {
  const { rows } = await db.query(
    `WITH ids AS (
       SELECT id FROM person WHERE partnership_id = $1 AND (
         ($2::text IS NOT NULL AND nhs_number = $2) OR ($3::text IS NOT NULL AND upn = $3) OR ($4::text IS NOT NULL AND police_ref = $4))
       UNION SELECT id FROM person WHERE partnership_id = $1 AND date_of_birth = ANY($5::date[])
       -- Names that sound alike (either order: first and last swapped), born within two years when known.
       UNION (SELECT id FROM person WHERE partnership_id = $1
                AND ((family_key = person_family_key($8) AND given_key = person_name_key($7))
                  OR (family_key = person_family_key($7) AND given_key = person_name_key($8)))
                AND ($11::int IS NULL OR date_of_birth BETWEEN make_date($11 - 2, 1, 1) AND make_date($11 + 2, 12, 31))
                LIMIT 200)
       UNION (SELECT id FROM person WHERE partnership_id = $1 AND $6::text IS NOT NULL AND postcode = $6
                AND (given_key = person_name_key($7) OR family_key = person_family_key($8)) LIMIT 100)
       UNION (SELECT person_id FROM person_alias WHERE partnership_id = $1 AND $12::text IS NOT NULL
                AND lower(coalesce(given_name, '') || ' ' || coalesce(family_name, '')) % $12 LIMIT 50)
     )
     ${PERSON_AS_RECORD} JOIN ids ON ids.id = p.id
      WHERE ($10::uuid IS NULL OR EXISTS (SELECT 1 FROM person_agency pa WHERE pa.person_id = p.id AND pa.agency_id = $10))
      LIMIT $9`,
    [
      partnershipId,
      q.nhs,
      q.upn,
      q.police,
      q.dobs,
      q.postcode,
      q.given,
      q.family,
      limit,
      onlyKnownToAgency ?? null,
      q.birthYear,
      q.name,
    ],
  );
  return rows.map(toRecord);
}

export async function insertDecision(
  db: Queryable,
  partnershipId: string,
  d: {
    personId: string;
    contactId: string | null;
    decision: 'confirmed' | 'rejected';
    probability: number;
    modelVersion: number;
    evidence: unknown;
    userId: string;
  },
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO match_decision (partnership_id, person_id, contact_id, decision, probability, model_version, evidence, decided_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [
      partnershipId,
      d.personId,
      d.contactId,
      d.decision,
      d.probability,
      d.modelVersion,
      JSON.stringify(d.evidence),
      d.userId,
    ],
  );
  return rows[0].id;
}

export async function decisionCounts(db: Queryable, partnershipId: string) {
  const { rows } = await db.query(
    `SELECT model_version AS "modelVersion", decision, count(*)::int AS count,
            avg(probability)::float AS "meanProbability"
       FROM match_decision WHERE partnership_id = $1 GROUP BY model_version, decision ORDER BY model_version DESC, decision`,
    [partnershipId],
  );
  return rows as { modelVersion: number; decision: string; count: number; meanProbability: number }[];
}

import type { Queryable } from '../../db/database.ts';
import { knownToAgencySql } from '../../platform/visibility/index.ts';
import { type ModelParameters, withEveryComparison } from './model.ts';
import type { RawRecord } from './normalise.ts';
import type { MatchDecision, ReviewDecision, ReviewStatus } from './reference.ts';

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
  return rows[0] && { ...rows[0], params: withEveryComparison(rows[0].params) };
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
  SELECT p.id, coalesce(p.merged_into, p.id) AS root_id, p.given_name, p.family_name,
         CASE WHEN p.dob_precision = 'exact' THEN to_char(p.date_of_birth, 'YYYY-MM-DD') END AS dob,
         CASE WHEN p.dob_precision = 'approximate' THEN extract(year FROM p.date_of_birth)::int END AS dob_year,
         p.gender, p.postcode, p.address_line, p.nhs_number, p.upn, p.police_ref,
         coalesce((SELECT json_agg(json_build_object('given', a.given_name, 'family', a.family_name))
                     FROM person_alias a WHERE a.person_id = p.id), '[]') AS aliases
    FROM person p`;

export interface PersonRow extends RawRecord {
  dob_year: number | null;
  /** Every phone number and email the person's agency records hold, normalised. */
  phones: string[];
  emails: string[];
  /** The person this record belongs to now: itself, or whoever it was merged into. */
  root_id: string;
}

function toRecord(r: Record<string, unknown>): PersonRow {
  return {
    id: r.id as string,
    root_id: r.root_id as string,
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
    phones: [],
    emails: [],
  };
}

/**
 * The phones and emails agencies hold about these people (or everyone in the partnership), for
 * comparing: the person record itself has none. Read only when they can count.
 */
export async function contactKeys(
  db: Queryable,
  partnershipId: string | null,
  personIds: string[] | null,
): Promise<Map<string, { phones: string[]; emails: string[] }>> {
  const { rows } = await db.query(
    `SELECT person_id,
            coalesce(array_agg(DISTINCT phone_key) FILTER (WHERE phone_key IS NOT NULL), '{}') AS phones,
            coalesce(array_agg(DISTINCT email_key) FILTER (WHERE email_key IS NOT NULL), '{}') AS emails
       FROM agency_record
      WHERE ($1::uuid IS NULL OR partnership_id = $1) AND ($2::uuid[] IS NULL OR person_id = ANY($2))
        AND (phone_key IS NOT NULL OR email_key IS NOT NULL)
      GROUP BY person_id`,
    [partnershipId, personIds],
  );
  return new Map(rows.map((r) => [r.person_id as string, { phones: r.phones, emails: r.emails }]));
}

/** Rows with the phones and emails agencies hold about each (from `contactKeys`). */
export function withContacts(rows: PersonRow[], keys: Map<string, { phones: string[]; emails: string[] }>) {
  if (!keys.size) return rows;
  return rows.map((r) => {
    const held = keys.get(r.id);
    return held ? { ...r, phones: held.phones, emails: held.emails } : r;
  });
}

/**
 * Every person of a partnership (or of every partnership, for an operator's command); records
 * merged into someone only when asked for (linking finds people by any name they were known by).
 */
export async function allPeople(
  db: Queryable,
  partnershipId: string | null,
  withMerged = false,
): Promise<PersonRow[]> {
  const { rows } = await db.query(
    `${PERSON_AS_RECORD} WHERE ($1::uuid IS NULL OR p.partnership_id = $1) AND ($2 OR p.merged_into IS NULL)`,
    [partnershipId, withMerged],
  );
  return withContacts(rows.map(toRecord), await contactKeys(db, partnershipId, null));
}

export async function peopleByIds(db: Queryable, partnershipId: string, ids: string[]): Promise<PersonRow[]> {
  if (!ids.length) return [];
  const { rows } = await db.query(
    `${PERSON_AS_RECORD} WHERE p.partnership_id = $1 AND p.id = ANY($2::uuid[])`,
    [partnershipId, ids],
  );
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
  phone: string | null;
  email: string | null;
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
  // Named, so each connection parses it once and PostgreSQL may keep its plan.
  const { rows } = await db.query({
    name: 'matching-candidates-3',
    text: `WITH q AS (
       SELECT person_family_key($8) AS fk, person_name_key($7) AS gk,
              person_family_key($7) AS fk_swapped, person_name_key($8) AS gk_swapped,
              left(lower($8), 1) AS family_initial, left(lower($7), 1) AS given_initial
     ), ids AS (
       SELECT id FROM person WHERE partnership_id = $1 AND (
         ($2::text IS NOT NULL AND nhs_number = $2) OR ($3::text IS NOT NULL AND upn = $3) OR ($4::text IS NOT NULL AND police_ref = $4))
       -- Born on the day (or a near variant) and one name sounds alike, or both initials agree:
       -- catches a mistyped or changed surname, or a nickname, without taking everyone born that day.
       UNION SELECT p.id FROM person p, q WHERE p.partnership_id = $1 AND p.date_of_birth = ANY($5::date[])
                AND p.dob_precision = 'exact'
                AND (p.family_key = q.fk OR p.given_key = q.gk OR p.family_key = q.fk_swapped OR p.given_key = q.gk_swapped
                  OR (left(lower(p.family_name), 1) = q.family_initial AND left(lower(p.given_name), 1) = q.given_initial))
       -- Names that sound alike (either order: first and last swapped), born within two years when
       -- known; the same postcode first when a common name has more than the limit.
       -- Two index-only reads, one per order, rather than one read of both from the table.
       UNION (SELECT alike.id FROM (
                SELECT p.id, p.postcode, p.date_of_birth FROM person p, q WHERE p.partnership_id = $1
                   AND p.family_key = q.fk AND p.given_key = q.gk
                UNION ALL
                SELECT p.id, p.postcode, p.date_of_birth FROM person p, q WHERE p.partnership_id = $1
                   AND p.family_key = q.fk_swapped AND p.given_key = q.gk_swapped
                   AND NOT (q.fk_swapped IS NOT DISTINCT FROM q.fk AND q.gk_swapped IS NOT DISTINCT FROM q.gk)
              ) alike
              WHERE $11::int IS NULL OR alike.date_of_birth BETWEEN make_date($11 - 2, 1, 1) AND make_date($11 + 2, 12, 31)
              ORDER BY alike.postcode IS NOT DISTINCT FROM $6 DESC,
                       abs(coalesce(alike.date_of_birth - $12::date, 0)),
                       abs(coalesce(extract(year FROM alike.date_of_birth)::int, 0) - coalesce($11, 0))
              LIMIT 40)
       UNION (SELECT p.id FROM person p, q WHERE p.partnership_id = $1 AND $6::text IS NOT NULL AND p.postcode = $6
                AND (p.given_key = q.gk OR p.family_key = q.fk) LIMIT 100)
       -- Other names recorded for a person (aliases, previous names) that sound alike.
       UNION (SELECT a.person_id FROM person_alias a, q WHERE a.partnership_id = $1
                AND person_family_key(a.family_name) = q.fk AND person_name_key(a.given_name) = q.gk
                LIMIT 50)
       UNION (SELECT a.person_id FROM person_alias a, q WHERE a.partnership_id = $1
                AND person_family_key(a.family_name) = q.fk AND a.given_name IS NULL
                LIMIT 50)
       -- The same phone number or email in an agency's record of them.
       UNION (SELECT ar.person_id FROM agency_record ar WHERE ar.partnership_id = $1 AND $13::text IS NOT NULL
                AND ar.phone_key = $13 LIMIT 50)
       UNION (SELECT ar.person_id FROM agency_record ar WHERE ar.partnership_id = $1 AND $14::text IS NOT NULL
                AND ar.email_key = $14 LIMIT 50)
     )
     ${PERSON_AS_RECORD} JOIN ids ON ids.id = p.id
      WHERE ${knownToAgencySql('p', '$10')}
      LIMIT $9`,
    values: [
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
      q.dobs[0] ?? null,
      q.phone,
      q.email,
    ],
  });
  return rows.map(toRecord);
}

export async function insertDecision(
  db: Queryable,
  partnershipId: string,
  d: {
    personId: string;
    contactId: string | null;
    decision: MatchDecision;
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

// ---- Imports and clerical review ----

export interface AgencyRow {
  id: string;
  partnershipId: string;
  name: string;
  code: string;
}

export async function agenciesWithCode(db: Queryable, code: string): Promise<AgencyRow[]> {
  const { rows } = await db.query(
    `SELECT id, partnership_id AS "partnershipId", name, code FROM agency WHERE lower(code) = lower($1)`,
    [code],
  );
  return rows;
}

export async function insertImport(
  db: Queryable,
  i: {
    id: string;
    partnershipId: string;
    agencyId: string;
    sourceName: string;
    modelVersion: number;
    autoThreshold: number;
    reviewThreshold: number;
    counts: {
      rowsRead: number;
      linked: number;
      created: number;
      updated: number;
      forReview: number;
      refused: number;
    };
  },
) {
  await db.query(
    `INSERT INTO record_import (id, partnership_id, agency_id, source_name, model_version, auto_threshold,
       review_threshold, rows_read, linked, created, updated, for_review, refused)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      i.id,
      i.partnershipId,
      i.agencyId,
      i.sourceName,
      i.modelVersion,
      i.autoThreshold,
      i.reviewThreshold,
      i.counts.rowsRead,
      i.counts.linked,
      i.counts.created,
      i.counts.updated,
      i.counts.forReview,
      i.counts.refused,
    ],
  );
}

export async function setImportReviewCount(db: Queryable, importId: string, count: number) {
  await db.query('UPDATE record_import SET for_review = $2 WHERE id = $1', [importId, count]);
}

/** Some people other than this one (not merged away), for test fixtures and samples. */
export async function peopleOtherThan(db: Queryable, partnershipId: string, id: string, limit: number) {
  const { rows } = await db.query(
    'SELECT id FROM person WHERE partnership_id = $1 AND id <> $2 AND merged_into IS NULL ORDER BY id LIMIT $3',
    [partnershipId, id, limit],
  );
  return rows.map((r: { id: string }) => r.id);
}

/** Adds pairs for clerical review; a pair already reviewed (or waiting) is left as it is. */
export async function insertReviews(
  db: Queryable,
  partnershipId: string,
  modelVersion: number,
  importId: string | null,
  pairs: { a: string; b: string; probability: number }[],
): Promise<number> {
  let added = 0;
  for (let i = 0; i < pairs.length; i += 5000) {
    const part = pairs.slice(i, i + 5000);
    const result = await db.query(
      `INSERT INTO match_review (partnership_id, person_a, person_b, probability, model_version, import_id)
       SELECT $1, least(x.a, x.b), greatest(x.a, x.b), x.p, $2, $3
         FROM unnest($4::uuid[], $5::uuid[], $6::float8[]) AS x(a, b, p)
       ON CONFLICT (partnership_id, person_a, person_b) DO NOTHING`,
      [
        partnershipId,
        modelVersion,
        importId,
        part.map((p) => p.a),
        part.map((p) => p.b),
        part.map((p) => p.probability),
      ],
    );
    added += result.rowCount ?? 0;
  }
  return added;
}

export interface ReviewRow {
  id: string;
  personA: string;
  personB: string;
  probability: number;
  modelVersion: number;
  status: ReviewStatus;
  note: string | null;
  createdAt: Date;
  source: string | null;
  aName: string;
  bName: string;
  decidedAt: Date | null;
  decidedBy: string | null;
}

const REVIEW_SELECT = `
  SELECT r.id, r.person_a AS "personA", r.person_b AS "personB", r.probability, r.model_version AS "modelVersion",
         r.status, r.note, r.created_at AS "createdAt",
         CASE WHEN i.id IS NULL THEN NULL ELSE ag.name || ' import, ' || i.source_name END AS source,
         pa.given_name || ' ' || pa.family_name AS "aName", pb.given_name || ' ' || pb.family_name AS "bName",
         r.decided_at AS "decidedAt", du.display_name AS "decidedBy"
    FROM match_review r
    JOIN person pa ON pa.id = r.person_a JOIN person pb ON pb.id = r.person_b
    LEFT JOIN record_import i ON i.id = r.import_id LEFT JOIN agency ag ON ag.id = i.agency_id
    LEFT JOIN app_user du ON du.id = r.decided_by`;

/** Pairs still to decide (open, then "not sure"), most likely first; pairs already one person drop out. */
export async function openReviews(db: Queryable, partnershipId: string, limit: number): Promise<ReviewRow[]> {
  const { rows } = await db.query(
    `${REVIEW_SELECT}
      WHERE r.partnership_id = $1 AND r.status IN ('open', 'not_sure')
        AND coalesce(pa.merged_into, pa.id) <> coalesce(pb.merged_into, pb.id)
      ORDER BY r.status = 'not_sure', r.probability DESC, r.created_at LIMIT $2`,
    [partnershipId, limit],
  );
  return rows;
}

/** Pairs decided as the same person or as different people, the newest decisions first. */
export async function decidedReviews(
  db: Queryable,
  partnershipId: string,
  limit: number,
): Promise<ReviewRow[]> {
  const { rows } = await db.query(
    `${REVIEW_SELECT}
      WHERE r.partnership_id = $1 AND r.status IN ('accepted', 'rejected')
      ORDER BY r.decided_at DESC NULLS LAST, r.id LIMIT $2`,
    [partnershipId, limit],
  );
  return rows;
}

export async function countOpenReviews(db: Queryable, partnershipId: string): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM match_review r
       JOIN person pa ON pa.id = r.person_a JOIN person pb ON pb.id = r.person_b
      WHERE r.partnership_id = $1 AND r.status IN ('open', 'not_sure')
        AND coalesce(pa.merged_into, pa.id) <> coalesce(pb.merged_into, pb.id)`,
    [partnershipId],
  );
  return rows[0].n;
}

export async function findReview(
  db: Queryable,
  partnershipId: string,
  id: string,
  lock = false,
): Promise<ReviewRow | undefined> {
  const { rows } = await db.query(
    `${REVIEW_SELECT} WHERE r.partnership_id = $1 AND r.id = $2${lock ? ' FOR UPDATE OF r' : ''}`,
    [partnershipId, id],
  );
  return rows[0];
}

export async function decideReview(
  db: Queryable,
  partnershipId: string,
  id: string,
  d: { status: ReviewDecision; note: string | null; userId: string },
) {
  await db.query(
    `UPDATE match_review SET status = $3, note = $4, decided_by = $5, decided_at = now()
      WHERE partnership_id = $1 AND id = $2`,
    [partnershipId, id, d.status, d.note, d.userId],
  );
}

/** The given people, the one recorded first first (the record a merge keeps as the main one). */
export async function inOrderOfCreation(db: Queryable, ids: string[]): Promise<string[]> {
  const { rows } = await db.query(
    'SELECT coalesce(merged_into, id) AS id FROM person WHERE id = ANY($1::uuid[]) ORDER BY created_at, id',
    [ids],
  );
  return rows.map((r) => r.id);
}

import type { Queryable } from '../../db/database.ts';
import type { FoundBy, Grading, Indicator, InterviewOutcome, MissingFrom, Reporter } from './reference.ts';

export interface Episode {
  id: string;
  personId: string;
  reportedAt: Date;
  reportedBy: Reporter;
  lastSeenAt: Date;
  lastSeenPlace: string | null;
  missingFrom: MissingFrom;
  placementId: string | null;
  placementName: string | null;
  circumstances: string | null;
  clothing: string | null;
  riskGrading: Grading;
  returnedAt: Date | null;
  foundPlace: string | null;
  foundPostcode: string | null;
  foundBy: FoundBy | null;
  foundWith: string | null;
  policeReference: string | null;
  createdBy: string | null;
  createdAt: Date;
  version: number;
}

const SELECT = `SELECT e.id, e.person_id AS "personId", e.reported_at AS "reportedAt", e.reported_by AS "reportedBy",
       e.last_seen_at AS "lastSeenAt", e.last_seen_place AS "lastSeenPlace", e.missing_from AS "missingFrom",
       e.placement_id AS "placementId", (SELECT pl.provider FROM placement pl WHERE pl.id = e.placement_id) AS "placementName",
       e.circumstances, e.clothing,
       e.risk_grading AS "riskGrading", e.returned_at AS "returnedAt", e.found_place AS "foundPlace",
       e.found_postcode AS "foundPostcode", e.found_by AS "foundBy", e.found_with AS "foundWith",
       e.police_reference AS "policeReference", (SELECT u.display_name FROM app_user u WHERE u.id = e.created_by) AS "createdBy",
       e.created_at AS "createdAt", e.version
  FROM missing_episode e`;
// The names are looked up per episode: a child has a few, and joining instead had the generic plan
// hash every placement in the partnership for each read (0.55 → 0.20 ms per person page).

export async function episodesOf(db: Queryable, partnershipId: string, personId: string): Promise<Episode[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE e.partnership_id = $1 AND e.person_id = ANY(ARRAY(SELECT g FROM person_group($2) g))
      ORDER BY e.last_seen_at DESC`,
    [partnershipId, personId],
  );
  return rows;
}

export async function findEpisode(
  db: Queryable,
  partnershipId: string,
  id: string,
): Promise<Episode | undefined> {
  const { rows } = await db.query(`${SELECT} WHERE e.partnership_id = $1 AND e.id = $2`, [partnershipId, id]);
  return rows[0];
}

export async function findByIdempotencyKey(
  db: Queryable,
  partnershipId: string,
  userId: string,
  key: string,
): Promise<{ id: string; bodyHash: string | null } | undefined> {
  const { rows } = await db.query(
    `SELECT id, idempotency_body_hash AS "bodyHash" FROM missing_episode
      WHERE partnership_id = $1 AND created_by = $2 AND idempotency_key = $3`,
    [partnershipId, userId, key],
  );
  return rows[0];
}

export interface NewEpisode {
  personId: string;
  reportedAt: Date;
  reportedBy: Reporter;
  lastSeenAt: Date;
  lastSeenPlace: string | null;
  missingFrom: MissingFrom;
  placementId: string | null;
  circumstances: string | null;
  clothing: string | null;
  riskGrading: Grading;
  policeReference: string | null;
}

/**
 * Inserts an episode with its first grading and, when it is already over, its return: one
 * statement, so a post is one round trip here. Undefined when the Idempotency-Key was used before
 * (the unique index decides, and then nothing is written).
 */
export async function insertEpisode(
  db: Queryable,
  partnershipId: string,
  userId: string,
  e: NewEpisode & { gradingReason: string; returned: Return | null },
  idempotency: { key: string; bodyHash: string } | null,
): Promise<string | undefined> {
  const r = e.returned;
  const { rows } = await db.query(
    `WITH episode AS (
       INSERT INTO missing_episode (partnership_id, person_id, reported_at, reported_by, last_seen_at, last_seen_place,
           missing_from, placement_id, circumstances, clothing, risk_grading, police_reference, created_by,
           idempotency_key, idempotency_body_hash, returned_at, found_place, found_postcode, found_by, found_with)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
       ON CONFLICT (partnership_id, created_by, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
       RETURNING id),
     graded AS (
       INSERT INTO missing_grading (partnership_id, episode_id, risk_grading, graded_at, graded_by, reason)
       SELECT $1, id, $11, $3, $13, $21 FROM episode)
     SELECT id FROM episode`,
    [
      partnershipId,
      e.personId,
      e.reportedAt,
      e.reportedBy,
      e.lastSeenAt,
      e.lastSeenPlace,
      e.missingFrom,
      e.placementId,
      e.circumstances,
      e.clothing,
      e.riskGrading,
      e.policeReference,
      userId,
      idempotency?.key ?? null,
      idempotency?.bodyHash ?? null,
      r?.returnedAt ?? null,
      r?.foundPlace ?? null,
      r?.foundPostcode ?? null,
      r?.foundBy ?? null,
      r?.foundWith ?? null,
      e.gradingReason,
    ],
  );
  return rows[0]?.id;
}

export async function insertGrading(
  db: Queryable,
  partnershipId: string,
  g: {
    episodeId: string;
    riskGrading: Grading;
    gradedAt: Date;
    gradedBy: string | null;
    reason: string | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO missing_grading (partnership_id, episode_id, risk_grading, graded_at, graded_by, reason)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [partnershipId, g.episodeId, g.riskGrading, g.gradedAt, g.gradedBy, g.reason],
  );
}

export interface Grade {
  episodeId: string;
  riskGrading: Grading;
  gradedAt: Date;
  gradedBy: string | null;
  reason: string | null;
}

export async function gradingsOf(
  db: Queryable,
  partnershipId: string,
  episodeIds: string[],
): Promise<Grade[]> {
  if (!episodeIds.length) return [];
  const { rows } = await db.query(
    `SELECT g.episode_id AS "episodeId", g.risk_grading AS "riskGrading", g.graded_at AS "gradedAt",
            u.display_name AS "gradedBy", g.reason
       FROM missing_grading g LEFT JOIN app_user u ON u.id = g.graded_by
      WHERE g.partnership_id = $1 AND g.episode_id = ANY($2::uuid[]) ORDER BY g.graded_at`,
    [partnershipId, episodeIds],
  );
  return rows;
}

export async function setGrading(
  db: Queryable,
  partnershipId: string,
  id: string,
  grading: Grading,
): Promise<void> {
  await db.query(
    'UPDATE missing_episode SET risk_grading = $3, version = version + 1 WHERE partnership_id = $1 AND id = $2',
    [partnershipId, id, grading],
  );
}

/** Where and how an episode ended. */
export interface Return {
  returnedAt: Date;
  foundPlace: string | null;
  foundPostcode: string | null;
  foundBy: FoundBy;
  foundWith: string | null;
}

/** Records the return; false when the episode was already closed (two returns racing). */
export async function recordReturn(
  db: Queryable,
  partnershipId: string,
  id: string,
  r: Return,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE missing_episode SET returned_at = $3, found_place = $4, found_postcode = $5, found_by = $6,
            found_with = $7, version = version + 1
      WHERE partnership_id = $1 AND id = $2 AND returned_at IS NULL`,
    [partnershipId, id, r.returnedAt, r.foundPlace, r.foundPostcode, r.foundBy, r.foundWith],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Episodes of the child's group that overlap a span (an open end is open). */
export async function overlapping(
  db: Queryable,
  partnershipId: string,
  personId: string,
  from: Date,
  to: Date | null,
  exceptId: string | null = null,
): Promise<Episode[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE e.partnership_id = $1 AND e.person_id = ANY(ARRAY(SELECT g FROM person_group($2) g))
        AND ($5::uuid IS NULL OR e.id <> $5)
        AND ($4::timestamptz IS NULL OR e.last_seen_at < $4) AND (e.returned_at IS NULL OR e.returned_at > $3)
      ORDER BY e.last_seen_at`,
    [partnershipId, personId, from, to, exceptId],
  );
  return rows;
}

export async function countSince(
  db: Queryable,
  partnershipId: string,
  personId: string,
  since: Date,
): Promise<number> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS n FROM missing_episode
      WHERE partnership_id = $1 AND person_id = ANY(ARRAY(SELECT g FROM person_group($2) g)) AND last_seen_at >= $3`,
    [partnershipId, personId, since],
  );
  return rows[0].n;
}

/** Of these people, those missing now, with when they were last seen. */
export async function missingNow(
  db: Queryable,
  partnershipId: string,
  personIds: string[],
): Promise<Map<string, Date>> {
  if (!personIds.length) return new Map();
  const { rows } = await db.query(
    // The groups first, then each member's open episode by its index (see currentFlagsOfPeople).
    `WITH members AS MATERIALIZED (
       SELECT q.root, g.member FROM unnest($2::uuid[]) AS q(root) CROSS JOIN LATERAL person_group(q.root) AS g(member))
     SELECT m.root AS "personId", max(e.last_seen_at) AS "lastSeenAt" FROM members m
       JOIN missing_episode e ON e.person_id = m.member AND e.returned_at IS NULL
      WHERE e.partnership_id = $1 GROUP BY m.root`,
    [partnershipId, personIds],
  );
  return new Map(rows.map((r: { personId: string; lastSeenAt: Date }) => [r.personId, r.lastSeenAt]));
}

export interface Interview {
  id: string;
  episodeId: string;
  personId: string;
  offeredAt: Date;
  outcome: InterviewOutcome;
  interviewerName: string;
  interviewerRole: string;
  heldAt: Date | null;
  whereTheyWere: string | null;
  whoWith: string | null;
  pushFactors: string | null;
  pullFactors: string | null;
  indicators: Indicator[];
  notes: string | null;
  recordedBy: string | null;
  recordedAt: Date;
}

export async function interviewsOf(
  db: Queryable,
  partnershipId: string,
  episodeIds: string[],
): Promise<Interview[]> {
  if (!episodeIds.length) return [];
  const { rows } = await db.query(
    `SELECT r.id, r.episode_id AS "episodeId", r.person_id AS "personId", r.offered_at AS "offeredAt", r.outcome,
            r.interviewer_name AS "interviewerName", r.interviewer_role AS "interviewerRole", r.held_at AS "heldAt",
            r.where_they_were AS "whereTheyWere", r.who_with AS "whoWith", r.push_factors AS "pushFactors",
            r.pull_factors AS "pullFactors", r.indicators, r.notes, u.display_name AS "recordedBy",
            r.recorded_at AS "recordedAt"
       FROM return_interview r LEFT JOIN app_user u ON u.id = r.recorded_by
      WHERE r.partnership_id = $1 AND r.episode_id = ANY($2::uuid[])`,
    [partnershipId, episodeIds],
  );
  return rows;
}

export async function insertInterview(
  db: Queryable,
  partnershipId: string,
  userId: string,
  r: Omit<Interview, 'id' | 'recordedBy' | 'recordedAt'>,
): Promise<string | undefined> {
  const { rows } = await db.query(
    `INSERT INTO return_interview (partnership_id, episode_id, person_id, offered_at, outcome, interviewer_name,
        interviewer_role, independent_of_carer, held_at, where_they_were, who_with, push_factors, pull_factors,
        indicators, notes, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, true, $8, $9, $10, $11, $12, $13, $14, $15)
     ON CONFLICT (episode_id) DO NOTHING RETURNING id`,
    [
      partnershipId,
      r.episodeId,
      r.personId,
      r.offeredAt,
      r.outcome,
      r.interviewerName,
      r.interviewerRole,
      r.heldAt,
      r.whereTheyWere,
      r.whoWith,
      r.pushFactors,
      r.pullFactors,
      r.indicators,
      r.notes,
      userId,
    ],
  );
  return rows[0]?.id;
}

/** A month's, a ward's or the whole period's count of episodes and of the children in them. */
export interface EpisodeCount {
  episodes: number;
  children: number;
  /** Children in a placement (London date) at the time of any of their episodes counted here. */
  lookedAfter: number;
  /** Children a children's social care agency knows. */
  knownToCsc: number;
}

/** A count with no episodes in it (a month, ward or period nobody went missing in). */
export const NO_EPISODES: EpisodeCount = { episodes: 0, children: 0, lookedAfter: 0, knownToCsc: 0 };

/**
 * The episodes that began in a span, counted in the database (a few dozen rows back, not one per
 * episode): per month (`months` are the months' first instants, in order), per current ward, and
 * in all.
 */
export async function episodeCounts(
  db: Queryable,
  partnershipId: string,
  from: Date,
  to: Date,
  months: Date[],
): Promise<{
  byMonth: Map<number, EpisodeCount>;
  byWard: Map<string, EpisodeCount>;
  total: EpisodeCount;
}> {
  const { rows } = await db.query(
    `WITH e AS (
       SELECT e.person_id, width_bucket(e.last_seen_at, $4::timestamptz[]) AS month, p.ward_code,
              -- Most children missing were never placed: a hashed list of those who were spares
              -- them the index probe for the placement on the day.
              e.person_id IN (SELECT person_id FROM placement WHERE partnership_id = $1)
              AND EXISTS (SELECT 1 FROM placement pl
                       WHERE pl.person_id = e.person_id AND pl.partnership_id = $1
                         AND pl.started_on <= (e.last_seen_at AT TIME ZONE 'Europe/London')::date
                         AND (pl.ended_on IS NULL OR pl.ended_on >= (e.last_seen_at AT TIME ZONE 'Europe/London')::date)) AS looked_after,
              EXISTS (SELECT 1 FROM person_agency pa JOIN agency a ON a.id = pa.agency_id AND a.kind = 'childrens_social_care'
                       WHERE pa.person_id = e.person_id AND pa.partnership_id = $1) AS known_to_csc
         FROM missing_episode e JOIN person p ON p.id = e.person_id AND p.partnership_id = $1
        WHERE e.partnership_id = $1 AND e.last_seen_at >= $2 AND e.last_seen_at < $3)
     SELECT month, ward_code AS "wardCode", GROUPING(month, ward_code) AS grouping,
            count(*)::int AS episodes, count(DISTINCT person_id)::int AS children,
            count(DISTINCT person_id) FILTER (WHERE looked_after)::int AS "lookedAfter",
            count(DISTINCT person_id) FILTER (WHERE known_to_csc)::int AS "knownToCsc"
       FROM e GROUP BY GROUPING SETS ((month), (ward_code), ())`,
    [partnershipId, from, to, months],
  );
  const count = (r: EpisodeCount): EpisodeCount => ({
    episodes: r.episodes,
    children: r.children,
    lookedAfter: r.lookedAfter,
    knownToCsc: r.knownToCsc,
  });
  const byMonth = new Map<number, EpisodeCount>();
  const byWard = new Map<string, EpisodeCount>();
  let total = NO_EPISODES;
  // GROUPING: 1 when grouped by month (ward rolled up), 2 by ward, 3 the whole period.
  for (const r of rows) {
    if (r.grouping === 1) byMonth.set(r.month - 1, count(r));
    else if (r.grouping === 2) {
      if (r.wardCode) byWard.set(r.wardCode, count(r));
    } else total = count(r);
  }
  return { byMonth, byWard, total };
}

/** The returns in a span (whenever the episode began), and how many had an interview offered in time. */
export async function returnCounts(
  db: Queryable,
  partnershipId: string,
  from: Date,
  to: Date,
  interviewHours: number,
): Promise<{ returns: number; offeredInTime: number }> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS returns,
            count(*) FILTER (WHERE r.offered_at - e.returned_at <= make_interval(hours => $4::int))::int AS "offeredInTime"
       FROM missing_episode e LEFT JOIN return_interview r ON r.episode_id = e.id
      WHERE e.partnership_id = $1 AND e.returned_at >= $2 AND e.returned_at < $3`,
    [partnershipId, from, to, interviewHours],
  );
  return rows[0];
}

// The Philomena Protocol's plans, agreements and photographs.

export interface Plan {
  id: string;
  personId: string;
  placementId: string | null;
  physicalDescription: string;
  associates: string[];
  associatesNote: string | null;
  places: string | null;
  phones: string | null;
  socialMedia: string | null;
  healthNeeds: string | null;
  triggers: string | null;
  firstActions: string;
  reviewDue: string;
  version: number;
  updatedBy: string | null;
  updatedAt: Date;
  hasPhoto: boolean;
}

export type PlanInput = Omit<Plan, 'id' | 'personId' | 'version' | 'updatedBy' | 'updatedAt' | 'hasPhoto'>;

const PLAN_SELECT = `SELECT pp.id, pp.person_id AS "personId", pp.placement_id AS "placementId",
       pp.physical_description AS "physicalDescription", pp.associates, pp.associates_note AS "associatesNote",
       pp.places, pp.phones, pp.social_media AS "socialMedia", pp.health_needs AS "healthNeeds", pp.triggers,
       pp.first_actions AS "firstActions", to_char(pp.review_due, 'YYYY-MM-DD') AS "reviewDue", pp.version,
       u.display_name AS "updatedBy", pp.updated_at AS "updatedAt",
       EXISTS (SELECT 1 FROM philomena_photo ph WHERE ph.plan_id = pp.id) AS "hasPhoto"
  FROM philomena_plan pp LEFT JOIN app_user u ON u.id = pp.updated_by`;

/** The child's plan (the merged group's, when one of them has it). */
export async function planOf(
  db: Queryable,
  partnershipId: string,
  personId: string,
): Promise<Plan | undefined> {
  const { rows } = await db.query(
    `${PLAN_SELECT} WHERE pp.partnership_id = $1 AND pp.person_id = ANY(ARRAY(SELECT g FROM person_group($2) g))
      ORDER BY pp.updated_at DESC LIMIT 1`,
    [partnershipId, personId],
  );
  return rows[0];
}

export async function findPlan(db: Queryable, partnershipId: string, id: string): Promise<Plan | undefined> {
  const { rows } = await db.query(`${PLAN_SELECT} WHERE pp.partnership_id = $1 AND pp.id = $2`, [
    partnershipId,
    id,
  ]);
  return rows[0];
}

const VALUES = (p: PlanInput) => [
  p.placementId,
  p.physicalDescription,
  p.associates,
  p.associatesNote,
  p.places,
  p.phones,
  p.socialMedia,
  p.healthNeeds,
  p.triggers,
  p.firstActions,
  p.reviewDue,
];

/** A new plan; undefined when the child already has one (two first plans racing). */
export async function insertPlan(
  db: Queryable,
  partnershipId: string,
  personId: string,
  userId: string,
  p: PlanInput,
): Promise<string | undefined> {
  const { rows } = await db.query(
    `INSERT INTO philomena_plan (partnership_id, person_id, placement_id, physical_description, associates,
        associates_note, places, phones, social_media, health_needs, triggers, first_actions, review_due,
        created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
     ON CONFLICT (person_id) DO NOTHING RETURNING id`,
    [partnershipId, personId, ...VALUES(p), userId],
  );
  return rows[0]?.id;
}

/** A changed plan, as a new version; false when someone else changed it first. */
export async function updatePlan(
  db: Queryable,
  partnershipId: string,
  id: string,
  version: number,
  userId: string,
  p: PlanInput,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE philomena_plan SET placement_id = $3, physical_description = $4, associates = $5, associates_note = $6,
            places = $7, phones = $8, social_media = $9, health_needs = $10, triggers = $11, first_actions = $12,
            review_due = $13, updated_by = $14, updated_at = now(), version = version + 1
      WHERE partnership_id = $1 AND id = $2 AND version = $15`,
    [partnershipId, id, ...VALUES(p), userId, version],
  );
  return (result.rowCount ?? 0) > 0;
}

export interface Agreement {
  party: 'social_worker' | 'provider' | 'police';
  agreedByName: string;
  recordedBy: string | null;
  agreedAt: Date;
}

export async function agreementsOf(
  db: Queryable,
  partnershipId: string,
  planId: string,
  version: number,
): Promise<Agreement[]> {
  const { rows } = await db.query(
    `SELECT a.party, a.agreed_by_name AS "agreedByName", u.display_name AS "recordedBy", a.agreed_at AS "agreedAt"
       FROM philomena_agreement a LEFT JOIN app_user u ON u.id = a.recorded_by
      WHERE a.partnership_id = $1 AND a.plan_id = $2 AND a.plan_version = $3 ORDER BY a.agreed_at`,
    [partnershipId, planId, version],
  );
  return rows;
}

/** Records a party's agreement to a version; false when that party already agreed to it. */
export async function insertAgreement(
  db: Queryable,
  partnershipId: string,
  a: { planId: string; version: number; party: string; agreedByName: string; userId: string },
): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO philomena_agreement (partnership_id, plan_id, plan_version, party, agreed_by_name, recorded_by)
     SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM philomena_plan WHERE id = $2 AND version = $3)
     ON CONFLICT (plan_id, plan_version, party) DO NOTHING`,
    [partnershipId, a.planId, a.version, a.party, a.agreedByName, a.userId],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function savePhoto(
  db: Queryable,
  partnershipId: string,
  planId: string,
  photo: { format: string; content: Buffer; userId: string },
): Promise<void> {
  await db.query(
    `INSERT INTO philomena_photo (partnership_id, plan_id, format, content, uploaded_by)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (plan_id) DO UPDATE SET format = excluded.format, content = excluded.content,
       uploaded_by = excluded.uploaded_by, uploaded_at = now()`,
    [partnershipId, planId, photo.format, photo.content, photo.userId],
  );
}

export async function photoOf(
  db: Queryable,
  partnershipId: string,
  planId: string,
): Promise<{ mediaType: string; content: Buffer } | undefined> {
  const { rows } = await db.query(
    `SELECT 'image/' || format AS "mediaType", content FROM philomena_photo WHERE partnership_id = $1 AND plan_id = $2`,
    [partnershipId, planId],
  );
  return rows[0];
}

/** People who appear with the child in contacts: the friends and associates a plan may name. */
export async function peopleSeenWith(
  db: Queryable,
  partnershipId: string,
  personId: string,
): Promise<{ id: string; name: string; part: string }[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT ON (p.id) p.id, p.given_name || ' ' || p.family_name AS name, other.part
       FROM contact_person mine
       JOIN contact_person other ON other.contact_id = mine.contact_id AND other.person_id <> mine.person_id
       JOIN person p ON p.id = other.person_id
      WHERE mine.partnership_id = $1 AND mine.person_id = ANY(ARRAY(SELECT g FROM person_group($2) g))
      ORDER BY p.id LIMIT 50`,
    [partnershipId, personId],
  );
  return rows;
}

export async function namesOf(
  db: Queryable,
  partnershipId: string,
  ids: string[],
): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const { rows } = await db.query(
    `SELECT id, given_name || ' ' || family_name AS name FROM person WHERE partnership_id = $1 AND id = ANY($2::uuid[])`,
    [partnershipId, ids],
  );
  return new Map(rows.map((r: { id: string; name: string }) => [r.id, r.name]));
}

/** What the grab pack says about the child themselves. */
export async function childForPack(
  db: Queryable,
  partnershipId: string,
  personId: string,
): Promise<
  | {
      name: string;
      dateOfBirth: string | null;
      gender: string;
      ethnicity: string | null;
      policeRef: string | null;
    }
  | undefined
> {
  const { rows } = await db.query(
    `SELECT given_name || ' ' || family_name AS name, to_char(date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", gender,
            ethnicity, police_ref AS "policeRef"
       FROM person WHERE partnership_id = $1 AND id = $2`,
    [partnershipId, personId],
  );
  return rows[0];
}

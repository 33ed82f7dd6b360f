import type { Queryable } from '../../db/database.ts';

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

const SELECT = `SELECT pp.id, pp.person_id AS "personId", pp.placement_id AS "placementId",
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
    `${SELECT} WHERE pp.partnership_id = $1 AND pp.person_id = ANY(ARRAY(SELECT g FROM person_group($2) g))
      ORDER BY pp.updated_at DESC LIMIT 1`,
    [partnershipId, personId],
  );
  return rows[0];
}

export async function findPlan(db: Queryable, partnershipId: string, id: string): Promise<Plan | undefined> {
  const { rows } = await db.query(`${SELECT} WHERE pp.partnership_id = $1 AND pp.id = $2`, [
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
  photo: { mediaType: string; content: Buffer; userId: string },
): Promise<void> {
  await db.query(
    `INSERT INTO philomena_photo (partnership_id, plan_id, media_type, content, uploaded_by)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (plan_id) DO UPDATE SET media_type = excluded.media_type, content = excluded.content,
       uploaded_by = excluded.uploaded_by, uploaded_at = now()`,
    [partnershipId, planId, photo.mediaType, photo.content, photo.userId],
  );
}

export async function photoOf(
  db: Queryable,
  partnershipId: string,
  planId: string,
): Promise<{ mediaType: string; content: Buffer } | undefined> {
  const { rows } = await db.query(
    'SELECT media_type AS "mediaType", content FROM philomena_photo WHERE partnership_id = $1 AND plan_id = $2',
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

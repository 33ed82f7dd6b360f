import type { Queryable } from '../../db/database.ts';
import type { FlagType, RiskLevel } from './reference.ts';

export interface FlagPeriod {
  id: string;
  personId: string;
  flagType: FlagType;
  riskLevel: RiskLevel;
  validFrom: Date;
  validTo: Date | null;
  setBy: string | null;
  setReason: string;
  endedBy: string | null;
  endReason: string | null;
  assessmentId: string | null;
}

const SELECT = `SELECT f.id, f.person_id AS "personId", f.flag_type AS "flagType", f.risk_level AS "riskLevel",
  f.valid_from AS "validFrom", f.valid_to AS "validTo", su.display_name AS "setBy", f.set_reason AS "setReason",
  eu.display_name AS "endedBy", f.end_reason AS "endReason", f.assessment_id AS "assessmentId"
  FROM flag_period f LEFT JOIN app_user su ON su.id = f.set_by LEFT JOIN app_user eu ON eu.id = f.ended_by`;

export async function currentFlags(
  db: Queryable,
  partnershipId: string,
  personId: string,
): Promise<FlagPeriod[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE f.partnership_id = $1 AND f.person_id = ANY(ARRAY(SELECT g FROM person_group($2) g)) AND f.valid_to IS NULL ORDER BY f.flag_type`,
    [partnershipId, personId],
  );
  return rows;
}

/** The current flags of each of these people (and anyone merged into them), by person. */
export async function currentFlagsOfPeople(
  db: Queryable,
  partnershipId: string,
  personIds: string[],
): Promise<Map<string, FlagPeriod[]>> {
  const out = new Map<string, FlagPeriod[]>(personIds.map((id) => [id, []]));
  if (!personIds.length) return out;
  const { rows } = await db.query(
    // Each person's merged group first, then the current flags of its members by index: a group
    // worked out inside the flags' scan is worked out again for every current flag in the partnership.
    `WITH members AS MATERIALIZED (
       SELECT q.root, g.member FROM unnest($2::uuid[]) AS q(root) CROSS JOIN LATERAL person_group(q.root) AS g(member))
     SELECT m.root AS "forPerson", f.* FROM members m
       CROSS JOIN LATERAL (${SELECT}
         WHERE f.partnership_id = $1 AND f.person_id = m.member AND f.valid_to IS NULL OFFSET 0) f
      ORDER BY f."flagType"`,
    [partnershipId, personIds],
  );
  for (const { forPerson, ...flag } of rows) out.get(forPerson)?.push(flag as FlagPeriod);
  return out;
}

export async function flagHistory(
  db: Queryable,
  partnershipId: string,
  personId: string,
): Promise<FlagPeriod[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE f.partnership_id = $1 AND f.person_id = ANY(ARRAY(SELECT g FROM person_group($2) g)) ORDER BY f.valid_from DESC, f.flag_type`,
    [partnershipId, personId],
  );
  return rows;
}

/** Ends the current period of a flag type; returns it (or undefined if none was current). */
export async function endCurrent(
  db: Queryable,
  partnershipId: string,
  personId: string,
  flagType: FlagType,
  userId: string,
  reason: string,
): Promise<{ id: string; riskLevel: RiskLevel } | undefined> {
  const { rows } = await db.query(
    `UPDATE flag_period SET valid_to = now(), ended_by = $4, end_reason = $5
      WHERE partnership_id = $1 AND person_id = $2 AND flag_type = $3 AND valid_to IS NULL
      RETURNING id, risk_level AS "riskLevel"`,
    [partnershipId, personId, flagType, userId, reason],
  );
  return rows[0];
}

export async function startPeriod(
  db: Queryable,
  partnershipId: string,
  p: {
    personId: string;
    flagType: FlagType;
    riskLevel: RiskLevel;
    userId: string;
    reason: string;
    assessmentId: string | null;
  },
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO flag_period (partnership_id, person_id, flag_type, risk_level, set_by, set_reason, assessment_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [partnershipId, p.personId, p.flagType, p.riskLevel, p.userId, p.reason, p.assessmentId],
  );
  return rows[0].id;
}

export interface FlaggedInPeriod {
  personId: string;
  flagType: FlagType;
  highestLevel: RiskLevel;
}

/**
 * Everyone flagged at any time in [from, to), with the highest level each flag reached then:
 * one range-overlap query on the flag_period GiST index (what monthly and ward figures count).
 */
export async function flaggedDuring(
  db: Queryable,
  partnershipId: string,
  from: Date,
  to: Date,
): Promise<FlaggedInPeriod[]> {
  const { rows } = await db.query(
    // Counted once per person: records merged into someone count as that person.
    `SELECT coalesce(p.merged_into, p.id) AS "personId", f.flag_type AS "flagType",
            (array_agg(f.risk_level ORDER BY array_position(ARRAY['emerging','moderate','significant'], f.risk_level) DESC))[1] AS "highestLevel"
       FROM flag_period f JOIN person p ON p.id = f.person_id
      WHERE f.partnership_id = $1 AND f.period && tstzrange($2, $3, '[)')
      GROUP BY coalesce(p.merged_into, p.id), f.flag_type`,
    [partnershipId, from, to],
  );
  return rows;
}

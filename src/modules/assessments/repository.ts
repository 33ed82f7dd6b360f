import type { Queryable } from '../../db/database.ts';
import type { AssessedLevel, FlagType } from '../flags/index.ts';
import type { AssessmentStatus, SpecialistReferral } from './reference.ts';
import type { Answer } from './rules.ts';

export type { AssessmentStatus } from './reference.ts';

export interface AssessmentRecord {
  id: string;
  personId: string;
  personName: string;
  personDob: string | null;
  contactId: string | null;
  contactReference: string | null;
  status: AssessmentStatus;
  rulesVersion: string;
  answers: Record<string, Answer>;
  flagTypes: FlagType[];
  analysis: string;
  score: number | null;
  scoredLevel: AssessedLevel | null;
  overrideLevel: AssessedLevel | null;
  overrideReason: string | null;
  finalLevel: AssessedLevel | null;
  specialistReferral: SpecialistReferral | null;
  specialistReferralNote: string | null;
  startedBy: string | null;
  startedAt: Date;
  submittedBy: string | null;
  submittedAt: Date | null;
  approvedBy: string | null;
  approvedAt: Date | null;
  version: number;
}

const SELECT = `
  SELECT a.id, a.person_id AS "personId", p.given_name || ' ' || p.family_name AS "personName",
         p.date_of_birth AS "personDob", a.contact_id AS "contactId", c.reference AS "contactReference",
         a.status, a.rules_version AS "rulesVersion", a.answers, a.flag_types AS "flagTypes", a.analysis, a.score,
         a.scored_level AS "scoredLevel", a.override_level AS "overrideLevel", a.override_reason AS "overrideReason",
         a.final_level AS "finalLevel", a.specialist_referral AS "specialistReferral",
         a.specialist_referral_note AS "specialistReferralNote", su.display_name AS "startedBy", a.started_at AS "startedAt",
         sb.display_name AS "submittedBy", a.submitted_at AS "submittedAt", ab.display_name AS "approvedBy",
         a.approved_at AS "approvedAt", a.version
    FROM assessment a
    JOIN person p ON p.id = a.person_id
    LEFT JOIN contact c ON c.id = a.contact_id
    LEFT JOIN app_user su ON su.id = a.started_by
    LEFT JOIN app_user sb ON sb.id = a.submitted_by
    LEFT JOIN app_user ab ON ab.id = a.approved_by`;

export async function findAssessment(
  db: Queryable,
  partnershipId: string,
  id: string,
): Promise<AssessmentRecord | undefined> {
  const { rows } = await db.query(`${SELECT} WHERE a.partnership_id = $1 AND a.id = $2`, [partnershipId, id]);
  return rows[0];
}

/** A person's assessments as their page lists them: not the answers or analysis, which only the assessment's own page reads. */
export interface AssessmentListed {
  id: string;
  status: AssessmentRecord['status'];
  finalLevel: AssessmentRecord['finalLevel'];
  startedAt: Date;
}

export async function assessmentsOfPerson(
  db: Queryable,
  partnershipId: string,
  personId: string,
): Promise<AssessmentListed[]> {
  const { rows } = await db.query(
    `SELECT id, status, final_level AS "finalLevel", started_at AS "startedAt" FROM assessment
      WHERE partnership_id = $1 AND person_id = ANY(ARRAY(SELECT g FROM person_group($2) g)) ORDER BY started_at DESC`,
    [partnershipId, personId],
  );
  return rows;
}

export async function openAssessmentOf(
  db: Queryable,
  partnershipId: string,
  personId: string,
): Promise<string | undefined> {
  const { rows } = await db.query(
    `SELECT id FROM assessment WHERE partnership_id = $1 AND person_id = $2 AND status <> 'completed' LIMIT 1`,
    [partnershipId, personId],
  );
  return rows[0]?.id;
}

export async function insertAssessment(
  db: Queryable,
  partnershipId: string,
  a: {
    personId: string;
    contactId: string | null;
    rulesVersion: string;
    flagTypes: FlagType[];
    userId: string;
  },
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO assessment (partnership_id, person_id, contact_id, rules_version, flag_types, started_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [partnershipId, a.personId, a.contactId, a.rulesVersion, a.flagTypes, a.userId],
  );
  return rows[0].id;
}

export interface AssessmentWrite {
  answers: Record<string, Answer>;
  flagTypes: FlagType[];
  analysis: string;
  overrideLevel: AssessedLevel | null;
  overrideReason: string | null;
  specialistReferral: SpecialistReferral | null;
  specialistReferralNote: string | null;
  score: number;
  scoredLevel: AssessedLevel;
}

/** Saves answers while in progress, only if the version still matches (no silent overwrite). */
export async function saveAssessment(
  db: Queryable,
  partnershipId: string,
  id: string,
  version: number,
  w: AssessmentWrite,
  submit: { status: AssessmentStatus; finalLevel: AssessedLevel | null; userId: string } | null,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE assessment SET answers = $4, flag_types = $5, analysis = $6, override_level = $7, override_reason = $8,
            specialist_referral = $9, specialist_referral_note = $10, score = $11, scored_level = $12,
            status = coalesce($13, status), final_level = $14,
            submitted_by = CASE WHEN $13::text IS NULL THEN submitted_by ELSE $15::uuid END,
            submitted_at = CASE WHEN $13::text IS NULL THEN submitted_at ELSE now() END,
            version = version + 1
      WHERE partnership_id = $1 AND id = $2 AND version = $3 AND status = 'in_progress'`,
    [
      partnershipId,
      id,
      version,
      JSON.stringify(w.answers),
      w.flagTypes,
      w.analysis,
      w.overrideLevel,
      w.overrideReason,
      w.specialistReferral,
      w.specialistReferralNote,
      w.score,
      w.scoredLevel,
      submit?.status ?? null,
      submit?.finalLevel ?? null,
      submit?.userId ?? null,
    ],
  );
  return result.rowCount === 1;
}

export async function recordApproval(
  db: Queryable,
  partnershipId: string,
  id: string,
  p: { finalLevel: AssessedLevel; userId: string },
): Promise<boolean> {
  const result = await db.query(
    `UPDATE assessment SET status = 'completed', final_level = $3, approved_by = $4, approved_at = now(), version = version + 1
      WHERE partnership_id = $1 AND id = $2 AND status = 'awaiting_approval'`,
    [partnershipId, id, p.finalLevel, p.userId],
  );
  return result.rowCount === 1;
}

import type { Queryable } from '../../db/database.ts';
import type { ClockRule, WorkKind } from './rules.ts';

export async function rulesFor(db: Queryable, partnershipId: string): Promise<ClockRule[]> {
  const { rows } = await db.query(
    'SELECT kind, amount, unit FROM clock_rule WHERE partnership_id = $1 ORDER BY kind',
    [partnershipId],
  );
  return rows;
}

export async function saveRule(db: Queryable, partnershipId: string, rule: ClockRule): Promise<void> {
  await db.query(
    `INSERT INTO clock_rule (partnership_id, kind, amount, unit) VALUES ($1, $2, $3, $4)
     ON CONFLICT (partnership_id, kind) DO UPDATE SET amount = excluded.amount, unit = excluded.unit`,
    [partnershipId, rule.kind, rule.amount, rule.unit],
  );
}

export interface NewWorkItem {
  kind: WorkKind;
  title: string;
  reason?: string | null;
  personId?: string | null;
  contactId?: string | null;
  assessmentId?: string | null;
  missingEpisodeId?: string | null;
  dueAt: Date;
}

export async function insertWorkItem(db: Queryable, partnershipId: string, w: NewWorkItem): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO work_item (partnership_id, kind, title, reason, person_id, contact_id, assessment_id, due_at,
                            missing_episode_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      partnershipId,
      w.kind,
      w.title,
      w.reason ?? null,
      w.personId ?? null,
      w.contactId ?? null,
      w.assessmentId ?? null,
      w.dueAt,
      w.missingEpisodeId ?? null,
    ],
  );
  return rows[0].id;
}

/** Several work items in one statement; their ids in the same order. */
export async function insertWorkItems(
  db: Queryable,
  partnershipId: string,
  items: NewWorkItem[],
): Promise<string[]> {
  if (!items.length) return [];
  const { rows } = await db.query(
    `INSERT INTO work_item (partnership_id, kind, title, reason, person_id, contact_id, assessment_id, due_at,
                            missing_episode_id)
     SELECT $1, x.kind, x.title, x.reason, x.person, x.contact, x.assessment, x.due, x.episode
       FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::uuid[], $8::timestamptz[],
                   $9::uuid[])
            WITH ORDINALITY AS x(kind, title, reason, person, contact, assessment, due, episode, n)
      ORDER BY x.n
     RETURNING id`,
    [
      partnershipId,
      items.map((w) => w.kind),
      items.map((w) => w.title),
      items.map((w) => w.reason ?? null),
      items.map((w) => w.personId ?? null),
      items.map((w) => w.contactId ?? null),
      items.map((w) => w.assessmentId ?? null),
      items.map((w) => w.dueAt),
      items.map((w) => w.missingEpisodeId ?? null),
    ],
  );
  return rows.map((r: { id: string }) => r.id);
}

export interface WorkMatch {
  kind: WorkKind;
  personId?: string;
  contactId?: string;
  assessmentId?: string;
  missingEpisodeId?: string;
}

export async function completeWork(
  db: Queryable,
  partnershipId: string,
  match: WorkMatch,
  userId: string,
  note: string | null,
): Promise<number> {
  const result = await db.query(
    `UPDATE work_item SET completed_at = now(), completed_by = $6, completion_note = $7
      WHERE partnership_id = $1 AND kind = $2 AND completed_at IS NULL
        AND ($3::uuid IS NULL OR person_id = $3) AND ($4::uuid IS NULL OR contact_id = $4)
        AND ($5::uuid IS NULL OR assessment_id = $5) AND ($8::uuid IS NULL OR missing_episode_id = $8)`,
    [
      partnershipId,
      match.kind,
      match.personId ?? null,
      match.contactId ?? null,
      match.assessmentId ?? null,
      userId,
      note,
      match.missingEpisodeId ?? null,
    ],
  );
  return result.rowCount ?? 0;
}

export async function bringForward(
  db: Queryable,
  partnershipId: string,
  match: WorkMatch,
  dueBy: Date,
): Promise<Date | null> {
  const { rows } = await db.query(
    `UPDATE work_item SET due_at = least(due_at, $6)
      WHERE partnership_id = $1 AND kind = $2 AND completed_at IS NULL
        AND ($3::uuid IS NULL OR person_id = $3) AND ($4::uuid IS NULL OR contact_id = $4)
        AND ($5::uuid IS NULL OR assessment_id = $5) AND ($7::uuid IS NULL OR missing_episode_id = $7)
      RETURNING due_at AS "dueAt"`,
    [
      partnershipId,
      match.kind,
      match.personId ?? null,
      match.contactId ?? null,
      match.assessmentId ?? null,
      dueBy,
      match.missingEpisodeId ?? null,
    ],
  );
  return rows[0]?.dueAt ?? null;
}

/** Open work that has become overdue since it was last noticed; marks it noticed. */
export async function markNewlyOverdue(
  db: Queryable,
  partnershipId: string,
): Promise<{ id: string; kind: WorkKind; title: string; personId: string | null; dueAt: Date }[]> {
  const { rows } = await db.query(
    `UPDATE work_item SET overdue_noted_at = now()
      WHERE partnership_id = $1 AND completed_at IS NULL AND due_at < now() AND overdue_noted_at IS NULL
      RETURNING id, kind, title, person_id AS "personId", due_at AS "dueAt"`,
    [partnershipId],
  );
  return rows;
}

export async function partnershipIds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query('SELECT id FROM partnership ORDER BY id');
  return rows.map((r: { id: string }) => r.id);
}

export interface WorkItemRow {
  id: string;
  kind: WorkKind;
  title: string;
  reason: string | null;
  personId: string | null;
  personName: string | null;
  contactId: string | null;
  contactReference: string | null;
  assessmentId: string | null;
  missingEpisodeId: string | null;
  dueAt: Date;
  createdAt: Date;
  completedAt: Date | null;
}

const WORK_SELECT = `
  SELECT w.id, w.kind, w.title, w.reason, w.person_id AS "personId",
         CASE WHEN p.id IS NULL THEN NULL ELSE p.given_name || ' ' || p.family_name END AS "personName",
         w.contact_id AS "contactId", c.reference AS "contactReference", w.assessment_id AS "assessmentId",
         w.missing_episode_id AS "missingEpisodeId", w.due_at AS "dueAt", w.created_at AS "createdAt", w.completed_at AS "completedAt"
    FROM work_item w
    LEFT JOIN person p ON p.id = w.person_id
    LEFT JOIN contact c ON c.id = w.contact_id`;

export async function openWork(db: Queryable, partnershipId: string, limit = 500): Promise<WorkItemRow[]> {
  const { rows } = await db.query(
    `${WORK_SELECT} WHERE w.partnership_id = $1 AND w.completed_at IS NULL ORDER BY w.due_at LIMIT $2`,
    [partnershipId, limit],
  );
  return rows;
}

export async function workForPerson(
  db: Queryable,
  partnershipId: string,
  personId: string,
): Promise<WorkItemRow[]> {
  // The person's own page: their name is known, so no join to find it (a join the planner may
  // make by reading the whole person table).
  const { rows } = await db.query(
    `SELECT w.id, w.kind, w.title, w.reason, w.person_id AS "personId", NULL AS "personName",
            w.contact_id AS "contactId", c.reference AS "contactReference", w.assessment_id AS "assessmentId",
            w.missing_episode_id AS "missingEpisodeId", w.due_at AS "dueAt", w.created_at AS "createdAt", w.completed_at AS "completedAt"
       FROM work_item w LEFT JOIN contact c ON c.id = w.contact_id
      WHERE w.partnership_id = $1 AND w.person_id = ANY(ARRAY(SELECT g FROM person_group($2) g))
        AND w.completed_at IS NULL
      ORDER BY w.due_at`,
    [partnershipId, personId],
  );
  return rows;
}

/**
 * How much urgent work is open: overdue items, risk reviews and return interviews (for the banner
 * on every page). Each count reads only the items it counts (migration 018), not all open work.
 */
export async function attentionCounts(
  db: Queryable,
  partnershipId: string,
): Promise<{ overdue: number; riskReview: number; returnInterview: number }> {
  const open = (condition: string) =>
    `(SELECT count(*) FROM work_item WHERE partnership_id = $1 AND completed_at IS NULL AND ${condition})::int`;
  const { rows } = await db.query(
    `SELECT ${open('due_at < now()')} AS overdue,
            ${open(`kind = 'risk_review'`)} AS "riskReview",
            ${open(`kind = 'return_interview'`)} AS "returnInterview"`,
    [partnershipId],
  );
  return rows[0];
}

export async function findWorkItem(
  db: Queryable,
  partnershipId: string,
  id: string,
): Promise<WorkItemRow | undefined> {
  const { rows } = await db.query(`${WORK_SELECT} WHERE w.partnership_id = $1 AND w.id = $2`, [
    partnershipId,
    id,
  ]);
  return rows[0];
}

export async function completeById(
  db: Queryable,
  partnershipId: string,
  id: string,
  userId: string,
  note: string,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE work_item SET completed_at = now(), completed_by = $3, completion_note = $4
      WHERE partnership_id = $1 AND id = $2 AND completed_at IS NULL`,
    [partnershipId, id, userId, note],
  );
  return result.rowCount === 1;
}

/** Of these people, those with open work of this kind (e.g. an assessment under way). */
export async function peopleWithOpenWork(
  db: Queryable,
  partnershipId: string,
  personIds: string[],
  kind: WorkKind,
): Promise<string[]> {
  if (!personIds.length) return [];
  const { rows } = await db.query(
    `SELECT DISTINCT person_id AS "personId" FROM work_item
      WHERE partnership_id = $1 AND person_id = ANY($2::uuid[]) AND kind = $3 AND completed_at IS NULL`,
    [partnershipId, personIds, kind],
  );
  return rows.map((r: { personId: string }) => r.personId);
}

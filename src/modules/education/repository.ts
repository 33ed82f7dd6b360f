import type { Queryable } from '../../db/database.ts';
import type { EducationKind, Whereabouts } from './reference.ts';

export interface EducationEvent {
  id: string;
  personId: string;
  kind: EducationKind;
  startedOn: string;
  endedOn: string | null;
  school: string | null;
  yearGroup: number | null;
  days: number | null;
  reason: string | null;
  whereabouts: Whereabouts | null;
  whereaboutsOn: string | null;
  recordedBy: string | null;
}

const SELECT = `SELECT e.id, e.person_id AS "personId", e.kind, to_char(e.started_on, 'YYYY-MM-DD') AS "startedOn",
       to_char(e.ended_on, 'YYYY-MM-DD') AS "endedOn", e.school, e.year_group AS "yearGroup", e.days, e.reason,
       e.whereabouts, to_char(e.whereabouts_on, 'YYYY-MM-DD') AS "whereaboutsOn", u.display_name AS "recordedBy"
  FROM education_event e LEFT JOIN app_user u ON u.id = e.recorded_by`;

export async function eventsOf(
  db: Queryable,
  partnershipId: string,
  personId: string,
): Promise<EducationEvent[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE e.partnership_id = $1 AND e.person_id = ANY(ARRAY(SELECT g FROM person_group($2) g))
      ORDER BY e.started_on DESC, e.recorded_at DESC`,
    [partnershipId, personId],
  );
  return rows;
}

export type NewEducationEvent = Omit<EducationEvent, 'id' | 'recordedBy'> & { recordedBy: string | null };

export async function insertEvent(
  db: Queryable,
  partnershipId: string,
  e: NewEducationEvent,
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO education_event (partnership_id, person_id, kind, started_on, ended_on, school, year_group, days,
                                  reason, whereabouts, whereabouts_on, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [
      partnershipId,
      e.personId,
      e.kind,
      e.startedOn,
      e.endedOn,
      e.school,
      e.yearGroup,
      e.days,
      e.reason,
      e.whereabouts,
      e.whereaboutsOn,
      e.recordedBy,
    ],
  );
  return rows[0].id;
}

/** Where a child missing education was found to be; false when it was already established. */
export async function establishWhereabouts(
  db: Queryable,
  partnershipId: string,
  id: string,
  whereabouts: Whereabouts,
  on: string,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE education_event SET whereabouts = $3, whereabouts_on = $4, ended_on = coalesce(ended_on, $4)
      WHERE partnership_id = $1 AND id = $2 AND kind = 'missing_education' AND whereabouts IS NULL`,
    [partnershipId, id, whereabouts, on],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Events of some kinds starting in a period, or still open in it (for figures). */
export async function eventsInPeriod(
  db: Queryable,
  partnershipId: string,
  kinds: EducationKind[],
  from: string,
  to: string,
): Promise<
  Pick<EducationEvent, 'personId' | 'kind' | 'startedOn' | 'endedOn' | 'whereabouts' | 'whereaboutsOn'>[]
> {
  const { rows } = await db.query(
    `SELECT person_id AS "personId", kind, to_char(started_on, 'YYYY-MM-DD') AS "startedOn",
            to_char(ended_on, 'YYYY-MM-DD') AS "endedOn", whereabouts, to_char(whereabouts_on, 'YYYY-MM-DD') AS "whereaboutsOn"
       FROM education_event
      WHERE partnership_id = $1 AND kind = ANY($2::text[]) AND started_on <= $4::date
        AND (ended_on IS NULL OR ended_on >= $3::date)`,
    [partnershipId, kinds, from, to],
  );
  return rows;
}

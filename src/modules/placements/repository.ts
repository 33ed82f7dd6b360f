import type { Queryable } from '../../db/database.ts';
import type { PlacementKind } from './reference.ts';

export interface Placement {
  id: string;
  personId: string;
  kind: PlacementKind;
  provider: string;
  localAuthority: string;
  outOfArea: boolean;
  startedOn: string;
  endedOn: string | null;
  moveReason: string | null;
  endReason: string | null;
  recordedBy: string | null;
}

const SELECT = `SELECT pl.id, pl.person_id AS "personId", pl.kind, pl.provider, pl.local_authority AS "localAuthority",
       pl.out_of_area AS "outOfArea", to_char(pl.started_on, 'YYYY-MM-DD') AS "startedOn",
       to_char(pl.ended_on, 'YYYY-MM-DD') AS "endedOn", pl.move_reason AS "moveReason", pl.end_reason AS "endReason",
       u.display_name AS "recordedBy"
  FROM placement pl LEFT JOIN app_user u ON u.id = pl.recorded_by`;

/** A child's placements, newest first (the merged group's together). */
export async function placementsOf(
  db: Queryable,
  partnershipId: string,
  personId: string,
): Promise<Placement[]> {
  const { rows } = await db.query(
    `${SELECT} WHERE pl.partnership_id = $1 AND pl.person_id = ANY(ARRAY(SELECT g FROM person_group($2) g))
      ORDER BY pl.started_on DESC, pl.recorded_at DESC`,
    [partnershipId, personId],
  );
  return rows;
}

export async function findPlacement(
  db: Queryable,
  partnershipId: string,
  id: string,
): Promise<Placement | undefined> {
  const { rows } = await db.query(`${SELECT} WHERE pl.partnership_id = $1 AND pl.id = $2`, [
    partnershipId,
    id,
  ]);
  return rows[0];
}

/** Ends the child's current placement on the day the next one starts; returns it, if there was one. */
export async function endCurrent(
  db: Queryable,
  partnershipId: string,
  personId: string,
  endedOn: string,
  reason: string,
): Promise<{ id: string; startedOn: string } | undefined> {
  const { rows } = await db.query(
    `UPDATE placement SET ended_on = $3, end_reason = $4
      WHERE partnership_id = $1 AND person_id = $2 AND ended_on IS NULL
      RETURNING id, to_char(started_on, 'YYYY-MM-DD') AS "startedOn"`,
    [partnershipId, personId, endedOn, reason],
  );
  return rows[0];
}

export interface NewPlacement {
  personId: string;
  kind: PlacementKind;
  provider: string;
  localAuthority: string;
  outOfArea: boolean;
  startedOn: string;
  endedOn?: string | null;
  moveReason: string | null;
  endReason?: string | null;
  recordedBy: string | null;
}

export async function insertPlacement(
  db: Queryable,
  partnershipId: string,
  p: NewPlacement,
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO placement (partnership_id, person_id, kind, provider, local_authority, out_of_area, started_on,
                            ended_on, move_reason, end_reason, recorded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      partnershipId,
      p.personId,
      p.kind,
      p.provider,
      p.localAuthority,
      p.outOfArea,
      p.startedOn,
      p.endedOn ?? null,
      p.moveReason,
      p.endReason ?? null,
      p.recordedBy,
    ],
  );
  return rows[0].id;
}

export interface OutOfArea {
  personId: string;
  name: string;
  dateOfBirth: string | null;
  kind: PlacementKind;
  provider: string;
  localAuthority: string;
  startedOn: string;
}

/** Children placed outside the district now (or on a day), under 18 on that day. */
export async function placedOutOfArea(
  db: Queryable,
  partnershipId: string,
  on: string,
): Promise<OutOfArea[]> {
  const { rows } = await db.query(
    `SELECT p.id AS "personId", p.given_name || ' ' || p.family_name AS name,
            to_char(p.date_of_birth, 'YYYY-MM-DD') AS "dateOfBirth", pl.kind, pl.provider,
            pl.local_authority AS "localAuthority", to_char(pl.started_on, 'YYYY-MM-DD') AS "startedOn"
       FROM placement pl JOIN person p ON p.id = coalesce((SELECT m.merged_into FROM person m WHERE m.id = pl.person_id), pl.person_id)
      WHERE pl.partnership_id = $1 AND pl.out_of_area AND pl.started_on <= $2::date
        AND (pl.ended_on IS NULL OR pl.ended_on > $2::date)
        AND (p.date_of_birth IS NULL OR p.date_of_birth + interval '18 years' > $2::date)
      ORDER BY pl.local_authority, p.family_name, p.given_name`,
    [partnershipId, on],
  );
  return rows;
}

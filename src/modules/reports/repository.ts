import type { Queryable } from '../../db/database.ts';

export interface WardRow {
  code: string;
  name: string;
  under18Population: number;
}

export async function listWards(db: Queryable, partnershipId: string): Promise<WardRow[]> {
  const { rows } = await db.query(
    `SELECT code, name, under18_population AS "under18Population" FROM ward WHERE partnership_id = $1 ORDER BY name`,
    [partnershipId],
  );
  return rows;
}

/** Children (under 18 today) with a flag in force now, by the ward they live in. */
export async function childrenFlaggedNowByWard(
  db: Queryable,
  partnershipId: string,
): Promise<Map<string, number>> {
  const { rows } = await db.query(
    `SELECT p.ward_code AS "wardCode", count(DISTINCT p.id)::int AS children
       FROM flag_period f JOIN person p ON p.id = f.person_id
      WHERE f.partnership_id = $1 AND f.valid_to IS NULL AND p.merged_into IS NULL AND p.ward_code IS NOT NULL
        AND (p.date_of_birth IS NULL OR p.date_of_birth > current_date - interval '18 years')
      GROUP BY p.ward_code`,
    [partnershipId],
  );
  return new Map(rows.map((r: { wardCode: string; children: number }) => [r.wardCode, r.children]));
}

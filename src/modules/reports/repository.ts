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

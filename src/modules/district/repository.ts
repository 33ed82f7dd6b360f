import type { Queryable } from '../../db/database.ts';

/** The partnership itself: the first row of a demo district. */
export async function insertPartnership(db: Queryable, p: { id: string; code: string; name: string }) {
  await db.query('INSERT INTO partnership (id, code, name) VALUES ($1, $2, $3)', [p.id, p.code, p.name]);
}

export async function isEmpty(db: Queryable): Promise<boolean> {
  const { rows } = await db.query('SELECT count(*)::int AS n FROM partnership');
  return rows[0].n === 0;
}

export async function agencyIdByCode(db: Queryable, code: string): Promise<string> {
  const { rows } = await db.query('SELECT id FROM agency WHERE code = $1 ORDER BY id LIMIT 1', [code]);
  return rows[0]?.id;
}

/** The partnership's agencies' ids. */
export async function agencyIds(db: Queryable, partnershipId: string): Promise<string[]> {
  const { rows } = await db.query('SELECT id FROM agency WHERE partnership_id = $1', [partnershipId]);
  return rows.map((r: { id: string }) => r.id);
}

export async function insertWards(
  db: Queryable,
  partnershipId: string,
  wards: { code: string; name: string; population: number; boundary: unknown }[],
) {
  await db.query(
    `INSERT INTO ward (partnership_id, code, name, under18_population, boundary)
     SELECT $1, x.code, x.name, x.population, x.boundary
       FROM jsonb_to_recordset($2::jsonb) AS x(code text, name text, population int, boundary jsonb)`,
    [partnershipId, JSON.stringify(wards)],
  );
}

export async function insertPostcodes(
  db: Queryable,
  partnershipId: string,
  postcodes: { postcode: string; ward: string; latitude: number; longitude: number }[],
) {
  await db.query(
    `INSERT INTO postcode (partnership_id, postcode, ward_code, latitude, longitude)
     SELECT $1, x.postcode, x.ward, x.latitude, x.longitude
       FROM jsonb_to_recordset($2::jsonb) AS x(postcode text, ward text, latitude float8, longitude float8)`,
    [partnershipId, JSON.stringify(postcodes)],
  );
}

export async function insertAgencies(
  db: Queryable,
  partnershipId: string,
  agencies: { id: string; code: string; name: string; kind: string }[],
) {
  await db.query(
    `INSERT INTO agency (partnership_id, id, code, name, kind)
     SELECT $1, x.id, x.code, x.name, x.kind FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, code text, name text, kind text)`,
    [partnershipId, JSON.stringify(agencies)],
  );
}

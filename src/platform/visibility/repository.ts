import type { Queryable } from '../../db/database.ts';

/** Of these people, the ones that exist in the partnership (and, given an agency, that it knows). */
export async function visibleAmong(
  db: Queryable,
  partnershipId: string,
  personIds: string[],
  agencyId: string | undefined,
): Promise<string[]> {
  if (!personIds.length) return [];
  // Known to the agency directly or through anyone in the same merged group.
  const { rows } = await db.query({
    name: 'visibility-among',
    text: `SELECT p.id FROM person p
            WHERE p.partnership_id = $1 AND p.id = ANY($2::uuid[])
              AND ($3::uuid IS NULL OR EXISTS (
                    SELECT 1 FROM person_agency pa
                     WHERE pa.agency_id = $3
                       AND pa.person_id IN (SELECT person_group(coalesce(p.merged_into, p.id)))))`,
    values: [partnershipId, personIds, agencyId ?? null],
  });
  return rows.map((r: { id: string }) => r.id);
}

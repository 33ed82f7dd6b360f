import type { Queryable } from '../../db/database.ts';

/**
 * The one SQL form of "the person is known to the agency", for repositories that filter people in
 * their own queries: known directly or through anyone in the same merged group. `agencyParam` is
 * a placeholder like `$3`; NULL means no relationship limit.
 */
export function knownToAgencySql(personAlias: string, agencyParam: string): string {
  return `(${agencyParam}::uuid IS NULL OR EXISTS (SELECT 1 FROM person_agency pa
            WHERE pa.agency_id = ${agencyParam}
              AND pa.person_id = ANY(ARRAY(SELECT g FROM person_group(coalesce(${personAlias}.merged_into, ${personAlias}.id)) g))))`;
}

/** Of these people, the ones that exist in the partnership (and, given an agency, that it knows). */
export async function visibleAmong(
  db: Queryable,
  partnershipId: string,
  personIds: string[],
  agencyId: string | undefined,
): Promise<string[]> {
  if (!personIds.length) return [];
  // Known to the agency directly or through anyone in the same merged group.
  const { rows } = await db.query(
    `SELECT p.id FROM person p
      WHERE p.partnership_id = $1 AND p.id = ANY($2::uuid[]) AND ${knownToAgencySql('p', '$3')}`,
    [partnershipId, personIds, agencyId ?? null],
  );
  return rows.map((r: { id: string }) => r.id);
}

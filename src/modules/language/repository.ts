import type { Queryable } from '../../db/database.ts';

export async function recordFindings(
  db: Queryable,
  e: {
    partnershipId: string;
    userId: string;
    agencyId: string;
    recordKind: string;
    recordId: string;
    field: string;
    phraseIds: string[];
  },
): Promise<void> {
  if (!e.phraseIds.length) return;
  await db.query(
    `INSERT INTO language_check_event (partnership_id, phrase_id, record_kind, record_id, field, user_id, agency_id)
     SELECT $1, unnest($2::text[]), $3, $4, $5, $6, $7`,
    [e.partnershipId, e.phraseIds, e.recordKind, e.recordId, e.field, e.userId, e.agencyId],
  );
}

export async function countsByPhrase(db: Queryable, partnershipId: string, since: Date) {
  const { rows } = await db.query(
    `SELECT phrase_id AS "phraseId", count(*)::int AS count FROM language_check_event
      WHERE partnership_id = $1 AND occurred_at >= $2 GROUP BY phrase_id ORDER BY count DESC, phrase_id`,
    [partnershipId, since],
  );
  return rows as { phraseId: string; count: number }[];
}

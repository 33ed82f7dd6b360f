import type { Queryable } from '../../db/database.ts';

export interface AuditEventInput {
  partnershipId: string;
  actorUserId: string | null;
  actorUsername: string | null;
  actorRoles: string[];
  actorAgencyId: string | null;
  action: string;
  subjectPersonId?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
  requestId?: string | null;
}

export interface AuditEventRow {
  seq: number;
  occurredAt: Date;
  actorUsername: string | null;
  actorRoles: string[];
  agencyName: string | null;
  action: string;
  reason: string | null;
  details: Record<string, unknown>;
}

export async function insertEvent(db: Queryable, e: AuditEventInput): Promise<void> {
  await db.query(
    `INSERT INTO audit_event (partnership_id, actor_user_id, actor_username, actor_roles, actor_agency_id,
       action, subject_person_id, reason, details, request_id, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', '')`,
    [
      e.partnershipId,
      e.actorUserId,
      e.actorUsername,
      e.actorRoles,
      e.actorAgencyId,
      e.action,
      e.subjectPersonId ?? null,
      e.reason ?? null,
      JSON.stringify(e.details ?? {}),
      e.requestId ?? null,
    ],
  );
}

export async function eventsForPerson(
  db: Queryable,
  partnershipId: string,
  personId: string,
  limit: number,
): Promise<AuditEventRow[]> {
  const { rows } = await db.query(
    `SELECT e.seq, e.occurred_at AS "occurredAt", e.actor_username AS "actorUsername",
            e.actor_roles AS "actorRoles", a.name AS "agencyName", e.action, e.reason, e.details
       FROM audit_event e LEFT JOIN agency a ON a.id = e.actor_agency_id
      WHERE e.partnership_id = $1 AND e.subject_person_id IN (SELECT person_group($2))
      ORDER BY e.seq DESC LIMIT $3`,
    [partnershipId, personId, limit],
  );
  return rows;
}

export interface ChainBreak {
  seq: number;
  partnershipId: string;
  problem: 'altered' | 'chain-broken';
}

/** The first event whose stored hash or link does not match what its contents and predecessor say. */
export async function firstChainBreak(db: Queryable): Promise<ChainBreak | undefined> {
  const { rows } = await db.query(
    `SELECT seq, partnership_id AS "partnershipId",
            CASE WHEN hash <> expected THEN 'altered' ELSE 'chain-broken' END AS problem
       FROM (SELECT e.seq, e.partnership_id, e.hash, e.prev_hash, audit_event_digest(e) AS expected,
                    coalesce(lag(e.hash) OVER (PARTITION BY e.partnership_id ORDER BY e.seq), repeat('0', 64)) AS prev
               FROM audit_event e) chained
      WHERE hash <> expected OR prev_hash <> prev
      ORDER BY seq LIMIT 1`,
  );
  return rows[0];
}

export async function chainSummary(db: Queryable): Promise<{ events: number; head: string | null }> {
  const { rows } = await db.query(
    `SELECT count(*)::int AS events, (SELECT hash FROM audit_event ORDER BY seq DESC LIMIT 1) AS head
       FROM audit_event`,
  );
  return rows[0];
}

import type pg from 'pg';
import type { Queryable } from '../../db/database.ts';
import { HASHED_COLUMNS, type StoredEvent } from './chain.ts';

export interface AuditEventInput {
  partnershipId: string;
  actorUserId: string | null;
  actorUsername: string | null;
  actorRoles: string[];
  actorAgencyId: string | null;
  action: string;
  subjectPersonId?: string | null;
  listedPersonIds?: string[] | null;
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
  /** True when the person was only shown in a list (a queue, search results), not opened. */
  listed: boolean;
}

const EVENT_COLUMNS = `partnership_id, actor_user_id, actor_username, actor_roles, actor_agency_id, action,
  subject_person_id, listed_person_ids, reason, details, request_id`;

function eventValues(e: AuditEventInput): unknown[] {
  return [
    e.partnershipId,
    e.actorUserId,
    e.actorUsername,
    e.actorRoles,
    e.actorAgencyId,
    e.action,
    e.subjectPersonId ?? null,
    e.listedPersonIds?.length ? e.listedPersonIds : null,
    e.reason ?? null,
    JSON.stringify(e.details ?? {}),
    e.requestId ?? null,
  ];
}

/** Appends an event. No lock, no read of other events: the sealer chains it after commit. */
export async function insertEvent(db: Queryable, e: AuditEventInput): Promise<void> {
  await db.query(
    `INSERT INTO audit_event (${EVENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    eventValues(e),
  );
}

/**
 * A read and the record of it in one statement: the event is written only when the read finds
 * something, and both happen or neither does. One round trip instead of a transaction's four.
 */
export async function readAndRecord<T>(
  db: Queryable,
  read: { text: string; values: unknown[] },
  e: AuditEventInput,
): Promise<T[]> {
  const n = read.values.length;
  const casts = ['uuid', 'uuid', 'text', 'text[]', 'uuid', 'text', 'uuid', 'uuid[]', 'text', 'jsonb', 'text'];
  const params = casts.map((cast, i) => `$${n + i + 1}::${cast}`).join(', ');
  const { rows } = await db.query(
    `WITH found AS (${read.text}),
          recorded AS (INSERT INTO audit_event (${EVENT_COLUMNS})
                       SELECT ${params} WHERE EXISTS (SELECT 1 FROM found))
     SELECT * FROM found`,
    [...read.values, ...eventValues(e)],
  );
  return rows;
}

export async function eventsForPerson(
  db: Queryable,
  partnershipId: string,
  personId: string,
  limit: number,
): Promise<AuditEventRow[]> {
  const { rows } = await db.query(
    // Two index scans (the events about the person, and the lists that showed them), newest first.
    `WITH grp AS (SELECT ARRAY(SELECT g FROM person_group($2) g) AS ids),
          events AS (
            (SELECT e.* FROM audit_event e, grp WHERE e.partnership_id = $1 AND e.subject_person_id = ANY(grp.ids)
              ORDER BY e.seq DESC LIMIT $3)
            UNION
            (SELECT e.* FROM audit_event e, grp WHERE e.partnership_id = $1 AND e.listed_person_ids && grp.ids
              ORDER BY e.seq DESC LIMIT $3))
     SELECT e.seq, e.occurred_at AS "occurredAt", e.actor_username AS "actorUsername",
            e.actor_roles AS "actorRoles", a.name AS "agencyName", e.action, e.reason, e.details,
            e.subject_person_id IS NULL AS listed
       FROM events e LEFT JOIN agency a ON a.id = e.actor_agency_id
      ORDER BY e.seq DESC LIMIT $3`,
    [partnershipId, personId, limit],
  );
  return rows;
}

// ---- Sealing and verification read every hashed field as PostgreSQL's text, never parsed.

const RAW: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value } as pg.CustomTypesConfig;

/** Fixes the text form of timestamps for hashing; call first inside the transaction. */
export async function useHashingFormats(c: Queryable): Promise<void> {
  await c.query("SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'");
}

/** Only one sealer at a time per partnership (others skip this round). */
export async function trySealerLock(c: Queryable, partnershipId: string): Promise<boolean> {
  const { rows } = await c.query('SELECT pg_try_advisory_xact_lock(7204002, hashtext($1)) AS ok', [
    partnershipId,
  ]);
  return rows[0].ok;
}

export async function chainHead(
  c: Queryable,
  partnershipId: string,
): Promise<{ position: number; hash: string } | undefined> {
  const { rows } = await c.query(
    'SELECT position, hash FROM audit_seal WHERE partnership_id = $1 ORDER BY position DESC LIMIT 1',
    [partnershipId],
  );
  return rows[0];
}

/** Committed events waiting for a seal, oldest first. */
export async function pendingEvents(
  c: Queryable,
  partnershipId: string,
  limit: number,
): Promise<StoredEvent[]> {
  const { rows } = await c.query({
    text: `SELECT ${HASHED_COLUMNS} FROM audit_pending p JOIN audit_event e ON e.seq = p.seq
            WHERE p.partnership_id = $1 ORDER BY p.seq LIMIT $2`,
    values: [partnershipId, limit],
    types: RAW,
  });
  return rows;
}

export async function insertSeals(
  c: Queryable,
  partnershipId: string,
  seals: { position: number; seq: string; prevHash: string; hash: string }[],
): Promise<void> {
  await c.query(
    `INSERT INTO audit_seal (partnership_id, position, event_seq, prev_hash, hash)
     SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::text[], $5::text[])`,
    [
      partnershipId,
      seals.map((s) => s.position),
      seals.map((s) => s.seq),
      seals.map((s) => s.prevHash),
      seals.map((s) => s.hash),
    ],
  );
  await c.query('DELETE FROM audit_pending WHERE seq = ANY($1::bigint[])', [seals.map((s) => s.seq)]);
}

export interface PartnershipRow {
  id: string;
  code: string;
}

export async function partnerships(c: Queryable): Promise<PartnershipRow[]> {
  const { rows } = await c.query('SELECT id::text, code FROM partnership ORDER BY code');
  return rows;
}

export interface ChainRow extends Partial<StoredEvent> {
  position: string;
  event_seq: string;
  prev_hash: string;
  hash: string;
  /** Null when the sealed event is no longer in audit_event. */
  event_found: string | null;
}

/** One page of a partnership's chain, in chain order, with each sealed event's stored fields. */
export async function chainPage(
  c: Queryable,
  partnershipId: string,
  afterPosition: number,
  limit: number,
): Promise<ChainRow[]> {
  const { rows } = await c.query({
    text: `SELECT s.position, s.event_seq, s.prev_hash, s.hash, e.seq AS event_found, ${HASHED_COLUMNS}
             FROM audit_seal s LEFT JOIN audit_event e ON e.seq = s.event_seq
            WHERE s.partnership_id = $1 AND s.position > $2
            ORDER BY s.position LIMIT $3`,
    values: [partnershipId, afterPosition, limit],
    types: RAW,
  });
  return rows;
}

/** Events of a partnership that have no seal, and whether each is still queued for one. */
export async function unsealedEvents(
  c: Queryable,
  partnershipId: string,
): Promise<{ seq: number; pending: boolean; ageSeconds: number }[]> {
  const { rows } = await c.query(
    `SELECT e.seq, p.seq IS NOT NULL AS pending, extract(epoch FROM now() - e.occurred_at)::float AS "ageSeconds"
       FROM audit_event e LEFT JOIN audit_pending p ON p.seq = e.seq
      WHERE e.partnership_id = $1
        AND NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.event_seq = e.seq)
      ORDER BY e.seq`,
    [partnershipId],
  );
  return rows;
}

export async function eventCount(c: Queryable, partnershipId: string): Promise<number> {
  const { rows } = await c.query('SELECT count(*)::int AS n FROM audit_event WHERE partnership_id = $1', [
    partnershipId,
  ]);
  return rows[0].n;
}

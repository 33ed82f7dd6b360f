import { createHash } from 'node:crypto';

/**
 * The hash chain, computed in Node — never by a database function, which a database administrator
 * could replace. Every stored field is hashed in its text form as PostgreSQL outputs it (with the
 * session's TimeZone UTC and DateStyle ISO), so nothing depends on how JavaScript would parse it.
 */

/** The stored fields of one event, each as text or null, exactly as read. */
export interface StoredEvent {
  seq: string;
  partnership_id: string;
  occurred_at: string;
  actor_user_id: string | null;
  actor_username: string | null;
  actor_roles: string | null;
  actor_agency_id: string | null;
  action: string;
  subject_person_id: string | null;
  listed_person_ids: string | null;
  reason: string | null;
  details: string;
  request_id: string | null;
}

/** The fields, in the fixed order they are hashed. Adding one is a new chain format (a new version). */
export const HASHED_FIELDS: readonly (keyof StoredEvent)[] = [
  'seq',
  'partnership_id',
  'occurred_at',
  'actor_user_id',
  'actor_username',
  'actor_roles',
  'actor_agency_id',
  'action',
  'subject_person_id',
  'listed_person_ids',
  'reason',
  'details',
  'request_id',
];

export const GENESIS = '0'.repeat(64);
const FORMAT = 'lantern-audit-v2';

/** sha256 over the format, the chain position, the previous hash and every field (JSON-quoted). */
export function eventHash(position: number, prevHash: string, event: StoredEvent): string {
  const parts = [FORMAT, String(position), prevHash, ...HASHED_FIELDS.map((f) => event[f])];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** The columns to read for hashing, all as text: the query must run with TimeZone UTC, DateStyle ISO. */
export const HASHED_COLUMNS = HASHED_FIELDS.map((f) => `e.${f}::text AS ${f}`).join(', ');

/** A chain head as kept outside the database: "POSITION HASH". */
export interface Head {
  position: number;
  hash: string;
}

export function formatHead(head: Head): string {
  return `${head.position} ${head.hash}`;
}

export function parseHead(text: string): Head | undefined {
  const match = /^\s*(\d+)\s+([0-9a-f]{64})\s*$/i.exec(text);
  if (!match) return undefined;
  return { position: Number(match[1]), hash: match[2].toLowerCase() };
}

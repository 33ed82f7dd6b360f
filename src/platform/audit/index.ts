import type { Queryable } from '../../db/database.ts';
import type { Actor } from '../access.ts';
import * as repo from './repository.ts';

export type { AuditEventRow, ChainBreak } from './repository.ts';

export interface AuditEntry {
  action: string;
  subjectPersonId?: string | null;
  reason?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Records what the actor did. Pass the transaction's client so the event commits or rolls back
 * with the change it describes.
 */
export function audit(db: Queryable, actor: Actor, entry: AuditEntry): Promise<void> {
  return repo.insertEvent(db, {
    partnershipId: actor.partnershipId,
    actorUserId: actor.userId,
    actorUsername: actor.username,
    actorRoles: actor.roles,
    actorAgencyId: actor.agencyId,
    requestId: actor.requestId ?? null,
    ...entry,
  });
}

/** Events the system records itself (seeding, sign-in attempts on known accounts). */
export function auditSystem(
  db: Queryable,
  partnershipId: string,
  entry: AuditEntry & {
    actorUserId?: string;
    actorUsername?: string;
    actorAgencyId?: string;
    actorRoles?: string[];
  },
): Promise<void> {
  return repo.insertEvent(db, {
    partnershipId,
    actorUserId: entry.actorUserId ?? null,
    actorUsername: entry.actorUsername ?? 'system',
    actorRoles: entry.actorRoles ?? [],
    actorAgencyId: entry.actorAgencyId ?? null,
    action: entry.action,
    subjectPersonId: entry.subjectPersonId,
    reason: entry.reason,
    details: entry.details,
  });
}

export const accessLogFor = repo.eventsForPerson;

export interface VerifyResult {
  ok: boolean;
  events: number;
  head: string | null;
  firstBad?: repo.ChainBreak;
}

/** Recomputes every event's hash and link; reports the first one that does not hold. */
export async function verifyAuditChain(db: Queryable): Promise<VerifyResult> {
  const [firstBad, summary] = await Promise.all([repo.firstChainBreak(db), repo.chainSummary(db)]);
  return { ok: !firstBad, ...summary, firstBad };
}

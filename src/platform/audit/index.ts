import { appendFile } from 'node:fs/promises';
import type { Database, Queryable, Scope } from '../../db/database.ts';
import type { Actor } from '../access.ts';
import { defineModule } from '../module.ts';
import { eventHash, formatHead, GENESIS, type Head } from './chain.ts';
import * as repo from './repository.ts';

export type { Head } from './chain.ts';
export { formatHead, parseHead } from './chain.ts';
export type { AuditEventRow } from './repository.ts';

export interface AuditEntry {
  action: string;
  subjectPersonId?: string | null;
  /** People shown in a list (not opened): each one's access log shows the list. */
  listedPersonIds?: string[];
  reason?: string | null;
  details?: Record<string, unknown>;
}

/** Views of each person already recorded in this request (kept on the request's own actor). */
const viewsThisRequest = new WeakMap<Actor, Set<string>>();
const VIEW = /[._]viewed$/;

/**
 * Records what the actor did. Pass the transaction's client so the event commits or rolls back
 * with the change it describes. One request that shows a person in several parts (their page:
 * details, flags, records, open work) is one view of them: after the first, further views of the
 * same person in the same request are not recorded again.
 */
export function audit(db: Queryable, actor: Actor, entry: AuditEntry): Promise<void> {
  if (actor.requestId && entry.subjectPersonId && VIEW.test(entry.action)) {
    const views = viewsThisRequest.get(actor);
    if (views?.has(entry.subjectPersonId)) return Promise.resolve();
    if (views) views.add(entry.subjectPersonId);
    else viewsThisRequest.set(actor, new Set([entry.subjectPersonId]));
  }
  return repo.insertEvent(db, eventOf(actor, entry));
}

/** Events the system records itself (seeding, sign-in attempts on known accounts, operators). */
export function auditSystem(
  db: Queryable,
  partnershipId: string,
  entry: AuditEntry & {
    actorUserId?: string;
    actorUsername?: string;
    actorAgencyId?: string;
    actorRoles?: string[];
    requestId?: string;
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
    listedPersonIds: entry.listedPersonIds,
    reason: entry.reason,
    details: entry.details,
    requestId: entry.requestId ?? null,
  });
}

export const accessLogFor = repo.eventsForPerson;

function eventOf(actor: Actor, entry: AuditEntry): repo.AuditEventInput {
  return {
    partnershipId: actor.partnershipId,
    actorUserId: actor.userId,
    actorUsername: actor.username,
    actorRoles: actor.roles,
    actorAgencyId: actor.agencyId,
    requestId: actor.requestId ?? null,
    ...entry,
  };
}

/**
 * Reads about a person and records that view in one statement (the event only when the read
 * finds something). For a read whose query already applies the visibility rule.
 */
export async function auditedRead<T>(
  db: Queryable,
  actor: Actor,
  entry: AuditEntry & { subjectPersonId: string },
  read: { text: string; values: unknown[] },
): Promise<T[]> {
  const views = viewsThisRequest.get(actor);
  if (views?.has(entry.subjectPersonId)) return (await db.query(read.text, read.values)).rows as T[];
  const rows = await repo.readAndRecord<T>(db, read, eventOf(actor, entry));
  if (rows.length && actor.requestId && VIEW.test(entry.action)) {
    if (!views) viewsThisRequest.set(actor, new Set([entry.subjectPersonId]));
    else views.add(entry.subjectPersonId);
  }
  return rows;
}

/** How many events one sealing transaction takes at most. */
const SEAL_BATCH = 5000;

/**
 * Gives committed events their place in the partnership's chain and their hash, oldest first.
 * Order and hash are fixed here, after the requests' transactions committed, so no request waits
 * on another. Returns how many were sealed (0 when another sealer holds the partnership).
 */
export async function sealPartnership(scope: Pick<Scope, 'tx'>, partnershipId: string): Promise<number> {
  let total = 0;
  for (;;) {
    const sealed = await scope.tx(async (c) => {
      if (!(await repo.trySealerLock(c, partnershipId))) return -1;
      await repo.useHashingFormats(c);
      const events = await repo.pendingEvents(c, partnershipId, SEAL_BATCH);
      if (!events.length) return 0;
      const head = await repo.chainHead(c, partnershipId);
      let position = head?.position ?? 0;
      let prevHash = head?.hash ?? GENESIS;
      const seals = events.map((event) => {
        position += 1;
        const hash = eventHash(position, prevHash, event);
        const seal = { position, seq: event.seq, prevHash, hash };
        prevHash = hash;
        return seal;
      });
      await repo.insertSeals(c, partnershipId, seals);
      return seals.length;
    });
    if (sealed <= 0) return total;
    total += sealed;
    if (sealed < SEAL_BATCH) return total;
  }
}

/** Seals every partnership's waiting events (for the owner connection: operators and tests). */
export async function sealAll(db: Pick<Database, 'pool' | 'for'>): Promise<number> {
  let total = 0;
  for (const p of await repo.partnerships(db.pool))
    total += await sealPartnership(db.for({ partnershipId: p.id }), p.id);
  return total;
}

/**
 * The service's sealer: every `intervalMs`, seals what each partnership has waiting. Several web
 * processes may run one; the per-partnership lock lets one seal at a time and the others skip.
 */
export function startSealer(
  db: Pick<Database, 'pool' | 'for'>,
  opts: { intervalMs?: number; onError?: (error: unknown) => void } = {},
): { stop(): Promise<void>; sealNow(): Promise<number> } {
  let running: Promise<number> | undefined;
  let stopped = false;
  const round = () => {
    running ??= sealAll(db)
      .catch((error) => {
        opts.onError?.(error);
        return 0;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void round();
  }, opts.intervalMs ?? 250);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
    sealNow: round,
  };
}

export type ChainProblemKind =
  | 'altered'
  | 'chain-broken'
  | 'gap'
  | 'event-missing'
  | 'not-sealed'
  | 'head-missing'
  | 'head-differs';

export interface ChainProblem {
  partnership: string;
  kind: ChainProblemKind;
  /** Chain position, where the problem has one. */
  position?: number;
  /** The event's own number (audit_event.seq), where known. */
  seq?: number;
  detail: string;
}

export interface PartnershipChain {
  id: string;
  code: string;
  events: number;
  head: Head | null;
}

export interface VerifyReport {
  ok: boolean;
  chains: PartnershipChain[];
  /** How many problems in all; `problems` holds the first ones (up to `keep`). */
  problemCount: number;
  problems: ChainProblem[];
  /** Events committed while verifying, not yet sealed (not a problem). */
  awaitingSeal: number;
}

/** Events not yet sealed this long after they happened are a problem, not a delay. */
const SEAL_GRACE_SECONDS = 300;

/**
 * Walks every partnership's chain in Node, recomputing each hash from the stored fields; checks
 * positions have no gaps, every event is sealed exactly where its hash says, and (given heads kept
 * outside the database) that each head is still there unchanged. Reports every problem.
 */
export async function verifyAuditTrail(
  db: { pool: Scope },
  opts: { heads?: Map<string, Head>; keep?: number; partnership?: string } = {},
): Promise<VerifyReport> {
  const keep = opts.keep ?? 10;
  const problems: ChainProblem[] = [];
  let problemCount = 0;
  let awaitingSeal = 0;
  const report = (p: ChainProblem) => {
    problemCount += 1;
    if (problems.length < keep) problems.push(p);
  };
  const chains: PartnershipChain[] = [];
  const all = await repo.partnerships(db.pool);
  for (const p of all.filter(
    (x) => !opts.partnership || x.code === opts.partnership || x.id === opts.partnership,
  )) {
    await db.pool.tx(async (c) => {
      await repo.useHashingFormats(c);
      let expected = 1;
      let prevHash = GENESIS;
      let last: Head | null = null;
      const anchored = opts.heads?.get(p.id) ?? opts.heads?.get(p.code);
      let anchorSeen = false;
      for (;;) {
        const page = await repo.chainPage(c, p.id, expected - 1, 10_000);
        if (!page.length) break;
        for (const row of page) {
          const position = Number(row.position);
          if (position !== expected) {
            report({
              partnership: p.code,
              kind: 'gap',
              position: expected,
              detail: `positions ${expected}–${position - 1} of the chain are missing (seals removed)`,
            });
            expected = position;
          }
          if (row.prev_hash !== prevHash) {
            report({
              partnership: p.code,
              kind: 'chain-broken',
              position,
              seq: Number(row.event_seq),
              detail: 'its link to the event before does not hold (an earlier seal was altered or removed)',
            });
          }
          if (row.event_found === null) {
            report({
              partnership: p.code,
              kind: 'event-missing',
              position,
              seq: Number(row.event_seq),
              detail: 'the sealed event is no longer in the audit trail (deleted)',
            });
          } else if (
            row.partnership_id !== p.id ||
            eventHash(position, row.prev_hash, row as unknown as Parameters<typeof eventHash>[2]) !== row.hash
          ) {
            report({
              partnership: p.code,
              kind: 'altered',
              position,
              seq: Number(row.event_seq),
              detail: 'its contents (or its seal) were altered after it was sealed',
            });
          }
          if (anchored && anchored.position === position) {
            anchorSeen = true;
            if (anchored.hash !== row.hash)
              report({
                partnership: p.code,
                kind: 'head-differs',
                position,
                seq: Number(row.event_seq),
                detail: `the head kept outside the database says ${anchored.hash.slice(0, 12)}…, the chain says ${row.hash.slice(0, 12)}… (rewritten)`,
              });
          }
          prevHash = row.hash;
          last = { position, hash: row.hash };
          expected = position + 1;
        }
      }
      if (anchored && !anchorSeen) {
        report({
          partnership: p.code,
          kind: 'head-missing',
          position: anchored.position,
          detail: `the head kept outside the database (position ${anchored.position}) is not in the chain, which ends at ${last?.position ?? 0} (events removed from the end, or the trail truncated)`,
        });
      }
      for (const u of await repo.unsealedEvents(c, p.id)) {
        if (u.pending && u.ageSeconds < SEAL_GRACE_SECONDS) {
          awaitingSeal += 1;
          continue;
        }
        report({
          partnership: p.code,
          kind: 'not-sealed',
          seq: u.seq,
          detail: u.pending
            ? `recorded ${Math.round(u.ageSeconds)} s ago and still not sealed (is the service's sealer running?)`
            : 'not in the chain and not waiting to be sealed (taken out of the sealing queue)',
        });
      }
      chains.push({ id: p.id, code: p.code, events: await repo.eventCount(c, p.id), head: last });
    });
  }
  return { ok: problemCount === 0, chains, problemCount, problems, awaitingSeal };
}

/** Each partnership's current head: the newest sealed position and its hash. */
export async function auditHeads(db: Pick<Database, 'pool' | 'for'>): Promise<PartnershipChain[]> {
  const out: PartnershipChain[] = [];
  for (const p of await repo.partnerships(db.pool)) {
    const scope = db.for({ partnershipId: p.id });
    const head = await repo.chainHead(scope, p.id);
    out.push({ id: p.id, code: p.code, events: await repo.eventCount(scope, p.id), head: head ?? null });
  }
  return out;
}

/**
 * Appends each partnership's head to a local log (one line: time, partnership, POSITION HASH) when
 * it has moved, so a copy of the chain's end is kept outside the database for `audit verify --head`.
 */
export function anchorer(db: Pick<Database, 'pool' | 'for'>, file: string) {
  const written = new Map<string, string>();
  return async function anchor(): Promise<number> {
    let lines = '';
    for (const chain of await auditHeads(db)) {
      if (!chain.head) continue;
      const head = formatHead(chain.head);
      if (written.get(chain.id) === head) continue;
      written.set(chain.id, head);
      lines += `${new Date().toISOString()} ${chain.code} ${head}\n`;
    }
    if (lines) await appendFile(file, lines, { mode: 0o600 });
    return lines.split('\n').length - 1;
  };
}

/** The newest head per partnership code in an anchor log written by `anchorer`. */
export function readAnchors(text: string): Map<string, Head> {
  const heads = new Map<string, Head>();
  for (const line of text.split('\n')) {
    const m = /^\S+\s+(\S+)\s+(\d+)\s+([0-9a-f]{64})\s*$/.exec(line);
    if (m) heads.set(m[1], { position: Number(m[2]), hash: m[3] });
  }
  return heads;
}

/**
 * The audit trail's own part of the platform: every 5 minutes each partnership's head is appended
 * to the anchor log (decision 003). Sealing itself is not a queued job: it runs every 250 ms in
 * every web process (startSealer), since a queue's polling would make it lag.
 */
export const auditModule = defineModule({
  name: 'audit',
  service: (ctx) => {
    const file = ctx.config.auditAnchorFile;
    return { anchor: file ? anchorer(ctx.db, file) : async () => 0 };
  },
  jobs: [
    {
      name: 'audit.anchor-heads',
      schedule: '*/5 * * * *',
      run: async (audit) => {
        await audit.anchor();
      },
    },
  ],
});

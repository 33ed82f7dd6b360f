import { createHash } from 'node:crypto';
import pg from 'pg';

// Dates (no time) are calendar facts: keep them as 'YYYY-MM-DD' strings, never shift them by time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// bigint counts fit comfortably in a JS number for this system's sizes.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** Anything a repository can run SQL on: a scope, a pool or a transaction's client. */
export interface Queryable {
  query: pg.ClientBase['query'];
}

/**
 * Connections that see one partnership's rows only. Row-level security reads the partnership from
 * the connection's `lantern.partnership_id` setting, fixed when the connection is opened, so a
 * query that forgets its partnership filter still cannot see another partnership's data.
 */
export interface Scope extends Queryable {
  readonly partnershipId: string | null;
  /** Runs fn in one transaction: commit on success, roll back on any error. */
  tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
}

export interface Database {
  /** The connection string these pools use. */
  readonly url: string;
  /**
   * Connections with no partnership. For the service's login, row-level security hides every
   * partnership's data from them except the identity tables needed to find who is signing in.
   */
  readonly pool: Scope;
  tx: Scope['tx'];
  /** The scope of an actor's (or a job's) partnership. */
  for(who: { partnershipId: string }): Scope;
  /** Pools' health, for /health and the bench. */
  stats(): { total: number; idle: number; waiting: number };
  /** True when the database answers a trivial query now. */
  ping(): Promise<boolean>;
  /**
   * Hears PostgreSQL NOTIFY on a channel, over one connection kept for listening (reconnected by
   * itself). `onState(true)` once listening, `onState(false)` whenever notifications may have
   * been missed (the connection dropped): a cache must not trust itself then.
   */
  listen(channel: string, onNotify: (payload: string) => void, onState: (listening: boolean) => void): void;
  close(): Promise<void>;
}

/** The group role that holds the service's privileges (granted by the migrations). */
export const APP_ROLE = 'lantern_app';
/** The login the service connects as: member of APP_ROLE only, never superuser or owner. */
export const SERVICE_LOGIN = 'lantern_service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** SQLSTATEs and socket errors that mean "the database is not there right now". */
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down, recovering)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300', // too_many_connections
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** The database cannot be reached (or went away mid-request): the service answers 503, not 500. */
export class DatabaseUnavailableError extends Error {
  readonly status = 503;
  constructor(cause: unknown) {
    super('The database is not available', { cause });
  }
}

export function isUnavailable(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  const e = error as { code?: string; message?: string; syscall?: string } | undefined;
  if (!e) return false;
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  // A Unix socket that is not there: the embedded cluster is stopped (its socket file goes with it).
  if (e.code === 'ENOENT' && e.syscall === 'connect') return true;
  // pg's own words when a connection ends under it or cannot be made in time.
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(
    e.message ?? '',
  );
}

/** Rethrows "database away" errors as DatabaseUnavailableError; everything else unchanged. */
function translate(error: unknown): never {
  if (isUnavailable(error) && !(error instanceof DatabaseUnavailableError))
    throw new DatabaseUnavailableError(error);
  throw error;
}

/**
 * Every parameterised statement becomes a named prepared statement (named by a hash of its text),
 * and the service's connections use its generic plan (plan_cache_mode=force_generic_plan): each
 * connection parses and plans a statement once instead of on every call, which was most of a
 * short query's database time. A statement whose best plan depends on the values (a LIKE prefix,
 * trigram thresholds) starts with CUSTOM_PLAN and stays unnamed, so it is planned with them.
 * Statements without parameters may hold several commands, so they stay simple.
 */
export const CUSTOM_PLAN = '/* custom-plan */';
const names = new Map<string, string>();
function prepared(args: unknown[]): unknown[] {
  const [first, values] = args;
  if (typeof first === 'string') {
    if (!Array.isArray(values) || args.length > 2 || first.startsWith(CUSTOM_PLAN)) return args;
    return [{ name: nameOf(first), text: first, values }];
  }
  if (first && typeof first === 'object' && !('name' in first) && 'text' in first) {
    const config = first as pg.QueryConfig;
    if (
      !config.values?.length ||
      (config as { types?: unknown }).types ||
      config.text.startsWith(CUSTOM_PLAN)
    )
      return args;
    return [{ ...config, name: nameOf(config.text) }, ...args.slice(1)];
  }
  return args;
}
function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `q${createHash('sha1').update(text).digest('base64url').slice(0, 20)}`;
    if (names.size < 10_000) names.set(text, name);
  }
  return name;
}

/** The connections `tx` hands out, each for one transaction only (see `inTransaction`). */
const transactions = new WeakSet<Queryable>();

/** Whether `c` is one transaction's connection: what is read through it holds until that transaction ends. */
export function inTransaction(c: Queryable): boolean {
  return transactions.has(c);
}

const held = new WeakSet<pg.ClientBase>();
/**
 * Each statement would otherwise be its own write to the socket, a system call that also wakes
 * PostgreSQL: a person page's dozen statements were a dozen writes, ~11% of the service's main
 * thread in a profile under load (decision 011). Held until the loop's check phase, everything
 * sent to a pipelined connection in this turn leaves in one write, and PostgreSQL reads it at
 * once: on a shared connection, what this request and others sent; on a transaction's, BEGIN with
 * the first statement, and the pieces of a change sent side by side.
 */
function holdUntilNextTurn(client: pg.ClientBase): void {
  if (held.has(client)) return;
  const stream = (
    client as unknown as { connection: { stream: NodeJS.WritableStream & { cork(): void; uncork(): void } } }
  ).connection.stream;
  stream.cork();
  held.add(client);
  setImmediate(() => {
    held.delete(client);
    stream.uncork();
  });
}

/**
 * Runs independent pieces of one transaction side by side, so their statements share writes and
 * round trips, and settles only when every one has: none may still be sending statements when the
 * transaction commits or rolls back. The first failure, in the order given, is thrown.
 */
export async function sideBySide<T extends readonly unknown[]>(
  ...work: { [K in keyof T]: Promise<T[K]> }
): Promise<T> {
  const settled = await Promise.allSettled(work);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** The transaction's client as repositories see it: queries prepared as above. */
function preparing(client: pg.PoolClient): pg.PoolClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'query')
        return (...args: unknown[]) => {
          holdUntilNextTurn(target);
          return (target.query as (...a: unknown[]) => unknown)(...prepared(args));
        };
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export interface OpenOptions {
  /** Connections per partnership pool (and for the partnership-less pool). */
  max?: number;
  /** Pipelined connections per partnership for statements outside a transaction (SharedConnections). */
  shared?: number;
  applicationName?: string;
}

interface SharedSlot {
  client: pg.Client;
  /** When each statement in flight was sent, oldest first (a pipeline answers in order). */
  sent: number[];
  ready: Promise<void>;
}

/** Statements queued on one connection before another is opened beside it. */
const PIPELINE_DEPTH = 16;
/** A connection whose oldest statement has run this long is busy with something slow: avoid it. */
const STALLED_MS = 25;

/**
 * Statements outside a transaction (each its own unit: a read, or one statement that writes and
 * audits together) share a few connections in pg's pipeline mode instead of each taking a pooled
 * connection for one round trip. Under load PostgreSQL then reads many statements from its socket
 * at once and answers them together, instead of being woken for each: on this project's 2-core
 * machine that halved the database's CPU per person page (decision 011). A statement joins the
 * connection with the fewest in flight; another connection opens (up to `size`) when that one has
 * PIPELINE_DEPTH waiting or is stuck behind a slow statement. Every statement keeps its own Sync,
 * so it commits or fails alone, exactly as before. A connection that breaks fails only the
 * statements in flight on it; the next statement opens a new one.
 */
class SharedConnections {
  private slots: SharedSlot[] = [];
  constructor(
    private readonly config: pg.ClientConfig,
    private readonly size: number,
  ) {}

  query(args: unknown[]): Promise<unknown> {
    const slot = this.pick();
    slot.sent.push(performance.now());
    return slot.ready
      .then(() => {
        holdUntilNextTurn(slot.client);
        return (slot.client.query as (...a: unknown[]) => Promise<unknown>)(...args);
      })
      .finally(() => {
        slot.sent.shift();
      });
  }

  private pick(): SharedSlot {
    const now = performance.now();
    let best: SharedSlot | undefined;
    let any: SharedSlot | undefined;
    for (const slot of this.slots) {
      if (!any || slot.sent.length < any.sent.length) any = slot;
      const stalled = slot.sent.length > 0 && now - slot.sent[0] > STALLED_MS;
      if (!stalled && (!best || slot.sent.length < best.sent.length)) best = slot;
    }
    if (best && best.sent.length < PIPELINE_DEPTH) return best;
    if (this.slots.length < this.size) return this.open();
    return (best ?? any) as SharedSlot;
  }

  private open(): SharedSlot {
    const client = new pg.Client({ ...this.config, pipeline: true } as pg.ClientConfig);
    const slot: SharedSlot = { client, sent: [], ready: Promise.resolve() };
    const drop = () => {
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots.splice(at, 1);
      client.end().catch(() => undefined);
    };
    // A connection that dies must not crash the process: its statements reject on their own.
    client.on('error', drop);
    client.on('end', drop);
    slot.ready = client.connect().then(
      () => undefined,
      (error) => {
        drop();
        throw error;
      },
    );
    this.slots.push(slot);
    return slot;
  }

  stats() {
    return { total: this.slots.length, idle: this.slots.filter((s) => s.sent.length === 0).length };
  }

  async close(): Promise<void> {
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.client.end().catch(() => undefined)));
  }
}

export function openDatabase(url: string, options: OpenOptions = {}): Database {
  const pools = new Map<string, pg.Pool>();
  let closed = false;

  const sharedBy = new Map<string, SharedConnections>();

  function configFor(partnershipId: string | null): pg.ClientConfig {
    if (partnershipId !== null && !UUID.test(partnershipId)) throw new Error('not a partnership id');
    return {
      connectionString: url,
      application_name: options.applicationName ?? 'lantern',
      connectionTimeoutMillis: 5000,
      // Fixed at connection start: the connection's partnership for row-level security, and
      // prepared statements' plans made once (see `prepared`).
      options: `-c plan_cache_mode=force_generic_plan${partnershipId ? ` -c lantern.partnership_id=${partnershipId}` : ''}`,
    };
  }

  function poolFor(partnershipId: string | null): pg.Pool {
    if (closed) throw new Error('The database connections were closed');
    const key = partnershipId ?? '';
    let pool = pools.get(key);
    if (pool) return pool;
    pool = new pg.Pool({
      ...configFor(partnershipId),
      pipeline: true,
      max: options.max ?? 10,
      idleTimeoutMillis: 30_000,
    } as pg.PoolConfig);
    // A broken idle connection must not crash the process; the pool replaces it.
    pool.on('error', () => undefined);
    pools.set(key, pool);
    sharedBy.set(key, new SharedConnections(configFor(partnershipId), options.shared ?? 2));
    return pool;
  }

  function scope(partnershipId: string | null): Scope {
    const pool = poolFor(partnershipId);
    const shared = sharedBy.get(partnershipId ?? '') as SharedConnections;
    return {
      partnershipId,
      query: ((...args: unknown[]) => {
        if (closed) return Promise.reject(new Error('The database connections were closed'));
        return shared.query(prepared(args)).catch(translate);
      }) as Scope['query'],
      async tx(fn) {
        const client = await pool.connect().catch(translate);
        // A connection that dies while checked out emits 'error'; without a listener the process
        // would crash. The failed query rejects on its own, so the event itself needs no action.
        let broken = false;
        const onError = () => {
          broken = true;
        };
        client.on('error', onError);
        try {
          const c = preparing(client);
          // BEGIN goes out with the transaction's first statement, not a round trip of its own.
          const began = c.query('BEGIN');
          began.catch(() => undefined);
          transactions.add(c);
          const result = await fn(c);
          await began;
          // Nothing else goes with COMMIT: it leaves at once rather than waiting for the turn's end.
          await client.query('COMMIT');
          return result;
        } catch (error) {
          if (!broken) await client.query('ROLLBACK').catch(() => undefined);
          return translate(error);
        } finally {
          client.removeListener('error', onError);
          // A connection that failed is not given back for reuse.
          client.release(broken || undefined);
        }
      },
    };
  }

  const scopes = new Map<string, Scope>();
  const system = scope(null);

  const listeners = new Map<
    string,
    { onNotify: (payload: string) => void; onState: (ok: boolean) => void }[]
  >();
  let listener: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const allStates = (ok: boolean) => {
    for (const subs of listeners.values()) for (const s of subs) s.onState(ok);
  };
  async function connectListener(delayMs = 0): Promise<void> {
    if (closed || listener) return;
    const client = new pg.Client({
      connectionString: url,
      application_name: `${options.applicationName ?? 'lantern'}-listen`,
      connectionTimeoutMillis: 5000,
    });
    listener = client;
    const lost = () => {
      if (listener !== client) return;
      listener = undefined;
      allStates(false);
      client.end().catch(() => undefined);
      if (!closed)
        retry = setTimeout(() => void connectListener(), Math.min(Math.max(delayMs * 2, 250), 5000));
      retry?.unref();
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (n) => {
      for (const s of listeners.get(n.channel) ?? []) s.onNotify(n.payload ?? '');
    });
    try {
      await client.connect();
      for (const channel of listeners.keys())
        await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
      allStates(true);
    } catch {
      lost();
    }
  }
  return {
    url,
    pool: system,
    tx: system.tx,
    for(who) {
      let found = scopes.get(who.partnershipId);
      if (!found) {
        found = scope(who.partnershipId);
        scopes.set(who.partnershipId, found);
      }
      return found;
    },
    listen(channel, onNotify, onState) {
      const subs = listeners.get(channel) ?? [];
      subs.push({ onNotify, onState });
      const fresh = !listeners.has(channel);
      listeners.set(channel, subs);
      onState(false);
      if (!listener) void connectListener();
      else if (fresh) {
        // Already connected: listen on this channel too (until then, the subscriber distrusts itself).
        listener
          .query(`LISTEN ${listener.escapeIdentifier(channel)}`)
          .then(() => onState(true))
          .catch(() => undefined);
      } else onState(true);
    },
    async ping() {
      try {
        await system.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    stats() {
      let total = 0;
      let idle = 0;
      let waiting = 0;
      for (const p of pools.values()) {
        total += p.totalCount;
        idle += p.idleCount;
        waiting += p.waitingCount;
      }
      for (const s of sharedBy.values()) {
        const counts = s.stats();
        total += counts.total;
        idle += counts.idle;
      }
      return { total, idle, waiting };
    },
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const l = listener;
      listener = undefined;
      await l?.end().catch(() => undefined);
      await Promise.all([
        ...[...pools.values()].map((p) => p.end().catch(() => undefined)),
        ...[...sharedBy.values()].map((s) => s.close()),
      ]);
      pools.clear();
      sharedBy.clear();
      scopes.clear();
    },
  };
}

/** Replaces the database name in a connection string. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Replaces the user and password in a connection string. */
export function withLogin(url: string, user: string, password: string | undefined): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = password ? encodeURIComponent(password) : '';
  return parsed.toString();
}

/** Creates the database if it does not exist (connecting to the server's maintenance database). */
export async function ensureDatabase(url: string): Promise<void> {
  const name = decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

import PgBoss from 'pg-boss';
import type { Queryable } from '../../db/database.ts';
import * as repo from './repository.ts';

export type { FailedJob, JobSummary } from './repository.ts';

/** The job queue's schema in PostgreSQL (pg-boss's tables). */
export const JOBS_SCHEMA = 'pgboss';

/**
 * A piece of background or scheduled work. Names are `<module>.<what>`; a schedule is a cron
 * expression in UTC. A failed run is retried with back-off; when the retries are used up the job
 * stays "failed", where administrators see it (Jobs page, `lantern jobs`).
 */
export interface JobDefinition {
  name: string;
  schedule?: string;
  retryLimit?: number;
  /** Seconds before the first retry; doubled each time with `retryBackoff`. */
  retryDelay?: number;
  retryBackoff?: boolean;
  /** Seconds a run may take before it is treated as failed. */
  expireInSeconds?: number;
  run(data: Record<string, unknown>): Promise<void>;
}

/** A module's job, bound to its service when the app is wired. */
export interface ModuleJob<S> extends Omit<JobDefinition, 'run'> {
  run(service: S, data: Record<string, unknown>): Promise<void>;
}

export interface Jobs {
  /**
   * Enqueues a job inside the caller's transaction (the outbox): it exists if, and only if, the
   * change it belongs to commits; it runs after the commit.
   */
  sendInTransaction(c: Queryable, name: string, data?: Record<string, unknown>): Promise<void>;
  send(name: string, data?: Record<string, unknown>): Promise<string | null>;
  /** Each queue's counts by state, and its newest failures. */
  summary(): Promise<repo.JobSummary[]>;
  failed(limit?: number): Promise<repo.FailedJob[]>;
  /** Starts the workers and schedules (once per process). */
  start(definitions: JobDefinition[]): Promise<void>;
  stop(): Promise<void>;
}

/** Jobs fetched at once by a worker. */
const BATCH = 20;

const defaults = (d: Omit<JobDefinition, 'run'>) => ({
  retryLimit: d.retryLimit ?? 3,
  retryDelay: d.retryDelay ?? 30,
  retryBackoff: d.retryBackoff ?? true,
  expireInSeconds: d.expireInSeconds ?? 15 * 60,
});

/**
 * Creates pg-boss's schema and the queues, as the database owner: pg-boss keeps each queue in a
 * partition table of its own, which only the owner may create. Then gives the service's role what
 * it needs to send, fetch and finish jobs, and nothing more.
 */
export async function installJobs(
  ownerUrl: string,
  definitions: Omit<JobDefinition, 'run'>[],
): Promise<void> {
  const boss = new PgBoss({
    connectionString: ownerUrl,
    schema: JOBS_SCHEMA,
    supervise: false,
    schedule: false,
  });
  boss.on('error', () => undefined);
  await boss.start();
  try {
    for (const d of definitions) {
      const options = { name: d.name, ...defaults(d) };
      if (await boss.getQueue(d.name)) await boss.updateQueue(d.name, options);
      else await boss.createQueue(d.name, options);
    }
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
  await repo.grantToService(ownerUrl, JOBS_SCHEMA);
}

/**
 * The service's job queue, connected as the service's own login. Jobs are always written through
 * Lantern's own connections (a transaction's client, or the pool), so sending needs no second pool;
 * pg-boss's own connections only fetch and finish jobs in the processes that run workers.
 */
export function createJobs(
  url: string,
  pool: Queryable,
  opts: { onError?: (error: unknown) => void } = {},
): Jobs {
  // Never started: used only to build pg-boss's job rows, written through the given executor.
  const writer = new PgBoss({ connectionString: url, schema: JOBS_SCHEMA, migrate: false });
  let boss: PgBoss | undefined;
  const executor = (c: Queryable) => ({
    executeSql: (text: string, values: unknown[]) => c.query(text, values),
  });
  const send = async (c: Queryable, name: string, data: Record<string, unknown>) =>
    writer.send(name, data, { db: executor(c) } as PgBoss.SendOptions);
  return {
    async sendInTransaction(c, name, data = {}) {
      await send(c, name, data);
    },
    send: (name, data = {}) => send(pool, name, data),
    summary: () => repo.summary(url, JOBS_SCHEMA),
    failed: (limit = 50) => repo.failed(url, JOBS_SCHEMA, limit),
    async start(definitions) {
      boss = new PgBoss({
        connectionString: url,
        schema: JOBS_SCHEMA,
        migrate: false,
        application_name: 'lantern-jobs',
        max: 4,
      });
      boss.on('error', (error) => opts.onError?.(error));
      await boss.start();
      for (const d of definitions) {
        // A batch per fetch, each job finished on its own: pg-boss waits a polling interval between
        // fetches, so one job per fetch would cap a queue at one job every two seconds per process.
        const b = boss;
        await b.work(d.name, { pollingIntervalSeconds: 2, batchSize: BATCH }, async (batch) => {
          for (const job of batch) {
            try {
              await d.run((job.data ?? {}) as Record<string, unknown>);
            } catch (error) {
              // Only this job fails (and is retried); the rest of the batch completes.
              await b.fail(d.name, job.id, {
                message: error instanceof Error ? error.message : String(error),
              });
            }
          }
        });
        // Every process may set the schedule; pg-boss keeps one per name and runs it once.
        if (d.schedule) await boss.schedule(d.name, d.schedule, {}, { tz: 'UTC' });
        else await boss.unschedule(d.name).catch(() => undefined);
      }
    },
    async stop() {
      const b = boss;
      boss = undefined;
      await b?.stop({ graceful: true, timeout: 5000, wait: true });
    },
  };
}

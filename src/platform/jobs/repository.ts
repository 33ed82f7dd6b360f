import pg from 'pg';
import { APP_ROLE } from '../../db/database.ts';

export interface JobSummary {
  name: string;
  created: number;
  retry: number;
  active: number;
  completed: number;
  failed: number;
  /** When the queue last finished a job. */
  lastCompletedOn: Date | null;
}

export interface FailedJob {
  id: string;
  name: string;
  retryCount: number;
  createdOn: Date;
  completedOn: Date | null;
  /** The error's message as the job recorded it (jobs carry ids, never personal data). */
  error: string | null;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'lantern-jobs-admin' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** What the service's role needs on the queue's tables (including partitions made later). */
export async function grantToService(ownerUrl: string, schema: string): Promise<void> {
  await withClient(ownerUrl, async (c) => {
    const s = c.escapeIdentifier(schema);
    await c.query(`GRANT USAGE ON SCHEMA ${s} TO ${APP_ROLE}`);
    await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${s} TO ${APP_ROLE}`);
    await c.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${APP_ROLE}`);
    await c.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${s} TO ${APP_ROLE}`);
    await c.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA ${s} GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE}`,
    );
  });
}

export function summary(url: string, schema: string): Promise<JobSummary[]> {
  return withClient(url, async (c) => {
    const s = c.escapeIdentifier(schema);
    const { rows } = await c.query(
      `SELECT q.name,
              count(*) FILTER (WHERE j.state = 'created')::int AS created,
              count(*) FILTER (WHERE j.state = 'retry')::int AS retry,
              count(*) FILTER (WHERE j.state = 'active')::int AS active,
              count(*) FILTER (WHERE j.state = 'completed')::int AS completed,
              count(*) FILTER (WHERE j.state = 'failed')::int AS failed,
              max(j.completed_on) FILTER (WHERE j.state = 'completed') AS "lastCompletedOn"
         FROM ${s}.queue q LEFT JOIN ${s}.job j ON j.name = q.name
        WHERE q.name NOT LIKE '\\_\\_%'
        GROUP BY q.name ORDER BY q.name`,
    );
    return rows;
  });
}

export function failed(url: string, schema: string, limit: number): Promise<FailedJob[]> {
  return withClient(url, async (c) => {
    const s = c.escapeIdentifier(schema);
    const { rows } = await c.query(
      `SELECT id, name, retry_count AS "retryCount", created_on AS "createdOn", completed_on AS "completedOn",
              coalesce(output->>'message', output::text) AS error
         FROM ${s}.job WHERE state = 'failed' ORDER BY completed_on DESC NULLS LAST LIMIT $1`,
      [limit],
    );
    return rows;
  });
}

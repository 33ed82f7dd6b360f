import pg from 'pg';
import { copyRows } from './copy.ts';

/** One client of the owner's, for a script's single transaction (seeding, imports). */
export interface ScriptClient {
  query: pg.Client['query'];
  copy(table: string, columns: string[], rows: Iterable<unknown[]>): Promise<void>;
}

/** Runs fn in one transaction on a fresh client: commit on success, roll back on any error. */
export async function inOneTransaction<T>(url: string, fn: (c: ScriptClient) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    const result = await fn({
      query: client.query.bind(client) as pg.Client['query'],
      copy: (table, columns, rows) => copyRows(client, table, columns, rows),
    });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** Refreshes the planner's statistics (after a bulk load). */
export async function analyze(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

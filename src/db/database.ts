import pg from 'pg';

// Dates (no time) are calendar facts: keep them as 'YYYY-MM-DD' strings, never shift them by time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// bigint counts fit comfortably in a JS number for this system's sizes.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Queryable = pg.Pool | pg.PoolClient | pg.Client;

export interface Database {
  pool: pg.Pool;
  /** Runs fn in one transaction: commit on success, roll back on any error. */
  tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** The role every application query runs as: it cannot alter or remove audit events. */
export const APP_ROLE = 'lantern_app';

export function openDatabase(url: string, options: { appRole?: boolean; max?: number } = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: 'lantern',
    // The role is a start-up parameter: a connection that cannot take it fails, never runs as owner.
    options: options.appRole === false ? undefined : `-c role=${APP_ROLE}`,
  });
  // A broken idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return {
    pool,
    async tx(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Replaces the database name in a connection string. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
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

import pg from 'pg';
import type { Queryable } from './database.ts';
import { withDatabase } from './database.ts';

/**
 * What operators and the test runner do to a PostgreSQL server as a whole: create and drop
 * databases, wipe a schema. Kept here so SQL stays in src/db and repositories.
 */

/** Runs fn with one short-lived client on url (not a pool: a command's single piece of work). */
export async function withClient<T>(url: string, fn: (client: Queryable) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const maintenance = (serverUrl: string) => withDatabase(serverUrl, 'postgres');

/** Creates a fresh database (dropping one of that name first): empty, or a copy of a template. */
export async function recreateDatabase(serverUrl: string, name: string, template?: string): Promise<void> {
  await withClient(maintenance(serverUrl), async (c) => {
    const id = pg.escapeIdentifier(name);
    await c.query(`DROP DATABASE IF EXISTS ${id} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${id}${template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : ''}`);
  });
}

/** Drops every database whose name starts with prefix, ending their connections. */
export async function dropDatabasesStartingWith(serverUrl: string, prefix: string): Promise<void> {
  await withClient(maintenance(serverUrl), async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [prefix],
    );
    for (const { datname } of rows)
      await c
        .query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`)
        .catch(() => undefined);
  });
}

/** Wipes everything in the database's public schema (seed --reset): the owner's URL only. */
export async function wipePublicSchema(ownerUrl: string): Promise<void> {
  await withClient(ownerUrl, (c) => c.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public'));
}

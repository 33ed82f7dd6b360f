import { createHmac } from 'node:crypto';
import pg from 'pg';
import { APP_ROLE, SERVICE_LOGIN } from './database.ts';

/**
 * The service login's password when Lantern manages the login itself: derived from the session
 * secret, so every web process of an installation (all of which share that secret) can connect
 * without another secret to distribute.
 */
export function serviceLoginPassword(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('lantern database service login').digest('base64url');
}

/**
 * Makes (or refreshes) the service's database login: a member of the privilege role and nothing
 * else — not superuser, not owner, no role creation, no RLS bypass. Roles belong to the whole
 * cluster, so another database's migration may be doing the same at the same moment: retried.
 */
export async function ensureServiceLogin(ownerUrl: string, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const options = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT PASSWORD ${client.escapeLiteral(password)}`;
    for (let attempt = 1; ; attempt++) {
      try {
        const exists = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [SERVICE_LOGIN]);
        await client.query(
          exists.rowCount
            ? `ALTER ROLE ${SERVICE_LOGIN} WITH ${options}`
            : `CREATE ROLE ${SERVICE_LOGIN} WITH ${options}`,
        );
        await client.query(`GRANT ${APP_ROLE} TO ${SERVICE_LOGIN}`);
        return;
      } catch (error) {
        const e = error as { code?: string; message?: string };
        const race = e.code === '23505' || e.code === '42710' || /concurrently/.test(e.message ?? '');
        if (!race || attempt >= 5) throw error;
        await new Promise((r) => setTimeout(r, 20 * attempt));
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * The database-level part: the service role may connect, and nobody may create temporary objects
 * (with TEMPORARY, anyone could create functions in pg_temp). Not copied by CREATE DATABASE …
 * TEMPLATE, so each database needs it.
 */
export async function secureDatabase(ownerUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const db = client.escapeIdentifier(
      (await client.query<{ d: string }>('SELECT current_database() AS d')).rows[0].d,
    );
    await client.query(`REVOKE TEMPORARY ON DATABASE ${db} FROM PUBLIC`);
    await client.query(`GRANT CONNECT ON DATABASE ${db} TO ${APP_ROLE}`);
  } finally {
    await client.end();
  }
}

/** Both: what `lantern migrate` and the service's start do after the migrations. */
export async function prepareServiceLogin(ownerUrl: string, password: string): Promise<void> {
  await ensureServiceLogin(ownerUrl, password);
  await secureDatabase(ownerUrl);
}

export class PrivilegedLoginError extends Error {}

/**
 * Refuses a service login that could escape its privileges: a superuser, a role that can create
 * roles or bypass row-level security, the owner of the database or of any table, or one that can
 * SET ROLE to any of those.
 */
export async function assertLeastPrivilege(appUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: appUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ problem: string }>(
      `WITH me AS (SELECT oid FROM pg_roles WHERE rolname = current_user),
            reachable AS (SELECT r.* FROM pg_roles r, me WHERE pg_has_role(me.oid, r.oid, 'MEMBER'))
       SELECT 'is or can become the superuser ' || rolname AS problem FROM reachable WHERE rolsuper
       UNION ALL SELECT 'can create roles as ' || rolname FROM reachable WHERE rolcreaterole
       UNION ALL SELECT 'can bypass row-level security as ' || rolname FROM reachable WHERE rolbypassrls
       UNION ALL SELECT 'owns or can become the owner of the database'
         FROM pg_database d WHERE d.datname = current_database()
          AND d.datdba IN (SELECT oid FROM reachable)
       UNION ALL SELECT 'owns or can become the owner of table ' || c.relname
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relowner IN (SELECT oid FROM reachable)`,
    );
    if (rows.length) {
      throw new PrivilegedLoginError(
        `The service's database login is too powerful: it ${rows
          .slice(0, 3)
          .map((r) => r.problem)
          .join(
            '; ',
          )}. Give the service a login that is only a member of ${APP_ROLE} (see docs/operations.md).`,
      );
    }
  } finally {
    await client.end();
  }
}

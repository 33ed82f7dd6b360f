import type { Queryable } from '../../db/database.ts';
import type { Actor, AgencyKind, Role } from '../../platform/access.ts';

const ACTOR_COLUMNS = `u.id AS "userId", u.username, u.display_name AS "displayName", u.roles,
  u.agency_id AS "agencyId", a.name AS "agencyName", a.kind AS "agencyKind", u.partnership_id AS "partnershipId"`;

export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
  agencyId: string;
  agencyName: string;
  roles: Role[];
  active: boolean;
  version: number;
}

export interface Credentials {
  id: string;
  partnershipId: string;
  passwordHash: string;
  active: boolean;
  agencyId: string;
  roles: Role[];
  username: string;
}

export interface Throttle {
  failures: number;
  lastFailureAt: Date;
  lockedUntil: Date | null;
}

export async function findCredentials(db: Queryable, username: string): Promise<Credentials | undefined> {
  const { rows } = await db.query(
    `SELECT id, partnership_id AS "partnershipId", password_hash AS "passwordHash", active,
            agency_id AS "agencyId", roles, username
       FROM app_user WHERE lower(username) = lower($1)`,
    [username],
  );
  return rows[0];
}

export async function findThrottle(db: Queryable, keyHash: string): Promise<Throttle | undefined> {
  const { rows } = await db.query(
    `SELECT failures, last_failure_at AS "lastFailureAt", locked_until AS "lockedUntil"
       FROM sign_in_throttle WHERE key_hash = $1`,
    [keyHash],
  );
  return rows[0];
}

export async function recordFailure(db: Queryable, keyHash: string, lockAfter: number, lockMinutes: number) {
  const { rows } = await db.query(
    `INSERT INTO sign_in_throttle (key_hash, failures, last_failure_at) VALUES ($1, 1, now())
     ON CONFLICT (key_hash) DO UPDATE SET failures = sign_in_throttle.failures + 1, last_failure_at = now(),
       locked_until = CASE WHEN sign_in_throttle.failures + 1 >= $2
                           THEN now() + make_interval(mins => $3) ELSE NULL END
     RETURNING failures, locked_until AS "lockedUntil"`,
    [keyHash, lockAfter, lockMinutes],
  );
  return rows[0] as { failures: number; lockedUntil: Date | null };
}

export async function clearThrottle(db: Queryable, keyHash: string): Promise<void> {
  await db.query('DELETE FROM sign_in_throttle WHERE key_hash = $1', [keyHash]);
}

export async function createSession(
  db: Queryable,
  s: { idHash: string; userId: string; partnershipId: string; absoluteSeconds: number },
): Promise<void> {
  await db.query(
    `INSERT INTO user_session (id_hash, user_id, partnership_id, absolute_expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
    [s.idHash, s.userId, s.partnershipId, s.absoluteSeconds],
  );
}

export interface SessionRow {
  actor: Actor;
  idleSecondsUsed: number;
  absoluteExpired: boolean;
  active: boolean;
}

export async function findSession(db: Queryable, idHash: string): Promise<SessionRow | undefined> {
  const { rows } = await db.query(
    `SELECT ${ACTOR_COLUMNS}, u.active,
            extract(epoch FROM now() - s.last_seen_at)::float AS "idleSecondsUsed",
            s.absolute_expires_at <= now() AS "absoluteExpired"
       FROM user_session s JOIN app_user u ON u.id = s.user_id JOIN agency a ON a.id = u.agency_id
      WHERE s.id_hash = $1`,
    [idHash],
  );
  const row = rows[0];
  if (!row) return undefined;
  const { idleSecondsUsed, absoluteExpired, active, ...actor } = row;
  return { actor, idleSecondsUsed, absoluteExpired, active };
}

export async function touchSession(db: Queryable, idHash: string): Promise<void> {
  await db.query('UPDATE user_session SET last_seen_at = now() WHERE id_hash = $1', [idHash]);
}

export async function deleteSession(db: Queryable, idHash: string): Promise<void> {
  await db.query('DELETE FROM user_session WHERE id_hash = $1', [idHash]);
}

export async function deleteSessionsOfUser(db: Queryable, userId: string): Promise<void> {
  await db.query('DELETE FROM user_session WHERE user_id = $1', [userId]);
}

export async function deleteExpiredSessions(db: Queryable, idleSeconds: number): Promise<number> {
  const result = await db.query(
    `DELETE FROM user_session
      WHERE absolute_expires_at <= now() OR last_seen_at <= now() - make_interval(secs => $1)`,
    [idleSeconds],
  );
  return result.rowCount ?? 0;
}

export async function findActorByToken(db: Queryable, tokenHash: string): Promise<Actor | undefined> {
  const { rows } = await db.query(
    `UPDATE api_token t SET last_used_at = now()
       FROM app_user u JOIN agency a ON a.id = u.agency_id
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.id = t.user_id AND u.active
      RETURNING ${ACTOR_COLUMNS}`,
    [tokenHash],
  );
  return rows[0];
}

export async function insertToken(
  db: Queryable,
  t: { partnershipId: string; userId: string; name: string; tokenHash: string },
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO api_token (partnership_id, user_id, name, token_hash) VALUES ($1, $2, $3, $4) RETURNING id`,
    [t.partnershipId, t.userId, t.name, t.tokenHash],
  );
  return rows[0].id;
}

export async function revokeTokenAnywhere(db: Queryable, tokenId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(tokenId)) return undefined;
  const { rows } = await db.query(
    `UPDATE api_token SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1
     RETURNING user_id AS "userId", partnership_id AS "partnershipId"`,
    [tokenId],
  );
  return rows[0] as { userId: string; partnershipId: string } | undefined;
}

export interface TokenRecord {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export async function tokensOfUser(db: Queryable, userId: string): Promise<TokenRecord[]> {
  const { rows } = await db.query(
    `SELECT id, name, created_at AS "createdAt", last_used_at AS "lastUsedAt", revoked_at AS "revokedAt"
       FROM api_token WHERE user_id = $1 ORDER BY created_at DESC`,
    [userId],
  );
  return rows;
}

export async function revokeToken(db: Queryable, partnershipId: string, tokenId: string) {
  const { rows } = await db.query(
    `UPDATE api_token SET revoked_at = coalesce(revoked_at, now())
      WHERE partnership_id = $1 AND id = $2 RETURNING user_id AS "userId"`,
    [partnershipId, tokenId],
  );
  return rows[0] as { userId: string } | undefined;
}

const USER_COLUMNS = `u.id, u.username, u.display_name AS "displayName", u.email, u.agency_id AS "agencyId",
  a.name AS "agencyName", u.roles, u.active, u.version`;

export async function listUsers(db: Queryable, partnershipId: string): Promise<UserRecord[]> {
  const { rows } = await db.query(
    `SELECT ${USER_COLUMNS} FROM app_user u JOIN agency a ON a.id = u.agency_id
      WHERE u.partnership_id = $1 ORDER BY lower(u.display_name)`,
    [partnershipId],
  );
  return rows;
}

export async function findUser(
  db: Queryable,
  partnershipId: string,
  id: string,
): Promise<UserRecord | undefined> {
  const { rows } = await db.query(
    `SELECT ${USER_COLUMNS} FROM app_user u JOIN agency a ON a.id = u.agency_id
      WHERE u.partnership_id = $1 AND u.id = $2`,
    [partnershipId, id],
  );
  return rows[0];
}

export interface UserWrite {
  username: string;
  displayName: string;
  email: string | null;
  agencyId: string;
  roles: Role[];
}

export async function insertUser(
  db: Queryable,
  partnershipId: string,
  u: UserWrite & { passwordHash: string },
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO app_user (partnership_id, username, display_name, email, agency_id, roles, password_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [partnershipId, u.username, u.displayName, u.email, u.agencyId, u.roles, u.passwordHash],
  );
  return rows[0].id;
}

/** Updates only when the version still matches; returns false when someone else changed it first. */
export async function updateUser(
  db: Queryable,
  partnershipId: string,
  id: string,
  version: number,
  u: Omit<UserWrite, 'username'> & { active: boolean },
): Promise<boolean> {
  const result = await db.query(
    `UPDATE app_user SET display_name = $4, email = $5, agency_id = $6, roles = $7, active = $8,
            updated_at = now(), version = version + 1
      WHERE partnership_id = $1 AND id = $2 AND version = $3`,
    [partnershipId, id, version, u.displayName, u.email, u.agencyId, u.roles, u.active],
  );
  return result.rowCount === 1;
}

export async function setPassword(db: Queryable, partnershipId: string, id: string, hash: string) {
  await db.query(
    'UPDATE app_user SET password_hash = $3, updated_at = now() WHERE partnership_id = $1 AND id = $2',
    [partnershipId, id, hash],
  );
}

export interface AgencyRecord {
  id: string;
  code: string;
  name: string;
  kind: AgencyKind;
}

export async function listAgencies(db: Queryable, partnershipId: string): Promise<AgencyRecord[]> {
  const { rows } = await db.query(
    'SELECT id, code, name, kind FROM agency WHERE partnership_id = $1 ORDER BY name',
    [partnershipId],
  );
  return rows;
}

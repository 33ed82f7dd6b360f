import type { Queryable } from '../../db/database.ts';
import type { Actor, AgencyKind, Role } from '../../platform/access.ts';
import type { SignInGroupStatus, ThrottleKind } from './reference.ts';

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
  mustChangePassword: boolean;
}

export interface Credentials {
  id: string;
  partnershipId: string;
  passwordHash: string;
  active: boolean;
  agencyId: string;
  roles: Role[];
  username: string;
  /** Signs in through the identity provider only (its leavers and MFA then apply). */
  providerLinked: boolean;
}

/**
 * Tells every web process that who-is-who changed (a token revoked, a user changed, a session
 * ended), so their caches forget. Delivered when the calling transaction commits.
 */
export const IDENTITY_CHANNEL = 'lantern_identity';
export async function notifyIdentityChanged(db: Queryable, what: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [IDENTITY_CHANNEL, what]);
}

/** By the normalised username key (see usernameKey): the one lookup sign-in makes. */
export async function findCredentials(db: Queryable, usernameKey: string): Promise<Credentials | undefined> {
  const { rows } = await db.query(
    `SELECT id, partnership_id AS "partnershipId", password_hash AS "passwordHash", active,
            agency_id AS "agencyId", roles, username, provider_subject IS NOT NULL AS "providerLinked"
       FROM app_user WHERE username_key = $1`,
    [usernameKey],
  );
  return rows[0];
}

export interface ThrottleRule {
  kind: ThrottleKind;
  /** Failures after which each further try waits (doubling from 1 s, at most 60 s); null: never. */
  backoffAfter: number | null;
  lockAfter: number;
  lockMinutes: number;
  /** A count older than this starts again from nothing; null: it never lapses. */
  windowSeconds: number | null;
}

/**
 * Takes one try from the key's budget before the password is checked, in one statement: the row
 * lock makes concurrent attempts queue, so N attempts take N tries and none gets past a backoff or
 * lock that an earlier one set. Returns the tries used, or undefined when throttled (nothing taken).
 */
export async function takeAttempt(
  db: Queryable,
  keyHash: string,
  rule: ThrottleRule,
): Promise<number | undefined> {
  const { rows } = await db.query(
    `INSERT INTO sign_in_throttle AS t (key_hash, kind, failures, last_failure_at, locked_until)
     VALUES ($1, $2, 1, now(), CASE WHEN 1 >= $4 THEN now() + make_interval(mins => $5) END)
     ON CONFLICT (key_hash) DO UPDATE SET
       failures = CASE WHEN $6::int IS NOT NULL AND t.last_failure_at < now() - make_interval(secs => $6) THEN 1 ELSE t.failures + 1 END,
       last_failure_at = now(),
       locked_until = CASE
         WHEN (CASE WHEN $6::int IS NOT NULL AND t.last_failure_at < now() - make_interval(secs => $6) THEN 1 ELSE t.failures + 1 END) >= $4
         THEN now() + make_interval(mins => $5) END
     WHERE (t.locked_until IS NULL OR t.locked_until <= now())
       AND ($3::int IS NULL OR t.failures < $3
            OR ($6::int IS NOT NULL AND t.last_failure_at < now() - make_interval(secs => $6))
            OR t.last_failure_at + make_interval(secs => least(power(2, t.failures - $3), 60)) <= now())
     RETURNING failures`,
    [keyHash, rule.kind, rule.backoffAfter, rule.lockAfter, rule.lockMinutes, rule.windowSeconds],
  );
  return rows[0]?.failures;
}

/** Gives back a try taken for an attempt that was never checked (the other key refused it). */
export async function returnAttempt(db: Queryable, keyHash: string): Promise<void> {
  await db.query('UPDATE sign_in_throttle SET failures = greatest(failures - 1, 0) WHERE key_hash = $1', [
    keyHash,
  ]);
}

export async function clearThrottle(db: Queryable, keyHash: string): Promise<void> {
  await db.query('DELETE FROM sign_in_throttle WHERE key_hash = $1', [keyHash]);
}

export async function createSession(
  db: Queryable,
  s: {
    idHash: string;
    userId: string;
    partnershipId: string;
    absoluteSeconds: number;
    providerIdToken?: string | null;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO user_session (id_hash, user_id, partnership_id, absolute_expires_at, provider_id_token)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4), $5)`,
    [s.idHash, s.userId, s.partnershipId, s.absoluteSeconds, s.providerIdToken ?? null],
  );
}

export interface SessionRow {
  actor: Actor;
  idleSecondsUsed: number;
  absoluteExpired: boolean;
  absoluteSecondsLeft: number;
  active: boolean;
}

export async function findSession(db: Queryable, idHash: string): Promise<SessionRow | undefined> {
  const { rows } = await db.query({
    name: 'accounts-session-actor',
    text: `SELECT ${ACTOR_COLUMNS}, u.active, u.must_change_password AS "mustChangePassword",
                  extract(epoch FROM now() - s.last_seen_at)::float AS "idleSecondsUsed",
                  extract(epoch FROM s.absolute_expires_at - now())::float AS "absoluteSecondsLeft"
             FROM user_session s JOIN app_user u ON u.id = s.user_id JOIN agency a ON a.id = u.agency_id
            WHERE s.id_hash = $1`,
    values: [idHash],
  });
  const row = rows[0];
  if (!row) return undefined;
  const { idleSecondsUsed, absoluteSecondsLeft, active, ...actor } = row;
  return { actor, idleSecondsUsed, absoluteExpired: absoluteSecondsLeft <= 0, absoluteSecondsLeft, active };
}

export async function touchSession(db: Queryable, idHash: string): Promise<void> {
  await db.query({
    name: 'accounts-session-touch',
    text: 'UPDATE user_session SET last_seen_at = now() WHERE id_hash = $1',
    values: [idHash],
  });
}

/** Ends a session; says which provider ID token it was opened with (to end that session too). */
export async function deleteSession(
  db: Queryable,
  idHash: string,
): Promise<{ providerIdToken: string | null } | undefined> {
  const { rows } = await db.query(
    'DELETE FROM user_session WHERE id_hash = $1 RETURNING provider_id_token AS "providerIdToken"',
    [idHash],
  );
  return rows[0];
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

/** The token's user, and how long ago the token was last marked as used. */
export async function findActorByToken(
  db: Queryable,
  tokenHash: string,
): Promise<{ actor: Actor; tokenId: string; usedSecondsAgo: number | null } | undefined> {
  const { rows } = await db.query({
    name: 'accounts-token-actor',
    text: `SELECT ${ACTOR_COLUMNS}, t.id AS "tokenId",
                  extract(epoch FROM now() - t.last_used_at)::float AS "usedSecondsAgo"
             FROM api_token t JOIN app_user u ON u.id = t.user_id JOIN agency a ON a.id = u.agency_id
            WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active`,
    values: [tokenHash],
  });
  const row = rows[0];
  if (!row) return undefined;
  const { tokenId, usedSecondsAgo, ...actor } = row;
  return { actor, tokenId, usedSecondsAgo };
}

export async function markTokenUsed(db: Queryable, tokenId: string): Promise<void> {
  await db.query('UPDATE api_token SET last_used_at = now() WHERE id = $1', [tokenId]);
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
  a.name AS "agencyName", u.roles, u.active, u.version, u.must_change_password AS "mustChangePassword"`;

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
  u: UserWrite & { usernameKey: string; passwordHash: string; mustChangePassword: boolean },
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO app_user (partnership_id, username, username_key, display_name, email, agency_id, roles,
       password_hash, must_change_password)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [
      partnershipId,
      u.username,
      u.usernameKey,
      u.displayName,
      u.email,
      u.agencyId,
      u.roles,
      u.passwordHash,
      u.mustChangePassword,
    ],
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

/** A reset by an administrator must be replaced by the user at their next sign-in. */
export async function setPassword(
  db: Queryable,
  partnershipId: string,
  id: string,
  hash: string,
  mustChange: boolean,
) {
  await db.query(
    `UPDATE app_user SET password_hash = $3, must_change_password = $4, updated_at = now()
      WHERE partnership_id = $1 AND id = $2`,
    [partnershipId, id, hash, mustChange],
  );
}

export async function passwordHashOf(db: Queryable, id: string): Promise<string | undefined> {
  const { rows } = await db.query('SELECT password_hash AS "hash" FROM app_user WHERE id = $1', [id]);
  return rows[0]?.hash;
}

export async function addRoles(db: Queryable, partnershipId: string, id: string, roles: Role[]) {
  await db.query(
    `UPDATE app_user SET roles = ARRAY(SELECT DISTINCT r FROM unnest(roles || $3::text[]) r ORDER BY r),
            updated_at = now(), version = version + 1
      WHERE partnership_id = $1 AND id = $2`,
    [partnershipId, id, roles],
  );
}

export interface RoleRequest {
  id: string;
  userId: string;
  userDisplayName: string;
  username: string;
  roles: Role[];
  reason: string | null;
  requestedById: string;
  requestedBy: string;
  requestedAt: Date;
}

const REQUEST_COLUMNS = `r.id, r.user_id AS "userId", u.display_name AS "userDisplayName", u.username, r.roles,
  r.reason, r.requested_by AS "requestedById", q.display_name AS "requestedBy", r.requested_at AS "requestedAt"`;

/** A new request replaces one still waiting for the same user (it is withdrawn, not lost). */
export async function requestRoles(
  db: Queryable,
  partnershipId: string,
  r: { userId: string; roles: Role[]; reason: string | null; requestedBy: string },
): Promise<string> {
  await db.query(
    `UPDATE account_change SET status = 'withdrawn', decided_at = now()
      WHERE partnership_id = $1 AND user_id = $2 AND status = 'pending'`,
    [partnershipId, r.userId],
  );
  const { rows } = await db.query(
    `INSERT INTO account_change (partnership_id, user_id, kind, roles, reason, requested_by)
     VALUES ($1, $2, 'grant_roles', $3, $4, $5) RETURNING id`,
    [partnershipId, r.userId, r.roles, r.reason, r.requestedBy],
  );
  return rows[0].id;
}

export async function pendingRoleRequests(
  db: Queryable,
  partnershipId: string,
  userId?: string,
): Promise<RoleRequest[]> {
  const { rows } = await db.query(
    `SELECT ${REQUEST_COLUMNS}
       FROM account_change r JOIN app_user u ON u.id = r.user_id JOIN app_user q ON q.id = r.requested_by
      WHERE r.partnership_id = $1 AND r.status = 'pending' AND ($2::uuid IS NULL OR r.user_id = $2)
      ORDER BY r.requested_at`,
    [partnershipId, userId ?? null],
  );
  return rows;
}

/** Locks the request while it is decided, so two administrators cannot both decide it. */
export async function lockRoleRequest(
  db: Queryable,
  partnershipId: string,
  id: string,
): Promise<RoleRequest | undefined> {
  const { rows } = await db.query(
    `SELECT ${REQUEST_COLUMNS}
       FROM account_change r JOIN app_user u ON u.id = r.user_id JOIN app_user q ON q.id = r.requested_by
      WHERE r.partnership_id = $1 AND r.id = $2 AND r.status = 'pending'
      FOR UPDATE OF r`,
    [partnershipId, id],
  );
  return rows[0];
}

export async function decideRoleRequest(
  db: Queryable,
  id: string,
  d: { status: 'approved' | 'rejected'; decidedBy: string; note: string | null },
) {
  await db.query(
    `UPDATE account_change SET status = $2, decided_by = $3, decided_at = now(), decision_note = $4 WHERE id = $1`,
    [id, d.status, d.decidedBy, d.note],
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

export async function insertDemoUsers(
  db: Queryable,
  partnershipId: string,
  users: {
    username: string;
    displayName: string;
    email: string;
    agencyId: string;
    roles: Role[];
    passwordHash: string;
  }[],
) {
  const { rows } = await db.query(
    `INSERT INTO app_user (partnership_id, username, username_key, display_name, email, agency_id, roles, password_hash)
     SELECT $1, x.username, lower(x.username), x.display_name, x.email, x.agency_id, x.roles, x.password_hash
       FROM jsonb_to_recordset($2::jsonb)
         AS x(username text, display_name text, email text, agency_id uuid, roles text[], password_hash text)
     RETURNING id, username`,
    [
      partnershipId,
      JSON.stringify(
        users.map((u) => ({
          username: u.username,
          display_name: u.displayName,
          email: u.email,
          agency_id: u.agencyId,
          roles: u.roles,
          password_hash: u.passwordHash,
        })),
      ),
    ],
  );
  return Object.fromEntries(rows.map((r: { id: string; username: string }) => [r.username, r.id])) as Record<
    string,
    string
  >;
}

// ---- Sign-in with the identity provider -------------------------------------------------------

export interface SignInGroup {
  id: string;
  partnershipId: string;
  groupName: string;
  agencyId: string;
  agencyName: string;
  roles: Role[];
  status: SignInGroupStatus;
  reason: string;
  requestedBy: string;
  requestedByName: string;
  requestedAt: Date;
  decidedByName: string | null;
  decidedAt: Date | null;
}

const GROUP_COLUMNS = `g.id, g.partnership_id AS "partnershipId", g.group_name AS "groupName", g.agency_id AS "agencyId",
  a.name AS "agencyName", g.roles, g.status, g.reason, g.requested_by AS "requestedBy",
  r.display_name AS "requestedByName", g.requested_at AS "requestedAt", d.display_name AS "decidedByName",
  g.decided_at AS "decidedAt"`;
const GROUP_FROM = `sign_in_group g JOIN agency a ON a.id = g.agency_id JOIN app_user r ON r.id = g.requested_by
  LEFT JOIN app_user d ON d.id = g.decided_by`;

/** The mappings in force for any of these provider groups (any partnership: none is known yet). */
export async function approvedGroupsNamed(db: Queryable, groupNames: string[]): Promise<SignInGroup[]> {
  const { rows } = await db.query(
    `SELECT ${GROUP_COLUMNS} FROM ${GROUP_FROM}
      WHERE g.status = 'approved' AND lower(g.group_name) = ANY (SELECT lower(x) FROM unnest($1::text[]) x)
      ORDER BY g.group_name`,
    [groupNames],
  );
  return rows;
}

export async function signInGroups(db: Queryable, partnershipId: string): Promise<SignInGroup[]> {
  const { rows } = await db.query(
    `SELECT ${GROUP_COLUMNS} FROM ${GROUP_FROM}
      WHERE g.partnership_id = $1 AND g.status IN ('pending', 'approved')
      ORDER BY g.status DESC, lower(g.group_name)`,
    [partnershipId],
  );
  return rows;
}

export async function findSignInGroup(
  db: Queryable,
  partnershipId: string,
  id: string,
  forUpdate = false,
): Promise<SignInGroup | undefined> {
  const { rows } = await db.query(
    `SELECT ${GROUP_COLUMNS} FROM ${GROUP_FROM} WHERE g.partnership_id = $1 AND g.id = $2${forUpdate ? ' FOR UPDATE OF g' : ''}`,
    [partnershipId, id],
  );
  return rows[0];
}

/** Returns the new mapping's id, or undefined when the group already has a live mapping. */
export async function insertSignInGroup(
  db: Queryable,
  partnershipId: string,
  g: { groupName: string; agencyId: string; roles: Role[]; reason: string; requestedBy: string },
): Promise<string | undefined> {
  const { rows } = await db.query(
    `INSERT INTO sign_in_group (partnership_id, group_name, agency_id, roles, reason, requested_by)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (partnership_id, lower(group_name)) WHERE status IN ('pending', 'approved') DO NOTHING
     RETURNING id`,
    [partnershipId, g.groupName, g.agencyId, g.roles, g.reason, g.requestedBy],
  );
  return rows[0]?.id;
}

export async function decideSignInGroup(
  db: Queryable,
  partnershipId: string,
  id: string,
  status: 'approved' | 'rejected',
  userId: string,
): Promise<boolean> {
  const result = await db.query(
    `UPDATE sign_in_group SET status = $3, decided_by = $4, decided_at = now()
      WHERE partnership_id = $1 AND id = $2 AND status = 'pending'`,
    [partnershipId, id, status, userId],
  );
  return result.rowCount === 1;
}

export async function removeSignInGroup(db: Queryable, partnershipId: string, id: string, userId: string) {
  const result = await db.query(
    `UPDATE sign_in_group SET status = 'removed', removed_by = $3, removed_at = now()
      WHERE partnership_id = $1 AND id = $2 AND status IN ('pending', 'approved')`,
    [partnershipId, id, userId],
  );
  return result.rowCount === 1;
}

export interface ProviderUser {
  id: string;
  partnershipId: string;
  username: string;
  displayName: string;
  email: string | null;
  agencyId: string;
  roles: Role[];
  active: boolean;
  providerSubject: string | null;
}

const PROVIDER_USER_COLUMNS = `id, partnership_id AS "partnershipId", username, display_name AS "displayName", email,
  agency_id AS "agencyId", roles, active, provider_subject AS "providerSubject"`;

/** The user the provider's subject was linked to at an earlier sign-in. */
export async function findUserByProviderSubject(
  db: Queryable,
  issuer: string,
  subject: string,
): Promise<ProviderUser | undefined> {
  const { rows } = await db.query(
    `SELECT ${PROVIDER_USER_COLUMNS} FROM app_user WHERE provider_issuer = $1 AND provider_subject = $2`,
    [issuer, subject],
  );
  return rows[0];
}

/** Users of the partnership with this email address not yet linked to a provider subject. */
export async function unlinkedUsersWithEmail(
  db: Queryable,
  partnershipId: string,
  email: string,
): Promise<ProviderUser[]> {
  const { rows } = await db.query(
    `SELECT ${PROVIDER_USER_COLUMNS} FROM app_user
      WHERE partnership_id = $1 AND lower(email) = lower($2) AND provider_subject IS NULL`,
    [partnershipId, email],
  );
  return rows;
}

export async function usernameTaken(db: Queryable, usernameKey: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM app_user WHERE username_key = $1', [usernameKey]);
  return rows.length > 0;
}

/** Links the user to the provider's subject and takes their name, agency and roles from it. */
export async function updateFromProvider(
  db: Queryable,
  partnershipId: string,
  id: string,
  u: {
    issuer: string;
    subject: string;
    displayName: string;
    email: string | null;
    agencyId: string;
    roles: Role[];
  },
): Promise<void> {
  await db.query(
    `UPDATE app_user SET provider_issuer = $3, provider_subject = $4, display_name = $5,
            email = coalesce($6, email), agency_id = $7, roles = $8, updated_at = now(),
            version = version + CASE WHEN roles = $8 AND agency_id = $7 THEN 0 ELSE 1 END
      WHERE partnership_id = $1 AND id = $2`,
    [partnershipId, id, u.issuer, u.subject, u.displayName, u.email, u.agencyId, u.roles],
  );
}

export async function insertProviderUser(
  db: Queryable,
  partnershipId: string,
  u: UserWrite & { usernameKey: string; passwordHash: string; issuer: string; subject: string },
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO app_user (partnership_id, username, username_key, display_name, email, agency_id, roles,
       password_hash, provider_issuer, provider_subject)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      partnershipId,
      u.username,
      u.usernameKey,
      u.displayName,
      u.email,
      u.agencyId,
      u.roles,
      u.passwordHash,
      u.issuer,
      u.subject,
    ],
  );
  return rows[0].id;
}

/** The demo district's mappings: asked for by one demo administrator, approved by the other. */
export async function insertDemoSignInGroups(
  db: Queryable,
  partnershipId: string,
  groups: { groupName: string; agencyId: string; roles: Role[]; reason: string; approved: boolean }[],
  by: { requestedBy: string; decidedBy: string },
) {
  await db.query(
    `INSERT INTO sign_in_group (partnership_id, group_name, agency_id, roles, reason, status, requested_by,
       requested_at, decided_by, decided_at)
     SELECT $1, x.group_name, x.agency_id, x.roles, x.reason, CASE WHEN x.approved THEN 'approved' ELSE 'pending' END,
            r.id, now() - interval '20 days', CASE WHEN x.approved THEN d.id END,
            CASE WHEN x.approved THEN now() - interval '19 days' END
       FROM jsonb_to_recordset($2::jsonb) AS x(group_name text, agency_id uuid, roles text[], reason text, approved boolean)
       JOIN app_user r ON r.partnership_id = $1 AND r.username = $3
       JOIN app_user d ON d.partnership_id = $1 AND d.username = $4`,
    [
      partnershipId,
      JSON.stringify(
        groups.map((g) => ({
          group_name: g.groupName,
          agency_id: g.agencyId,
          roles: g.roles,
          reason: g.reason,
          approved: g.approved,
        })),
      ),
      by.requestedBy,
      by.decidedBy,
    ],
  );
}

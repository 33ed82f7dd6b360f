import { createHash, randomBytes } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { Database } from '../../db/database.ts';
import { type Actor, CASEWORK_ROLES, ROLES, type Role } from '../../platform/access.ts';
import { audit, auditSystem } from '../../platform/audit/index.ts';
import { ConflictError, ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import { asList, Checker } from '../../platform/validation.ts';
import { IdentityCache } from './identity-cache.ts';
import { accountsPolicy } from './policy.ts';
import { createProviderSignIn } from './provider-sign-in.ts';
import * as repo from './repository.ts';
import type { SingleSignOn } from './single-sign-on.ts';
import { usernameKey } from './username.ts';

export { usernameKey } from './username.ts';

export interface SessionSettings {
  idleSeconds: number;
  absoluteSeconds: number;
  /** Remember who tokens and sessions belong to between requests (the web service; see IdentityCache). */
  cache?: boolean;
  /** The council's identity provider, when sign-in with it is configured. */
  provider?: SingleSignOn;
}

/** After this many failures a username waits before each further try (doubling, at most a minute). */
export const BACKOFF_AFTER = 3;
/** After this many failures the username is locked for LOCK_MINUTES. */
export const LOCK_AFTER = 10;
export const LOCK_MINUTES = 30;
export const MIN_PASSWORD_LENGTH = 12;

/** Per client address: at most this many failed sign-ins in ADDRESS_WINDOW_MINUTES, then a pause. */
export const ADDRESS_LIMIT = 30;
export const ADDRESS_WINDOW_MINUTES = 15;

const USERNAME_RULE: repo.ThrottleRule = {
  kind: 'username',
  backoffAfter: BACKOFF_AFTER,
  lockAfter: LOCK_AFTER,
  lockMinutes: LOCK_MINUTES,
  windowSeconds: null,
};
const ADDRESS_RULE: repo.ThrottleRule = {
  kind: 'address',
  backoffAfter: null,
  lockAfter: ADDRESS_LIMIT,
  lockMinutes: ADDRESS_WINDOW_MINUTES,
  windowSeconds: ADDRESS_WINDOW_MINUTES * 60,
};

/**
 * Roles that reach people's records (casework and intelligence) or manage accounts: granting one
 * needs a second administrator's approval, so no administrator can give themselves — or an account
 * they control — access alone.
 */
export const APPROVAL_ROLES: readonly Role[] = [...CASEWORK_ROLES, 'administrator'];

/** A session is marked as used at most this often (and at most 5% of its idle limit). */
const TOUCH_EVERY_SECONDS = 15;
/** A token's "last used" is kept to the minute rather than written on every API call. */
const TOKEN_TOUCH_EVERY_SECONDS = 60;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const newSecret = () => randomBytes(32).toString('base64url');

export function hashPassword(password: string): Promise<string> {
  // argon2id with OWASP's recommended minimum cost (19 MiB, 2 passes).
  return argonHash(password, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
}

// Verified against when the username does not exist, so both paths take the same time.
let dummyHash: Promise<string> | undefined;

export type SignInResult =
  | { ok: true; sessionToken: string; actor: Actor }
  | { ok: false; reason: 'invalid' | 'throttled' };

export type SessionLookup =
  | { state: 'active'; actor: Actor; secondsLeft: number }
  | { state: 'expired' | 'none' };

interface CachedToken {
  actor: Actor;
  tokenId: string;
  markedAt: number;
}
interface CachedSession {
  actor: Actor;
  /** When the session was last marked as used, and when it must end, on this process's clock. */
  seenAt: number;
  absoluteAt: number;
}

export function createAccountsService(db: Database, settings: SessionSettings) {
  // Sign-in happens before anyone's partnership is known: identity lookups use the partnership-less
  // connections (which see only the identity tables); everything else the partnership's own.
  const identity = db.pool;
  const tokens = new IdentityCache<CachedToken>(60_000);
  const sessions = new IdentityCache<CachedSession>(30_000);
  if (settings.cache) {
    db.listen(
      repo.IDENTITY_CHANNEL,
      () => {
        tokens.clear();
        sessions.clear();
      },
      (listening) => {
        tokens.setTrusted(listening);
        sessions.setTrusted(listening);
      },
    );
  }
  const touchEvery = Math.min(TOUCH_EVERY_SECONDS, settings.idleSeconds / 20);

  /** A new session for a user who has proved who they are, audited as a sign-in. */
  async function openSession(
    user: { id: string; partnershipId: string },
    how: { requestId?: string; method: 'password' | 'provider'; providerIdToken?: string },
  ): Promise<{ ok: true; sessionToken: string; actor: Actor }> {
    const sessionToken = newSecret();
    await db.for(user).tx(async (c) => {
      await repo.createSession(c, {
        idHash: sha256(sessionToken),
        userId: user.id,
        partnershipId: user.partnershipId,
        absoluteSeconds: settings.absoluteSeconds,
        providerIdToken: how.providerIdToken,
      });
    });
    const session = await repo.findSession(identity, sha256(sessionToken));
    if (!session) throw new Error('session vanished after creation');
    const actor = { ...session.actor, requestId: how.requestId };
    await audit(db.for(actor), actor, {
      action: 'sign_in.succeeded',
      details: how.method === 'provider' ? { method: 'provider' } : {},
    });
    return { ok: true, sessionToken, actor };
  }

  const providerSignIn = createProviderSignIn(db, {
    provider: settings.provider,
    openSession,
    newPasswordHash: () => hashPassword(newSecret()),
  });

  const service = {
    /**
     * Sign-in: the same answer and timing whether or not the username exists. A try is taken from
     * the username's and the address's budgets before the password is checked.
     */
    async signIn(
      username: string,
      password: string,
      context: { requestId?: string; address?: string } | string = {},
    ): Promise<SignInResult> {
      const { requestId, address } =
        typeof context === 'string' ? { requestId: context, address: undefined } : context;
      const key = usernameKey(username);
      const keyHash = sha256(key);
      const addressHash = address ? sha256(`address:${address}`) : undefined;
      if (addressHash && (await repo.takeAttempt(identity, addressHash, ADDRESS_RULE)) === undefined)
        return { ok: false, reason: 'throttled' };
      const failures = await repo.takeAttempt(identity, keyHash, USERNAME_RULE);
      if (failures === undefined) {
        if (addressHash) await repo.returnAttempt(identity, addressHash);
        return { ok: false, reason: 'throttled' };
      }
      const user = await repo.findCredentials(identity, key);
      dummyHash ??= hashPassword(newSecret());
      const valid = await argonVerify(user?.passwordHash ?? (await dummyHash), password).catch(() => false);
      // An account linked to the identity provider signs in there: a password must not outlive
      // the provider's own leaver process or second factor.
      if (!user?.active || !valid || user.providerLinked) {
        if (user) {
          await auditSystem(db.for(user), user.partnershipId, {
            action: failures >= LOCK_AFTER ? 'account.locked' : 'sign_in.failed',
            actorUserId: user.id,
            actorUsername: user.username,
            actorAgencyId: user.agencyId,
            actorRoles: user.roles,
            details: { failures },
            requestId,
          });
        }
        return { ok: false, reason: 'invalid' };
      }
      await repo.clearThrottle(identity, keyHash);
      return openSession(user, { requestId, method: 'password' });
    },

    ...providerSignIn,

    /** Finds the session's user; an idle or over-age session is removed and reported as expired. */
    async resolveSession(sessionToken: string, opts: { touch: boolean }): Promise<SessionLookup> {
      const idHash = sha256(sessionToken);
      const now = Date.now();
      let cached = sessions.get(idHash);
      // Only a session the cache says is still well within its limits is answered from it; one
      // that looks expired is checked with the database (another process may have touched it).
      if (cached && ((now - cached.seenAt) / 1000 >= settings.idleSeconds || now >= cached.absoluteAt)) {
        sessions.delete(idHash);
        cached = undefined;
      }
      if (!cached) {
        const session = await repo.findSession(identity, idHash);
        if (!session) return { state: 'none' };
        if (session.absoluteExpired || session.idleSecondsUsed >= settings.idleSeconds || !session.active) {
          await repo.deleteSession(identity, idHash);
          return { state: 'expired' };
        }
        cached = {
          actor: session.actor,
          seenAt: now - session.idleSecondsUsed * 1000,
          absoluteAt: now + session.absoluteSecondsLeft * 1000,
        };
        sessions.set(idHash, cached);
      }
      // Touching on every page would write the session row on every request; to the nearest few
      // seconds is exact enough for a 30-minute idle limit, and the time left says what is true.
      let used = (now - cached.seenAt) / 1000;
      if (opts.touch && used >= touchEvery) {
        await repo.touchSession(identity, idHash);
        cached.seenAt = now;
        used = 0;
      }
      const secondsLeft = settings.idleSeconds - used;
      // A copy: each request's actor is its own (request-scoped notes hang on it).
      return {
        state: 'active',
        actor: { ...cached.actor },
        secondsLeft: Math.max(0, Math.floor(secondsLeft)),
      };
    },

    /** Ends the session; says where to end the identity provider's session too, if it was one. */
    async signOut(sessionToken: string, actor: Actor | undefined): Promise<{ providerSignOutUrl?: string }> {
      const idHash = sha256(sessionToken);
      sessions.delete(idHash);
      let ended: { providerIdToken: string | null } | undefined;
      if (!actor) {
        ended = await repo.deleteSession(identity, idHash);
        await repo.notifyIdentityChanged(identity, 'session');
      } else {
        ended = await db.for(actor).tx(async (c) => {
          const row = await repo.deleteSession(c, idHash);
          await repo.notifyIdentityChanged(c, 'session');
          await audit(c, actor, { action: 'sign_out' });
          return row;
        });
      }
      const idToken = ended?.providerIdToken;
      if (!idToken || !settings.provider) return {};
      return { providerSignOutUrl: await settings.provider.endSessionUrl(idToken) };
    },

    async resolveApiToken(token: string): Promise<Actor | undefined> {
      if (!/^lnt_[A-Za-z0-9_-]{20,}$/.test(token)) return undefined;
      const hash = sha256(token);
      const cached = tokens.get(hash);
      const now = Date.now();
      if (cached) {
        if (now - cached.markedAt >= TOKEN_TOUCH_EVERY_SECONDS * 1000) {
          cached.markedAt = now;
          await repo.markTokenUsed(identity, cached.tokenId);
        }
        return { ...cached.actor };
      }
      const found = await repo.findActorByToken(identity, hash);
      if (!found) return undefined;
      let markedAt = now - (found.usedSecondsAgo ?? Number.POSITIVE_INFINITY) * 1000;
      if (found.usedSecondsAgo === null || found.usedSecondsAgo >= TOKEN_TOUCH_EVERY_SECONDS) {
        await repo.markTokenUsed(identity, found.tokenId);
        markedAt = now;
      }
      tokens.set(hash, { actor: found.actor, tokenId: found.tokenId, markedAt });
      return { ...found.actor };
    },

    /**
     * A personal access token for the signed-in user, for their own system to call the API as
     * them. Nobody can make one for someone else: that would be acting as them.
     */
    async createOwnToken(actor: Actor, name: string): Promise<string> {
      const token = `lnt_${newSecret()}`;
      await db.for(actor).tx(async (c) => {
        const id = await repo.insertToken(c, {
          partnershipId: actor.partnershipId,
          userId: actor.userId,
          name: name.trim().slice(0, 100) || 'API token',
          tokenHash: sha256(token),
        });
        await audit(c, actor, {
          action: 'api_token.created',
          details: { tokenId: id, userId: actor.userId },
        });
      });
      return token;
    },

    async ownTokens(actor: Actor) {
      return repo.tokensOfUser(db.for(actor), actor.userId);
    },

    /** Revokes one of the signed-in user's own tokens. */
    async revokeOwnToken(actor: Actor, tokenId: string): Promise<void> {
      await db.for(actor).tx(async (c) => {
        const owned = (await repo.tokensOfUser(c, actor.userId)).some((t) => t.id === tokenId);
        if (!owned) throw new NotFoundError('No such token');
        await repo.revokeToken(c, actor.partnershipId, tokenId);
        await repo.notifyIdentityChanged(c, 'token');
        await audit(c, actor, { action: 'api_token.revoked', details: { tokenId, userId: actor.userId } });
      });
    },

    /**
     * For the `lantern token` command: whoever can run it holds the database, so cannot be stopped
     * here; the event names the operator (the machine's user) and the reason they gave.
     */
    async createApiTokenAsOperator(
      username: string,
      name: string,
      operator: { who: string; reason: string },
    ): Promise<string> {
      const user = await repo.findCredentials(identity, usernameKey(username));
      if (!user?.active) throw new NotFoundError(`No active user called "${username}"`);
      const token = `lnt_${newSecret()}`;
      await db.for(user).tx(async (c) => {
        const id = await repo.insertToken(c, {
          partnershipId: user.partnershipId,
          userId: user.id,
          name,
          tokenHash: sha256(token),
        });
        await auditSystem(c, user.partnershipId, {
          action: 'api_token.created',
          actorUsername: `operator ${operator.who} (lantern token)`,
          reason: operator.reason,
          details: { tokenId: id, userId: user.id, username: user.username },
        });
      });
      return token;
    },

    async revokeApiTokenAsOperator(
      tokenId: string,
      operator: { who: string; reason: string },
    ): Promise<void> {
      const found = await repo.revokeTokenAnywhere(identity, tokenId);
      if (!found) throw new NotFoundError('No such token');
      await repo.notifyIdentityChanged(identity, 'token');
      await auditSystem(db.for(found), found.partnershipId, {
        action: 'api_token.revoked',
        actorUsername: `operator ${operator.who} (lantern token)`,
        reason: operator.reason,
        details: { tokenId, userId: found.userId },
      });
    },

    /** Administrators may revoke anyone's token (taking access away is always safe). */
    async revokeApiToken(actor: Actor, tokenId: string): Promise<void> {
      accountsPolicy.assert(actor, 'manage_users');
      await db.for(actor).tx(async (c) => {
        const revoked = await repo.revokeToken(c, actor.partnershipId, tokenId);
        if (!revoked) throw new NotFoundError('No such token');
        await repo.notifyIdentityChanged(c, 'token');
        await audit(c, actor, { action: 'api_token.revoked', details: { tokenId, userId: revoked.userId } });
      });
    },

    async listUsers(actor: Actor) {
      accountsPolicy.assert(actor, 'manage_users');
      const scope = db.for(actor);
      const [users, requests] = await Promise.all([
        repo.listUsers(scope, actor.partnershipId),
        repo.pendingRoleRequests(scope, actor.partnershipId),
      ]);
      return Object.assign(users, { requests });
    },

    async getUser(actor: Actor, id: string) {
      accountsPolicy.assert(actor, 'manage_users');
      const scope = db.for(actor);
      const user = await repo.findUser(scope, actor.partnershipId, id);
      if (!user) throw new NotFoundError('No such user');
      return {
        user,
        tokens: await repo.tokensOfUser(scope, id),
        requests: await repo.pendingRoleRequests(scope, actor.partnershipId, id),
      };
    },

    async listAgencies(actor: Actor) {
      accountsPolicy.assert(actor, 'manage_users');
      return repo.listAgencies(db.for(actor), actor.partnershipId);
    },

    /**
     * Adds a user. Roles that need approval are requested, not granted: the account holds them
     * once a second administrator approves.
     */
    async createUser(
      actor: Actor,
      form: Record<string, unknown>,
    ): Promise<{ id: string; requested: Role[] }> {
      accountsPolicy.assert(actor, 'manage_users');
      const scope = db.for(actor);
      const agencies = await repo.listAgencies(scope, actor.partnershipId);
      const check = new Checker();
      const username = check.text(form.username, 'username', { label: 'Username', required: true, max: 60 });
      if (username && !/^[a-z0-9._-]+$/i.test(username)) {
        check.add('username', 'Username must only include letters, numbers, dots, hyphens and underscores');
      }
      const write = readUserFields(check, form, agencies);
      const reason = check.text(form.reason, 'reason', { label: 'Reason for the roles', max: 1000 }) ?? null;
      const password = typeof form.password === 'string' ? form.password : '';
      if (password.length < MIN_PASSWORD_LENGTH) {
        check.add('password', `Password must be ${MIN_PASSWORD_LENGTH} characters or more`);
      }
      if (username && (await repo.findCredentials(identity, usernameKey(username)))) {
        check.add('username', 'That username is already taken');
      }
      check.throwIfAny();
      const passwordHash = await hashPassword(password);
      const granted = write.roles.filter((r) => !APPROVAL_ROLES.includes(r));
      const requested = write.roles.filter((r) => APPROVAL_ROLES.includes(r));
      const id = await scope.tx(async (c) => {
        const id = await repo.insertUser(c, actor.partnershipId, {
          ...write,
          roles: granted,
          username: username as string,
          usernameKey: usernameKey(username as string),
          passwordHash,
          // Set by an administrator, so the user chooses their own at first sign-in.
          mustChangePassword: true,
        });
        await audit(c, actor, { action: 'user.created', details: { userId: id, roles: granted } });
        if (requested.length) await requestRoles(c, actor, id, requested, reason);
        return id;
      });
      return { id, requested };
    },

    /**
     * Saves a user's details. Removing roles takes effect at once; adding one that needs approval
     * becomes a request for a second administrator.
     */
    async updateUser(
      actor: Actor,
      id: string,
      form: Record<string, unknown>,
    ): Promise<{ requested: Role[] }> {
      accountsPolicy.assert(actor, 'manage_users');
      const scope = db.for(actor);
      const agencies = await repo.listAgencies(scope, actor.partnershipId);
      const check = new Checker();
      const write = readUserFields(check, form, agencies, { rolesRequired: false });
      const reason = check.text(form.reason, 'reason', { label: 'Reason for the roles', max: 1000 }) ?? null;
      const active = form.active === 'true' || form.active === true;
      const version = Number(form.version);
      if (!Number.isInteger(version))
        check.add('version', 'The form is missing its version: reload the page');
      if (id === actor.userId && (!active || !write.roles.includes('administrator'))) {
        check.add('roles', 'You cannot remove your own administrator role or deactivate yourself');
      }
      check.throwIfAny();
      return scope.tx(async (c) => {
        const before = await repo.findUser(c, actor.partnershipId, id);
        if (!before) throw new NotFoundError('No such user');
        const added = write.roles.filter((r) => !before.roles.includes(r));
        const requested = added.filter((r) => APPROVAL_ROLES.includes(r));
        const roles = write.roles.filter((r) => !requested.includes(r));
        if (!(await repo.updateUser(c, actor.partnershipId, id, version, { ...write, roles, active }))) {
          throw new ConflictError(
            'Someone else changed this user while you were editing. Reload to see their change.',
          );
        }
        if (!active) await repo.deleteSessionsOfUser(c, id);
        await repo.notifyIdentityChanged(c, 'user');
        await audit(c, actor, { action: 'user.updated', details: { userId: id, roles, active } });
        if (requested.length) await requestRoles(c, actor, id, requested, reason);
        return { requested };
      });
    },

    async roleRequests(actor: Actor) {
      accountsPolicy.assert(actor, 'manage_users');
      return repo.pendingRoleRequests(db.for(actor), actor.partnershipId);
    },

    /**
     * A second administrator decides a role request: never the one who asked, and never for their
     * own account.
     */
    async decideRoleRequest(actor: Actor, requestId: string, raw: Record<string, unknown>): Promise<void> {
      accountsPolicy.assert(actor, 'manage_users');
      const check = new Checker();
      const decision = check.oneOf(raw.decision, 'decision', ['approve', 'reject'] as const, {
        label: 'Decision',
        required: true,
      });
      const note = check.text(raw.note, 'note', { label: 'Note', max: 1000 }) ?? null;
      if (decision === 'reject' && !note) check.add('note', 'Say why the roles are not approved');
      check.throwIfAny();
      await db.for(actor).tx(async (c) => {
        const request = await repo.lockRoleRequest(c, actor.partnershipId, requestId);
        if (!request) throw new NotFoundError('No such request waiting for a decision');
        if (request.requestedById === actor.userId)
          throw new ForbiddenError('Another administrator must decide a request you made');
        if (request.userId === actor.userId)
          throw new ForbiddenError('Another administrator must decide roles for your own account');
        await repo.decideRoleRequest(c, requestId, {
          status: decision === 'approve' ? 'approved' : 'rejected',
          decidedBy: actor.userId,
          note,
        });
        if (decision === 'approve') {
          await repo.addRoles(c, actor.partnershipId, request.userId, request.roles);
          // Every process forgets who this user was: their next request has the new roles.
          await repo.notifyIdentityChanged(c, 'user');
        }
        await audit(c, actor, {
          action: decision === 'approve' ? 'user.roles_approved' : 'user.roles_rejected',
          reason: note,
          details: {
            userId: request.userId,
            roles: request.roles,
            requestId,
            requestedBy: request.requestedById,
          },
        });
      });
    },

    /** An administrator's reset: the user is signed out and must choose a new password at sign-in. */
    async resetPassword(actor: Actor, id: string, password: string): Promise<void> {
      accountsPolicy.assert(actor, 'manage_users');
      const check = new Checker();
      if (password.length < MIN_PASSWORD_LENGTH) {
        check.add('password', `Password must be ${MIN_PASSWORD_LENGTH} characters or more`);
      }
      check.throwIfAny();
      const hashed = await hashPassword(password);
      await db.for(actor).tx(async (c) => {
        if (!(await repo.findUser(c, actor.partnershipId, id))) throw new NotFoundError('No such user');
        await repo.setPassword(c, actor.partnershipId, id, hashed, true);
        await repo.deleteSessionsOfUser(c, id);
        await repo.notifyIdentityChanged(c, 'user');
        await audit(c, actor, { action: 'user.password_reset', details: { userId: id } });
      });
    },

    /** The signed-in user changes their own password (required after an administrator's reset). */
    async changeOwnPassword(actor: Actor, raw: Record<string, unknown>): Promise<void> {
      const check = new Checker();
      const current = typeof raw.currentPassword === 'string' ? raw.currentPassword : '';
      const next = typeof raw.newPassword === 'string' ? raw.newPassword : '';
      if (!current) check.add('currentPassword', 'Enter your current password');
      if (next.length < MIN_PASSWORD_LENGTH)
        check.add('newPassword', `Password must be ${MIN_PASSWORD_LENGTH} characters or more`);
      else if (next === current) check.add('newPassword', 'Choose a password different from the current one');
      check.throwIfAny();
      const stored = await repo.passwordHashOf(identity, actor.userId);
      if (!stored || !(await argonVerify(stored, current).catch(() => false)))
        check.add('currentPassword', 'Your current password is not right');
      check.throwIfAny();
      const hashed = await hashPassword(next);
      await db.for(actor).tx(async (c) => {
        await repo.setPassword(c, actor.partnershipId, actor.userId, hashed, false);
        await repo.notifyIdentityChanged(c, 'user');
        await audit(c, actor, { action: 'user.password_changed' });
      });
    },

    /** Removes sessions past their idle or absolute limit (run at start and on a schedule). */
    purgeExpiredSessions: () => repo.deleteExpiredSessions(identity, settings.idleSeconds),
  };

  // Changes to who-is-who clear this process's cache as soon as they are done (the NOTIFY they
  // send clears the others' a moment later).
  for (const name of [
    'signOut',
    'revokeOwnToken',
    'revokeApiToken',
    'revokeApiTokenAsOperator',
    'updateUser',
    'decideRoleRequest',
    'resetPassword',
    'changeOwnPassword',
  ] as const) {
    const method = service[name] as (...args: unknown[]) => Promise<unknown>;
    (service as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      try {
        return await method(...args);
      } finally {
        tokens.clear();
        sessions.clear();
      }
    };
  }
  return service;

  async function requestRoles(
    c: Parameters<typeof audit>[0],
    actor: Actor,
    userId: string,
    roles: Role[],
    reason: string | null,
  ) {
    const requestId = await repo.requestRoles(c, actor.partnershipId, {
      userId,
      roles,
      reason,
      requestedBy: actor.userId,
    });
    await audit(c, actor, { action: 'user.roles_requested', reason, details: { userId, roles, requestId } });
  }
}

function readUserFields(
  check: Checker,
  form: Record<string, unknown>,
  agencies: repo.AgencyRecord[],
  opts: { rolesRequired?: boolean } = {},
) {
  const displayName = check.text(form.displayName, 'displayName', {
    label: 'Full name',
    required: true,
    max: 120,
  });
  const email = check.text(form.email, 'email', { label: 'Email address', max: 200 });
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    check.add('email', 'Enter an email address in the correct format, like name@example.gov.uk');
  }
  const agencyId = check.oneOf(
    form.agencyId,
    'agencyId',
    agencies.map((a) => a.id),
    { label: 'Agency', required: true },
  );
  const roles = asList(form.roles).filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  if (roles.length === 0 && opts.rolesRequired !== false) check.add('roles', 'Select at least one role');
  return { displayName: displayName ?? '', email: email ?? null, agencyId: agencyId ?? '', roles };
}

export type AccountsService = ReturnType<typeof createAccountsService>;

import { createHash, randomBytes } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { Database } from '../../db/database.ts';
import { type Actor, ROLES, type Role } from '../../platform/access.ts';
import { audit, auditSystem } from '../../platform/audit/index.ts';
import { ConflictError, NotFoundError } from '../../platform/errors.ts';
import { asList, Checker } from '../../platform/validation.ts';
import { accountsPolicy } from './policy.ts';
import * as repo from './repository.ts';

export interface SessionSettings {
  idleSeconds: number;
  absoluteSeconds: number;
}

/** After this many failures a username waits before each further try (doubling, at most a minute). */
export const BACKOFF_AFTER = 3;
/** After this many failures the username is locked for LOCK_MINUTES. */
export const LOCK_AFTER = 10;
export const LOCK_MINUTES = 30;
export const MIN_PASSWORD_LENGTH = 12;

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

export function createAccountsService(db: Database, settings: SessionSettings) {
  async function loadActor(sessionTokenHash: string) {
    return repo.findSession(db.pool, sessionTokenHash);
  }

  function backoffSeconds(failures: number): number {
    return failures < BACKOFF_AFTER ? 0 : Math.min(2 ** (failures - BACKOFF_AFTER), 60);
  }

  return {
    /** Sign-in: the same answer and timing whether or not the username exists. */
    async signIn(username: string, password: string, requestId?: string): Promise<SignInResult> {
      const key = sha256(username.trim().toLowerCase());
      const throttle = await repo.findThrottle(db.pool, key);
      if (throttle) {
        const waitUntil = throttle.lastFailureAt.getTime() + backoffSeconds(throttle.failures) * 1000;
        if ((throttle.lockedUntil && throttle.lockedUntil.getTime() > Date.now()) || waitUntil > Date.now()) {
          return { ok: false, reason: 'throttled' };
        }
      }
      const user = await repo.findCredentials(db.pool, username.trim());
      dummyHash ??= hashPassword(newSecret());
      const valid = await argonVerify(user?.passwordHash ?? (await dummyHash), password).catch(() => false);
      if (!user?.active || !valid) {
        await db.tx(async (c) => {
          const after = await repo.recordFailure(c, key, LOCK_AFTER, LOCK_MINUTES);
          if (user) {
            await auditSystem(c, user.partnershipId, {
              action: after.lockedUntil ? 'account.locked' : 'sign_in.failed',
              actorUserId: user.id,
              actorUsername: user.username,
              actorAgencyId: user.agencyId,
              actorRoles: user.roles,
              details: { failures: after.failures },
            });
          }
        });
        return { ok: false, reason: 'invalid' };
      }
      const sessionToken = newSecret();
      await db.tx(async (c) => {
        await repo.clearThrottle(c, key);
        await repo.createSession(c, {
          idHash: sha256(sessionToken),
          userId: user.id,
          partnershipId: user.partnershipId,
          absoluteSeconds: settings.absoluteSeconds,
        });
      });
      const session = await loadActor(sha256(sessionToken));
      if (!session) throw new Error('session vanished after creation');
      const actor = { ...session.actor, requestId };
      await audit(db.pool, actor, { action: 'sign_in.succeeded' });
      return { ok: true, sessionToken, actor };
    },

    /** Finds the session's user; an idle or over-age session is removed and reported as expired. */
    async resolveSession(sessionToken: string, opts: { touch: boolean }): Promise<SessionLookup> {
      const idHash = sha256(sessionToken);
      const session = await loadActor(idHash);
      if (!session) return { state: 'none' };
      if (session.absoluteExpired || session.idleSecondsUsed >= settings.idleSeconds || !session.active) {
        await repo.deleteSession(db.pool, idHash);
        return { state: 'expired' };
      }
      if (opts.touch) await repo.touchSession(db.pool, idHash);
      const secondsLeft = opts.touch ? settings.idleSeconds : settings.idleSeconds - session.idleSecondsUsed;
      return { state: 'active', actor: session.actor, secondsLeft: Math.max(0, Math.floor(secondsLeft)) };
    },

    async signOut(sessionToken: string, actor: Actor | undefined): Promise<void> {
      await db.tx(async (c) => {
        await repo.deleteSession(c, sha256(sessionToken));
        if (actor) await audit(c, actor, { action: 'sign_out' });
      });
    },

    async resolveApiToken(token: string): Promise<Actor | undefined> {
      if (!/^lnt_[A-Za-z0-9_-]{20,}$/.test(token)) return undefined;
      return repo.findActorByToken(db.pool, sha256(token));
    },

    /** Issues a personal access token. Only its hash is kept; the token is shown once. */
    async createApiToken(actor: Actor, input: { userId: string; name: string }): Promise<string> {
      accountsPolicy.assert(actor, 'manage_users');
      const token = `lnt_${newSecret()}`;
      await db.tx(async (c) => {
        const user = await repo.findUser(c, actor.partnershipId, input.userId);
        if (!user) throw new NotFoundError('No such user');
        const id = await repo.insertToken(c, {
          partnershipId: actor.partnershipId,
          userId: input.userId,
          name: input.name,
          tokenHash: sha256(token),
        });
        await audit(c, actor, {
          action: 'api_token.created',
          details: { tokenId: id, userId: input.userId },
        });
      });
      return token;
    },

    /**
     * For the `lantern token` command: whoever can run it already holds the database, so the
     * operator is trusted; the event is still audited, naming the operator as its actor.
     */
    async createApiTokenAsOperator(username: string, name: string): Promise<string> {
      const user = await repo.findCredentials(db.pool, username);
      if (!user?.active) throw new NotFoundError(`No active user called "${username}"`);
      const token = `lnt_${newSecret()}`;
      await db.tx(async (c) => {
        const id = await repo.insertToken(c, {
          partnershipId: user.partnershipId,
          userId: user.id,
          name,
          tokenHash: sha256(token),
        });
        await auditSystem(c, user.partnershipId, {
          action: 'api_token.created',
          actorUsername: 'operator (lantern token)',
          details: { tokenId: id, userId: user.id },
        });
      });
      return token;
    },

    async revokeApiTokenAsOperator(tokenId: string): Promise<void> {
      await db.tx(async (c) => {
        const revoked = await repo.revokeTokenAnywhere(c, tokenId);
        if (!revoked) throw new NotFoundError('No such token');
        await auditSystem(c, revoked.partnershipId, {
          action: 'api_token.revoked',
          actorUsername: 'operator (lantern token)',
          details: { tokenId, userId: revoked.userId },
        });
      });
    },

    async revokeApiToken(actor: Actor, tokenId: string): Promise<void> {
      accountsPolicy.assert(actor, 'manage_users');
      await db.tx(async (c) => {
        const revoked = await repo.revokeToken(c, actor.partnershipId, tokenId);
        if (!revoked) throw new NotFoundError('No such token');
        await audit(c, actor, { action: 'api_token.revoked', details: { tokenId, userId: revoked.userId } });
      });
    },

    async listUsers(actor: Actor) {
      accountsPolicy.assert(actor, 'manage_users');
      return repo.listUsers(db.pool, actor.partnershipId);
    },

    async getUser(actor: Actor, id: string) {
      accountsPolicy.assert(actor, 'manage_users');
      const user = await repo.findUser(db.pool, actor.partnershipId, id);
      if (!user) throw new NotFoundError('No such user');
      return { user, tokens: await repo.tokensOfUser(db.pool, id) };
    },

    async listAgencies(actor: Actor) {
      accountsPolicy.assert(actor, 'manage_users');
      return repo.listAgencies(db.pool, actor.partnershipId);
    },

    async createUser(actor: Actor, form: Record<string, unknown>): Promise<string> {
      accountsPolicy.assert(actor, 'manage_users');
      const agencies = await repo.listAgencies(db.pool, actor.partnershipId);
      const check = new Checker();
      const username = check.text(form.username, 'username', { label: 'Username', required: true, max: 60 });
      if (username && !/^[a-z0-9._-]+$/i.test(username)) {
        check.add('username', 'Username must only include letters, numbers, dots, hyphens and underscores');
      }
      const write = readUserFields(check, form, agencies);
      const password = typeof form.password === 'string' ? form.password : '';
      if (password.length < MIN_PASSWORD_LENGTH) {
        check.add('password', `Password must be ${MIN_PASSWORD_LENGTH} characters or more`);
      }
      if (username && (await repo.findCredentials(db.pool, username))) {
        check.add('username', 'That username is already taken');
      }
      check.throwIfAny();
      const passwordHash = await hashPassword(password);
      return db.tx(async (c) => {
        const id = await repo.insertUser(c, actor.partnershipId, {
          ...write,
          username: username as string,
          passwordHash,
        });
        await audit(c, actor, { action: 'user.created', details: { userId: id, roles: write.roles } });
        return id;
      });
    },

    async updateUser(actor: Actor, id: string, form: Record<string, unknown>): Promise<void> {
      accountsPolicy.assert(actor, 'manage_users');
      const agencies = await repo.listAgencies(db.pool, actor.partnershipId);
      const check = new Checker();
      const write = readUserFields(check, form, agencies);
      const active = form.active === 'true' || form.active === true;
      const version = Number(form.version);
      if (!Number.isInteger(version))
        check.add('version', 'The form is missing its version: reload the page');
      if (id === actor.userId && (!active || !write.roles.includes('administrator'))) {
        check.add('roles', 'You cannot remove your own administrator role or deactivate yourself');
      }
      check.throwIfAny();
      await db.tx(async (c) => {
        if (!(await repo.findUser(c, actor.partnershipId, id))) throw new NotFoundError('No such user');
        if (!(await repo.updateUser(c, actor.partnershipId, id, version, { ...write, active }))) {
          throw new ConflictError(
            'Someone else changed this user while you were editing. Reload to see their change.',
          );
        }
        if (!active) await repo.deleteSessionsOfUser(c, id);
        await audit(c, actor, {
          action: 'user.updated',
          details: { userId: id, roles: write.roles, active },
        });
      });
    },

    async resetPassword(actor: Actor, id: string, password: string): Promise<void> {
      accountsPolicy.assert(actor, 'manage_users');
      const check = new Checker();
      if (password.length < MIN_PASSWORD_LENGTH) {
        check.add('password', `Password must be ${MIN_PASSWORD_LENGTH} characters or more`);
      }
      check.throwIfAny();
      const hashed = await hashPassword(password);
      await db.tx(async (c) => {
        if (!(await repo.findUser(c, actor.partnershipId, id))) throw new NotFoundError('No such user');
        await repo.setPassword(c, actor.partnershipId, id, hashed);
        await repo.deleteSessionsOfUser(c, id);
        await audit(c, actor, { action: 'user.password_reset', details: { userId: id } });
      });
    },

    /** Removes sessions past their idle or absolute limit (run at start and periodically). */
    purgeExpiredSessions: () => repo.deleteExpiredSessions(db.pool, settings.idleSeconds),
  };
}

function readUserFields(check: Checker, form: Record<string, unknown>, agencies: repo.AgencyRecord[]) {
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
  if (roles.length === 0) check.add('roles', 'Select at least one role');
  return { displayName: displayName ?? '', email: email ?? null, agencyId: agencyId ?? '', roles };
}

export type AccountsService = ReturnType<typeof createAccountsService>;

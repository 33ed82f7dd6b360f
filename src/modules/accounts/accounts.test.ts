import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, TEST_PASSWORD, type TestDatabase } from '../../../test/helpers.ts';
import { ForbiddenError } from '../../platform/access.ts';
import { ValidationError } from '../../platform/errors.ts';
import { createServices, type Services } from '../../services.ts';
import { LOCK_AFTER } from './index.ts';

const keyOf = (username: string) => createHash('sha256').update(username.toLowerCase()).digest('hex');

describe('accounts: sign-in, sessions, users, tokens', () => {
  let t: TestDatabase;
  let services: Services;

  before(async () => {
    t = await createTestDatabase({ people: 2 });
    services = createServices(t.db, { sessionIdleSeconds: 60, sessionAbsoluteSeconds: 3600 });
  });
  after(() => t.close());

  /** Makes the last failure look old enough that no backoff applies to the next attempt. */
  const forgetBackoff = (username: string) =>
    t.owner.pool.query(
      "UPDATE sign_in_throttle SET last_failure_at = now() - interval '1 hour' WHERE key_hash = $1",
      [keyOf(username)],
    );

  it('signs in with the right password and creates a server-side session', async () => {
    const result = await services.accounts.signIn('frontdoor', TEST_PASSWORD);
    assert.ok(result.ok);
    assert.equal(result.actor.username, 'frontdoor');
    assert.deepEqual(result.actor.roles, ['front_door']);
    const found = await services.accounts.resolveSession(result.sessionToken, { touch: true });
    assert.equal(found.state, 'active');
    // Only a hash of the session id is stored.
    const { rows } = await t.owner.pool.query('SELECT id_hash FROM user_session');
    assert.ok(rows.every((r) => r.id_hash !== result.sessionToken));
  });

  it('gives a new session id at every sign-in', async () => {
    const a = await services.accounts.signIn('frontdoor', TEST_PASSWORD);
    const b = await services.accounts.signIn('frontdoor', TEST_PASSWORD);
    assert.ok(a.ok && b.ok);
    assert.notEqual(a.sessionToken, b.sessionToken);
  });

  it('answers the same for a wrong password and an unknown username', async () => {
    const wrong = await services.accounts.signIn('chair', 'not-the-password');
    const unknown = await services.accounts.signIn('nobody-here', 'not-the-password');
    assert.deepEqual(wrong, { ok: false, reason: 'invalid' });
    assert.deepEqual(unknown, { ok: false, reason: 'invalid' });
  });

  it('backs off, then locks, the same way whether or not the username exists', async () => {
    for (const username of ['police', 'ghost-user']) {
      for (let i = 1; i <= 3; i++) {
        await forgetBackoff(username);
        assert.equal((await services.accounts.signIn(username, 'bad')).ok, false);
      }
      // After three failures an immediate retry is refused without checking the password.
      const throttled = await services.accounts.signIn(
        username,
        username === 'police' ? TEST_PASSWORD : 'bad',
      );
      assert.deepEqual(throttled, { ok: false, reason: 'throttled' });
      for (let i = 4; i <= LOCK_AFTER; i++) {
        await forgetBackoff(username);
        await services.accounts.signIn(username, 'bad');
      }
      await forgetBackoff(username);
      // Locked: even the right password is refused until the lock ends.
      const locked = await services.accounts.signIn(username, username === 'police' ? TEST_PASSWORD : 'bad');
      assert.deepEqual(locked, { ok: false, reason: 'throttled' });
    }
    const { rows } = await t.owner.pool.query(
      "SELECT action FROM audit_event WHERE action = 'account.locked'",
    );
    assert.equal(rows.length, 1, 'the real account’s lock-out is audited');
    // When the lock has passed, the right password works and clears the count.
    await t.owner.pool.query(
      "UPDATE sign_in_throttle SET locked_until = now() - interval '1 second' WHERE key_hash = $1",
      [keyOf('police')],
    );
    await forgetBackoff('police');
    assert.equal((await services.accounts.signIn('police', TEST_PASSWORD)).ok, true);
    const left = await t.owner.pool.query('SELECT 1 FROM sign_in_throttle WHERE key_hash = $1', [
      keyOf('police'),
    ]);
    assert.equal(left.rowCount, 0);
  });

  it('ends a session after the idle timeout', async () => {
    const result = await services.accounts.signIn('analyst', TEST_PASSWORD);
    assert.ok(result.ok);
    const hash = createHash('sha256').update(result.sessionToken).digest('hex');
    await t.owner.pool.query(
      "UPDATE user_session SET last_seen_at = now() - interval '61 seconds' WHERE id_hash = $1",
      [hash],
    );
    assert.equal(
      (await services.accounts.resolveSession(result.sessionToken, { touch: true })).state,
      'expired',
    );
    assert.equal(
      (await services.accounts.resolveSession(result.sessionToken, { touch: true })).state,
      'none',
    );
  });

  it('ends a session at its absolute limit however active it is', async () => {
    const result = await services.accounts.signIn('analyst', TEST_PASSWORD);
    assert.ok(result.ok);
    const hash = createHash('sha256').update(result.sessionToken).digest('hex');
    await t.owner.pool.query(
      "UPDATE user_session SET absolute_expires_at = now() - interval '1 second' WHERE id_hash = $1",
      [hash],
    );
    assert.equal(
      (await services.accounts.resolveSession(result.sessionToken, { touch: true })).state,
      'expired',
    );
  });

  it('reads time left without extending the session', async () => {
    const result = await services.accounts.signIn('analyst', TEST_PASSWORD);
    assert.ok(result.ok);
    const hash = createHash('sha256').update(result.sessionToken).digest('hex');
    await t.owner.pool.query(
      "UPDATE user_session SET last_seen_at = now() - interval '30 seconds' WHERE id_hash = $1",
      [hash],
    );
    const peek = await services.accounts.resolveSession(result.sessionToken, { touch: false });
    assert.equal(peek.state, 'active');
    assert.ok(peek.state === 'active' && peek.secondsLeft <= 30 && peek.secondsLeft >= 28);
    const again = await services.accounts.resolveSession(result.sessionToken, { touch: false });
    assert.ok(again.state === 'active' && again.secondsLeft <= 30);
  });

  it('sign-out kills the session', async () => {
    const result = await services.accounts.signIn('chair', TEST_PASSWORD);
    assert.ok(result.ok);
    await services.accounts.signOut(result.sessionToken, result.actor);
    assert.equal(
      (await services.accounts.resolveSession(result.sessionToken, { touch: true })).state,
      'none',
    );
  });

  it('lets only administrators manage users, and validates what they enter', async () => {
    const manager = await services.accounts.signIn('manager', TEST_PASSWORD);
    const admin = await services.accounts.signIn('admin', TEST_PASSWORD);
    assert.ok(manager.ok && admin.ok);
    await assert.rejects(services.accounts.listUsers(manager.actor), ForbiddenError);
    const agencies = await services.accounts.listAgencies(admin.actor);
    await assert.rejects(
      services.accounts.createUser(admin.actor, {
        username: 'admin',
        displayName: '',
        agencyId: 'x',
        password: 'short',
      }),
      (e: unknown) =>
        e instanceof ValidationError &&
        ['username', 'displayName', 'agencyId', 'roles', 'password'].every((f) =>
          e.errors.some((x) => x.field === f),
        ),
    );
    const { id, requested } = await services.accounts.createUser(admin.actor, {
      username: 'new.worker',
      displayName: 'Robin Lister',
      agencyId: agencies[0].id,
      roles: ['front_door', 'analyst'],
      password: 'a-long-enough-password',
    });
    // Casework roles wait for a second administrator.
    assert.deepEqual(requested.sort(), ['analyst', 'front_door']);
    let signedIn = await services.accounts.signIn('New.Worker', 'a-long-enough-password');
    assert.ok(signedIn.ok);
    assert.deepEqual(signedIn.actor.roles, []);
    const admin2 = await services.accounts.signIn('admin2', TEST_PASSWORD);
    assert.ok(admin2.ok);
    const [request] = await services.accounts.roleRequests(admin2.actor);
    await services.accounts.decideRoleRequest(admin2.actor, request.id, { decision: 'approve' });
    signedIn = await services.accounts.signIn('New.Worker', 'a-long-enough-password');
    assert.ok(signedIn.ok);
    assert.deepEqual(signedIn.actor.roles.sort(), ['analyst', 'front_door']);
    // Deactivating ends their sessions at once.
    const { user } = await services.accounts.getUser(admin.actor, id);
    await services.accounts.updateUser(admin.actor, id, {
      displayName: user.displayName,
      agencyId: user.agencyId,
      roles: user.roles,
      active: 'false',
      version: String(user.version),
    });
    assert.equal(
      (await services.accounts.resolveSession(signedIn.sessionToken, { touch: true })).state,
      'none',
    );
    assert.equal((await services.accounts.signIn('new.worker', 'a-long-enough-password')).ok, false);
  });

  it('issues API tokens that work until revoked, storing only their hash', async () => {
    const admin = await services.accounts.signIn('admin', TEST_PASSWORD);
    const police = await services.accounts.signIn('police', TEST_PASSWORD);
    assert.ok(admin.ok && police.ok);
    const token = await services.accounts.createOwnToken(police.actor, 'records system');
    assert.match(token, /^lnt_/);
    const actor = await services.accounts.resolveApiToken(token);
    assert.equal(actor?.username, 'police');
    const { rows } = await t.owner.pool.query('SELECT id, token_hash FROM api_token');
    assert.ok(rows.every((r) => r.token_hash !== token));
    await services.accounts.revokeApiToken(admin.actor, rows[0].id);
    assert.equal(await services.accounts.resolveApiToken(token), undefined);
  });
});

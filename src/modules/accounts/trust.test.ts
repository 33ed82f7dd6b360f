import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  Client,
  createTestApp,
  createTestDatabase,
  TEST_PASSWORD,
  TEST_SESSION_SECRET,
  type TestDatabase,
  testConfig,
} from '../../../test/helpers.ts';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { openDatabase } from '../../db/database.ts';
import { ForbiddenError } from '../../platform/errors.ts';
import { createServices, type Services } from '../../services.ts';
import { ADDRESS_LIMIT, BACKOFF_AFTER, LOCK_AFTER, usernameKey } from './index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const keyOf = (username: string) => createHash('sha256').update(usernameKey(username)).digest('hex');

describe('accounts under attack: throttling, one username key, separation of duties', () => {
  let t: TestDatabase;
  let db: ReturnType<typeof openDatabase>;
  let services: Services;

  before(async () => {
    t = await createTestDatabase({ people: 2 });
    // Many connections, as many web processes would have.
    db = openDatabase(t.appUrl, { max: 20 });
    services = createServices(db, { sessionIdleSeconds: 1800, sessionAbsoluteSeconds: 43200 });
  });
  after(async () => {
    await db.close();
    await t.close();
  });

  const failures = async (username: string) =>
    (await t.owner.pool.query('SELECT failures FROM sign_in_throttle WHERE key_hash = $1', [keyOf(username)]))
      .rows[0]?.failures ?? 0;

  it('checks no more passwords than the budget allows when 25 wrong and the right one arrive at once', async () => {
    const attempts = [
      ...Array.from({ length: 25 }, (_, i) => services.accounts.signIn('chair', `wrong-${i}`)),
      services.accounts.signIn('chair', TEST_PASSWORD),
    ];
    const results = await Promise.all(attempts);
    const checked = results.filter((r) => r.ok || r.reason === 'invalid').length;
    const throttled = results.filter((r) => !r.ok && r.reason === 'throttled').length;
    assert.ok(checked <= BACKOFF_AFTER, `${checked} passwords were checked`);
    assert.equal(checked + throttled, 26);
    const signedIn = results.filter((r) => r.ok).length;
    // Every checked attempt took a try: the count is exactly the wrong ones checked (or cleared by a success).
    if (signedIn === 0) assert.equal(await failures('chair'), checked);
    else assert.equal(await failures('chair'), 0);
  });

  it('lets only one of many concurrent attempts take the last try before the lock', async () => {
    await t.owner.pool.query(
      `INSERT INTO sign_in_throttle (key_hash, failures, last_failure_at) VALUES ($1, $2, now() - interval '2 minutes')
       ON CONFLICT (key_hash) DO UPDATE SET failures = $2, last_failure_at = now() - interval '2 minutes', locked_until = NULL`,
      [keyOf('analyst'), LOCK_AFTER - 1],
    );
    const results = await Promise.all(
      Array.from({ length: 15 }, () => services.accounts.signIn('analyst', 'still-wrong')),
    );
    assert.equal(results.filter((r) => !r.ok && r.reason === 'invalid').length, 1);
    assert.equal(await failures('analyst'), LOCK_AFTER);
    // Locked: the right password is not even checked.
    assert.deepEqual(await services.accounts.signIn('analyst', TEST_PASSWORD), {
      ok: false,
      reason: 'throttled',
    });
  });

  it('normalises a username once (NFKC, one case-folding) for finding the account and its throttle', async () => {
    assert.equal(usernameKey('ＡＤＭＩＮ'), 'admin');
    assert.equal(usernameKey(' Admin '), 'admin');
    // U+0130 folds to "i̇" (i with a combining dot), which is not "i": not the admin account…
    assert.notEqual(usernameKey('admİn'), 'admin');
    assert.deepEqual(await services.accounts.signIn('admİn', TEST_PASSWORD), {
      ok: false,
      reason: 'invalid',
    });
    // …and full-width letters are the same account, and the same budget.
    assert.equal((await services.accounts.signIn('ａｄｍｉｎ', TEST_PASSWORD)).ok, true);
    await services.accounts.signIn('ADMIN', 'wrong');
    await services.accounts.signIn('ａｄｍｉｎ', 'wrong');
    assert.equal(await failures('admin'), 2);
  });

  it('throttles by client address too, and believes X-Forwarded-For only from trusted proxies', async () => {
    const direct = await createTestApp(t, { trustProxy: false });
    try {
      let throttled = 0;
      for (let i = 0; i < ADDRESS_LIMIT + 5; i++) {
        const client = new Client(direct.app);
        await client.get('/sign-in');
        const response = await direct.app.inject({
          method: 'POST',
          url: '/sign-in',
          headers: {
            cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
            'content-type': 'application/x-www-form-urlencoded',
            // An attacker picks a new address each time: not believed without a trusted proxy.
            'x-forwarded-for': `203.0.113.${i}`,
          },
          payload: new URLSearchParams({
            username: `nobody-${i}`,
            password: 'x',
            _csrf: client.csrf,
          }).toString(),
        });
        if (/too many attempts/i.test(response.body)) throttled++;
      }
      assert.ok(throttled >= 5, `${throttled} refused`);
    } finally {
      await direct.app.close();
      // Later tests sign in from the same address.
      await t.owner.pool.query("DELETE FROM sign_in_throttle WHERE kind = 'address'");
    }
    assert.throws(
      () => loadConfig({ NODE_ENV: 'test', SESSION_SECRET: TEST_SESSION_SECRET, TRUST_PROXY: 'true' }),
      /would believe any client/,
    );
    assert.deepEqual(
      loadConfig({
        NODE_ENV: 'test',
        SESSION_SECRET: TEST_SESSION_SECRET,
        TRUST_PROXY: '10.0.0.0/8, 127.0.0.1',
      }).trustProxy,
      ['10.0.0.0/8', '127.0.0.1'],
    );
    assert.equal(
      loadConfig({ NODE_ENV: 'test', SESSION_SECRET: TEST_SESSION_SECRET, TRUST_PROXY: '1' }).trustProxy,
      1,
    );
    assert.throws(
      () => loadConfig({ NODE_ENV: 'test', SESSION_SECRET: TEST_SESSION_SECRET, TRUST_PROXY: 'proxy.local' }),
      /neither/,
    );
  });

  it('takes the client address from X-Forwarded-For only when the connection comes from a trusted proxy', async () => {
    const seen: string[] = [];
    const cases: (false | number | string[])[] = [false, ['127.0.0.1'], ['10.0.0.0/8'], 1];
    for (const trustProxy of cases) {
      const config = testConfig({ trustProxy });
      const app = await createApp(createServices(db, config), config);
      app.addHook('onResponse', async (request) => {
        seen.push(request.ip);
      });
      await app.inject({ method: 'GET', url: '/health', headers: { 'x-forwarded-for': '198.51.100.7' } });
      await app.close();
    }
    // Only a trusted proxy's (the test's connection is from 127.0.0.1) forwarded address is believed.
    assert.deepEqual(seen, ['127.0.0.1', '198.51.100.7', '127.0.0.1', '198.51.100.7']);
  });

  it('needs a second administrator to grant roles that reach records, or administration', async () => {
    const admin = await services.accounts.signIn('admin', TEST_PASSWORD);
    const admin2 = await services.accounts.signIn('admin2', TEST_PASSWORD);
    assert.ok(admin.ok && admin2.ok);
    const me = admin.actor;
    // Granting themselves police intelligence: a request, not a grant.
    const { user } = await services.accounts.getUser(me, me.userId);
    const { requested } = await services.accounts.updateUser(me, me.userId, {
      displayName: user.displayName,
      agencyId: user.agencyId,
      roles: ['administrator', 'police_intelligence'],
      active: 'true',
      version: String(user.version),
      reason: 'I want to read casework',
    });
    assert.deepEqual(requested, ['police_intelligence']);
    const again = await services.accounts.signIn('admin', TEST_PASSWORD);
    assert.ok(again.ok);
    assert.deepEqual(again.actor.roles, ['administrator']);
    const [request] = await services.accounts.roleRequests(me);
    // Neither the one who asked nor the account's holder may approve it.
    await assert.rejects(
      services.accounts.decideRoleRequest(me, request.id, { decision: 'approve' }),
      ForbiddenError,
    );
    // A sock-puppet administrator account is itself only a request.
    const agencyId = user.agencyId;
    const puppet = await services.accounts.createUser(me, {
      username: 'puppet',
      displayName: 'Not A Real Person',
      agencyId,
      roles: ['administrator'],
      password: 'a-long-enough-password',
    });
    assert.deepEqual(puppet.requested, ['administrator']);
    // The second administrator decides; the database holds the same rule.
    await services.accounts.decideRoleRequest(admin2.actor, request.id, {
      decision: 'reject',
      note: 'No need',
    });
    await assert.rejects(
      t.owner.pool.query(
        `UPDATE account_change SET status = 'approved', decided_by = requested_by WHERE user_id = $1 AND status = 'pending'`,
        [puppet.id],
      ),
      /check constraint/,
    );
    const audit = await t.owner.pool.query(
      "SELECT action FROM audit_event WHERE action LIKE 'user.roles_%' ORDER BY seq",
    );
    assert.deepEqual(
      audit.rows.map((r) => r.action),
      ['user.roles_requested', 'user.roles_requested', 'user.roles_rejected'],
    );
  });

  it('mints no tokens for someone else: users make their own, the operator command says who and why', async () => {
    const ta = await createTestApp(t);
    try {
      const admin = new Client(ta.app);
      await admin.signIn('admin');
      const police = (await t.owner.pool.query("SELECT id FROM app_user WHERE username = 'police'")).rows[0]
        .id;
      const response = await admin.post(`/admin/users/${police}/tokens`, { name: 'as police' });
      assert.equal(response.statusCode, 404);
      const mine = await admin.post('/account/tokens', { name: 'my own' });
      assert.equal(mine.statusCode, 200);
      assert.match(mine.body, /lnt_[A-Za-z0-9_-]{20,}/);
    } finally {
      await ta.app.close();
    }
    const env = {
      ...process.env,
      DATABASE_URL: t.url,
      NODE_ENV: 'test',
      SESSION_SECRET: TEST_SESSION_SECRET,
    };
    const lantern = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(ROOT, 'bin/lantern.js'), ...args], { env, encoding: 'utf8' });
    const refused = lantern('token', 'create', '--user', 'police');
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /--reason is required/);
    const made = lantern('token', 'create', '--user', 'police', '--reason', 'Police records system go-live');
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout.trim(), /^lnt_/);
    const { rows } = await t.owner.pool.query(
      "SELECT actor_username, reason FROM audit_event WHERE action = 'api_token.created' ORDER BY seq DESC LIMIT 1",
    );
    assert.match(rows[0].actor_username, /^operator .+@.+ \(lantern token\)$/);
    assert.equal(rows[0].reason, 'Police records system go-live');
  });

  it('makes a user choose their own password after an administrator resets it', async () => {
    const ta = await createTestApp(t);
    try {
      const admin = await services.accounts.signIn('admin', TEST_PASSWORD);
      assert.ok(admin.ok);
      const id = (await t.owner.pool.query("SELECT id FROM app_user WHERE username = 'councillor'")).rows[0]
        .id;
      await services.accounts.resetPassword(admin.actor, id, 'temporary-password-1');
      const councillor = new Client(ta.app);
      await councillor.signIn('councillor', 'temporary-password-1');
      const home = await councillor.get('/reports/wards');
      assert.equal(home.statusCode, 303);
      assert.equal(home.headers.location, '/account/password?required=1');
      const changed = await councillor.post('/account/password', {
        currentPassword: 'temporary-password-1',
        newPassword: 'my-own-secret-password',
      });
      assert.equal(changed.statusCode, 303);
      assert.equal((await councillor.get('/reports/wards')).statusCode, 200);
    } finally {
      await ta.app.close();
    }
  });
});

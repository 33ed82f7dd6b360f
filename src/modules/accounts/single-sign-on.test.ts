import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { agencyOf } from '../../../test/factories.ts';
import { Client, createTestDatabase, type TestDatabase, testConfig } from '../../../test/helpers.ts';
import {
  ProviderBrowser,
  startTestProvider,
  type TestAccount,
  type TestProvider,
} from '../../../test/oidc-provider.ts';
import { createApp } from '../../app.ts';
import { createServices, type Services } from '../../services.ts';

const LANTERN = 'http://lantern.test';

/**
 * Sign-in with the council's identity provider, end to end against a real OpenID provider: the
 * authorisation code flow with PKCE; users found by subject or verified email; roles and agency from
 * the groups administrators map; refusals for an ID token meant for someone else, an expired one,
 * and a person in no mapped group; signing out ends the provider's session too.
 */
describe('sign-in with the identity provider (OpenID Connect)', () => {
  let t: TestDatabase;
  let op: TestProvider;
  let services: Services;
  let app: Awaited<ReturnType<typeof createApp>>;
  let client: Client;
  let browser: ProviderBrowser;

  before(async () => {
    t = await createTestDatabase();
    op = await startTestProvider({
      redirectUri: `${LANTERN}/sign-in/provider/callback`,
      postLogoutRedirectUri: `${LANTERN}/sign-in?signed-out=1`,
    });
    const config = testConfig({
      publicUrl: LANTERN,
      oidc: {
        issuer: op.issuer,
        clientId: op.clientId,
        clientSecret: op.clientSecret,
        groupsClaim: 'groups',
        displayName: 'your council account',
      },
    });
    services = createServices(t.db, config);
    app = await createApp(services, config);
    await app.ready();
    op.accounts.set('new-worker', {
      sub: 'new-worker',
      email: 'Alex.Moore@council.example',
      email_verified: true,
      name: 'Alex Moore',
      groups: ['SG-Lantern-FrontDoor', 'All-Staff'],
    });
    op.accounts.set('helen', {
      sub: 'helen-entra-id',
      email: 'manager@demo.invalid',
      email_verified: true,
      name: 'Helen Sutcliffe',
      groups: ['SG-Lantern-Managers'],
    });
    op.accounts.set('unverified', {
      sub: 'unverified',
      email: 'chair@demo.invalid',
      email_verified: false,
      name: 'Someone claiming the chair’s address',
      groups: ['SG-Lantern-FrontDoor'],
    });
    op.accounts.set('outsider', {
      sub: 'outsider',
      email: 'o@council.example',
      email_verified: true,
      groups: ['All-Staff'],
    });
    op.accounts.set('two-agencies', {
      sub: 'two-agencies',
      email: 'two@council.example',
      email_verified: true,
      groups: ['SG-Lantern-FrontDoor', 'SG-Lantern-Police-Intelligence'],
    });
    op.accounts.set('analyst', {
      sub: 'analyst',
      email: 'analyst.new@council.example',
      email_verified: true,
      groups: ['SG-Lantern-Analysts'],
    });
  });
  after(async () => {
    await app.close();
    await op.stop();
    await t.close();
  });
  beforeEach(() => {
    client = new Client(app);
    browser = new ProviderBrowser(client, LANTERN);
    op.tamper = undefined;
  });

  const signInAs = async (accountId: string) => {
    op.nextLogin = accountId;
    const start = await client.get('/sign-in/provider?next=/account');
    assert.equal(start.statusCode, 302, start.body);
    const location = String(start.headers.location);
    assert.ok(location.startsWith(`${op.issuer}/auth?`), location);
    const url = new URL(location);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(url.searchParams.get('code_challenge'), 'PKCE challenge sent');
    assert.ok(url.searchParams.get('state') && url.searchParams.get('nonce'));
    const landed = await browser.follow(location);
    assert.ok(landed.lantern, `ended at the provider: ${landed.provider?.url}`);
    return landed.lantern;
  };

  const audited = async (action: string) =>
    (
      await t.owner.pool.query(
        `SELECT actor_username, details FROM audit_event WHERE action = $1 ORDER BY seq`,
        [action],
      )
    ).rows;

  it('offers the provider on the sign-in page, with the provider allowed as a form target for signing out', async () => {
    const page = await client.get('/sign-in');
    assert.match(page.body, /Sign in with your council account/);
    assert.match(page.body, /href="\/sign-in\/provider\?next=%2F"/);
    assert.match(
      String(page.headers['content-security-policy']),
      new RegExp(`form-action 'self' ${op.issuer}`),
    );
  });

  it('signs a new member of a mapped group in, with an account of the group’s agency and roles', async () => {
    const back = await signInAs('new-worker');
    assert.equal(back.statusCode, 302);
    assert.equal(back.headers.location, '/account');
    const account = await client.get('/account');
    assert.equal(account.statusCode, 200);
    assert.match(account.body, /Alex Moore/);
    assert.match(account.body, /Children(&#39;|')s Social Care/);
    const { rows } = await t.owner.pool.query(
      `SELECT u.username, u.email, u.roles, u.provider_subject, a.code FROM app_user u JOIN agency a ON a.id = u.agency_id
        WHERE u.provider_subject = 'new-worker'`,
    );
    assert.deepEqual(rows, [
      {
        username: 'alex.moore@council.example',
        email: 'alex.moore@council.example',
        roles: ['front_door'],
        provider_subject: 'new-worker',
        code: 'csc',
      },
    ]);
    const created = await audited('user.created_from_provider');
    assert.deepEqual(created.at(-1)?.details.groups, ['SG-Lantern-FrontDoor']);
    const signedIn = await audited('sign_in.succeeded');
    assert.equal(signedIn.at(-1)?.actor_username, 'alex.moore@council.example');
    assert.deepEqual(signedIn.at(-1)?.details, { method: 'provider' });
  });

  it('finds an existing user by verified email, links them, and their password stops working', async () => {
    const before = await services.accounts.signIn('manager', 'correct-horse-battery');
    assert.ok(before.ok, 'the manager signs in by password before linking');
    const back = await signInAs('helen');
    assert.equal(back.statusCode, 302);
    const { rows } = await t.owner.pool.query(
      `SELECT username, provider_subject FROM app_user WHERE provider_subject = 'helen-entra-id'`,
    );
    assert.deepEqual(rows, [{ username: 'manager', provider_subject: 'helen-entra-id' }]);
    assert.equal((await audited('user.linked_to_provider')).at(-1)?.actor_username, 'manager');
    const after = await services.accounts.signIn('manager', 'correct-horse-battery');
    assert.deepEqual(after, { ok: false, reason: 'invalid' });
  });

  it('does not match an account by an email address the provider has not verified', async () => {
    const back = await signInAs('unverified');
    assert.equal(back.statusCode, 302);
    const chair = await t.owner.pool.query(`SELECT provider_subject FROM app_user WHERE username = 'chair'`);
    assert.equal(chair.rows[0].provider_subject, null, 'the chair’s account was not taken over');
    const made = await t.owner.pool.query(
      `SELECT email, roles FROM app_user WHERE provider_subject = 'unverified'`,
    );
    assert.deepEqual(made.rows, [{ email: null, roles: ['front_door'] }]);
  });

  it('takes roles and agency from the groups at every sign-in', async () => {
    op.accounts.set('new-worker', {
      ...(op.accounts.get('new-worker') as TestAccount),
      groups: ['SG-Lantern-Police-Intelligence'],
    });
    const back = await signInAs('new-worker');
    assert.equal(back.statusCode, 302);
    const { rows } = await t.owner.pool.query(
      `SELECT u.roles, a.code FROM app_user u JOIN agency a ON a.id = u.agency_id WHERE u.provider_subject = 'new-worker'`,
    );
    assert.deepEqual(rows, [{ roles: ['police_intelligence'], code: 'police' }]);
    const changed = (await audited('user.roles_from_provider')).at(-1)?.details;
    assert.deepEqual(changed.from.roles, ['front_door']);
    assert.deepEqual(changed.to.roles, ['police_intelligence']);
  });

  it('refuses someone in no mapped group, and a group whose mapping still waits for approval', async () => {
    for (const who of ['outsider', 'analyst']) {
      const back = await signInAs(who);
      assert.equal(back.statusCode, 403);
      assert.match(back.body, /not in a group that gives access to Lantern/);
      assert.match(back.body, /govuk-error-summary/);
    }
    const made = await t.owner.pool.query(
      `SELECT 1 FROM app_user WHERE provider_subject IN ('outsider', 'analyst')`,
    );
    assert.equal(made.rowCount, 0);
    assert.equal((await client.get('/account')).statusCode, 302, 'not signed in');
  });

  it('refuses groups that would give roles in two agencies', async () => {
    const back = await signInAs('two-agencies');
    assert.equal(back.statusCode, 403);
    assert.match(back.body, /more than one agency/);
  });

  it('refuses an ID token meant for another client (wrong audience), though the provider signed it', async () => {
    // The provider re-signing a token unchanged is accepted: what is refused below is the audience.
    op.tamper = (claims) => claims;
    assert.equal((await signInAs('new-worker')).statusCode, 302);
    client = new Client(app);
    browser = new ProviderBrowser(client, LANTERN);
    op.tamper = (claims) => ({ ...claims, aud: 'some-other-service' });
    const back = await signInAs('new-worker');
    assert.equal(back.statusCode, 401);
    assert.match(back.body, /could not trust the answer from your council account/);
    assert.equal((await client.get('/account')).statusCode, 302, 'not signed in');
  });

  it('refuses an expired ID token', async () => {
    const now = Math.floor(Date.now() / 1000);
    op.tamper = (claims) => ({ ...claims, iat: now - 7200, exp: now - 3600 });
    const back = await signInAs('new-worker');
    assert.equal(back.statusCode, 401);
    assert.match(back.body, /could not trust the answer/);
  });

  it('refuses a callback whose state was tampered with, and a callback replayed', async () => {
    op.nextLogin = 'new-worker';
    const start = await client.get('/sign-in/provider');
    const landed = await browser.follow(String(start.headers.location));
    assert.equal(landed.lantern?.statusCode, 302, 'the first, honest callback signs in');
    // The same code again, as if replayed from the address bar or history: no flow, refused.
    op.nextLogin = 'new-worker';
    const again = await client.get('/sign-in/provider');
    const providerUrl = String(again.headers.location);
    const forged = new URL(providerUrl);
    forged.searchParams.set('state', 'not-the-state-lantern-sent');
    const result = await browser.follow(forged.href);
    assert.equal(result.lantern?.statusCode, 401);
  });

  it('tells the person when the provider cancels or refuses', async () => {
    const back = await signInAs(undefined as unknown as string);
    assert.equal(back.statusCode, 401);
    assert.match(back.body, /your council account did not sign you in/);
  });

  it('signs out of the provider too, so the next sign-in asks the person again', async () => {
    await signInAs('new-worker');
    // While the provider's session lasts, signing in again needs no login step there.
    const loginsBefore = op.logins;
    await signInAs('new-worker');
    assert.equal(op.logins, loginsBefore);
    await client.get('/account');
    const out = await client.post('/sign-out', {});
    assert.equal(out.statusCode, 303);
    const endSession = String(out.headers.location);
    assert.ok(endSession.startsWith(`${op.issuer}/session/end?`), endSession);
    assert.ok(new URL(endSession).searchParams.get('id_token_hint'), 'the ID token is sent as a hint');
    const confirm = await browser.follow(endSession);
    assert.ok(confirm.provider, 'the provider asks to confirm');
    const back = await browser.confirmProviderSignOut(confirm.provider);
    assert.equal(back.lantern?.statusCode, 200);
    assert.match(back.lantern?.body ?? '', /You have signed out/);
    await signInAs('new-worker');
    assert.equal(op.logins, loginsBefore + 1, 'the provider asked the person to sign in again');
  });

  it('says so when the provider cannot be reached, without an error page', async () => {
    const config = testConfig({
      publicUrl: LANTERN,
      oidc: {
        issuer: 'http://127.0.0.1:9',
        clientId: 'x',
        clientSecret: 'y',
        groupsClaim: 'groups',
        displayName: 'your council account',
      },
    });
    const s2 = createServices(t.db, config);
    const app2 = await createApp(s2, config);
    await app2.ready();
    try {
      const c2 = new Client(app2);
      const r = await c2.get('/sign-in/provider');
      assert.equal(r.statusCode, 503);
      assert.match(r.body, /not available right now/);
    } finally {
      await app2.close();
    }
  });

  describe('group mappings, kept by administrators', () => {
    it('need a second administrator before they give anyone access, and removing one stops it', async () => {
      const admin = new Client(app);
      await admin.signIn('admin');
      const form = await admin.get('/admin/sign-in-groups');
      assert.equal(form.statusCode, 200);
      assert.match(form.body, /SG-Lantern-FrontDoor/);
      const youth = await agencyOf(t, 'youth');
      const empty = await admin.post('/admin/sign-in-groups', { groupName: '', reason: '' });
      assert.equal(empty.statusCode, 422);
      assert.match(empty.body, /Enter the group’s name or id/);
      assert.match(empty.body, /Select at least one role/);
      const asked = await admin.post('/admin/sign-in-groups', {
        groupName: 'SG-Lantern-Youth',
        agencyId: youth,
        roles: ['service_worker'],
        reason: 'Youth workers on the DRAM',
      });
      assert.equal(asked.statusCode, 303);
      const duplicate = await admin.post('/admin/sign-in-groups', {
        groupName: 'sg-lantern-youth',
        agencyId: youth,
        roles: ['service_worker'],
        reason: 'Again',
      });
      assert.equal(duplicate.statusCode, 422);
      assert.match(duplicate.body, /already has a mapping/);
      const id = (
        await t.owner.pool.query(`SELECT id FROM sign_in_group WHERE group_name = 'SG-Lantern-Youth'`)
      ).rows[0].id;

      op.accounts.set('youth', {
        sub: 'youth',
        email: 'y@council.example',
        email_verified: true,
        groups: ['SG-Lantern-Youth'],
      });
      assert.equal((await signInAs('youth')).statusCode, 403, 'not yet approved');

      const own = await admin.post(`/admin/sign-in-groups/${id}/decision`, { decision: 'approve' });
      assert.equal(own.statusCode, 403, 'nobody approves their own mapping');
      const second = new Client(app);
      await second.signIn('admin2');
      const approved = await second.post(`/admin/sign-in-groups/${id}/decision`, { decision: 'approve' });
      assert.equal(approved.statusCode, 303);

      client = new Client(app);
      browser = new ProviderBrowser(client, LANTERN);
      assert.equal((await signInAs('youth')).statusCode, 302, 'approved: the group’s member signs in');

      const removed = await admin.post(`/admin/sign-in-groups/${id}/remove`, {});
      assert.equal(removed.statusCode, 303);
      client = new Client(app);
      browser = new ProviderBrowser(client, LANTERN);
      assert.equal((await signInAs('youth')).statusCode, 403, 'removed: no access at the next sign-in');
      const trail = (
        await t.owner.pool.query(
          `SELECT action, actor_username FROM audit_event WHERE action LIKE 'sign_in_group.%' AND details->>'groupName' = 'SG-Lantern-Youth' ORDER BY seq`,
        )
      ).rows;
      assert.deepEqual(trail, [
        { action: 'sign_in_group.requested', actor_username: 'admin' },
        { action: 'sign_in_group.approved', actor_username: 'admin2' },
        { action: 'sign_in_group.removed', actor_username: 'admin' },
      ]);
    });

    it('are the database’s rule too: a mapping approved by the one who asked is refused', async () => {
      await assert.rejects(
        t.owner.pool.query(
          `UPDATE sign_in_group SET status = 'approved', decided_by = requested_by WHERE group_name = 'SG-Lantern-Analysts'`,
        ),
        /sign_in_group_check/,
      );
    });
  });
});

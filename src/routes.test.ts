import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { agencyOf } from '../test/factories.ts';
import {
  Client,
  createTestApp,
  createTestDatabase,
  type TestApp,
  type TestDatabase,
} from '../test/helpers.ts';
import { checkedRoutes, concreteUrl, moduleFixtures, routeByRoleFailures } from '../test/route-check.ts';
import { requireAccessRule } from './app.ts';
import { DEMO_USERS } from './demo/index.ts';
import { MODULES } from './modules/index.ts';
import { ROLES, type Role } from './platform/access.ts';

const userOf = (role: Role) => {
  const user = DEMO_USERS.find((u) => u.roles.includes(role));
  if (!user) throw new Error(`no demo user for ${role}`);
  return user.username;
};

/** Everyone the test signs in as: each role alone, and people who hold several (a common case). */
const SUBJECTS: { name: string; roles: Role[] }[] = [
  ...ROLES.map((role) => ({ name: role, roles: [role] })),
  { name: 'service_worker+elected_member', roles: ['service_worker', 'elected_member'] },
  { name: 'analyst+elected_member', roles: ['analyst', 'elected_member'] },
  { name: 'administrator+service_worker', roles: ['administrator', 'service_worker'] },
  { name: 'front_door+manager', roles: ['front_door', 'manager'] },
];

describe('every route × every role (and users with several)', () => {
  let t: TestDatabase;
  let ta: TestApp;
  let fixtures: Record<string, string>;
  const clients = new Map<string, Client>();
  const usernameOf = (subject: { name: string; roles: Role[] }) =>
    subject.roles.length > 1 ? subject.name.replace(/\+/g, '.').replace(/_/g, '-') : userOf(subject.roles[0]);

  before(async () => {
    t = await createTestDatabase({ people: 60 });
    ta = await createTestApp(t);
    // Users holding several roles, made directly (granting them would need two administrators).
    const trp = await agencyOf(t, 'trp');
    const hash = (await t.owner.pool.query("SELECT password_hash FROM app_user WHERE username = 'admin'"))
      .rows[0].password_hash;
    for (const subject of SUBJECTS.filter((s) => s.roles.length > 1)) {
      const username = usernameOf(subject);
      await t.owner.pool.query(
        `INSERT INTO app_user (partnership_id, username, username_key, display_name, agency_id, roles, password_hash)
         VALUES ($1, $2, $2, $3, $4, $5, $6)`,
        [t.partnershipId, username, `Several roles ${username}`, trp, subject.roles, hash],
      );
    }
    for (const subject of SUBJECTS) {
      const client = new Client(ta.app);
      await client.signIn(usernameOf(subject));
      clients.set(subject.name, client);
    }
    // Each module says which records its routes need: the test knows none of them.
    fixtures = await moduleFixtures(t, ta.services, MODULES);
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  it('every route declares an access rule that a policy knows, and every placeholder has a fixture', () => {
    const routes = checkedRoutes(ta.app);
    assert.ok(routes.length >= 50, `expected the app's routes, found ${routes.length}`);
    for (const route of ta.app.routeTable) assert.ok(route.access, `${route.method} ${route.url}`);
    assert.deepEqual(
      routes.map((r) => concreteUrl(r.url, fixtures)).filter((u) => u.includes(':')),
      [],
      'a module whose routes take ids provides fixtures for them',
    );
    assert.throws(() => requireAccessRule({ method: 'GET', url: '/x' }), /declares no access rule/);
    assert.throws(
      () => requireAccessRule({ method: 'GET', url: '/x', config: { access: 'people:fly' } }),
      /no policy declares/,
    );
  });

  it('refuses each role exactly where its policy says, and lets it through elsewhere', async () => {
    const subjects = SUBJECTS.map((s) => ({ ...s, username: usernameOf(s) }));
    assert.deepEqual(await routeByRoleFailures(ta.app, ta.services, subjects, fixtures), []);
  });

  it('sends the signed-out to sign in, and the API without a token gets 401', async () => {
    for (const route of checkedRoutes(ta.app)) {
      if (route.access === 'public') continue;
      const response = await ta.app.inject({
        method: route.method as 'GET',
        url: concreteUrl(route.url, fixtures),
      });
      if (route.url.startsWith('/api/')) {
        assert.equal(response.statusCode, 401, `${route.method} ${route.url}`);
        assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8');
      } else if (route.method === 'GET') {
        assert.equal(response.statusCode, 302, `${route.method} ${route.url}`);
        assert.match(String(response.headers.location), /^\/sign-in/);
      } else {
        // A state-changing request without a session fails the CSRF check before anything else.
        assert.equal(response.statusCode, 403, `${route.method} ${route.url}`);
      }
    }
  });

  it('gives each role what its job needs (hand-written expectations)', async () => {
    const expect = async (role: string, url: string, status: number) => {
      const response = await (clients.get(role) as Client).get(concreteUrl(url, fixtures));
      assert.equal(response.statusCode, status, `${role} GET ${url}`);
    };
    await expect('elected_member', '/people', 403);
    await expect('elected_member', '/reports/wards', 200);
    await expect('elected_member', '/admin/users', 403);
    await expect('administrator', '/people', 403);
    await expect('administrator', '/admin/users', 200);
    await expect('administrator', '/admin/jobs', 200);
    await expect('front_door', '/admin/jobs', 403);
    await expect('front_door', '/people/new', 200);
    await expect('front_door', '/people/:id/access-log', 403);
    await expect('manager', '/people/:id/access-log', 200);
    await expect('service_worker', '/people/:id', 200);
    await expect('service_worker', '/people/new', 403);
    await expect('police_intelligence', '/people/:id/edit', 200);
    await expect('analyst', '/people/:id/edit', 403);
    // A second role widens nothing it does not grant: still only the people their agency knows.
    await expect('service_worker+elected_member', '/people/:id', 200);
    await expect('service_worker+elected_member', '/reports/wards', 200);
    await expect('administrator+service_worker', '/admin/users', 200);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  Client,
  createTestApp,
  createTestDatabase,
  personIdWhere,
  type TestApp,
  type TestDatabase,
  tokenFor,
} from '../test/helpers.ts';
import { requireAccessRule } from './app.ts';
import { DEMO_USERS } from './cli/seed.ts';
import { hasPermission, ROLES, type Role } from './platform/access.ts';

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
  const clients = new Map<string, Client>();
  const tokens = new Map<string, string>();
  const ids: Record<string, string> = {};

  before(async () => {
    t = await createTestDatabase({ people: 60 });
    ta = await createTestApp(t);
    // Users holding several roles, made directly (granting them would need two administrators).
    const trp = (await t.owner.pool.query("SELECT id FROM agency WHERE code = 'trp'")).rows[0].id;
    const hash = (await t.owner.pool.query("SELECT password_hash FROM app_user WHERE username = 'admin'"))
      .rows[0].password_hash;
    for (const subject of SUBJECTS.filter((s) => s.roles.length > 1)) {
      const username = subject.name.replace(/\+/g, '.').replace(/_/g, '-');
      await t.owner.pool.query(
        `INSERT INTO app_user (partnership_id, username, username_key, display_name, agency_id, roles, password_hash)
         VALUES ($1, $2, $2, $3, $4, $5, $6)`,
        [t.partnershipId, username, `Several roles ${username}`, trp, subject.roles, hash],
      );
    }
    const usernameOf = (subject: { name: string; roles: Role[] }) =>
      subject.roles.length > 1
        ? subject.name.replace(/\+/g, '.').replace(/_/g, '-')
        : userOf(subject.roles[0]);
    for (const subject of SUBJECTS) {
      const client = new Client(ta.app);
      await client.signIn(usernameOf(subject));
      clients.set(subject.name, client);
      tokens.set(subject.name, await tokenFor(ta.services, usernameOf(subject), subject.name));
    }
    const admin = await ta.services.accounts.signIn('admin', 'correct-horse-battery');
    assert.ok(admin.ok);
    const users = await ta.services.accounts.listUsers(admin.actor);
    // A person every person-viewing role may see: known to the service worker's agency.
    ids.person = await personIdWhere(
      t,
      "id IN (SELECT person_id FROM person_agency pa JOIN agency a ON a.id = pa.agency_id WHERE a.code = 'trp')",
    );
    ids.user = users.find((u) => u.username === 'frontdoor')?.id ?? '';
    // A submitted contact and an assessment about that person, for the Front Door routes.
    const frontdoor = await ta.services.accounts.signIn('frontdoor', 'correct-horse-battery');
    assert.ok(frontdoor.ok);
    const agency = (await t.owner.pool.query("SELECT id FROM agency WHERE code = 'education'")).rows[0].id;
    const received = await ta.services.contacts.receive(
      frontdoor.actor,
      {
        sourceKind: 'agency',
        sourceAgencyId: agency,
        categories: ['criminal'],
        narrative: 'Concern',
        people: [{ personId: ids.person, part: 'subject' }],
      },
      null,
    );
    ids.contact = received.id;
    ids.assessment = (await ta.services.assessments.start(frontdoor.actor, ids.person)).id;
    ids.work = (await t.owner.pool.query('SELECT id FROM work_item ORDER BY created_at LIMIT 1')).rows[0].id;
    // A record merged into that person (for the unmerge routes) and a pair waiting for review.
    const twin = await ta.services.people.create(frontdoor.actor, {
      givenName: 'Route',
      familyName: 'Twin',
      dobPrecision: 'unknown',
      gender: 'not_known',
    });
    ids.merge = await ta.services.people.merge(frontdoor.actor, {
      survivorId: ids.person,
      absorbedId: twin,
      reason: 'routes test',
    });
    const other = await personIdWhere(t, `id <> '${ids.person}' AND merged_into IS NULL`);
    const [a, b] = [ids.person, other].sort();
    ids.review = (
      await t.owner.pool.query(
        `INSERT INTO match_review (partnership_id, person_a, person_b, probability, model_version)
         VALUES ($1, $2, $3, 0.7, 1) RETURNING id`,
        [t.partnershipId, a, b],
      )
    ).rows[0].id;
    // The revoke route gets a token of its own to revoke.
    await tokenFor(ta.services, 'frontdoor', 'to be revoked');
    const { rows } = await t.owner.pool.query("SELECT id FROM api_token WHERE name = 'to be revoked'");
    ids.token = rows[0].id;
    // A role request waiting for a second administrator.
    await ta.services.accounts.updateUser(admin.actor, ids.user, {
      displayName: 'Sam Whitaker',
      agencyId: (await t.owner.pool.query('SELECT agency_id FROM app_user WHERE id = $1', [ids.user])).rows[0]
        .agency_id,
      roles: ['front_door', 'analyst'],
      active: 'true',
      version: String(
        (await t.owner.pool.query('SELECT version FROM app_user WHERE id = $1', [ids.user])).rows[0].version,
      ),
    });
    ids.roleRequest = (await ta.services.accounts.roleRequests(admin.actor))[0].id;
  });
  after(async () => {
    await ta.app.close();
    await t.close();
  });

  const concrete = (url: string) =>
    url
      .replace('/people/:id', `/people/${ids.person}`)
      .replace('/admin/users/:id', `/admin/users/${ids.user}`)
      .replace('/admin/tokens/:id', `/admin/tokens/${ids.token}`)
      .replace('/account/tokens/:id', `/account/tokens/${ids.token}`)
      .replace('/role-requests/:id', `/role-requests/${ids.roleRequest}`)
      .replace('/contacts/:id', `/contacts/${ids.contact}`)
      .replace('/assessments/:id', `/assessments/${ids.assessment}`)
      .replace('/work/:id', `/work/${ids.work}`)
      .replace('/reviews/:id', `/reviews/${ids.review}`)
      .replace('/review/:id', `/review/${ids.review}`)
      .replace(':mergeId', ids.merge);

  const routes = () =>
    ta.app.routeTable.filter(
      (r) =>
        r.method !== 'HEAD' && !r.url.startsWith('/assets') && !['/sign-in', '/sign-out'].includes(r.url),
    );

  it('every route declares an access rule that a policy knows', () => {
    assert.ok(routes().length >= 50, `expected the app's routes, found ${routes().length}`);
    for (const route of ta.app.routeTable) assert.ok(route.access, `${route.method} ${route.url}`);
    assert.throws(() => requireAccessRule({ method: 'GET', url: '/x' }), /declares no access rule/);
    assert.throws(
      () => requireAccessRule({ method: 'GET', url: '/x', config: { access: 'people:fly' } }),
      /no policy declares/,
    );
  });

  it('refuses each role exactly where its policy says, and lets it through elsewhere', async () => {
    const failures: string[] = [];
    for (const route of routes()) {
      for (const { name: role, roles } of SUBJECTS) {
        const allowed =
          route.access === 'public' ||
          route.access === 'signed-in' ||
          hasPermission({ roles } as never, route.access);
        const url = concrete(route.url);
        let status: number;
        if (url.startsWith('/api/')) {
          const response = await ta.app.inject({
            method: route.method as 'GET',
            url,
            headers: { authorization: `Bearer ${tokens.get(role)}` },
            ...(route.method === 'POST' ? { payload: {} } : {}),
          });
          status = response.statusCode;
        } else {
          const client = clients.get(role) as Client;
          status = (route.method === 'GET' ? await client.get(url) : await client.post(url, {})).statusCode;
        }
        if (status >= 500) failures.push(`${role} got ${status} from ${route.method} ${url}`);
        if (allowed && (status === 401 || status === 403))
          failures.push(`${role} was refused ${route.method} ${url} (${status})`);
        if (!allowed && status !== 403)
          failures.push(`${role} reached ${route.method} ${url} (${status}) without ${route.access}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  it('sends the signed-out to sign in, and the API without a token gets 401', async () => {
    for (const route of routes()) {
      if (route.access === 'public') continue;
      const response = await ta.app.inject({ method: route.method as 'GET', url: concrete(route.url) });
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
      const response = await (clients.get(role) as Client).get(concrete(url));
      assert.equal(response.statusCode, status, `${role} GET ${url}`);
    };
    await expect('elected_member', '/people', 403);
    await expect('elected_member', '/reports/wards', 200);
    await expect('elected_member', '/admin/users', 403);
    await expect('administrator', '/people', 403);
    await expect('administrator', '/admin/users', 200);
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

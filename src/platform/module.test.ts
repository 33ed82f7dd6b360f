import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client, createTestDatabase, type TestDatabase, testConfig } from '../../test/helpers.ts';
import { moduleFixtures, routeByRoleFailures } from '../../test/route-check.ts';
import { createApp } from '../app.ts';
import { DEMO_USERS } from '../demo/index.ts';
import { MODULES } from '../modules/index.ts';
import { createServices, type Services } from '../services.ts';
import { type Actor, declaredPermissions, definePolicy, ROLES, type Role } from './access.ts';
import { defineModule } from './module.ts';
import { actorOf, renderPage } from './web.ts';

/**
 * Adding a module is a folder and one line in the module list: a throwaway module, added to the list
 * here and nowhere else, shows in the navigation, is called by the route × role test with its own
 * access rules, and is in the OpenAPI.
 */
const noticeboardPolicy = definePolicy('noticeboard', {
  view: ['front_door', 'manager', 'meeting_chair'],
  post: ['manager'],
});

function createNoticeboard() {
  const notices: { text: string; by: string }[] = [];
  return {
    list(actor: Actor) {
      noticeboardPolicy.assert(actor, 'view');
      return notices;
    },
    post(actor: Actor, text: string) {
      noticeboardPolicy.assert(actor, 'post');
      notices.push({ text, by: actor.displayName });
    },
  };
}

const noticeboardModule = defineModule({
  name: 'noticeboard',
  policy: noticeboardPolicy,
  service: () => createNoticeboard(),
  navigation: [{ href: '/noticeboard', text: 'Noticeboard', permission: 'noticeboard:view', order: 55 }],
  routes: async (app, { service }) => {
    app.get('/noticeboard', { config: { access: 'noticeboard:view' } }, async (request, reply) => {
      const notices = service.list(actorOf(request));
      return renderPage(request, reply, 'errors/problem.njk', {
        problem: { title: 'Noticeboard', detail: notices.map((n) => n.text).join('; ') || 'No notices yet' },
      });
    });
    app.get(
      '/api/v1/noticeboard',
      {
        config: { access: 'noticeboard:view' },
        schema: { summary: 'The partnership noticeboard', tags: ['Noticeboard'] },
      },
      async (request) => ({ notices: service.list(actorOf(request)) }),
    );
    app.post(
      '/api/v1/noticeboard',
      {
        config: { access: 'noticeboard:post' },
        schema: {
          summary: 'Put up a notice',
          tags: ['Noticeboard'],
          body: {
            type: 'object',
            properties: { text: { type: 'string', minLength: 1, maxLength: 200 } },
          },
        },
      },
      async (request, reply) => {
        service.post(actorOf(request), String((request.body as { text?: string }).text ?? 'Notice'));
        return reply.code(201).send({ ok: true });
      },
    );
  },
});

describe('a module added through the module list alone', () => {
  let t: TestDatabase;
  let services: Services;
  let app: Awaited<ReturnType<typeof createApp>>;

  before(async () => {
    t = await createTestDatabase();
    const config = testConfig();
    services = createServices(t.db, config, { modules: [...MODULES, noticeboardModule] });
    app = await createApp(services, config);
    await app.ready();
  });
  after(async () => {
    await app.close();
    await t.close();
  });

  it('has its service wired under its name', () => {
    assert.equal(
      typeof (services as unknown as Record<string, { list?: unknown }>).noticeboard.list,
      'function',
    );
  });

  it('appears in the navigation of those who may use it, and only theirs', async () => {
    const frontdoor = new Client(app);
    await frontdoor.signIn('frontdoor');
    const page = await frontdoor.get('/noticeboard');
    assert.equal(page.statusCode, 200);
    const nav = /<nav aria-label="Main"[\s\S]*?<\/nav>/.exec(page.body)?.[0] ?? '';
    assert.ok(
      /href="\/noticeboard"[^>]*>[\s\S]{0,200}Noticeboard/.test(nav),
      'Noticeboard is in the navigation',
    );
    const police = new Client(app);
    await police.signIn('police');
    const elsewhere = await police.get('/people');
    assert.equal(elsewhere.statusCode, 200);
    assert.match(elsewhere.body, /govuk-service-navigation|<nav/);
    assert.doesNotMatch(elsewhere.body, /href="\/noticeboard"/);
  });

  it('is checked by the route × role test with its own rules', async () => {
    const subjects = ROLES.map((role: Role) => {
      const user = DEMO_USERS.find((u) => u.roles.length === 1 && u.roles[0] === role);
      if (!user) throw new Error(`no demo user for ${role}`);
      return { name: role, username: user.username, roles: [role] };
    });
    const fixtures = await moduleFixtures(t, services, services.platform.modules);
    const failures = await routeByRoleFailures(app, services, subjects, fixtures, (url) =>
      url.includes('noticeboard'),
    );
    assert.deepEqual(failures, []);
    // And it catches a route that does not keep its declared rule: the check is not a rubber stamp.
    const strict = defineModule({
      name: 'strict',
      routes: async (a) => {
        a.get('/strict', { config: { access: 'noticeboard:view' } }, async (request) => {
          noticeboardPolicy.assert(actorOf(request), 'post');
          return 'managers only, though the route says otherwise';
        });
      },
    });
    const s2 = createServices(t.db, testConfig(), { modules: [...MODULES, strict] });
    const app2 = await createApp(s2, testConfig());
    await app2.ready();
    try {
      const caught = await routeByRoleFailures(app2, s2, subjects, fixtures, (url) => url === '/strict');
      assert.deepEqual(caught, [
        'front_door was refused GET /strict (403)',
        'meeting_chair was refused GET /strict (403)',
      ]);
    } finally {
      await app2.close();
    }
  });

  it('says whose permissions it declares: every policy belongs to a module in the list', () => {
    const declared = new Set(declaredPermissions().map((p) => p.split(':')[0]));
    const byModules = new Set(services.platform.modules.map((m) => m.policy?.module).filter(Boolean));
    byModules.add('noticeboard');
    assert.deepEqual([...declared].sort(), [...byModules].sort());
    assert.ok(declared.has('people') && declared.has('accounts'));
  });

  it('is in the OpenAPI', async () => {
    const spec = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json();
    assert.ok(spec.paths['/api/v1/noticeboard']?.get, 'GET /api/v1/noticeboard documented');
    assert.ok(spec.paths['/api/v1/noticeboard']?.post?.requestBody, 'POST body documented');
  });
});

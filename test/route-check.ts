import type { FastifyInstance } from 'fastify';
import { hasPermission, type Role } from '../src/platform/access.ts';
import type { RouteFixtures } from '../src/platform/module.ts';
import type { AnyModule, Services } from '../src/services.ts';
import { Client, TEST_PASSWORD, type TestDatabase, tokenFor } from './helpers.ts';

/** Someone the route × role test signs in as: a username and the roles it holds. */
export interface Subject {
  name: string;
  username: string;
  roles: Role[];
}

/**
 * Every module's fixtures, in the module list's order: the ids the route test puts in place of
 * `:id` placeholders (a later module may build on an earlier one's, e.g. a contact about `person`).
 */
export async function moduleFixtures(
  t: TestDatabase,
  services: Services,
  modules: readonly AnyModule[],
): Promise<RouteFixtures> {
  const actors: Record<string, import('../src/platform/access.ts').Actor> = {};
  for (const username of ['frontdoor', 'admin', 'admin2', 'manager', 'police', 'chair']) {
    const result = await services.accounts.signIn(username, TEST_PASSWORD);
    if (!result.ok) throw new Error(`fixture sign-in as ${username} failed`);
    actors[username] = result.actor;
  }
  const ids: RouteFixtures = {};
  for (const m of modules) {
    if (!m.fixtures) continue;
    Object.assign(
      ids,
      await m.fixtures({
        owner: t.owner.pool,
        partnershipId: t.partnershipId,
        services: services as unknown as Record<string, unknown>,
        actors,
        ids,
      }),
    );
  }
  return ids;
}

/** Puts fixture ids in a route's placeholders (the longest pattern first). */
export function concreteUrl(url: string, fixtures: RouteFixtures): string {
  const patterns = Object.keys(fixtures)
    .filter((k) => k.startsWith('/') || k.startsWith(':'))
    .sort((a, b) => b.length - a.length);
  let out = url;
  for (const p of patterns) out = out.replace(p, fixtures[p]);
  return out;
}

/** The routes a person or system can call (static assets and the sign-in form itself aside). */
export function checkedRoutes(app: FastifyInstance) {
  return app.routeTable.filter(
    (r) => r.method !== 'HEAD' && !r.url.startsWith('/assets') && !['/sign-in', '/sign-out'].includes(r.url),
  );
}

/**
 * Calls every route as every subject (pages with a session, the API with the subject's own token)
 * and lists what is wrong: refused where its policy allows, let through where it does not, or a
 * server error anywhere.
 */
export async function routeByRoleFailures(
  app: FastifyInstance,
  services: Services,
  subjects: Subject[],
  fixtures: RouteFixtures,
  only: (url: string) => boolean = () => true,
): Promise<string[]> {
  const clients = new Map<string, Client>();
  const tokens = new Map<string, string>();
  for (const s of subjects) {
    const client = new Client(app);
    await client.signIn(s.username);
    clients.set(s.name, client);
    tokens.set(s.name, await tokenFor(services, s.username, s.name));
  }
  const failures: string[] = [];
  for (const route of checkedRoutes(app).filter((r) => only(r.url))) {
    for (const { name, roles } of subjects) {
      const allowed =
        route.access === 'public' ||
        route.access === 'signed-in' ||
        hasPermission({ roles } as never, route.access);
      const url = concreteUrl(route.url, fixtures);
      let status: number;
      if (url.startsWith('/api/')) {
        const response = await app.inject({
          method: route.method as 'GET',
          url,
          headers: { authorization: `Bearer ${tokens.get(name)}` },
          ...(route.method === 'POST' ? { payload: {} } : {}),
        });
        status = response.statusCode;
      } else {
        const client = clients.get(name) as Client;
        status = (route.method === 'GET' ? await client.get(url) : await client.post(url, {})).statusCode;
      }
      if (status >= 500) failures.push(`${name} got ${status} from ${route.method} ${url}`);
      if (allowed && (status === 401 || status === 403))
        failures.push(`${name} was refused ${route.method} ${url} (${status})`);
      if (!allowed && status !== 403)
        failures.push(`${name} reached ${route.method} ${url} (${status}) without ${route.access}`);
    }
  }
  return failures;
}

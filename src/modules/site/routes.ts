import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../platform/module.ts';
import { PageQuery, typed } from '../../platform/schemas.ts';
import { renderPage } from '../../platform/web.ts';

export type SiteRouteContext = RouteContext<undefined, Record<string, unknown>>;

export function siteRoutes(ctx: SiteRouteContext) {
  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    // For load balancers and monitoring: no personal data, no session needed.
    app.get(
      '/health',
      { config: { access: 'public' }, schema: { querystring: PageQuery } },
      async (_request, reply) => {
        const database = await ctx.databaseStatus();
        return reply
          .code(database === 'up' ? 200 : 503)
          .send({ status: database === 'up' ? 'ok' : 'degraded', database });
      },
    );

    app.get(
      '/accessibility',
      { config: { access: 'public' }, schema: { querystring: PageQuery } },
      async (request, reply) =>
        renderPage(request, reply, 'site/views/accessibility.njk', { title: 'Accessibility statement' }),
    );
  };
}

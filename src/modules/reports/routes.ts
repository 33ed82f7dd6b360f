import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../platform/module.ts';
import { PageQuery, typed } from '../../platform/schemas.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { ReportsService } from './service.ts';

export type ReportsRouteContext = RouteContext<ReportsService, Record<string, unknown>>;

export function reportsRoutes(ctx: ReportsRouteContext) {
  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    app.get(
      '/reports/wards',
      { config: { access: 'reports:view_wards' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        return renderPage(request, reply, 'reports/views/wards.njk', {
          title: 'Ward reports',
          ...(await ctx.service.wards(actorOf(request))),
        });
      },
    );
  };
}

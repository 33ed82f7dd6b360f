import type { FastifyInstance } from 'fastify';
import type { RouteContext } from '../../platform/module.ts';
import { PageQuery, typed } from '../../platform/schemas.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import { operationsPolicy } from './policy.ts';

export function operationsRoutes(ctx: RouteContext<undefined, Record<string, unknown>>) {
  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    app.get(
      '/admin/jobs',
      { config: { access: 'operations:view_jobs' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        operationsPolicy.assert(actorOf(request), 'view_jobs');
        const [queues, failed] = await Promise.all([ctx.jobs.summary(), ctx.jobs.failed(50)]);
        return renderPage(request, reply, 'operations/views/jobs.njk', { title: 'Jobs', queues, failed });
      },
    );
  };
}

import type { FastifyInstance } from 'fastify';
import { hasPermission } from '../../platform/access.ts';
import { ConflictError, ValidationError } from '../../platform/errors.ts';
import type { RouteContext } from '../../platform/module.ts';
import { FormBody, PageId, PageQuery, typed } from '../../platform/schemas.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { ClockService } from './service.ts';

export type ClockRouteContext = RouteContext<ClockService, Record<string, unknown>>;

import { UNITS, WORK_KIND_NAMES } from './rules.ts';

const UNIT_NAMES = { hours: 'hours', working_days: 'working days', days: 'calendar days', months: 'months' };

export function clockRoutes(ctx: ClockRouteContext) {
  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    app.get(
      '/work',
      { config: { access: 'clock:view_queues' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const actor = actorOf(request);
        const queues = await ctx.service.queues(actor);
        const people = [
          ...new Set(
            Object.values(queues).flatMap((list: { personId: string | null }[]) =>
              list.map((w) => w.personId),
            ),
          ),
        ];
        const missing =
          (await ctx.capabilities.missingNow?.(
            actor,
            people.filter((id): id is string => !!id),
          )) ?? new Map();
        return renderPage(request, reply, 'clock/views/queues.njk', {
          title: 'Work queues',
          queues,
          missing: Object.fromEntries(missing),
          now: new Date(),
          kindNames: WORK_KIND_NAMES,
        });
      },
    );

    const itemPage = async (
      request: Parameters<typeof actorOf>[0],
      reply: Parameters<typeof renderPage>[1],
      id: string,
      extra = {},
    ) => {
      const { item, completableHere } = await ctx.service.item(actorOf(request), id);
      return renderPage(request, reply, 'clock/views/item.njk', {
        title: item.title,
        item,
        completableHere,
        canComplete: hasPermission(request.actor, 'clock:complete'),
        kindNames: WORK_KIND_NAMES,
        ...extra,
      });
    };

    app.get(
      '/work/:id',
      { config: { access: 'clock:view_queues' }, schema: { params: PageId, querystring: PageQuery } },
      async (request, reply) => itemPage(request, reply, request.params.id),
    );

    app.post(
      '/work/:id',
      {
        config: { access: 'clock:complete' },
        schema: { params: PageId, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        try {
          await ctx.service.complete(actorOf(request), id, body);
          return reply.redirect(`/work/${id}`);
        } catch (error) {
          if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error;
          const errors =
            error instanceof ValidationError ? error.errors : [{ field: 'note', message: error.message }];
          return itemPage(request, reply.code(422), id, { errors, values: body });
        }
      },
    );

    const rulesPage = async (
      request: Parameters<typeof actorOf>[0],
      reply: Parameters<typeof renderPage>[1],
      extra = {},
    ) =>
      renderPage(request, reply, 'clock/views/rules.njk', {
        title: 'Case clock settings',
        rules: await ctx.service.rules(actorOf(request)),
        kindNames: WORK_KIND_NAMES,
        unitItems: UNITS.map((u) => ({ value: u, text: UNIT_NAMES[u] })),
        ...extra,
      });

    app.get(
      '/admin/clock',
      { config: { access: 'clock:manage_rules' }, schema: { querystring: PageQuery } },
      async (request, reply) => rulesPage(request, reply, { saved: request.query.saved === '1' }),
    );

    app.post(
      '/admin/clock',
      { config: { access: 'clock:manage_rules' }, schema: { body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        try {
          await ctx.service.updateRules(actorOf(request), request.body);
          return reply.redirect('/admin/clock?saved=1');
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return rulesPage(request, reply.code(422), { errors: error.errors, values: request.body });
        }
      },
    );
  };
}

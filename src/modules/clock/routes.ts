import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../platform/errors.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { Services } from '../../services.ts';
import { UNITS, WORK_KIND_NAMES } from './rules.ts';

const UNIT_NAMES = { hours: 'hours', working_days: 'working days', days: 'calendar days', months: 'months' };

export function clockRoutes(services: Services) {
  return async function plugin(app: FastifyInstance) {
    app.get('/work', { config: { access: 'clock:view_queues' } }, async (request, reply) => {
      const queues = await services.clock.queues(actorOf(request));
      return renderPage(request, reply, 'clock/views/queues.njk', {
        title: 'Work queues',
        queues,
        now: new Date(),
        kindNames: WORK_KIND_NAMES,
      });
    });

    const rulesPage = async (
      request: Parameters<typeof actorOf>[0],
      reply: Parameters<typeof renderPage>[1],
      extra = {},
    ) =>
      renderPage(request, reply, 'clock/views/rules.njk', {
        title: 'Case clock settings',
        rules: await services.clock.rules(actorOf(request)),
        kindNames: WORK_KIND_NAMES,
        unitItems: UNITS.map((u) => ({ value: u, text: UNIT_NAMES[u] })),
        ...extra,
      });

    app.get('/admin/clock', { config: { access: 'clock:manage_rules' } }, async (request, reply) =>
      rulesPage(request, reply, { saved: (request.query as Record<string, string>).saved === '1' }),
    );

    app.post('/admin/clock', { config: { access: 'clock:manage_rules' } }, async (request, reply) => {
      try {
        await services.clock.updateRules(actorOf(request), (request.body ?? {}) as Record<string, unknown>);
        return reply.redirect('/admin/clock?saved=1');
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        return rulesPage(request, reply.code(422), { errors: error.errors, values: request.body });
      }
    });
  };
}

import type { FastifyInstance } from 'fastify';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { Services } from '../../services.ts';

export function reportsRoutes(services: Services) {
  return async function plugin(app: FastifyInstance) {
    app.get('/reports/wards', { config: { access: 'reports:view_wards' } }, async (request, reply) => {
      const { wards, districtPopulation } = await services.reports.wards(actorOf(request));
      return renderPage(request, reply, 'reports/views/wards.njk', {
        title: 'Ward reports',
        wards,
        districtPopulation,
      });
    });
  };
}

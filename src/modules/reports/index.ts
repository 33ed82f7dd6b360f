export { reportsPolicy } from './policy.ts';
export { listWards } from './repository.ts';
export { reportsRoutes } from './routes.ts';
export { createReportsService, type ReportsService, ratePer10000, wardReportPeriod } from './service.ts';

import { defineModule } from '../../platform/module.ts';
import { reportsPolicy } from './policy.ts';
import { reportsRoutes } from './routes.ts';
import { createReportsService } from './service.ts';

export const reportsModule = defineModule({
  name: 'reports',
  policy: reportsPolicy,
  service: (ctx) => createReportsService(ctx.db),
  routes: (app, ctx) => reportsRoutes(ctx)(app),
  navigation: [
    { href: '/reports/wards', text: 'Ward reports', permission: 'reports:view_wards', order: 50 },
    { href: '/reports/equality', text: 'Equality', permission: 'reports:view_monitoring', order: 51 },
    { href: '/reports/practice', text: 'Practice', permission: 'reports:view_monitoring', order: 52 },
  ],
  // The committee pack's file name: one of the area committees.
  fixtures: async () => ({ '/area-committees/:file': '/area-committees/bradford-south.pdf' }),
});

import { defineModule } from '../../platform/module.ts';
import { operationsPolicy } from './policy.ts';
import { operationsRoutes } from './routes.ts';

export { operationsPolicy } from './policy.ts';

export const operationsModule = defineModule({
  name: 'operations',
  policy: operationsPolicy,
  routes: (app, ctx) => operationsRoutes(ctx)(app),
  navigation: [{ href: '/admin/jobs', text: 'Jobs', permission: 'operations:view_jobs', order: 90 }],
});

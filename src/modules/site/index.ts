import { defineModule } from '../../platform/module.ts';
import { siteRoutes } from './routes.ts';

export { siteRoutes } from './routes.ts';

/** Pages about the service itself: health for the load balancer, the accessibility statement. */
export const siteModule = defineModule({
  name: 'site',
  routes: (app, ctx) => siteRoutes(ctx)(app),
});

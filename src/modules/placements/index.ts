export {
  MANY_MOVES,
  PLACEMENT_KIND_NAMES,
  PLACEMENT_KINDS,
  type PlacementKind,
  RESIDENTIAL,
} from './reference.ts';
export type { Placement } from './repository.ts';
export type { SeededPlacement } from './seed.ts';
export {
  createPlacementsService,
  currentPlacementOf,
  movesInYear,
  type PlacementsService,
  placementById,
  placementsPolicy,
} from './service.ts';

import { hasPermission } from '../../platform/access.ts';
import { defineModule } from '../../platform/module.ts';
import { placementsRoutes } from './routes.ts';
import { seedPlacements } from './seed.ts';
import { createPlacementsService, placementsPolicy } from './service.ts';

export const placementsModule = defineModule({
  name: 'placements',
  policy: placementsPolicy,
  service: (ctx) => createPlacementsService(ctx.db, ctx.events),
  routes: (app, ctx) => placementsRoutes(ctx)(app),
  seed: seedPlacements,
  navigation: [
    {
      href: '/placements/out-of-area',
      text: 'Out of area',
      permission: 'placements:view_out_of_area',
      order: 36,
    },
  ],
  personPanels: (placements) => [
    {
      key: 'placements',
      permission: 'placements:view',
      templates: { main: 'placements/views/panel.njk' },
      load: async (actor, person) => ({
        ...(await placements.forPerson(actor, person.id)),
        canRecord: hasPermission(actor, 'placements:record'),
      }),
    },
  ],
});

export { copyFlagPeriods, type EarlierFlag } from './history.ts';
export {
  ASSESSED_LEVELS,
  type AssessedLevel,
  FLAG_NAMES,
  FLAG_TYPES,
  type FlagType,
  LEVEL_NAMES,
  RISK_LEVELS,
  type RiskLevel,
} from './reference.ts';
export type { FlagPeriod } from './repository.ts';
export { flagsRoutes } from './routes.ts';
export {
  applyAssessedLevel,
  createFlagsService,
  currentFlagsOf,
  currentFlagsOfPeople,
  endFlag,
  type FlagsService,
  flagsPolicy,
  setFlag,
} from './service.ts';

import { defineModule } from '../../platform/module.ts';
import { seedFlagHistory } from './history.ts';
import { flagsRoutes } from './routes.ts';
import { createFlagsService, flagsPolicy, scheduleRiskReviews } from './service.ts';

export const flagsModule = defineModule({
  name: 'flags',
  policy: flagsPolicy,
  service: (ctx) => createFlagsService(ctx.db, ctx.events),
  routes: (app, ctx) => flagsRoutes(ctx)(app),
  seed: seedFlagHistory,
  personPanels: (flags) => [
    { key: 'flags', permission: 'flags:view', load: (actor, person) => flags.forPerson(actor, person.id) },
  ],
  // Changing risk (thematic review 2.15): any event that may change the risk to a flagged person
  // puts a risk review on the clock, whichever module it came from.
  subscribe: (_flags, events) => {
    events.on('*', async (c, event) => {
      if (event.changesRisk && event.about.length)
        await scheduleRiskReviews(c, event.actor, event.about, event.changesRisk);
    });
  },
});

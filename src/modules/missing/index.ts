export {
  GRADING_NAMES,
  GRADINGS,
  INDICATOR_NAMES,
  INDICATORS,
  REPEAT_DAYS,
  REPEAT_EPISODES,
  REPORTERS,
} from './reference.ts';
export {
  academicYearOf,
  createMissingService,
  durationText,
  INTERVIEW_HOURS,
  type MissingFigures,
  type MissingService,
  missingPolicy,
} from './service.ts';

import { hasPermission } from '../../platform/access.ts';
import { defineModule } from '../../platform/module.ts';
import { type PlacementKind, RESIDENTIAL } from '../placements/index.ts';
import { createPhilomenaService, type PhilomenaService } from './philomena.ts';
import { philomenaRoutes } from './philomena-routes.ts';
import { missingRoutes } from './routes.ts';
import { seedMissing } from './seed.ts';
import { createMissingService, type MissingService, missingPolicy } from './service.ts';

export type MissingModuleService = MissingService & { philomena: PhilomenaService };

/**
 * Missing episodes and return home interviews: on the child's chronology, on the clock (the
 * 72-hour interview), feeding the risk picture through events (a risk review for a flagged or
 * assessed child; repeat episodes put "consider an assessment" before the Front Door).
 */
export const missingModule = defineModule({
  name: 'missing',
  policy: missingPolicy,
  service: (ctx) =>
    Object.assign(createMissingService(ctx.db, ctx.events), { philomena: createPhilomenaService(ctx.db) }),
  routes: async (app, ctx) => {
    await missingRoutes(ctx)(app);
    await app.register(philomenaRoutes(ctx.service.philomena));
  },
  // A child placed in residential care needs an agreed Philomena plan: the work queue shows it.
  subscribe: (missing, events) => {
    events.on('placement.started', async (c, event) => {
      if (RESIDENTIAL.includes(event.payload.kind as PlacementKind))
        await missing.philomena.placedInResidentialCare(c, event.actor, event.payload.personId);
    });
  },
  navigation: [{ href: '/reports/missing', text: 'Missing', permission: 'missing:view_figures', order: 53 }],
  personPanels: (missing) => [
    {
      key: 'missing',
      permission: 'missing:view',
      templates: { top: 'missing/views/panel-top.njk', main: 'missing/views/panel.njk' },
      load: async (actor, person) => {
        const [episodes, plan] = await Promise.all([
          missing.forPerson(actor, person.id),
          hasPermission(actor, 'missing:view_plan') ? missing.philomena.summary(actor, person.id) : null,
        ]);
        return { ...episodes, canRecord: hasPermission(actor, 'missing:record'), plan };
      },
    },
  ],
  provides: (missing) => ({
    missingFacts: (actor, personId) => missing.facts(actor, personId),
    missingNow: (actor, personIds) => missing.missingNow(actor, personIds),
  }),
  seed: seedMissing,
  // An episode that has ended (so its interview's routes have something to record against).
  async fixtures({ services, actors, ids }) {
    const lastSeen = new Date(Date.now() - 30 * 3_600_000);
    const { id } = await (services.missing as MissingModuleService).report(actors.police, {
      personId: ids.person,
      reportedBy: 'police',
      lastSeenAt: lastSeen.toISOString(),
      missingFrom: 'home',
      riskGrading: 'low',
      returnedAt: new Date(lastSeen.getTime() + 6 * 3_600_000).toISOString(),
      foundBy: 'police',
    });
    const missing = services.missing as MissingModuleService;
    const plan = await missing.philomena.save(actors.police, ids.person, {
      physicalDescription: 'Routes test',
      firstActions: 'Routes test',
      reviewDue: '2099-01-01',
    });
    return {
      '/missing-episodes/:id': `/missing-episodes/${id}`,
      '/philomena-plans/:id': `/philomena-plans/${plan.id}`,
    };
  },
});

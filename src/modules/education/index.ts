export {
  CHANGES_RISK,
  EDUCATION_KIND_NAMES,
  EDUCATION_KINDS,
  type EducationKind,
  WHEREABOUTS,
  WHEREABOUTS_NAMES,
} from './reference.ts';
export { eventsInPeriod as educationEventsInPeriod } from './repository.ts';
export {
  createEducationService,
  type EducationService,
  educationPolicy,
  educationStatus,
} from './service.ts';

import { hasPermission } from '../../platform/access.ts';
import { defineModule } from '../../platform/module.ts';
import { educationRoutes } from './routes.ts';
import { seedEducation } from './seed.ts';
import { createEducationService, type EducationService, educationPolicy } from './service.ts';

export const educationModule = defineModule({
  name: 'education',
  policy: educationPolicy,
  service: (ctx) => createEducationService(ctx.db, ctx.events),
  routes: (app, ctx) => educationRoutes(ctx)(app),
  seed: seedEducation,
  personPanels: (education) => [
    {
      key: 'education',
      permission: 'education:view',
      templates: { main: 'education/views/panel.njk' },
      load: async (actor, person) => ({
        ...(await education.forPerson(actor, person.id)),
        canRecord: hasPermission(actor, 'education:record'),
      }),
    },
  ],
  // A referral as missing education, for the route that records where the child was found.
  async fixtures({ services, actors, ids }) {
    const { id } = await (services.education as EducationService).record(actors.frontdoor, ids.person, {
      kind: 'missing_education',
      startedOn: new Date().toISOString().slice(0, 10),
    });
    return { ':eventId': id };
  },
  provides: (education) => ({ educationFacts: (actor, personId) => education.facts(actor, personId) }),
});

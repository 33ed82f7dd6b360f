export { assessmentsRoutes } from './routes.ts';
export { ANSWERS, type Answer, CURRENT_RULES, rulesFor, score } from './rules.ts';
export {
  type AssessmentsService,
  assessmentsPolicy,
  createAssessmentsService,
  readAssessmentInput,
  startAssessment,
} from './service.ts';

import { defineModule } from '../../platform/module.ts';
import { assessmentsRoutes } from './routes.ts';
import { type AssessmentsService, assessmentsPolicy, createAssessmentsService } from './service.ts';

export const assessmentsModule = defineModule({
  name: 'assessments',
  policy: assessmentsPolicy,
  service: (ctx) => createAssessmentsService(ctx.db, ctx.events),
  routes: (app, ctx) => assessmentsRoutes(ctx)(app),
  personPanels: (assessments) => [
    {
      key: 'assessments',
      permission: 'assessments:view',
      load: (actor, person) => assessments.forPerson(actor, person.id),
    },
  ],
  async fixtures({ services, actors, ids }) {
    const { id } = await (services.assessments as AssessmentsService).start(actors.frontdoor, ids.person);
    return { '/assessments/:id': `/assessments/${id}` };
  },
});

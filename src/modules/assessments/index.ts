export { assessmentsRoutes } from './routes.ts';
export { ANSWERS, CURRENT_RULES, rulesFor, score } from './rules.ts';
export {
  type AssessmentsService,
  assessmentsPolicy,
  createAssessmentsService,
  readAssessmentInput,
  startAssessment,
} from './service.ts';

export { BLOCKING_RULES, candidatePairs } from './blocking.ts';
export { describeChoices } from './choices.ts';
export { clusters } from './cluster.ts';
export {
  COMPARISONS,
  compareDob,
  compareFamily,
  compareGiven,
  comparePostcode,
  compareRecords,
} from './comparisons.ts';
export {
  ExtractError,
  type FieldMap,
  MAPPABLE_FIELDS,
  mappedFieldNames,
  parseFieldMap,
  readExtract,
} from './extract.ts';
export { type ImportSummary, importExtract } from './importer.ts';
export {
  clusterIds,
  compareCandidates,
  type ExplainedPair,
  explainPair,
  predict,
  trainModel,
} from './link.ts';
export { explain, type ModelParameters, score } from './model.ts';
export { readModelFile, saveModelFile } from './model-file.ts';
export { cleanName, type MatchRecord, normaliseRecord, parseDob, type RawRecord } from './normalise.ts';
export { linkReport } from './report.ts';
export { matchingRoutes } from './routes.ts';
export {
  createMatchingService,
  type MatchCandidate,
  type MatchingService,
  matchingPolicy,
  peopleForLinking,
  personRecord,
  trainAndStore,
} from './service.ts';
export { estimateU, expectationMaximisation, initialM, seededRandom } from './train.ts';

import { defineModule } from '../../platform/module.ts';
import type { PeopleService } from '../people/index.ts';
import * as repo from './repository.ts';
import { matchingRoutes } from './routes.ts';
import { seedMatching } from './seed.ts';
import { createMatchingService, matchingPolicy } from './service.ts';

export const matchingModule = defineModule({
  name: 'matching',
  policy: matchingPolicy,
  needs: ['people'],
  service: (ctx, _deps: { people: PeopleService }) => createMatchingService(ctx.db, ctx.events),
  routes: (app, ctx) => matchingRoutes(ctx)(app),
  navigation: [
    { href: '/matching/review', text: 'Match review', permission: 'matching:review', order: 40 },
    { href: '/admin/matching', text: 'Matching', permission: 'matching:view_model', order: 80 },
  ],
  seed: seedMatching,
  provides: (matching) => ({
    alreadyKnown: async (actor, query, limit) => (await matching.match(actor, query, limit)).candidates,
  }),
  async fixtures({ owner, partnershipId, ids }) {
    const [other] = (await repo.peopleOtherThan(owner, partnershipId, ids.person, 1)) ?? [];
    await repo.insertReviews(owner, partnershipId, 1, null, [{ a: ids.person, b: other, probability: 0.7 }]);
    const [review] = await repo.openReviews(owner, partnershipId, 1);
    return { '/reviews/:id': `/reviews/${review.id}`, '/review/:id': `/review/${review.id}` };
  },
});

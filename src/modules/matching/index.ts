export { BLOCKING_RULES, candidatePairs } from './blocking.ts';
export { clusters } from './cluster.ts';
export {
  COMPARISONS,
  compareDob,
  compareFamily,
  compareGiven,
  comparePostcode,
  compareRecords,
} from './comparisons.ts';
export { ExtractError, MAPPABLE_FIELDS, parseFieldMap, readExtract } from './extract.ts';
export { type ImportSummary, importExtract } from './importer.ts';
export { clusterIds, compareCandidates, predict, trainModel } from './link.ts';
export { explain, type ModelParameters, score } from './model.ts';
export { cleanName, type MatchRecord, normaliseRecord, parseDob, type RawRecord } from './normalise.ts';
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

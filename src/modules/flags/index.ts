export {
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

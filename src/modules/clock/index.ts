export { addWorkingDays, bankHolidays, easterSunday, isWorkingDay } from './calendar.ts';
export { clockPolicy } from './policy.ts';
export type { WorkItemRow } from './repository.ts';
export { clockRoutes } from './routes.ts';
export { DEFAULT_CLOCK_RULES, dueAt, WORK_KIND_NAMES, type WorkKind } from './rules.ts';
export {
  bringForward,
  type ClockService,
  classify,
  completeWork,
  createClockService,
  openWorkForPerson,
  schedule,
  scheduleMany,
} from './service.ts';

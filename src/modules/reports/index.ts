export { reportsPolicy } from './policy.ts';
export { reportsRoutes } from './routes.ts';
export { createReportsService, type ReportsService, ratePer10000 } from './service.ts';

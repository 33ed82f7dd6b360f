export { accountsPolicy } from './policy.ts';
export { accountsRoutes } from './routes.ts';
export {
  type AccountsService,
  BACKOFF_AFTER,
  createAccountsService,
  hashPassword,
  LOCK_AFTER,
} from './service.ts';

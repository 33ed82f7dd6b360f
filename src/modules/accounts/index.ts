export { accountsPolicy } from './policy.ts';
export { accountsRoutes } from './routes.ts';
export {
  type AccountsService,
  ADDRESS_LIMIT,
  APPROVAL_ROLES,
  BACKOFF_AFTER,
  createAccountsService,
  hashPassword,
  LOCK_AFTER,
  usernameKey,
} from './service.ts';

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

import { defineModule } from '../../platform/module.ts';
import { accountsPolicy } from './policy.ts';
import { tokensOfUser } from './repository.ts';
import { accountsRoutes } from './routes.ts';
import { seedAccounts } from './seed.ts';
import { type AccountsService, createAccountsService } from './service.ts';
import { createSingleSignOn } from './single-sign-on.ts';

export { DEMO_USERS } from './seed.ts';

export const accountsModule = defineModule({
  name: 'accounts',
  policy: accountsPolicy,
  service: (ctx) =>
    createAccountsService(ctx.db, {
      idleSeconds: ctx.config.sessionIdleSeconds,
      absoluteSeconds: ctx.config.sessionAbsoluteSeconds,
      cache: true,
      provider:
        ctx.config.oidc && ctx.config.publicUrl
          ? createSingleSignOn(ctx.config.oidc, ctx.config.publicUrl)
          : undefined,
    }),
  routes: (app, ctx) => accountsRoutes(ctx)(app),
  navigation: [{ href: '/admin/users', text: 'Users', permission: 'accounts:manage_users', order: 60 }],
  identify: (accounts) => ({
    fromToken: (token) => accounts.resolveApiToken(token),
    fromSession: (token, opts) => accounts.resolveSession(token, opts),
  }),
  seed: seedAccounts,
  jobs: [
    {
      name: 'accounts.sweep-sessions',
      schedule: '*/5 * * * *',
      run: async (accounts) => {
        await accounts.purgeExpiredSessions();
      },
    },
  ],
  async fixtures({ owner, services, actors }) {
    const accounts = services.accounts as AccountsService;
    const user = actors.frontdoor.userId;
    await accounts.createOwnToken(actors.frontdoor, 'to be revoked');
    const token = (await tokensOfUser(owner, user)).find((t) => t.name === 'to be revoked')?.id;
    // A role request waiting for a second administrator.
    const { user: record } = await accounts.getUser(actors.admin, user);
    await accounts.updateUser(actors.admin, user, {
      displayName: record.displayName,
      agencyId: record.agencyId,
      roles: [...record.roles, 'analyst'],
      active: 'true',
      version: String(record.version),
    });
    const [request] = await accounts.roleRequests(actors.admin);
    const mapping = await accounts.requestSignInGroup(actors.admin, {
      groupName: 'route-test-group',
      agencyId: record.agencyId,
      roles: ['analyst'],
      reason: 'Route test',
    });
    return {
      '/admin/sign-in-groups/:id': `/admin/sign-in-groups/${mapping}`,
      '/admin/users/:id': `/admin/users/${user}`,
      '/admin/tokens/:id': `/admin/tokens/${token}`,
      '/account/tokens/:id': `/account/tokens/${token}`,
      '/role-requests/:id': `/role-requests/${request.id}`,
      user,
    };
  },
});

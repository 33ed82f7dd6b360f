import type { Role } from '../../platform/access.ts';
import type { SeedContext } from '../../platform/module.ts';
import * as repo from './repository.ts';
import { hashPassword } from './service.ts';

/** One demo user for every role (listed in the README). */
export const DEMO_USERS: { username: string; displayName: string; agency: string; roles: Role[] }[] = [
  { username: 'frontdoor', displayName: 'Sam Whitaker', agency: 'csc', roles: ['front_door'] },
  { username: 'chair', displayName: 'Nadia Rahman', agency: 'csc', roles: ['meeting_chair'] },
  { username: 'police', displayName: 'DC Chris Holroyd', agency: 'police', roles: ['police_intelligence'] },
  { username: 'analyst', displayName: 'Ellis Barraclough', agency: 'bu', roles: ['analyst'] },
  { username: 'keyworker', displayName: 'Jordan Akhtar', agency: 'trp', roles: ['service_worker'] },
  { username: 'manager', displayName: 'Helen Sutcliffe', agency: 'csc', roles: ['manager'] },
  { username: 'admin', displayName: 'Ravi Mistry', agency: 'bu', roles: ['administrator'] },
  // A second administrator: roles that reach people's records need two to grant.
  { username: 'admin2', displayName: 'Grace Oyelaran', agency: 'bu', roles: ['administrator'] },
  { username: 'councillor', displayName: 'Cllr Pat Greenwood', agency: 'bu', roles: ['elected_member'] },
];

/** The demo users, one for every role (none in production). Their password is DEMO_PASSWORD. */
export async function seedAccounts(ctx: SeedContext): Promise<void> {
  if (!ctx.demoUsers) return;
  const agencyIds = ctx.made.agencyIds as Record<string, string>;
  const passwordHash = await hashPassword(ctx.demoPassword);
  await repo.insertDemoUsers(
    ctx.client,
    ctx.partnershipId,
    DEMO_USERS.map((u) => ({
      username: u.username,
      displayName: u.displayName,
      email: `${u.username}@demo.invalid`,
      agencyId: agencyIds[u.agency],
      roles: u.roles,
      passwordHash,
    })),
  );
}

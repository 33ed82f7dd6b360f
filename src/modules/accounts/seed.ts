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

/**
 * Provider groups a partnership would map (as a council's Entra ID would send them): three in
 * force, asked for by one administrator and approved by the other, and one waiting for approval.
 */
export const DEMO_SIGN_IN_GROUPS: {
  group: string;
  agency: string;
  roles: Role[];
  approved: boolean;
  reason: string;
}[] = [
  {
    group: 'SG-Lantern-FrontDoor',
    agency: 'csc',
    roles: ['front_door'],
    approved: true,
    reason: 'Front Door practitioners',
  },
  {
    group: 'SG-Lantern-Managers',
    agency: 'csc',
    roles: ['manager'],
    approved: true,
    reason: 'Team and service managers',
  },
  {
    group: 'SG-Lantern-Police-Intelligence',
    agency: 'police',
    roles: ['police_intelligence'],
    approved: true,
    reason: 'Missing and exploitation intelligence unit',
  },
  {
    group: 'SG-Lantern-Analysts',
    agency: 'bu',
    roles: ['analyst'],
    approved: false,
    reason: 'Partnership analysts for the monthly figures',
  },
];

/** The demo users, one for every role (none in production). Their password is DEMO_PASSWORD. */
export async function seedAccounts(ctx: SeedContext): Promise<void> {
  if (!ctx.demoUsers) return;
  const agencyIds = ctx.made.agencyIds as Record<string, string>;
  const passwordHash = await hashPassword(ctx.demoPassword);
  // Who did the demo district's work (the history later modules seed).
  ctx.made.userIds = await repo.insertDemoUsers(
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
  await repo.insertDemoSignInGroups(
    ctx.client,
    ctx.partnershipId,
    DEMO_SIGN_IN_GROUPS.map((g) => ({
      groupName: g.group,
      agencyId: agencyIds[g.agency],
      roles: g.roles,
      reason: g.reason,
      approved: g.approved,
    })),
    { requestedBy: 'admin', decidedBy: 'admin2' },
  );
}

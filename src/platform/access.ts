/**
 * Roles, the actor (who is doing something) and module access policies. Each module declares one
 * policy: which roles hold each of its permissions. Routes name the permission they need; service
 * methods assert it first. The route × role test reads the registry built here.
 */
export const ROLES = [
  'front_door',
  'meeting_chair',
  'police_intelligence',
  'analyst',
  'service_worker',
  'manager',
  'administrator',
  'elected_member',
] as const;
export type Role = (typeof ROLES)[number];

/** Roles whose work is with individual people's records (casework). */
export const CASEWORK_ROLES: readonly Role[] = [
  'front_door',
  'meeting_chair',
  'police_intelligence',
  'analyst',
  'service_worker',
  'manager',
];
/** Roles that record and change what is known about people. */
export const RECORDING_ROLES: readonly Role[] = [
  'front_door',
  'meeting_chair',
  'police_intelligence',
  'manager',
];

export const ROLE_NAMES: Record<Role, string> = {
  front_door: 'Front Door practitioner',
  meeting_chair: 'DRAM / MACE chair',
  police_intelligence: 'Police intelligence officer',
  analyst: 'Analyst',
  service_worker: 'Service worker',
  manager: 'Manager',
  administrator: 'Administrator',
  elected_member: 'Elected member',
};

export const AGENCY_KINDS = [
  'childrens_social_care',
  'adult_social_care',
  'police',
  'health',
  'education',
  'youth_service',
  'commissioned_charity',
  'business_unit',
] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export const AGENCY_KIND_NAMES: Record<AgencyKind, string> = {
  childrens_social_care: "Children's social care",
  adult_social_care: 'Adult social care',
  police: 'Police',
  health: 'Health',
  education: 'Education',
  youth_service: 'Youth service',
  commissioned_charity: 'Commissioned charity',
  business_unit: 'Partnership business unit',
};

export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
  agencyId: string;
  agencyName: string;
  agencyKind: AgencyKind;
  partnershipId: string;
  requestId?: string;
  /** Set after an administrator's password reset: nothing but choosing a new one until then. */
  mustChangePassword?: boolean;
}

export class ForbiddenError extends Error {
  readonly status = 403;
  constructor(message = 'You do not have access to this') {
    super(message);
  }
}

export interface Policy<P extends string> {
  readonly module: string;
  readonly rules: Readonly<Record<P, readonly Role[]>>;
  can(actor: Actor | undefined, permission: P): boolean;
  /** Throws ForbiddenError unless the actor holds the permission. */
  assert(actor: Actor | undefined, permission: P): void;
}

const registry = new Map<string, readonly Role[]>();

export function definePolicy<P extends string>(module: string, rules: Record<P, readonly Role[]>): Policy<P> {
  for (const [permission, roles] of Object.entries(rules) as [P, readonly Role[]][]) {
    registry.set(`${module}:${permission}`, roles);
  }
  const can = (actor: Actor | undefined, permission: P) =>
    !!actor && rules[permission].some((role) => actor.roles.includes(role));
  return {
    module,
    rules,
    can,
    assert(actor, permission) {
      if (!can(actor, permission)) throw new ForbiddenError();
    },
  };
}

/** Roles holding a registered permission ('module:permission'); undefined if no policy declares it. */
/** Every permission any policy declares, as `module:permission`. */
export function declaredPermissions(): string[] {
  return [...registry.keys()];
}

export function rolesFor(permission: string): readonly Role[] | undefined {
  return registry.get(permission);
}

export function hasPermission(actor: Actor | undefined, permission: string): boolean {
  const roles = registry.get(permission);
  if (!roles) throw new Error(`No policy declares the permission "${permission}"`);
  return !!actor && roles.some((role) => actor.roles.includes(role));
}

/** What a route requires: nobody signed in, anyone signed in, or a declared permission. */
export type RouteAccess = 'public' | 'signed-in' | `${string}:${string}`;

/** What a request to change someone's roles can come to (one decision, by a second administrator). */
export const ACCOUNT_CHANGE_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export type AccountChangeStatus = (typeof ACCOUNT_CHANGE_STATUSES)[number];

/** What sign-in attempts are counted by: the username tried, and the address they came from. */
export const THROTTLE_KINDS = ['username', 'address'] as const;
export type ThrottleKind = (typeof THROTTLE_KINDS)[number];

/** A provider group's mapping to roles: waiting for a second administrator, in force, or not. */
export const SIGN_IN_GROUP_STATUSES = ['pending', 'approved', 'rejected', 'removed'] as const;
export type SignInGroupStatus = (typeof SIGN_IN_GROUP_STATUSES)[number];

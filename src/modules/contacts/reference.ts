import type { FlagType } from '../flags/index.ts';

export const CATEGORIES = [
  'sexual',
  'criminal',
  'missing',
  'online',
  'trafficking',
  'cuckooing',
  'hsb',
  'radicalisation',
  'allegation',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];
export const CATEGORY_NAMES: Record<Category, string> = {
  sexual: 'Sexual exploitation',
  criminal: 'Criminal exploitation or county lines',
  missing: 'Missing',
  online: 'Online',
  trafficking: 'Trafficking or modern slavery',
  cuckooing: 'Cuckooing',
  hsb: 'Harmful sexual behaviour',
  radicalisation: 'Radicalisation',
  allegation: 'Allegation against an adult (for example someone working with children)',
  other: 'Other',
};
/** The flags an assessment started from a contact is about, by the contact's concerns. */
export const CATEGORY_FLAGS: Partial<Record<Category, FlagType>> = {
  sexual: 'cse',
  criminal: 'cce',
  missing: 'missing_linked',
  online: 'online',
  trafficking: 'trafficking',
  cuckooing: 'cuckooing',
  hsb: 'hsb',
};

export const CONTACT_STATUSES = ['draft', 'submitted'] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/** Whether a Front Door decision waits for a manager's sign-off, and what the manager said. */
export const SIGNOFF_STATUSES = ['not_needed', 'pending', 'approved', 'declined'] as const;
export type SignoffStatus = (typeof SIGNOFF_STATUSES)[number];

export const SOURCE_KINDS = ['agency', 'public', 'business'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const PARTS = ['subject', 'peer', 'adult_of_concern', 'parent_carer', 'witness'] as const;
export type Part = (typeof PARTS)[number];
export const PART_NAMES: Record<Part, string> = {
  subject: 'Subject of the concern',
  peer: 'Peer',
  adult_of_concern: 'Adult of concern',
  parent_carer: 'Parent or carer',
  witness: 'Witness',
};

export const PLACE_KINDS = [
  'home',
  'address',
  'park_or_open_space',
  'school',
  'shop_or_takeaway',
  'hotel',
  'transport',
  'vehicle',
  'online',
  'other',
] as const;
export type PlaceKind = (typeof PLACE_KINDS)[number];
export const PLACE_NAMES: Record<PlaceKind, string> = {
  home: 'Home',
  address: 'Another address',
  park_or_open_space: 'Park or open space',
  school: 'School or college',
  shop_or_takeaway: 'Shop or takeaway',
  hotel: 'Hotel or short-let',
  transport: 'Station or transport',
  vehicle: 'Vehicle',
  online: 'Online',
  other: 'Other',
};

export const OUTCOMES = [
  'no_further_action',
  'early_help',
  'exploitation_assessment',
  'strategy_discussion',
  'refer_other_area',
] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const OUTCOME_NAMES: Record<Outcome, string> = {
  no_further_action: 'No further action',
  early_help: 'Early help',
  exploitation_assessment: 'Exploitation assessment',
  strategy_discussion: 'Strategy discussion (immediate harm)',
  refer_other_area: 'Refer to another area',
};

export const URGENCIES = ['immediate', 'within_24_hours', 'within_72_hours', 'routine'] as const;
export type Urgency = (typeof URGENCIES)[number];
/**
 * How soon the work a decision starts (the assessment or strategy discussion) is due. Routine work
 * follows the partnership's clock rule; an urgent decision brings it forward, never back.
 */
export const URGENCY_HOURS: Record<Urgency, number | null> = {
  immediate: 4,
  within_24_hours: 24,
  within_72_hours: 72,
  routine: null,
};
export const URGENCY_NAMES: Record<Urgency, string> = {
  immediate: 'Immediate',
  within_24_hours: 'Within 24 hours',
  within_72_hours: 'Within 72 hours',
  routine: 'Routine',
};

export const REPORTERS = ['police', 'carer', 'residential_provider', 'school', 'parent', 'other'] as const;
export type Reporter = (typeof REPORTERS)[number];
export const REPORTER_NAMES: Record<Reporter, string> = {
  police: 'Police',
  carer: 'Foster or kinship carer',
  residential_provider: 'Residential provider',
  school: 'School',
  parent: 'Parent',
  other: 'Someone else',
};

export const MISSING_FROM = ['home', 'placement', 'school', 'other'] as const;
export type MissingFrom = (typeof MISSING_FROM)[number];
export const MISSING_FROM_NAMES: Record<MissingFrom, string> = {
  home: 'Home',
  placement: 'Their placement',
  school: 'School',
  other: 'Somewhere else',
};

/** The police risk grading of a missing child. */
export const GRADINGS = ['no_apparent_risk', 'low', 'medium', 'high'] as const;
export type Grading = (typeof GRADINGS)[number];
export const GRADING_NAMES: Record<Grading, string> = {
  no_apparent_risk: 'No apparent risk',
  low: 'Low risk',
  medium: 'Medium risk',
  high: 'High risk',
};

export const FOUND_BY = [
  'police',
  'carer',
  'residential_provider',
  'parent',
  'returned_themselves',
  'other',
] as const;
export type FoundBy = (typeof FOUND_BY)[number];
export const FOUND_BY_NAMES: Record<FoundBy, string> = {
  police: 'Police',
  carer: 'Carer',
  residential_provider: 'Residential provider',
  parent: 'Parent',
  returned_themselves: 'Came back themselves',
  other: 'Someone else',
};

export const INTERVIEW_OUTCOMES = ['accepted', 'declined', 'not_contacted'] as const;
export type InterviewOutcome = (typeof INTERVIEW_OUTCOMES)[number];
export const INTERVIEW_OUTCOME_NAMES: Record<InterviewOutcome, string> = {
  accepted: 'Accepted and held',
  declined: 'Declined',
  not_contacted: 'Could not be contacted',
};

/** Signs of exploitation a return home interview may find. Any one prompts an exploitation assessment. */
export const INDICATORS = [
  'older_people',
  'money_or_gifts',
  'drugs_or_alcohol',
  'sexual_activity',
  'another_area',
  'drugs_or_weapons_carried',
  'new_phone',
  'injuries',
] as const;
export type Indicator = (typeof INDICATORS)[number];
export const INDICATOR_NAMES: Record<Indicator, string> = {
  older_people: 'With older people or adults not known to the family',
  money_or_gifts: 'Unexplained money, gifts or clothes',
  drugs_or_alcohol: 'Given drugs or alcohol',
  sexual_activity: 'Sexual activity or being asked for sexual images',
  another_area: 'Taken to or found in another town',
  drugs_or_weapons_carried: 'Carrying or holding drugs, money or weapons for others',
  new_phone: 'A new phone, SIM or social media contact they will not explain',
  injuries: 'Injuries they will not explain',
};

/** Repeat episodes: this many in this many days, for a child with no flag, asks the Front Door to consider an assessment. */
export const REPEAT_EPISODES = 3;
export const REPEAT_DAYS = 90;

/** The three who agree a Philomena Protocol plan. */
export const PARTIES = ['social_worker', 'provider', 'police'] as const;
export type Party = (typeof PARTIES)[number];
export const PARTY_NAMES: Record<Party, string> = {
  social_worker: 'Social worker',
  provider: 'Residential provider',
  police: 'Police',
};

/** The photographs a plan may hold (judged by the file's content), served as image/<format>. */
export const PHOTO_FORMATS = ['jpeg', 'png'] as const;
export type PhotoFormat = (typeof PHOTO_FORMATS)[number];

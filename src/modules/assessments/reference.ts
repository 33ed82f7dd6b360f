export const ASSESSMENT_STATUSES = ['in_progress', 'awaiting_approval', 'completed'] as const;
export type AssessmentStatus = (typeof ASSESSMENT_STATUSES)[number];

/** Whether the specialist substance-misuse referral was made (asked when substance use is current). */
export const SPECIALIST_REFERRALS = ['made', 'not_made'] as const;
export type SpecialistReferral = (typeof SPECIALIST_REFERRALS)[number];

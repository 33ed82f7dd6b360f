/** A practitioner's answer to "is this the same person?" when a contact's match is checked. */
export const MATCH_DECISIONS = ['confirmed', 'rejected'] as const;
export type MatchDecision = (typeof MATCH_DECISIONS)[number];

/** What a clerical reviewer can say about a possible duplicate pair. */
export const REVIEW_DECISIONS = ['accepted', 'rejected', 'not_sure'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** A pair in the match review queue: waiting, or decided. */
export const REVIEW_STATUSES = ['open', ...REVIEW_DECISIONS] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

export const FLAG_TYPES = [
  'cse',
  'cce',
  'county_lines',
  'missing_linked',
  'trafficking',
  'cuckooing',
  'online',
  'hsb',
] as const;
export type FlagType = (typeof FLAG_TYPES)[number];

export const FLAG_NAMES: Record<FlagType, string> = {
  cse: 'Child sexual exploitation',
  cce: 'Child criminal exploitation',
  county_lines: 'County lines',
  missing_linked: 'Missing (linked to exploitation)',
  trafficking: 'Trafficking or modern slavery',
  cuckooing: 'Cuckooing',
  online: 'Online exploitation',
  hsb: 'Harmful sexual behaviour',
};

export const RISK_LEVELS = ['emerging', 'moderate', 'significant'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
/** What an assessment can conclude: no risk, or a level of risk. */
export const ASSESSED_LEVELS = ['none', ...RISK_LEVELS] as const;
export type AssessedLevel = (typeof ASSESSED_LEVELS)[number];

export const LEVEL_NAMES: Record<AssessedLevel, string> = {
  none: 'No risk identified',
  emerging: 'Emerging',
  moderate: 'Moderate',
  significant: 'Significant',
};

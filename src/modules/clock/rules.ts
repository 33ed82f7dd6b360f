import { addMonths, addWorkingDays } from './calendar.ts';

export const WORK_KINDS = [
  'front_door_decision',
  'assessment',
  'flag_review',
  'allegation_strategy',
  'risk_review',
  'signoff',
  'return_interview',
  'consider_assessment',
  'philomena_plan',
] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

export const WORK_KIND_NAMES: Record<WorkKind, string> = {
  front_door_decision: 'Front Door decision',
  assessment: 'Exploitation assessment',
  flag_review: 'Flag review',
  allegation_strategy: 'Allegation: strategy discussion and risk assessment',
  risk_review: 'Risk review needed',
  signoff: 'Manager sign-off',
  return_interview: 'Return home interview',
  consider_assessment: 'Consider an exploitation assessment',
  philomena_plan: 'Philomena Protocol plan',
};

/** Work that is done by recording its outcome on the item itself; the rest is done by its own action. */
export const COMPLETED_ON_ITEM: readonly WorkKind[] = [
  'risk_review',
  'flag_review',
  'allegation_strategy',
  'consider_assessment',
];

export const UNITS = ['hours', 'working_days', 'days', 'months'] as const;
export type Unit = (typeof UNITS)[number];

export interface ClockRule {
  kind: WorkKind;
  amount: number;
  unit: Unit;
}

/** The defaults (issue 3): decision in 24 hours, assessment in 10 working days, reviews every 3 months. */
export const DEFAULT_CLOCK_RULES: ClockRule[] = [
  { kind: 'front_door_decision', amount: 24, unit: 'hours' },
  { kind: 'assessment', amount: 10, unit: 'working_days' },
  { kind: 'flag_review', amount: 3, unit: 'months' },
  { kind: 'allegation_strategy', amount: 45, unit: 'days' },
  { kind: 'risk_review', amount: 1, unit: 'working_days' },
  { kind: 'signoff', amount: 1, unit: 'working_days' },
  // Statutory guidance: a return home interview is offered within 72 hours of the child's return.
  { kind: 'return_interview', amount: 72, unit: 'hours' },
  { kind: 'consider_assessment', amount: 1, unit: 'working_days' },
  // A child placed in residential care has an agreed missing trigger plan within a week.
  { kind: 'philomena_plan', amount: 5, unit: 'working_days' },
];

export function dueAt(rule: Pick<ClockRule, 'amount' | 'unit'>, from: Date): Date {
  switch (rule.unit) {
    case 'hours':
      return new Date(from.getTime() + rule.amount * 3_600_000);
    case 'days':
      return new Date(from.getTime() + rule.amount * 86_400_000);
    case 'working_days':
      return addWorkingDays(from, rule.amount);
    case 'months':
      return addMonths(from, rule.amount);
  }
}

import { definePolicy } from '../../platform/access.ts';

export const reportsPolicy = definePolicy('reports', {
  view_wards: ['elected_member', 'analyst', 'manager', 'meeting_chair'],
  // Exact small numbers; everyone else (elected members) receives them suppressed.
  view_exact: ['analyst', 'manager', 'meeting_chair'],
  // Equality and practice monitoring: figures about how the partnership works, with the children behind them.
  view_monitoring: ['analyst', 'manager', 'meeting_chair'],
});

import { definePolicy } from '../../platform/access.ts';

export const reportsPolicy = definePolicy('reports', {
  view_wards: ['elected_member', 'analyst', 'manager', 'meeting_chair'],
});

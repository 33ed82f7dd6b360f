import {
  CASEWORK_ROLES as CASEWORK,
  definePolicy,
  RECORDING_ROLES as RECORDING,
} from '../../platform/access.ts';

export const peoplePolicy = definePolicy('people', {
  search: CASEWORK,
  view: CASEWORK,
  create: RECORDING,
  edit: RECORDING,
  view_access_log: ['manager'],
  // Joining two records is a casework decision; so is undoing one that proved wrong.
  merge: ['front_door', 'police_intelligence', 'manager'],
});

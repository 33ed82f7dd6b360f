import { definePolicy } from '../../platform/access.ts';

/** What the digital team needs to see of the service running: its background jobs. */
export const operationsPolicy = definePolicy('operations', {
  view_jobs: ['administrator'],
});

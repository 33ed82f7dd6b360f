import { definePolicy } from '../../platform/access.ts';
import { defineRecordKind } from '../../platform/visibility/index.ts';

export const clockPolicy = definePolicy('clock', {
  view_queues: ['front_door', 'meeting_chair', 'police_intelligence', 'manager'],
  // The clock on a person's page: whoever may see the person sees what is due about them.
  view_person: ['front_door', 'meeting_chair', 'police_intelligence', 'analyst', 'service_worker', 'manager'],
  manage_rules: ['administrator', 'manager'],
  // Recording the outcome of a review (risk review, flag review, allegation) on its work item.
  complete: ['front_door', 'meeting_chair', 'manager'],
});
defineRecordKind('review', 'clock:view_person', 'Review (details restricted)');

export { addWorkingDays, bankHolidays, easterSunday, isWorkingDay } from './calendar.ts';
export { clockPolicy } from './policy.ts';
export type { WorkItemRow } from './repository.ts';
export { clockRoutes } from './routes.ts';
export { DEFAULT_CLOCK_RULES, dueAt, WORK_KIND_NAMES, type WorkKind } from './rules.ts';
export {
  bringForward,
  type ClockService,
  classify,
  completeWork,
  createClockService,
  openWorkForPerson,
  peopleWithOpenWork,
  schedule,
  scheduleMany,
} from './service.ts';

import { defineModule } from '../../platform/module.ts';
import { clockPolicy } from './policy.ts';
import { clockRoutes } from './routes.ts';
import { seedClock } from './seed.ts';

export { copyWorkItems, type SeedWorkItem } from './seed.ts';

import { createClockService, schedule } from './service.ts';

export const clockModule = defineModule({
  name: 'clock',
  policy: clockPolicy,
  service: (ctx) => createClockService(ctx.db),
  routes: (app, ctx) => clockRoutes(ctx)(app),
  navigation: [
    { href: '/work', text: 'Work', permission: 'clock:view_queues', order: 10 },
    { href: '/admin/clock', text: 'Clock settings', permission: 'clock:manage_rules', order: 70 },
  ],
  // Overdue work and risk reviews stay in view on every page for those who work the queues.
  pageContext: (clock) => ({
    key: 'attention',
    permission: 'clock:view_queues',
    load: (actor) => clock.attention(actor),
  }),
  personPanels: (clock) => [
    {
      key: 'work',
      permission: 'clock:view_person',
      load: async (actor, person) =>
        (await clock.forPerson(actor, person.id)).map((w) => ({
          ...w,
          personName: `${person.givenName} ${person.familyName}`,
        })),
    },
  ],
  seed: seedClock,
  jobs: [
    {
      name: 'clock.overdue-sweep',
      schedule: '*/15 * * * *',
      run: (clock) => clock.sweepOverdue().then(() => undefined),
    },
  ],
  async fixtures({ owner, partnershipId, ids }) {
    const { id } = await schedule(owner, partnershipId, {
      kind: 'risk_review',
      title: 'Risk review needed',
      reason: 'routes test',
      personId: ids.person,
    });
    return { '/work/:id': `/work/${id}` };
  },
});

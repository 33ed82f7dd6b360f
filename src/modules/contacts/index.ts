export { CATEGORY_NAMES, OUTCOME_NAMES, OUTCOMES, PART_NAMES } from './reference.ts';
export { contactsRoutes } from './routes.ts';
export { type ContactsService, contactsPolicy, createContactsService } from './service.ts';

import { defineModule } from '../../platform/module.ts';
import { agencyIdByCode } from '../district/index.ts';
import type { MatchingService } from '../matching/index.ts';
import type { PeopleService } from '../people/index.ts';
import { contactsRoutes } from './routes.ts';
import { seedFrontDoorHistory } from './seed.ts';
import { type ContactsService, contactsPolicy, createContactsService } from './service.ts';

export const contactsModule = defineModule({
  name: 'contacts',
  policy: contactsPolicy,
  needs: ['people', 'matching'],
  service: (ctx, deps: { people: PeopleService; matching: MatchingService }) =>
    createContactsService(ctx.db, deps.people, ctx.events),
  routes: (app, ctx) => contactsRoutes(ctx)(app),
  navigation: [{ href: '/contacts', text: 'Contacts', permission: 'contacts:view', order: 20 }],
  // The Front Door's recent months: contacts, decisions, assessments, flags and the work they made.
  seed: seedFrontDoorHistory,
  personPanels: (contacts) => [
    {
      key: 'contacts',
      permission: 'contacts:view',
      load: (actor, person) => contacts.aboutPerson(actor, person.id),
    },
  ],
  async fixtures({ owner, services, actors, ids }) {
    const agency = await agencyIdByCode(owner, 'education');
    const received = await (services.contacts as ContactsService).receive(
      actors.frontdoor,
      {
        sourceKind: 'agency',
        sourceAgencyId: agency,
        categories: ['criminal'],
        narrative: 'Concern',
        people: [{ personId: ids.person, part: 'subject' }],
      },
      null,
    );
    return { '/contacts/:id': `/contacts/${received.id}` };
  },
});

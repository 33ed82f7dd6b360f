export {
  isValidNhsNumber,
  isValidUpn,
  nhsNumberFrom,
  normalisePostcode,
  upnCheckLetter,
} from './identifiers.ts';
export {
  type AgencyRecordInput,
  agencyRecordOwners,
  type ImportedPerson,
  saveImportedRecords,
} from './imports.ts';
export { mergePeople, unmergePeople } from './merge.ts';
export { peoplePolicy } from './policy.ts';
export {
  DISABILITIES,
  DISABILITY_NAMES,
  ETHNICITY_CODES,
  ETHNICITY_GROUPS,
  ETHNICITY_NAMES,
  GENDER_NAMES,
  GENDERS,
} from './reference.ts';
export type { PersonRecord, PersonSummary } from './repository.ts';
export { ageInYears, formToPersonInput, peopleRoutes } from './routes.ts';
export { isRealDate, readPersonInput } from './schema.ts';
export {
  addChronologyEntries,
  addChronologyEntry,
  addSystemChronologyEntries,
  createPeopleService,
  DuplicateIdentifierError,
  noteAgencyKnows,
  type PeopleService,
  SEARCH_LIMIT,
} from './service.ts';

import { defineModule } from '../../platform/module.ts';
import { peoplePolicy } from './policy.ts';
import { firstPersonKnownTo } from './repository.ts';
import { peopleRoutes } from './routes.ts';
import { seedPeople } from './seed.ts';
import { addChronologyEntries, createPeopleService, type PeopleService } from './service.ts';

export {
  copyChronologyEntries,
  ETHNICITY_WEIGHTS,
  NAMES,
  NICKNAMES,
  personWriter,
  type SeededChild,
  type SeedPersonSpec,
} from './seed.ts';

export const peopleModule = defineModule({
  name: 'people',
  policy: peoplePolicy,
  service: (ctx) => createPeopleService(ctx.db, ctx.events),
  routes: (app, ctx) => peopleRoutes(ctx)(app),
  navigation: [{ href: '/people', text: 'People', permission: 'people:search', order: 30 }],
  seed: seedPeople,
  // Whatever a module publishes about people, the chronology records what the event says.
  subscribe: (_people, events) => {
    events.on('*', async (c, event) => {
      if (event.chronology?.length) await addChronologyEntries(c, event.actor, event.chronology);
    });
  },
  async fixtures({ owner, services, actors }) {
    const people = services.people as PeopleService;
    // A person every person-viewing role may see: known to the service worker's agency.
    const person = await firstPersonKnownTo(owner, 'trp');
    // A record merged into that person (for the unmerge routes).
    const twin = await people.create(actors.frontdoor, {
      givenName: 'Route',
      familyName: 'Twin',
      dobPrecision: 'unknown',
      gender: 'not_known',
    });
    const merge = await people.merge(actors.frontdoor, {
      survivorId: person,
      absorbedId: twin,
      reason: 'routes test',
    });
    return { '/people/:id': `/people/${person}`, ':mergeId': merge, person };
  },
});

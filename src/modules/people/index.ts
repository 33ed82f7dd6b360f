export {
  isValidNhsNumber,
  isValidUpn,
  nhsNumberFrom,
  normalisePostcode,
  upnCheckLetter,
} from './identifiers.ts';
export { peoplePolicy } from './policy.ts';
export { ETHNICITY_CODES, GENDERS } from './reference.ts';
export { peopleRoutes } from './routes.ts';
export { readPersonInput } from './schema.ts';
export { createPeopleService, type PeopleService } from './service.ts';

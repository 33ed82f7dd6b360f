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
export { ETHNICITY_CODES, GENDERS } from './reference.ts';
export type { PersonRecord, PersonSummary } from './repository.ts';
export { ageInYears, formToPersonInput, peopleRoutes } from './routes.ts';
export { isRealDate, readPersonInput } from './schema.ts';
export {
  addChronologyEntries,
  addChronologyEntry,
  createPeopleService,
  DuplicateIdentifierError,
  noteAgencyKnows,
  type PeopleService,
  SEARCH_LIMIT,
} from './service.ts';

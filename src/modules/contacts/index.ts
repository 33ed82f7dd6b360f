export { CATEGORY_NAMES, OUTCOME_NAMES, PART_NAMES } from './reference.ts';
export { contactsRoutes } from './routes.ts';
export { type ContactsService, contactsPolicy, createContactsService } from './service.ts';

import { auditModule } from '../platform/audit/index.ts';
import { accountsModule } from './accounts/index.ts';
import { assessmentsModule } from './assessments/index.ts';
import { clockModule } from './clock/index.ts';
import { contactsModule } from './contacts/index.ts';
import { districtModule } from './district/index.ts';
import { educationModule } from './education/index.ts';
import { flagsModule } from './flags/index.ts';
import { languageModule } from './language/index.ts';
import { matchingModule } from './matching/index.ts';
import { missingModule } from './missing/index.ts';
import { operationsModule } from './operations/index.ts';
import { peopleModule } from './people/index.ts';
import { placementsModule } from './placements/index.ts';
import { reportsModule } from './reports/index.ts';
import { siteModule } from './site/index.ts';

/**
 * Every module, in order: a module comes after those it needs, and seeds after those whose demo
 * data it builds on. The app, the service wiring, the navigation, the route × role test and the
 * demo seed all read this list. Adding a module is a folder and one line here.
 */
export const MODULES = [
  siteModule,
  auditModule,
  districtModule,
  accountsModule,
  operationsModule,
  peopleModule,
  languageModule,
  clockModule,
  flagsModule,
  matchingModule,
  assessmentsModule,
  contactsModule,
  reportsModule,
  placementsModule,
  educationModule,
  missingModule,
] as const;

import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { createAccountsService } from './modules/accounts/index.ts';
import { createAssessmentsService } from './modules/assessments/index.ts';
import { createClockService } from './modules/clock/index.ts';
import { createContactsService } from './modules/contacts/index.ts';
import { createFlagsService } from './modules/flags/index.ts';
import { createLanguageService } from './modules/language/index.ts';
import { createMatchingService } from './modules/matching/index.ts';
import { createPeopleService } from './modules/people/index.ts';
import { createReportsService } from './modules/reports/index.ts';

/** Every domain service, wired by plain factory functions. */
export function createServices(
  db: Database,
  config: Pick<Config, 'sessionIdleSeconds' | 'sessionAbsoluteSeconds'>,
) {
  const people = createPeopleService(db);
  return {
    accounts: createAccountsService(db, {
      idleSeconds: config.sessionIdleSeconds,
      absoluteSeconds: config.sessionAbsoluteSeconds,
      cache: true,
    }),
    people,
    contacts: createContactsService(db, people),
    assessments: createAssessmentsService(db),
    flags: createFlagsService(db),
    clock: createClockService(db),
    language: createLanguageService(db),
    matching: createMatchingService(db),
    reports: createReportsService(db),
    async databaseStatus(): Promise<'up' | 'down'> {
      try {
        await db.pool.query('SELECT 1');
        return 'up';
      } catch {
        return 'down';
      }
    },
  };
}

export type Services = ReturnType<typeof createServices>;

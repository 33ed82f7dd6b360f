import type { Database } from '../db/database.ts';
import { createAccountsService } from '../modules/accounts/index.ts';

// Operator commands need no session settings; tokens do not expire with sessions.
const accounts = (db: Database) => createAccountsService(db, { idleSeconds: 1, absoluteSeconds: 1 });

export const createTokenAsOperator = (db: Database, username: string, name: string) =>
  accounts(db).createApiTokenAsOperator(username, name);

export const revokeTokenAsOperator = (db: Database, id: string) => accounts(db).revokeApiTokenAsOperator(id);

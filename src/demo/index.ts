import { en, en_GB, Faker } from '@faker-js/faker';
import { analyze, inOneTransaction } from '../db/client.ts';
import { openDatabase } from '../db/database.ts';
import { insertPartnership, isEmpty as noPartnership } from '../modules/district/index.ts';
import { MODULES } from '../modules/index.ts';
import { auditSystem } from '../platform/audit/index.ts';
import type { ModuleDescriptor } from '../platform/module.ts';

export { DEMO_USERS } from '../modules/accounts/index.ts';

export interface SeedOptions {
  seed: number;
  people: number;
  demoUsers: boolean;
  demoPassword: string;
  /** The history of work done in the district (default true: what a first start shows). */
  history?: boolean;
  say?: (line: string) => void;
  progress?: (done: number, total: number) => void;
  /** The modules whose parts to seed (the app's list unless a test says otherwise). */
  modules?: readonly ModuleDescriptor<unknown, never>[];
}

/** True when the database holds no partnership yet (a first start). */
export async function isEmpty(url: string): Promise<boolean> {
  const db = openDatabase(url, { max: 1 });
  try {
    return await noPartnership(db.pool);
  } finally {
    await db.close();
  }
}

/**
 * The synthetic demo district, deterministic for a seed: the partnership, then each module's own
 * part in the order of the module list (district reference data, users, clock rules, people, and
 * the history later modules add). One transaction: all of it, or none.
 */
export async function seedDemo(
  url: string,
  opts: SeedOptions,
): Promise<{ partnershipId: string; people: number }> {
  const say = opts.say ?? (() => undefined);
  const faker = new Faker({ locale: [en_GB, en] });
  faker.seed(opts.seed);
  const partnershipId = faker.string.uuid();
  await inOneTransaction(url, async (client) => {
    await insertPartnership(client, {
      id: partnershipId,
      code: 'demo-district',
      name: 'Bradford District Safeguarding Partnership (synthetic demo)',
    });
    const ctx = {
      client,
      partnershipId,
      seed: opts.seed,
      people: opts.people,
      demoUsers: opts.demoUsers,
      demoPassword: opts.demoPassword,
      history: opts.history ?? true,
      random: faker,
      made: {} as Record<string, unknown>,
      say,
      progress: opts.progress,
    };
    for (const m of opts.modules ?? MODULES) if (m.seed) await m.seed(ctx);
    await auditSystem(client, partnershipId, {
      action: 'demo.seeded',
      details: {
        seed: opts.seed,
        people: opts.people,
        demoUsers: opts.demoUsers,
        history: opts.history ?? true,
      },
    });
  });
  await analyze(url);
  return { partnershipId, people: opts.people };
}

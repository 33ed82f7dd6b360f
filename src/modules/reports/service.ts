import type { Database } from '../../db/database.ts';
import type { Actor } from '../../platform/access.ts';
import { audit } from '../../platform/audit/index.ts';
import { reportsPolicy } from './policy.ts';
import * as repo from './repository.ts';

/** Rate per 10,000 under-18s, to two decimal places, as the seeds' ward reports publish it. */
export function ratePer10000(average: number, population: number): number {
  if (population <= 0) return 0;
  return Math.round((average / population) * 10000 * 100) / 100;
}

export function createReportsService(db: Database) {
  return {
    async wards(actor: Actor) {
      reportsPolicy.assert(actor, 'view_wards');
      const wards = await repo.listWards(db.for(actor), actor.partnershipId);
      await audit(db.for(actor), actor, { action: 'report.wards_viewed' });
      return { wards, districtPopulation: wards.reduce((sum, w) => sum + w.under18Population, 0) };
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;

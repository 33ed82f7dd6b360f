import type { Database } from '../../db/database.ts';
import type { Actor } from '../../platform/access.ts';
import { audit } from '../../platform/audit/index.ts';
import { ratePer10000, type Shown, suppressCells, suppressTotal } from '../../platform/figures/index.ts';
import { reportsPolicy } from './policy.ts';
import * as repo from './repository.ts';

export { ratePer10000 } from '../../platform/figures/index.ts';

export function createReportsService(db: Database) {
  return {
    /**
     * Each ward's under-18 population, the children flagged now and the rate per 10,000: exact for
     * those who may see small numbers, suppressed for everyone else.
     */
    async wards(actor: Actor) {
      reportsPolicy.assert(actor, 'view_wards');
      const scope = db.for(actor);
      const [wards, flagged] = await Promise.all([
        repo.listWards(scope, actor.partnershipId),
        repo.childrenFlaggedNowByWard(scope, actor.partnershipId),
      ]);
      const exact = reportsPolicy.can(actor, 'view_exact');
      const counts = wards.map((w) => flagged.get(w.code) ?? 0);
      const shown: Shown[] = exact ? counts : suppressCells(counts);
      const total = counts.reduce((a, b) => a + b, 0);
      const districtPopulation = wards.reduce((sum, w) => sum + w.under18Population, 0);
      await audit(scope, actor, { action: 'report.wards_viewed', details: { exact } });
      return {
        exact,
        wards: wards.map((w, i) => ({
          ...w,
          flaggedNow: shown[i],
          rate: ratePer10000(shown[i], w.under18Population),
        })),
        districtPopulation,
        district: {
          flaggedNow: exact ? total : suppressTotal(total),
          rate: ratePer10000(exact ? total : suppressTotal(total), districtPopulation),
        },
      };
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;

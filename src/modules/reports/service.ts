import type { Database } from '../../db/database.ts';
import type { Actor } from '../../platform/access.ts';
import { audit } from '../../platform/audit/index.ts';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import {
  addMonths,
  daysBetween,
  isMonth,
  type Month,
  monthOf,
  monthsBetween,
  ratePer10000,
  type Shown,
  suppressCells,
  suppressTotal,
} from '../../platform/figures/index.ts';
import { onlyVisible } from '../../platform/visibility/index.ts';
import { AREA_COMMITTEES, areaCommitteeOf } from '../district/index.ts';
import { reportsPolicy } from './policy.ts';
import * as repo from './repository.ts';
import { buildWardReport } from './ward-report.ts';

export { ratePer10000 } from '../../platform/figures/index.ts';

/** The longest period one report covers. */
export const MAX_MONTHS = 60;
/** The earliest month reports reach back to. */
export const FIRST_MONTH = '2015-01';

export interface WardReportQuery {
  from?: string;
  to?: string;
  areaCommittee?: string;
}

/** The period and area a ward report is for, checked; by default the last twelve whole months. */
export function wardReportPeriod(query: WardReportQuery, today = new Date()) {
  const current = monthOf(today);
  const from = query.from?.trim() || addMonths(current, -12);
  const to = query.to?.trim() || addMonths(current, -1);
  const area = query.areaCommittee?.trim() || null;
  const errors: { field: string; message: string }[] = [];
  if (!isMonth(from))
    errors.push({ field: 'from', message: 'Enter the first month as a year and month, like 2020-01' });
  if (!isMonth(to))
    errors.push({ field: 'to', message: 'Enter the last month as a year and month, like 2020-12' });
  if (isMonth(from) && from < FIRST_MONTH)
    errors.push({ field: 'from', message: `The first month must be ${FIRST_MONTH} or later` });
  if (isMonth(to) && to > current)
    errors.push({ field: 'to', message: 'The last month must not be in the future' });
  if (isMonth(from) && isMonth(to) && from > to)
    errors.push({ field: 'to', message: 'The last month must be the same as or after the first month' });
  if (isMonth(from) && isMonth(to) && from <= to && monthsBetween(from, to).length > MAX_MONTHS)
    errors.push({ field: 'to', message: `A report covers at most ${MAX_MONTHS} months` });
  if (area !== null && !AREA_COMMITTEES[area])
    errors.push({
      field: 'areaCommittee',
      message: 'Choose one of the area committees, or the whole district',
    });
  if (errors.length) throw new ValidationError(errors);
  return { from, to, areaCommittee: area };
}

export function createReportsService(db: Database) {
  return {
    /** The area committees a report may be for. */
    async areaCommittees(actor: Actor) {
      reportsPolicy.assert(actor, 'view_wards');
      return Object.keys(AREA_COMMITTEES);
    },

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

    /**
     * The ward report for a period and an area committee (or the district): each ward's average
     * number of children flagged, under-18 population and rate per 10,000, the area's and the
     * district's, and the area's months by risk level, age, gender and ethnicity (seed 002,
     * Appendix D). Suppressed unless the actor may see small numbers.
     */
    async wardReport(actor: Actor, query: WardReportQuery) {
      reportsPolicy.assert(actor, 'view_wards');
      const period = wardReportPeriod(query);
      const scope = db.for(actor);
      const [wardRows, flagged, childDays] = await Promise.all([
        repo.listWards(scope, actor.partnershipId),
        repo.flaggedChildMonths(scope, actor.partnershipId, period.from, period.to),
        repo.flaggedChildDaysByWard(scope, actor.partnershipId, period.from, period.to),
      ]);
      const districtWards = wardRows.map((w) => ({ ...w, areaCommittee: areaCommitteeOf(w.name) ?? '' }));
      const wards = period.areaCommittee
        ? districtWards.filter((w) => w.areaCommittee === period.areaCommittee)
        : districtWards;
      const exact = reportsPolicy.can(actor, 'view_exact');
      const input = {
        months: monthsBetween(period.from, period.to),
        days: daysBetween(period.from, period.to),
        wards,
        districtWards,
        flagged,
        childDays,
        exact,
      };
      const report = buildWardReport(input);
      // Every ward of the district, for the map (each suppressed beside the district's total).
      const everyWard = period.areaCommittee
        ? buildWardReport({ ...input, wards: districtWards }).wards
        : report.wards;
      await audit(scope, actor, {
        action: 'report.ward_report_viewed',
        details: { ...period, exact },
      });
      return { ...period, areaCommittees: Object.keys(AREA_COMMITTEES), ...report, everyWard };
    },

    /**
     * The children behind a ward's figure, for a period or one month of it: for those who may see
     * exact figures only, each child one the actor may see, and the list audited as a view of each.
     */
    async childrenBehind(actor: Actor, query: WardReportQuery & { ward?: string; month?: string }) {
      reportsPolicy.assert(actor, 'view_exact');
      const period = wardReportPeriod(query);
      const scope = db.for(actor);
      const ward = (await repo.listWards(scope, actor.partnershipId)).find((w) => w.code === query.ward);
      if (!ward) throw new NotFoundError('No such ward');
      const month = query.month?.trim() || null;
      if (month !== null && (!isMonth(month) || month < period.from || month > period.to))
        throw new ValidationError([{ field: 'month', message: 'Choose a month inside the report’s period' }]);
      const rows = (
        await repo.flaggedChildMonths(scope, actor.partnershipId, month ?? period.from, month ?? period.to)
      ).filter((r) => r.wardCode === ward.code);
      const byPerson = new Map<string, { months: number; level: number; ageBand: string }>();
      for (const r of rows) {
        const seen = byPerson.get(r.personId);
        byPerson.set(r.personId, {
          months: (seen?.months ?? 0) + 1,
          level: Math.max(seen?.level ?? 0, r.level),
          ageBand: r.ageBand,
        });
      }
      const named = await onlyVisible(
        scope,
        actor,
        await repo.peopleNamed(scope, actor.partnershipId, [...byPerson.keys()]),
        (p) => p.id,
      );
      await audit(scope, actor, {
        action: 'report.children_listed',
        details: { ward: ward.code, from: period.from, to: period.to, month },
        listedPersonIds: named.map((p) => p.id),
      });
      return {
        ...period,
        month,
        ward,
        children: named.map((p) => ({
          ...p,
          ...(byPerson.get(p.id) as { months: number; level: number; ageBand: string }),
        })),
      };
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
export type { Month };

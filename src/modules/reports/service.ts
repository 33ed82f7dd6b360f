import type { Database, Queryable } from '../../db/database.ts';
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
import { buildEquality, DIMENSION_KEYS, DIMENSIONS, type DimensionKey } from './equality.ts';
import { reportsPolicy } from './policy.ts';
import { buildPractice, phrasesInPeriod } from './practice.ts';
import * as repo from './repository.ts';
import { buildWardReport, childDaysFromFlags, countFlagMonths } from './ward-report.ts';

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

/** Which characteristic an equality report compares groups by (default gender). */
export function equalityDimension(by: string | undefined): DimensionKey {
  const key = by?.trim() || 'gender';
  if (!(DIMENSION_KEYS as readonly string[]).includes(key))
    throw new ValidationError([
      { field: 'by', message: 'Choose gender, ethnicity, age or disability to compare by' },
    ]);
  return key as DimensionKey;
}

const DAY = 86_400_000;

/** The moment a period's "waiting now" figures are taken at: its end, or now if it has not ended. */
function endOf(to: Month): Date {
  const [y, m] = to.split('-').map(Number);
  return new Date(Math.min(Date.now(), Date.UTC(y, m, 1)));
}

/**
 * Children waiting for an assessment at a moment, by ward: how many and how long they had waited.
 * Suppressed unless exact: the counts beside the area's total as every count is; the waits over 20
 * days shown ward by ward only when none would be hidden (else all are), so no hidden one can be
 * worked out from the total.
 */
export function waitingFigures(
  waiting: { wardCode: string | null; since: Date }[],
  at: Date,
  wards: { code: string; name: string }[],
  exact: boolean,
) {
  const figures = (rows: typeof waiting) => {
    const days = rows.map((r) => (at.getTime() - new Date(r.since).getTime()) / DAY).sort((a, b) => a - b);
    const mid = days.length ? days[Math.floor((days.length - 1) / 2)] : null;
    return {
      children: rows.length,
      medianDays: mid === null ? null : Math.floor(mid),
      longestDays: days.length ? Math.floor(days[days.length - 1]) : null,
      overTwentyDays: days.filter((d) => d > 20).length,
    };
  };
  const codes = new Set(wards.map((w) => w.code));
  const byWard = wards.map((w) => ({
    code: w.code,
    name: w.name,
    ...figures(waiting.filter((r) => r.wardCode === w.code)),
  }));
  const area = figures(waiting.filter((r) => r.wardCode && codes.has(r.wardCode)));
  const children: Shown[] = exact
    ? byWard.map((w) => w.children)
    : suppressCells(byWard.map((w) => w.children));
  const long: Shown[] = exact
    ? byWard.map((w) => w.overTwentyDays)
    : suppressCells(byWard.map((w) => w.overTwentyDays));
  const hideLong = !exact && (children.includes('c') || long.includes('c'));
  const hide = (i: number, n: number | null): Shown | null => (children[i] === 'c' ? 'c' : n);
  return {
    at,
    wards: byWard.map((w, i) => ({
      ...w,
      children: children[i],
      medianDays: hide(i, w.medianDays),
      longestDays: hide(i, w.longestDays),
      overTwentyDays: hideLong ? 'c' : long[i],
    })),
    area: {
      ...area,
      children: exact ? area.children : suppressTotal(area.children),
      overTwentyDays: exact ? area.overTwentyDays : suppressTotal(area.overTwentyDays),
    },
  };
}

/** The characteristics an equality report may compare by, as the page's choices. */
const DIMENSION_LIST = DIMENSION_KEYS.map((key) => ({ key, title: DIMENSIONS[key].title }));

/** What an equality report is made from, for a period: contacts, first assessments, spells flagged. */
async function equalityInput(scope: Queryable, partnershipId: string, period: { from: string; to: string }) {
  const [journeys, firstAssessments, spellsEnded] = await Promise.all([
    repo.contactJourneys(scope, partnershipId, period.from, period.to),
    repo.firstAssessments(scope, partnershipId, period.from, period.to),
    repo.flagSpellsEnded(scope, partnershipId, period.from, period.to),
  ]);
  return { journeys, firstAssessments, spellsEnded };
}

export function createReportsService(db: Database) {
  return {
    ...createMonitoringMethods(db),
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
      const waitingAt = endOf(period.to);
      const exact = reportsPolicy.can(actor, 'view_exact');
      // The view is recorded while the figures are worked out (both must succeed to answer).
      const [wardRows, flagged, waiting] = await Promise.all([
        repo.listWards(scope, actor.partnershipId),
        repo.flagsInPeriod(scope, actor.partnershipId, period.from, period.to),
        repo.waitingForAssessment(scope, actor.partnershipId, waitingAt),
        audit(scope, actor, { action: 'report.ward_report_viewed', details: { ...period, exact } }),
      ]);
      const districtWards = wardRows.map((w) => ({ ...w, areaCommittee: areaCommitteeOf(w.name) ?? '' }));
      const wards = period.areaCommittee
        ? districtWards.filter((w) => w.areaCommittee === period.areaCommittee)
        : districtWards;
      const months = monthsBetween(period.from, period.to);
      const counts = countFlagMonths(months, flagged);
      const input = {
        months,
        days: daysBetween(period.from, period.to),
        wards,
        districtWards,
        counts,
        childDays: childDaysFromFlags(period.from, period.to, flagged),
        exact,
      };
      const report = buildWardReport(input);
      // Every ward of the district, for the map (each suppressed beside the district's total).
      const everyWard = period.areaCommittee
        ? buildWardReport({ ...input, wards: districtWards }).wards
        : report.wards;
      return {
        ...period,
        areaCommittees: Object.keys(AREA_COMMITTEES),
        ...report,
        everyWard,
        waiting: waitingFigures(waiting, waitingAt, wards, exact),
      };
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
      const rows = await repo.flaggedChildMonths(
        scope,
        actor.partnershipId,
        month ?? period.from,
        month ?? period.to,
        ward.code,
      );
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

/** The monitoring reports: equality (groups compared) and practice (measures by month). */
export function createMonitoringMethods(db: Database) {
  return {
    /** The characteristics an equality report may compare by. */
    equalityDimensions(actor: Actor) {
      reportsPolicy.assert(actor, 'view_monitoring');
      return DIMENSION_LIST;
    },

    /**
     * Equality monitoring for a period, comparing the groups of one characteristic: timeliness,
     * outcomes, levels found and time flagged, each with its count and interval.
     */
    async equality(actor: Actor, query: WardReportQuery & { by?: string }) {
      reportsPolicy.assert(actor, 'view_monitoring');
      const period = wardReportPeriod({ from: query.from, to: query.to });
      const by = equalityDimension(query.by);
      const scope = db.for(actor);
      const input = await equalityInput(scope, actor.partnershipId, period);
      await audit(scope, actor, {
        action: 'report.equality_viewed',
        details: { from: period.from, to: period.to, by },
      });
      return {
        from: period.from,
        to: period.to,
        by,
        dimensions: DIMENSION_LIST,
        ...buildEquality(input, by),
      };
    },

    /** Every characteristic's comparison at once (for the CSV). */
    async equalityAll(actor: Actor, query: WardReportQuery) {
      reportsPolicy.assert(actor, 'view_monitoring');
      const period = wardReportPeriod({ from: query.from, to: query.to });
      const scope = db.for(actor);
      const input = await equalityInput(scope, actor.partnershipId, period);
      await audit(scope, actor, {
        action: 'report.equality_exported',
        details: { from: period.from, to: period.to },
      });
      return {
        from: period.from,
        to: period.to,
        reports: DIMENSION_KEYS.map((key) => buildEquality(input, key)),
      };
    },

    /**
     * The children in one group of an equality report (those with a contact in the period), for
     * those who may see them: each one the actor may see, and the list audited as a view of each.
     */
    async equalityChildren(actor: Actor, query: WardReportQuery & { by?: string; group?: string }) {
      reportsPolicy.assert(actor, 'view_monitoring');
      const period = wardReportPeriod({ from: query.from, to: query.to });
      const by = equalityDimension(query.by);
      const dimension = DIMENSIONS[by];
      const group = dimension.categories.find((c) => c.code === query.group);
      if (!group) throw new NotFoundError('No such group');
      const scope = db.for(actor);
      const journeys = (
        await repo.contactJourneys(scope, actor.partnershipId, period.from, period.to)
      ).filter((j) => dimension.of(j) === group.code);
      const contacts = new Map<string, number>();
      for (const j of journeys) contacts.set(j.personId, (contacts.get(j.personId) ?? 0) + 1);
      const named = await onlyVisible(
        scope,
        actor,
        await repo.peopleNamed(scope, actor.partnershipId, [...contacts.keys()]),
        (p) => p.id,
      );
      await audit(scope, actor, {
        action: 'report.children_listed',
        details: { report: 'equality', by, group: group.code, from: period.from, to: period.to },
        listedPersonIds: named.map((p) => p.id),
      });
      return {
        from: period.from,
        to: period.to,
        by,
        dimension: dimension.title,
        group,
        children: named.map((p) => ({ ...p, contacts: contacts.get(p.id) ?? 0 })),
      };
    },

    /** Practice monitoring for a period: each measure month by month, and over the whole period. */
    async practice(actor: Actor, query: WardReportQuery) {
      reportsPolicy.assert(actor, 'view_monitoring');
      const period = wardReportPeriod({ from: query.from, to: query.to });
      const scope = db.for(actor);
      const [work, assessments, language] = await Promise.all([
        repo.workDueByMonth(scope, actor.partnershipId, period.from, period.to, [
          'assessment',
          'risk_review',
        ]),
        repo.completedAssessments(scope, actor.partnershipId, period.from, period.to),
        repo.languageByMonth(scope, actor.partnershipId, period.from, period.to),
      ]);
      await audit(scope, actor, {
        action: 'report.practice_viewed',
        details: { from: period.from, to: period.to },
      });
      return {
        from: period.from,
        to: period.to,
        ...buildPractice({
          months: monthsBetween(period.from, period.to),
          work,
          assessments,
          records: language.records,
          findings: language.findings,
        }),
        phrases: phrasesInPeriod(language.findings),
      };
    },
  };
}

export type MonitoringMethods = ReturnType<typeof createMonitoringMethods>;
export type { Month };

import {
  AGE_BAND_NAMES,
  AGE_BANDS,
  addMonths,
  type Month,
  monthName,
  ratePer10000,
  type Shown,
  SUPPRESSED,
  suppressCells,
  suppressTotal,
} from '../../platform/figures/index.ts';
import { ETHNICITY_GROUPS, GENDER_NAMES, GENDERS } from '../people/index.ts';
import type { FlagMonths } from './repository.ts';

/**
 * The ward report (seed 002, Appendix D) from the children flagged in each month and the
 * child-days in the period: pure arithmetic, so it is tested without a database. Elected members
 * get it suppressed: counts from 1 to 5 as "c", a second cell where a total would give one away,
 * and every average and rate made from a hidden count hidden with it.
 */

export interface WardInput {
  code: string;
  name: string;
  areaCommittee: string;
  under18Population: number;
}

export interface Category {
  code: string;
  name: string;
}

export interface SeriesRow {
  month: Month;
  monthName: string;
  total: Shown;
  cells: Shown[];
}

/** A monthly breakdown: one row per month, one cell per category, each month's total. */
export interface Series {
  key: string;
  title: string;
  categories: Category[];
  rows: SeriesRow[];
}

export interface AreaFigures {
  code: string;
  name: string;
  areaCommittee: string | null;
  under18Population: number;
  /** Distinct children flagged at some time in the period. */
  children: Shown;
  /** The average number flagged on a day (child-days ÷ days): the published "average monthly number". */
  averageMonthlyChildren: Shown;
  /** The average of each month's count of children flagged at any time in it. */
  averageFlaggedInMonth: Shown;
  ratePer10000: Shown;
  /** Children flagged at any time in each month. */
  months: { month: Month; children: Shown }[];
}

export const LEVEL_CATEGORIES: Category[] = [
  { code: '1', name: 'Emerging' },
  { code: '2', name: 'Moderate' },
  { code: '3', name: 'Significant' },
];

export const AGE_CATEGORIES: Category[] = AGE_BANDS.map((code) => ({ code, name: AGE_BAND_NAMES[code] }));

export const GENDER_CATEGORIES: Category[] = GENDERS.map((code) => ({ code, name: GENDER_NAMES[code] }));

/** Ethnicity by the census's broad groups: the detailed codes would make every cell small. */
export const ETHNICITY_CATEGORIES: Category[] = ETHNICITY_GROUPS.map((g) => ({
  code: g.group,
  name: g.group,
}));
const groupOfEthnicity = new Map(ETHNICITY_GROUPS.flatMap((g) => g.items.map((i) => [i.code, g.group])));
export const ethnicityGroup = (code: string | null) => (code && groupOfEthnicity.get(code)) || 'Not stated';

const round2 = (x: number) => Math.round(x * 100) / 100;

export interface WardReportInput {
  months: Month[];
  days: number;
  /** The wards reported on (an area committee's, or all of them). */
  wards: WardInput[];
  /** Every ward of the district, for the district's own row. */
  districtWards: WardInput[];
  /** Children flagged by month and ward, in all and by characteristic (see `countFlagMonths`). */
  counts: FlaggedCount[];
  childDays: Map<string, { childDays: number; children: number }>;
  exact: boolean;
}

export function buildWardReport(input: WardReportInput) {
  const { months, exact } = input;
  const monthIndex = new Map(months.map((m, i) => [m, i]));
  // Per ward: each month's children; the distinct children in the period.
  const perWard = new Map<string, { monthly: number[]; children: number }>();
  for (const w of input.districtWards) perWard.set(w.code, { monthly: months.map(() => 0), children: 0 });
  for (const r of input.counts) {
    const w = perWard.get(r.wardCode);
    if (!w) continue;
    if (r.key === 'children') w.children += r.n;
    const i = r.month === null ? undefined : monthIndex.get(r.month);
    if (r.key === 'all' && i !== undefined) w.monthly[i] += r.n;
  }

  const exactFigures = (name: string, code: string, areaCommittee: string | null, wards: WardInput[]) => {
    const population = wards.reduce((s, w) => s + w.under18Population, 0);
    const monthly = months.map((_, i) =>
      wards.reduce((s, w) => s + (perWard.get(w.code)?.monthly[i] ?? 0), 0),
    );
    const children = wards.reduce((s, w) => s + (perWard.get(w.code)?.children ?? 0), 0);
    const childDays = wards.reduce((s, w) => s + (input.childDays.get(w.code)?.childDays ?? 0), 0);
    const average = childDays / input.days;
    return {
      code,
      name,
      areaCommittee,
      under18Population: population,
      children,
      average,
      averageInMonth: monthly.reduce((a, b) => a + b, 0) / Math.max(1, months.length),
      monthly,
    };
  };
  type Exact = ReturnType<typeof exactFigures>;
  const shown = (f: Exact, hidden: boolean): AreaFigures => ({
    code: f.code,
    name: f.name,
    areaCommittee: f.areaCommittee,
    under18Population: f.under18Population,
    children: hidden ? SUPPRESSED : f.children,
    averageMonthlyChildren: hidden ? SUPPRESSED : round2(f.average),
    averageFlaggedInMonth: hidden ? SUPPRESSED : round2(f.averageInMonth),
    ratePer10000: hidden ? SUPPRESSED : ratePer10000(f.average, f.under18Population),
    months: months.map((month, i) => ({ month, children: f.monthly[i] })),
  });

  const wardExact = input.wards.map((w) => exactFigures(w.name, w.code, w.areaCommittee, [w]));
  const areaName =
    input.wards.length === input.districtWards.length ? 'District' : input.wards[0]?.areaCommittee;
  const areaExact = exactFigures(
    areaName ?? 'District',
    'area',
    areaName === 'District' ? null : (areaName ?? null),
    input.wards,
  );
  const districtExact = exactFigures('District', 'district', null, input.districtWards);

  // Ward rows beside the area's total: primary and secondary suppression on the children behind them.
  const wardHidden = exact
    ? wardExact.map(() => false)
    : suppressCells(wardExact.map((f) => f.children)).map((s) => s === SUPPRESSED);
  const wards = wardExact.map((f, i) => shown(f, wardHidden[i]));
  const area = shown(areaExact, !exact && suppressTotal(areaExact.children) === SUPPRESSED);
  const district = shown(districtExact, !exact && suppressTotal(districtExact.children) === SUPPRESSED);
  // Each month's ward counts beside that month's area total.
  if (!exact) {
    months.forEach((_, i) => {
      const column = suppressCells(wardExact.map((f) => f.monthly[i]));
      wards.forEach((w, j) => {
        w.months[i].children = column[j];
      });
      area.months[i].children = suppressTotal(areaExact.monthly[i]);
      district.months[i].children = suppressTotal(districtExact.monthly[i]);
    });
  }

  // Breakdowns of the area's children, month by month.
  const inArea = new Set(input.wards.map((w) => w.code));
  // Ethnicity is counted by code and shown by the census's broad groups.
  const categoryOf = (r: FlaggedCount) => (r.key === 'ethnicity' ? ethnicityGroup(r.value) : r.value);
  const series = (key: FlaggedCount['key'], title: string, categories: Category[]): Series => {
    const counts = months.map(() => categories.map(() => 0));
    const at = new Map(categories.map((c, i) => [c.code, i]));
    for (const r of input.counts) {
      if (r.key !== key || r.month === null || !inArea.has(r.wardCode)) continue;
      const m = monthIndex.get(r.month);
      const c = at.get(categoryOf(r) ?? '');
      if (m === undefined || c === undefined) continue;
      counts[m][c] += r.n;
    }
    return {
      key,
      title,
      categories,
      rows: months.map((month, m) => {
        const total = counts[m].reduce((a, b) => a + b, 0);
        return {
          month,
          monthName: monthName(month),
          total: exact ? total : suppressTotal(total),
          cells: exact ? counts[m] : suppressCells(counts[m]),
        };
      }),
    };
  };

  return {
    exact,
    months,
    wards,
    area,
    district,
    series: [
      series('level', 'By risk level (the highest in the month)', LEVEL_CATEGORIES),
      series('ageBand', 'By age group', AGE_CATEGORIES),
      series('gender', 'By gender', GENDER_CATEGORIES),
      series('ethnicity', 'By ethnicity', ETHNICITY_CATEGORIES),
    ],
  };
}

export type WardReport = ReturnType<typeof buildWardReport>;

/** How many children were flagged in a month in a ward, in all or with one characteristic; or (`month` null, key "children") how many in the period. */
export interface FlaggedCount {
  month: Month | null;
  wardCode: string;
  key: 'all' | 'level' | 'ageBand' | 'gender' | 'ethnicity' | 'children';
  /** The level (1 to 3), age band, gender or ethnicity code counted; null for "all" and "children". */
  value: string | null;
  n: number;
}

/** A YYYY-MM month as a whole number of months (year × 12 + month − 1), as `flagsInPeriod` gives them. */
export const monthNumber = (month: Month) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;

/** The age band at the start of month `m` of someone born (see `FlagMonths.born`) in month `born`; null from 18. */
function ageBandAt(m: number, born: number | null): string | null {
  if (born === null) return 'not_known';
  const months = m - born;
  return months < 120
    ? 'under_10'
    : months < 156
      ? '10_12'
      : months < 192
        ? '13_15'
        : months < 216
          ? '16_17'
          : null;
}

/**
 * The report's counts from the flags in the period: a child counts in a month when flagged at any
 * time in it and under 18 at its start, at the highest level they held in it, in the age band of
 * its first day; and each ward's distinct children over the period.
 */
export function countFlagMonths(months: Month[], flags: FlagMonths[]): FlaggedCount[] {
  const first = monthNumber(months[0]);
  const length = months.length;
  // Each child's highest level in each month of the period (0: not flagged).
  const children = new Map<string, { flag: FlagMonths; level: Uint8Array }>();
  for (const f of flags) {
    let child = children.get(f.personId);
    if (!child) {
      child = { flag: f, level: new Uint8Array(length) };
      children.set(f.personId, child);
    }
    const from = Math.max(0, f.fromMonth - first);
    const to = Math.min(length, (f.toMonth ?? Number.POSITIVE_INFINITY) - first);
    for (let i = from; i < to; i++) if (f.level > child.level[i]) child.level[i] = f.level;
  }
  // Counted in one array (ward × what is counted × month), with a slot for each thing counted.
  const slots: { key: FlaggedCount['key']; value: string | null }[] = [
    { key: 'all', value: null },
    { key: 'children', value: null },
  ];
  const slotOf = new Map<string, number>();
  const slot = (key: FlaggedCount['key'], value: string | null) => {
    const id = `${key}|${value}`;
    let i = slotOf.get(id);
    if (i === undefined) {
      i = slots.length;
      slots.push({ key, value });
      slotOf.set(id, i);
    }
    return i;
  };
  const levelSlots = [0, slot('level', '1'), slot('level', '2'), slot('level', '3')];
  const bandSlots = new Map(AGE_BANDS.map((band) => [band as string, slot('ageBand', band)]));
  const wardOf = new Map<string, number>();
  const described = [...children.values()].map(({ flag, level }) => {
    if (!wardOf.has(flag.wardCode)) wardOf.set(flag.wardCode, wardOf.size);
    return {
      level,
      born: flag.born,
      ward: wardOf.get(flag.wardCode) as number,
      gender: slot('gender', flag.gender),
      ethnicity: slot('ethnicity', flag.ethnicity),
    };
  });
  const width = slots.length * length;
  const n = new Int32Array(Math.max(1, wardOf.size * width));
  for (const c of described) {
    const base = c.ward * width;
    let counted = false;
    for (let i = 0; i < length; i++) {
      const l = c.level[i];
      if (!l) continue;
      const band = ageBandAt(first + i, c.born);
      if (!band) continue;
      counted = true;
      n[base + i]++;
      n[base + levelSlots[l] * length + i]++;
      n[base + (bandSlots.get(band) as number) * length + i]++;
      n[base + c.gender * length + i]++;
      n[base + c.ethnicity * length + i]++;
    }
    if (counted) n[base + length]++; // the 'children' slot, first month's cell
  }
  const counts: FlaggedCount[] = [];
  for (const [wardCode, w] of wardOf)
    slots.forEach((s, j) => {
      if (s.key === 'children') {
        const total = n[w * width + j * length];
        if (total) counts.push({ month: null, wardCode, key: 'children', value: null, n: total });
        return;
      }
      for (let i = 0; i < length; i++) {
        const v = n[w * width + j * length + i];
        if (v) counts.push({ month: months[i], wardCode, key: s.key, value: s.value, n: v });
      }
    });
  return counts;
}

const DAY_ZERO = Date.UTC(2000, 0, 1);
/** The first day of a month, as days since 1 January 2000 (as `flagsInPeriod` gives days). */
const dayNumber = (month: Month) =>
  (Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1) - DAY_ZERO) / 86_400_000;

/**
 * For each ward, the child-days in the months from `from` to `to`: a child counts on a day when
 * flagged at noon that day (London) and under 18 (the published measure's days). A child's flags
 * are joined first, so two flags on one day count once.
 */
export function childDaysFromFlags(from: Month, to: Month, flags: FlagMonths[]) {
  const first = dayNumber(from);
  const after = dayNumber(addMonths(to, 1));
  const byChild = new Map<string, FlagMonths[]>();
  for (const f of flags) byChild.set(f.personId, [...(byChild.get(f.personId) ?? []), f]);
  const wards = new Map<string, { childDays: number; children: number }>();
  for (const own of byChild.values()) {
    const spans = own
      .map((f) => [Math.max(first, f.fromDay), Math.min(after, f.toDay ?? after, f.adultDay ?? after)])
      .filter(([a, b]) => b > a)
      .sort((x, y) => x[0] - y[0]);
    let days = 0;
    let reach = Number.NEGATIVE_INFINITY;
    for (const [a, b] of spans) {
      days += Math.max(0, b - Math.max(a, reach));
      reach = Math.max(reach, b);
    }
    if (!days) continue;
    const w = wards.get(own[0].wardCode) ?? { childDays: 0, children: 0 };
    w.childDays += days;
    w.children++;
    wards.set(own[0].wardCode, w);
  }
  return wards;
}

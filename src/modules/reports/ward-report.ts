import {
  AGE_BAND_NAMES,
  AGE_BANDS,
  type Month,
  monthName,
  ratePer10000,
  type Shown,
  SUPPRESSED,
  suppressCells,
  suppressTotal,
} from '../../platform/figures/index.ts';
import { ETHNICITY_GROUPS, GENDER_NAMES, GENDERS } from '../people/index.ts';
import type { FlaggedChildMonth } from './repository.ts';

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
  flagged: FlaggedChildMonth[];
  childDays: Map<string, { childDays: number; children: number }>;
  exact: boolean;
}

export function buildWardReport(input: WardReportInput) {
  const { months, exact } = input;
  const monthIndex = new Map(months.map((m, i) => [m, i]));
  // Per ward: each month's children; the distinct children in the period.
  const perWard = new Map<string, { monthly: number[]; children: Set<string> }>();
  for (const w of input.districtWards)
    perWard.set(w.code, { monthly: months.map(() => 0), children: new Set() });
  for (const r of input.flagged) {
    const w = perWard.get(r.wardCode);
    const i = monthIndex.get(r.month);
    if (!w || i === undefined) continue;
    w.monthly[i]++;
    w.children.add(r.personId);
  }

  const exactFigures = (name: string, code: string, areaCommittee: string | null, wards: WardInput[]) => {
    const population = wards.reduce((s, w) => s + w.under18Population, 0);
    const monthly = months.map((_, i) =>
      wards.reduce((s, w) => s + (perWard.get(w.code)?.monthly[i] ?? 0), 0),
    );
    const children = wards.reduce((s, w) => s + (perWard.get(w.code)?.children.size ?? 0), 0);
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
  const rowsOf = (r: FlaggedChildMonth, key: string) =>
    key === 'level'
      ? String(r.level)
      : key === 'ageBand'
        ? r.ageBand
        : key === 'gender'
          ? r.gender
          : ethnicityGroup(r.ethnicity);
  const series = (key: string, title: string, categories: Category[]): Series => {
    const counts = months.map(() => categories.map(() => 0));
    const at = new Map(categories.map((c, i) => [c.code, i]));
    for (const r of input.flagged) {
      const m = monthIndex.get(r.month);
      const c = at.get(rowsOf(r, key));
      if (m === undefined || c === undefined || !inArea.has(r.wardCode)) continue;
      counts[m][c]++;
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

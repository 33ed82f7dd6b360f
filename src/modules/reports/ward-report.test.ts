import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addMonths, daysBetween, monthsBetween, wilson } from '../../platform/figures/index.ts';
import { childDaysFor } from '../flags/history.ts';
import { safeCell } from './routes.ts';
import { wardReportPeriod } from './service.ts';
import { buildWardReport, childDaysFromFlags, countFlagMonths, monthNumber } from './ward-report.ts';

const ward = (code: string, population = 4000) => ({
  code,
  name: `Ward ${code}`,
  areaCommittee: 'Test',
  under18Population: population,
});

describe('ward report arithmetic', () => {
  const months = monthsBetween('2020-01', '2020-03');
  // n children of a ward, each flagged in just that month, aged 14.
  const flagged = (wardCode: string, month: string, n: number, level = 1) =>
    Array.from({ length: n }, (_, i) => ({
      personId: `${wardCode}-${i}`,
      wardCode,
      gender: i % 2 ? 'male' : 'female',
      ethnicity: 'white_british',
      born: monthNumber(month) - 14 * 12,
      level,
      fromMonth: monthNumber(month),
      toMonth: monthNumber(month) + 1,
      fromDay: 0,
      toDay: 0,
      adultDay: null,
    }));

  it('counts a child once a month however many flags overlap, at the highest level, in the age band of the month’s first day, and not from 18', () => {
    const period = monthsBetween('2020-01', '2020-06');
    const child = {
      personId: 'x',
      wardCode: 'A',
      gender: 'female',
      ethnicity: null,
      // Their 13th birthday falls in February 2020 (so 13 from the start of March), their 18th in 2025.
      born: monthNumber('2007-03'),
      fromDay: 0,
      toDay: 0,
      adultDay: null,
    };
    const counts = countFlagMonths(period, [
      // Open since 2019: runs to the period's end.
      { ...child, level: 1, fromMonth: monthNumber('2019-06'), toMonth: null },
      { ...child, level: 3, fromMonth: monthNumber('2020-02'), toMonth: monthNumber('2020-04') },
      { ...child, level: 2, fromMonth: monthNumber('2020-03'), toMonth: monthNumber('2020-05') },
      // Someone who turns 18 in April 2020: counted in January to March only.
      {
        personId: 'y',
        wardCode: 'B',
        gender: 'male',
        ethnicity: 'white_british',
        born: monthNumber('2002-04'),
        level: 1,
        fromMonth: monthNumber('2019-01'),
        toMonth: null,
        fromDay: 0,
        toDay: 0,
        adultDay: null,
      },
    ]);
    const get = (wardCode: string, key: string, value: string | null) =>
      period.map(
        (m) =>
          counts.find((c) => c.month === m && c.wardCode === wardCode && c.key === key && c.value === value)
            ?.n ?? 0,
      );
    assert.deepEqual(get('A', 'all', null), [1, 1, 1, 1, 1, 1]);
    assert.deepEqual(get('A', 'level', '3'), [0, 1, 1, 0, 0, 0]);
    assert.deepEqual(get('A', 'level', '2'), [0, 0, 0, 1, 0, 0]);
    assert.deepEqual(get('A', 'level', '1'), [1, 0, 0, 0, 1, 1]);
    assert.deepEqual(get('A', 'ageBand', '10_12'), [1, 1, 0, 0, 0, 0]);
    assert.deepEqual(get('A', 'ageBand', '13_15'), [0, 0, 1, 1, 1, 1]);
    assert.deepEqual(get('A', 'ethnicity', null), [1, 1, 1, 1, 1, 1]);
    assert.deepEqual(get('B', 'all', null), [1, 1, 1, 0, 0, 0]);
    assert.deepEqual(get('B', 'ageBand', '16_17'), [1, 1, 1, 0, 0, 0]);
    assert.deepEqual(
      counts.filter((c) => c.key === 'children').map((c) => [c.wardCode, c.n]),
      [
        ['A', 1],
        ['B', 1],
      ],
    );
  });

  it('counts child-days from each child’s flags joined, inside the period and before their 18th birthday', () => {
    const day = (iso: string) => (Date.parse(`${iso}T00:00:00Z`) - Date.UTC(2000, 0, 1)) / 86_400_000;
    const flag = (
      personId: string,
      wardCode: string,
      from: string,
      to: string | null,
      adult: string | null = null,
    ) => ({
      personId,
      wardCode,
      gender: 'female',
      ethnicity: null,
      born: null,
      level: 1,
      fromMonth: 0,
      toMonth: null,
      fromDay: day(from),
      toDay: to ? day(to) : null,
      adultDay: adult ? day(adult) : null,
    });
    const days = childDaysFromFlags('2020-01', '2020-12', [
      // Two overlapping flags: 1 January to 10 March, once (the leap year's 69 days).
      flag('a', 'A', '2019-11-01', '2020-03-01'),
      flag('a', 'A', '2020-02-01', '2020-03-10'),
      // Open: from 1 December to the end of the period.
      flag('b', 'A', '2020-12-01', null),
      // Turns 18 on 15 June: 1 June to 14 June.
      flag('c', 'B', '2020-06-01', null, '2020-06-15'),
      // Ended before the period.
      flag('d', 'B', '2019-01-01', '2019-12-31'),
    ]);
    assert.deepEqual(Object.fromEntries(days), {
      A: { childDays: 69 + 31, children: 2 },
      B: { childDays: 14, children: 1 },
    });
  });

  it('counts months and periods of the calendar', () => {
    assert.deepEqual(monthsBetween('2019-11', '2020-02'), ['2019-11', '2019-12', '2020-01', '2020-02']);
    assert.equal(addMonths('2020-01', -1), '2019-12');
    assert.equal(daysBetween('2020-01', '2020-12'), 366);
    assert.equal(daysBetween('2021-02', '2021-02'), 28);
  });

  it('finds the whole child-days that give each published average and rate', () => {
    assert.equal(childDaysFor({ average: 12.04, rate: 30.65 }, 3928, 366), 4406);
    assert.throws(() => childDaysFor({ average: 12.04, rate: 99 }, 3928, 366));
  });

  it('averages child-days over the days, and makes the rate from the unrounded average', () => {
    const wards = [ward('A', 6805), ward('B')];
    const r = buildWardReport({
      months,
      days: 91,
      wards,
      districtWards: wards,
      counts: countFlagMonths(months, [...flagged('A', '2020-01', 20), ...flagged('B', '2020-02', 7)]),
      childDays: new Map([
        ['A', { childDays: 1509, children: 20 }],
        ['B', { childDays: 300, children: 7 }],
      ]),
      exact: true,
    });
    assert.equal(r.wards[0].averageMonthlyChildren, 16.58);
    assert.equal(r.wards[0].ratePer10000, 24.37); // from 16.582…, not from 16.58 (24.36)
    assert.equal(r.wards[0].averageFlaggedInMonth, 6.67);
    assert.deepEqual(
      r.area.months.map((m) => m.children),
      [20, 7, 0],
    );
  });

  it('suppresses small ward figures with a second cell, and hides averages and rates with them', () => {
    const wards = [ward('A'), ward('B'), ward('C')];
    const r = buildWardReport({
      months,
      days: 91,
      wards,
      districtWards: wards,
      counts: countFlagMonths(months, [
        ...flagged('A', '2020-01', 3),
        ...flagged('B', '2020-01', 9),
        ...flagged('C', '2020-01', 30),
      ]),
      childDays: new Map([
        ['A', { childDays: 90, children: 3 }],
        ['B', { childDays: 200, children: 9 }],
        ['C', { childDays: 900, children: 30 }],
      ]),
      exact: false,
    });
    assert.deepEqual(
      r.wards.map((w) => w.children),
      ['c', 'c', 30],
    );
    assert.deepEqual(
      r.wards.map((w) => w.ratePer10000),
      ['c', 'c', r.wards[2].ratePer10000],
    );
    assert.deepEqual(
      r.wards.map((w) => w.averageMonthlyChildren),
      ['c', 'c', 9.89],
    );
    assert.equal(r.area.children, 42, 'the total is shown: two hidden cells cannot be told apart');
    const january = r.series.find((s) => s.key === 'gender')?.rows[0];
    assert.deepEqual(january?.cells, [22, 20, 0, 0]); // girls are the even-numbered children: 2 + 5 + 15
  });

  it('checks the period, and says what is wrong with each field', () => {
    assert.deepEqual(wardReportPeriod({ from: '2020-01', to: '2020-12', areaCommittee: 'Keighley' }), {
      from: '2020-01',
      to: '2020-12',
      areaCommittee: 'Keighley',
    });
    assert.deepEqual(wardReportPeriod({}, new Date('2026-12-01T12:00:00Z')), {
      from: '2025-12',
      to: '2026-11',
      areaCommittee: null,
    });
    try {
      wardReportPeriod({ from: '2020-13', to: '2010-01', areaCommittee: 'Atlantis' });
      assert.fail('accepted');
    } catch (error) {
      const fields = (error as { errors: { field: string }[] }).errors.map((e) => e.field);
      assert.deepEqual(fields, ['from', 'areaCommittee']);
    }
    assert.throws(() => wardReportPeriod({ from: '2015-01', to: '2020-12' }), /at most 60 months/);
  });

  it('makes CSV cells safe from spreadsheet formulas', () => {
    assert.equal(safeCell('=HYPERLINK("x")'), `'=HYPERLINK("x")`);
    assert.equal(safeCell('+1'), "'+1");
    assert.equal(safeCell('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(safeCell('Great Horton'), 'Great Horton');
    assert.equal(safeCell(-3), -3);
  });

  it('gives a Wilson interval that holds the proportion and narrows with more cases', () => {
    const small = wilson(3, 10);
    const large = wilson(300, 1000);
    assert.ok(small.low < 0.3 && small.high > 0.3);
    assert.ok(large.high - large.low < small.high - small.low);
    assert.deepEqual(wilson(0, 0), { low: 0, high: 1 });
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addWorkingDays, bankHolidays, easterSunday, isWorkingDay } from './calendar.ts';
import { dueAt } from './rules.ts';

describe('English bank holidays and working days', () => {
  it('computes Easter', () => {
    assert.equal(easterSunday(2024).toISOString().slice(0, 10), '2024-03-31');
    assert.equal(easterSunday(2026).toISOString().slice(0, 10), '2026-04-05');
    assert.equal(easterSunday(2027).toISOString().slice(0, 10), '2027-03-28');
  });

  it('lists the published holidays, with substitute days', () => {
    assert.deepEqual([...bankHolidays(2026)].sort(), [
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-05-04',
      '2026-05-25',
      '2026-08-31',
      '2026-12-25',
      '2026-12-28',
    ]);
    // 2027: Christmas on Saturday, Boxing Day on Sunday → Monday 27 and Tuesday 28.
    assert.ok(bankHolidays(2027).has('2027-12-27') && bankHolidays(2027).has('2027-12-28'));
    // New Year's Day 2028 is a Saturday → Monday 3 January.
    assert.ok(bankHolidays(2028).has('2028-01-03'));
  });

  it('includes the one-off holidays and moves', () => {
    const y2022 = bankHolidays(2022);
    assert.ok(y2022.has('2022-06-02') && y2022.has('2022-06-03') && y2022.has('2022-09-19'));
    assert.ok(!y2022.has('2022-05-30'));
    assert.ok(bankHolidays(2023).has('2023-05-08'));
    assert.ok(bankHolidays(2020).has('2020-05-08') && !bankHolidays(2020).has('2020-05-04'));
  });

  it('counts working days over weekends and Christmas', () => {
    assert.equal(isWorkingDay(new Date('2026-12-25T12:00:00Z')), false);
    assert.equal(isWorkingDay(new Date('2026-12-29T12:00:00Z')), true);
    // Wednesday 23 December 2026 + 3 working days: 24th, (25–28 off), 29th, 30th.
    assert.equal(
      addWorkingDays(new Date('2026-12-23T10:00:00Z'), 3).toISOString(),
      '2026-12-30T10:00:00.000Z',
    );
    // Friday + 10 working days = a fortnight later, same time.
    assert.equal(
      addWorkingDays(new Date('2026-11-20T15:00:00Z'), 10).toISOString(),
      '2026-12-04T15:00:00.000Z',
    );
  });

  it('applies clock rules in each unit', () => {
    const from = new Date('2026-01-31T09:00:00Z');
    assert.equal(dueAt({ amount: 24, unit: 'hours' }, from).toISOString(), '2026-02-01T09:00:00.000Z');
    assert.equal(dueAt({ amount: 45, unit: 'days' }, from).toISOString(), '2026-03-17T09:00:00.000Z');
    // Three months from 31 January ends on the last day of April.
    assert.equal(dueAt({ amount: 3, unit: 'months' }, from).toISOString(), '2026-04-30T09:00:00.000Z');
  });
});

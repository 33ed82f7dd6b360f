/**
 * English and Welsh bank holidays, computed: the regular rules plus the one-off changes that
 * proclamations made (recorded below with their dates). Working days exclude weekends and these.
 */

const iso = (d: Date) => d.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

/** Easter Sunday (Gregorian), by the anonymous algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return utc(year, month, day);
}

const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);
const firstMonday = (year: number, month: number) => {
  const d = utc(year, month, 1);
  return addDays(d, (8 - d.getUTCDay()) % 7);
};
const lastMonday = (year: number, month: number) => {
  const d = utc(year, month + 1, 0);
  return addDays(d, -((d.getUTCDay() + 6) % 7));
};

/** One-off changes by proclamation: [date removed (or null), date added (or null), why]. */
const SPECIAL: [string | null, string | null, string][] = [
  ['2020-05-04', '2020-05-08', 'Early May bank holiday moved for the 75th anniversary of VE Day'],
  ['2022-05-30', '2022-06-02', 'Spring bank holiday moved for the Platinum Jubilee'],
  [null, '2022-06-03', 'Platinum Jubilee bank holiday'],
  [null, '2022-09-19', 'State Funeral of Queen Elizabeth II'],
  [null, '2023-05-08', 'Coronation of King Charles III'],
];

const cache = new Map<number, Set<string>>();

export function bankHolidays(year: number): Set<string> {
  const cached = cache.get(year);
  if (cached) return cached;
  const days: Date[] = [];
  // New Year's Day, moved to Monday when it falls at a weekend.
  const newYear = utc(year, 1, 1);
  days.push(
    newYear.getUTCDay() === 6
      ? addDays(newYear, 2)
      : newYear.getUTCDay() === 0
        ? addDays(newYear, 1)
        : newYear,
  );
  const easter = easterSunday(year);
  days.push(addDays(easter, -2), addDays(easter, 1));
  days.push(firstMonday(year, 5), lastMonday(year, 5), lastMonday(year, 8));
  // Christmas and Boxing Day with substitute days.
  const christmas = utc(year, 12, 25);
  const dow = christmas.getUTCDay();
  if (dow === 6) days.push(utc(year, 12, 27), utc(year, 12, 28));
  else if (dow === 0) days.push(utc(year, 12, 26), utc(year, 12, 27));
  else if (dow === 5) days.push(christmas, utc(year, 12, 28));
  else days.push(christmas, utc(year, 12, 26));
  const set = new Set(days.map(iso));
  for (const [removed, added] of SPECIAL) {
    if (removed?.startsWith(String(year))) set.delete(removed);
    if (added?.startsWith(String(year))) set.add(added);
  }
  cache.set(year, set);
  return set;
}

/** Weekdays that are not bank holidays, judged by the calendar date in London. */
export function isWorkingDay(date: Date): boolean {
  const local = londonDate(date);
  const day = local.getUTCDay();
  return day !== 0 && day !== 6 && !bankHolidays(local.getUTCFullYear()).has(iso(local));
}

// Made once: building a formatter costs far more than using one (it was most of a due date's cost).
const LONDON_DAY = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The London calendar date of an instant, as a UTC midnight Date. */
function londonDate(instant: Date): Date {
  const [y, m, d] = LONDON_DAY.format(instant).split('-').map(Number);
  return utc(y, m, d);
}

/**
 * The instant `n` working days after `from`: the same time of day on the nth following working day
 * (a Friday-afternoon decision with 10 working days is due a fortnight later on Friday afternoon).
 */
export function addWorkingDays(from: Date, n: number): Date {
  let result = new Date(from.getTime());
  let left = n;
  while (left > 0) {
    result = addDays(result, 1);
    if (isWorkingDay(result)) left -= 1;
  }
  return result;
}

export function addMonths(from: Date, n: number): Date {
  const result = new Date(from.getTime());
  const day = result.getUTCDate();
  result.setUTCDate(1);
  result.setUTCMonth(result.getUTCMonth() + n);
  const lastDay = new Date(Date.UTC(result.getUTCFullYear(), result.getUTCMonth() + 1, 0)).getUTCDate();
  result.setUTCDate(Math.min(day, lastDay));
  return result;
}

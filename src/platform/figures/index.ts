/**
 * Small numbers suppressed as the DfE publishes them: a count from 1 to 5 is shown as "c". When
 * the total is shown, one suppressed cell could be worked out from it and the others, so a second
 * cell (the smallest count left) is suppressed too. A rate made from a suppressed count is
 * suppressed with it. Everything an elected member receives goes through here.
 */
export type Shown = number | 'c';

export const SUPPRESSED = 'c' as const;
const SMALL = (n: number) => n >= 1 && n <= 5;

/** The cells as they may be shown beside their (unsuppressed) total. */
export function suppressCells(counts: readonly number[]): Shown[] {
  const shown: Shown[] = counts.map((n) => (SMALL(n) ? SUPPRESSED : n));
  const hidden = shown.filter((s) => s === SUPPRESSED).length;
  if (hidden === 1) {
    // Secondary suppression: the smallest other non-zero count.
    let smallest = -1;
    counts.forEach((n, i) => {
      if (shown[i] !== SUPPRESSED && n > 0 && (smallest < 0 || n < counts[smallest])) smallest = i;
    });
    if (smallest >= 0) shown[smallest] = SUPPRESSED;
  }
  return shown;
}

/** A total shown on its own: suppressed when small. */
export const suppressTotal = (n: number): Shown => (SMALL(n) ? SUPPRESSED : n);

/** Rate per 10,000 to two decimal places; suppressed when its count is. */
export function ratePer10000(count: Shown, population: number): Shown {
  if (count === SUPPRESSED) return SUPPRESSED;
  if (population <= 0) return 0;
  return Math.round((count / population) * 10000 * 100) / 100;
}

/**
 * Months as the partnership's reports count them: calendar months in Europe/London, named
 * `YYYY-MM`. A child counts in a month when flagged at any time in it; a child counts on a day when
 * flagged at noon that day (the daily figure, whose average over a period is what the committee
 * reports publish as the "average number of children at risk").
 */
export type Month = string;

export const isMonth = (s: string): boolean => /^\d{4}-(0[1-9]|1[0-2])$/.test(s);

/** The months from `from` to `to`, both included. */
export function monthsBetween(from: Month, to: Month): Month[] {
  const out: Month[] = [];
  let [y, m] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  while (y < ty || (y === ty && m <= tm)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m++;
    if (m > 12) {
      y++;
      m = 1;
    }
  }
  return out;
}

/** The month `n` months after (or before, when negative) this one. */
export function addMonths(month: Month, n: number): Month {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The month an instant falls in (Europe/London). */
const LONDON_MONTH = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
});
export function monthOf(at: Date): Month {
  return LONDON_MONTH.format(at).slice(0, 7);
}

/** Days in the months from `from` to `to`, both included. */
export function daysBetween(from: Month, to: Month): number {
  const [fy, fm] = from.split('-').map(Number);
  const [ty, tm] = to.split('-').map(Number);
  return Math.round((Date.UTC(ty, tm, 1) - Date.UTC(fy, fm - 1, 1)) / 86_400_000);
}

/** "January 2020". */
export const monthName = (month: Month): string =>
  new Date(`${month}-01T12:00:00Z`).toLocaleDateString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** Age bands the reports use (seed 002's charts). */
export const AGE_BANDS = ['under_10', '10_12', '13_15', '16_17', 'not_known'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];
export const AGE_BAND_NAMES: Record<AgeBand, string> = {
  under_10: 'Under 10',
  '10_12': '10 to 12',
  '13_15': '13 to 15',
  '16_17': '16 to 17',
  not_known: 'Age not known',
};

/** Wilson score interval for a proportion (95% by default), so a difference is not over-read. */
export function wilson(successes: number, n: number, z = 1.959964): { low: number; high: number } {
  if (n === 0) return { low: 0, high: 1 };
  const p = successes / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** A share of a group, with its 95% Wilson interval so a difference between groups is not over-read. */
export interface Proportion {
  k: number;
  n: number;
  /** Percentage to one decimal place, or null when there is nobody to count. */
  percent: number | null;
  low: number | null;
  high: number | null;
}

const oneDecimal = (x: number) => Math.round(x * 1000) / 10;

export function proportion(k: number, n: number): Proportion {
  if (n === 0) return { k, n, percent: null, low: null, high: null };
  const w = wilson(k, n);
  return { k, n, percent: oneDecimal(k / n), low: oneDecimal(w.low), high: oneDecimal(w.high) };
}

/** A median with its distribution-free 95% interval (from the order statistics), and how many it is of. */
export interface Median {
  n: number;
  median: number | null;
  low: number | null;
  high: number | null;
}

export function median(values: readonly number[], z = 1.959964): Median {
  const n = values.length;
  if (n === 0) return { n, median: null, low: null, high: null };
  const xs = [...values].sort((a, b) => a - b);
  const mid = n % 2 ? xs[(n - 1) / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
  // Ranks j and k (1-based) with P(x_j <= median <= x_k) of at least 95% (normal approximation to the binomial).
  const half = (z * Math.sqrt(n)) / 2;
  const j = Math.max(1, Math.floor(n / 2 - half));
  const k = Math.min(n, Math.ceil(n / 2 + half) + 1);
  const round = (x: number) => Math.round(x * 10) / 10;
  return { n, median: round(mid), low: round(xs[j - 1]), high: round(xs[k - 1]) };
}

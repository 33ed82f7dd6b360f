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

// The default m and u, apart from training so blocking can score a sample with them too.

/**
 * m values to use when the data cannot teach them: a partnership's people table is mostly one row
 * per person, so it holds too few duplicates for EM. These are set from what agency records
 * typically look like (most true matches agree exactly; some differ by a nickname, a typo, a
 * transposed date or a move) and are shown on the model page like learned ones.
 */
export const DEFAULT_M: number[][] = [
  [1, 0.85, 0.01, 0.04, 0.04, 0.02, 0.02, 0.02],
  [1, 0.86, 0.01, 0.03, 0.04, 0.03, 0.03],
  [1, 0.88, 0.02, 0.04, 0.01, 0.01, 0.01, 0.01, 0.02],
  [1, 0.75, 0.05, 0.05, 0.15],
  [1, 0.98, 0.02],
  [1, 0.97, 0.03],
  [1, 0.97, 0.03],
  [1, 0.95, 0.05],
  [1, 0.6, 0.15, 0.25],
  [1, 0.8, 0.1, 0.1],
  [1, 0.8, 0.1, 0.1],
  [1, 0.85, 0.04, 0.05, 0.01, 0.05],
  [1, 0.85, 0.02, 0.13],
  [1, 0.8, 0.1, 0.1],
  [1, 0.8, 0.1, 0.1],
  [1, 0.8, 0.1, 0.1],
];

/**
 * u values for data too small to sample random pairs from (a handful of records): how often
 * unrelated people in an English district agree at each level. Normalised per comparison.
 */
export const DEFAULT_U: number[][] = [
  [1, 0.01, 1e-5, 5e-4, 2e-3, 5e-3, 1e-3, 0.98],
  [1, 5e-3, 1e-5, 1e-4, 1e-3, 3e-3, 0.99],
  [1, 2e-4, 2e-6, 2e-3, 4e-2, 3e-3, 3e-2, 0.3, 0.62],
  [1, 1e-3, 2e-2, 5e-2, 0.93],
  [1, 0.5, 0.5],
  [1, 1e-6, 1],
  [1, 1e-6, 1],
  [1, 1e-6, 1],
  [1, 1e-3, 5e-3, 0.99],
  [1, 0.05, 0.01, 0.94],
  [1, 0.05, 0.01, 0.94],
  [1, 1e-6, 1e-5, 1e-4, 0.01, 0.99],
  [1, 1e-6, 1e-5, 1],
  [1, 0.1, 0.02, 0.88],
  [1, 0.1, 0.02, 0.88],
  [1, 0.1, 0.02, 0.88],
].map((row) => {
  const total = row.slice(1).reduce((a, b) => a + b, 0);
  return row.map((v, l) => (l === 0 ? 1 : v / total));
});

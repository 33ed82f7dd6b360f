import { jaroWinkler as reference } from '@skyra/jaro-winkler';

/** Longer text goes to the library (names are far shorter); the buffers are this long. */
const LONGEST = 64;
const matchedA = new Uint8Array(LONGEST);
const matchedB = new Uint8Array(LONGEST);

const hasSurrogate = (s: string) => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
};

/** The character code at p, or -1 past the end (where the library compares `undefined`). */
const codeAt = (s: string, p: number) => (p < s.length ? s.charCodeAt(p) : -1);

/**
 * Jaro-Winkler similarity exactly as `@skyra/jaro-winkler` gives it (the library the model was
 * built on, kept as the reference and for text it does not handle here), without its cost per
 * call: it splits both strings into arrays of one-character strings and allocates two match
 * arrays, millions of times in a large link. This reads character codes and reuses two buffers.
 * The same numbers to the bit, including the library's own conventions: a match window of half
 * the longer length, and a prefix bonus of 5 when the first four characters agree (or both
 * strings end together within them). Tested against the library in jaro-winkler.test.ts.
 */
export function jaroWinkler(a: string, b: string): number {
  const la = a.length;
  const lb = b.length;
  // Characters outside the Basic Multilingual Plane count as one character in the library.
  if (la > LONGEST || lb > LONGEST || hasSurrogate(a) || hasSurrogate(b)) return reference(a, b);
  matchedA.fill(0, 0, la);
  matchedB.fill(0, 0, lb);
  const window = Math.floor(Math.max(la, lb) / 2);
  let matches = 0;
  for (let i = 0; i < la; i++) {
    const c = a.charCodeAt(i);
    const end = Math.min(i + window + 1, lb);
    for (let j = Math.max(0, i - window); j < end; j++) {
      if (matchedB[j] || b.charCodeAt(j) !== c) continue;
      matchedA[i] = 1;
      matchedB[j] = 1;
      ++matches;
      break;
    }
  }
  if (matches <= 0) return 0;
  let halfTranspositions = 0;
  for (let i = 0, j = 0; i < la; i++) {
    if (matchedA[i] === 0) continue;
    while (j < lb && matchedB[j] === 0) j++;
    if (a.charCodeAt(i) !== codeAt(b, j)) halfTranspositions++;
    j++;
  }
  const transpositions = Math.floor(halfTranspositions / 2);
  const similarity = (matches / la + matches / lb + (matches - transpositions) / matches) / 3;
  let prefix = 0;
  while (prefix < 4 && codeAt(a, prefix) === codeAt(b, prefix)) prefix++;
  if (prefix === 4) prefix = 5;
  return similarity + prefix * 0.1 * (1 - similarity);
}

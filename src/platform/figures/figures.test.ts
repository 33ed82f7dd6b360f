import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ratePer10000, suppressCells, suppressTotal } from './index.ts';

describe('small-number suppression', () => {
  it('shows 1 to 5 as "c", and 0 and 6 or more as they are', () => {
    assert.deepEqual(suppressCells([0, 6, 12, 3, 2]), [0, 6, 12, 'c', 'c']);
  });

  it('suppresses a second cell when one alone could be worked out from the total', () => {
    // 20 in all: with only the 4 hidden, 20 − 6 − 10 would give it away.
    assert.deepEqual(suppressCells([4, 6, 10]), ['c', 'c', 10]);
    // The smallest other non-zero count is the one taken, never a zero.
    assert.deepEqual(suppressCells([0, 5, 9, 7]), [0, 'c', 9, 'c']);
    assert.deepEqual(suppressCells([8, 9]), [8, 9]);
  });

  it('suppresses a small total, and the rate made from a suppressed count', () => {
    assert.equal(suppressTotal(4), 'c');
    assert.equal(suppressTotal(0), 0);
    assert.equal(ratePer10000('c', 3911), 'c');
    // The seeds' Bradford South figures: Great Horton's 12.04 a month over 3,928 children.
    assert.equal(ratePer10000(12.04, 3928), 30.65);
  });
});

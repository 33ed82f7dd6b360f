import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CSS_OUTPUT, compileStyles } from './build.ts';

describe('stylesheet', () => {
  it('is compiled from the current Sass (run "npm run build:css" after changing styles)', () => {
    assert.equal(readFileSync(CSS_OUTPUT, 'utf8'), compileStyles());
  });
  it('uses Arial, not GOV.UK’s own typeface', () => {
    const css = readFileSync(CSS_OUTPUT, 'utf8');
    assert.doesNotMatch(css, /GDS Transport/);
    assert.match(css, /font-family:arial,sans-serif/);
  });
});

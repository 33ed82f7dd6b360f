import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jaroWinkler as reference } from '@skyra/jaro-winkler';
import { loadFebrl } from '../../../test/febrl.ts';
import { jaroWinkler } from './jaro-winkler.ts';

describe('Jaro-Winkler', () => {
  it('gives exactly what the library gives, for names, typos, short and empty strings and any text', () => {
    const names = new Set<string>();
    for (const r of loadFebrl('dataset3.csv').slice(0, 600)) {
      if (r.given) names.add(r.given);
      if (r.family) names.add(r.family);
    }
    const odd = [
      '',
      'a',
      'ab',
      'ba',
      'abc',
      'abcd',
      'abcde',
      'martha',
      'marhta',
      'dwayne',
      'duane',
      'dixon',
      'dicksonx',
      'o’neil',
      'zoë',
      'zoe',
      'x🙂y',
      '🙂',
      'jo@example.org',
      'jo@exampel.org',
      'aaaa',
      'aaab',
      'a'.repeat(70),
      `${'a'.repeat(69)}b`,
    ];
    const all = [...names, ...odd];
    assert.ok(all.length > 500, `${all.length} strings`);
    let compared = 0;
    for (let x = 0; x < all.length; x++)
      for (let y = 0; y < all.length; y += 1 + (x % 7)) {
        assert.equal(jaroWinkler(all[x], all[y]), reference(all[x], all[y]), `${all[x]} / ${all[y]}`);
        compared++;
      }
    assert.ok(compared > 50_000, `${compared} pairs`);
  });
});

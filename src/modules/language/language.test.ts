import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkLanguage, PHRASES, SOURCES } from './check.ts';

const ids = (text: string) => checkLanguage(text).map((f) => f.phraseId);

describe('language check', () => {
  it('catches the thematic review’s own example: "making choices"', () => {
    assert.deepEqual(ids('Professionals felt she was making choices about who she spent time with.'), [
      'making-choices',
    ]);
    assert.deepEqual(ids('It is a lifestyle choice.'), ['making-choices']);
  });

  it('catches the phrases the Front Door issue names', () => {
    assert.deepEqual(ids('She is putting herself at risk'), ['putting-self-at-risk']);
    assert.deepEqual(ids('He is sexually active'), ['sexually-active']);
    assert.deepEqual(ids('He was recruited by the group'), ['recruited']);
    assert.deepEqual(ids('She was seen with her older boyfriend, aged 24'), ['boyfriend']);
    assert.deepEqual(ids('concerns about child prostitution'), ['prostitution']);
  });

  it('reports each finding in order with wording to use and a named source', () => {
    const findings = checkLanguage('He absconded again and is streetwise.');
    assert.deepEqual(
      findings.map((f) => f.phraseId),
      ['absconding', 'streetwise'],
    );
    for (const f of findings) {
      assert.ok(f.suggestion.length > 10);
      assert.ok(Object.values(SOURCES).includes(f.source), f.source);
    }
    assert.equal(findings[0].found, 'absconded');
  });

  it('leaves child-centred writing alone', () => {
    assert.deepEqual(
      ids('Amira (14) is being sexually exploited by adults who give her alcohol. She went missing twice.'),
      [],
    );
    // Word boundaries: "recruitment fair" is not "recruited", "choice" alone is not flagged.
    assert.deepEqual(ids('The school held a careers fair. She had a choice of sandwiches.'), []);
  });

  it('gives every phrase a known source and a suggestion', () => {
    for (const p of PHRASES) {
      assert.ok(SOURCES[p.source], `${p.id} source`);
      assert.ok(p.suggestion && p.why, p.id);
      assert.doesNotThrow(() => new RegExp(p.pattern, 'i'), p.id);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../platform/errors.ts';
import { type Answer, CURRENT_RULES, rulesFor, score } from './rules.ts';
import { readAssessmentInput } from './service.ts';

const rules = rulesFor(CURRENT_RULES);
const required = Object.fromEntries(
  rules.themes
    .filter((t) => t.required)
    .flatMap((t) => t.indicators.map((i) => [i.id, 'not_present' as Answer])),
);

describe('assessment scoring rules', () => {
  it('is versioned: the file says which version it is', () => {
    assert.equal(rules.version, 'exploitation-v1');
    assert.throws(() => rulesFor('../secrets'), /bad rules version/);
  });

  it('scores no risk when nothing is present', () => {
    const s = score(rules, required);
    assert.equal(s.level, 'none');
    assert.equal(s.score, 0);
    assert.deepEqual(s.missingRequired, []);
  });

  it('weights current signs twice earlier ones, and rises through the thresholds', () => {
    assert.equal(score(rules, { 'vul-home': 'earlier' }).score, 2);
    assert.equal(score(rules, { 'vul-home': 'current' }).score, 4);
    assert.equal(score(rules, { 'vul-home': 'current' }).level, 'emerging');
    const many = score(rules, {
      'vul-home': 'current',
      'vul-care': 'current',
      'mis-repeat': 'current',
      'mon-gifts': 'current',
    });
    assert.equal(many.score, 16);
    assert.equal(many.level, 'moderate');
  });

  it('treats one current key sign as at least moderate, two as significant', () => {
    assert.equal(score(rules, { 'cse-cars': 'current' }).level, 'moderate');
    assert.equal(
      score(rules, { 'cse-cars': 'current', 'mis-found-with-adults': 'current' }).level,
      'significant',
    );
    assert.equal(score(rules, { 'cse-cars': 'earlier' }).level, 'none');
  });

  it('suggests flags from the themes with signs, and asks for a specialist referral for current substance use', () => {
    const s = score(rules, { 'cse-cars': 'current', 'mis-repeat': 'earlier', 'sub-use': 'current' });
    assert.deepEqual(s.suggestedFlags.sort(), ['cse', 'missing_linked']);
    assert.equal(s.specialistReferralNeeded, true);
    assert.equal(score(rules, { 'sub-use': 'earlier' }).specialistReferralNeeded, false);
  });

  it('shows where questions were not answered', () => {
    const s = score(rules, { 'cse-cars': 'current' });
    assert.ok(s.unansweredThemes.includes('Disability and additional needs'));
    assert.ok(s.missingRequired.includes('dis-learning'));
  });

  it('refuses submission until disability, online and radicalisation are answered, risk has flags, overrides are explained and referrals recorded', () => {
    const attempt = (raw: Record<string, unknown>) => {
      try {
        readAssessmentInput(rules, raw, true);
        return [];
      } catch (error) {
        assert.ok(error instanceof ValidationError);
        return error.errors.map((e) => e.field).sort();
      }
    };
    assert.deepEqual(attempt({ 'a-cse-cars': 'current' }), [
      'a-dis-learning',
      'a-onl-contact',
      'a-rad-views',
      'flagTypes',
    ]);
    assert.deepEqual(attempt({ answers: { ...required, 'cse-cars': 'current' }, flagTypes: ['cse'] }), []);
    assert.deepEqual(attempt({ answers: required, overrideLevel: 'moderate', flagTypes: ['cse'] }), [
      'overrideReason',
    ]);
    assert.deepEqual(attempt({ answers: { ...required, 'sub-use': 'current' }, flagTypes: ['cse'] }), [
      'specialistReferral',
    ]);
    assert.deepEqual(
      attempt({
        answers: { ...required, 'sub-use': 'current' },
        flagTypes: ['cse'],
        specialistReferral: 'not_made',
      }),
      ['specialistReferralNote'],
    );
    // Saving progress needs none of that.
    assert.doesNotThrow(() => readAssessmentInput(rules, { 'a-cse-cars': 'current' }, false));
  });
});

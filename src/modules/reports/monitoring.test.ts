import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { median, proportion } from '../../platform/figures/index.ts';
import { buildEquality } from './equality.ts';
import { buildPractice, phrasesInPeriod } from './practice.ts';
import type { CompletedAssessment, ContactJourney } from './repository.ts';
import { waitingFigures } from './service.ts';

const H = 3_600_000;
const D = 24 * H;
const t0 = Date.UTC(2025, 5, 2, 9);

/** A contact about a child: decided after `decided` hours against a 24-hour clock; assessed after `assessed` days against ten. */
function journey(
  personId: string,
  who: Partial<ContactJourney>,
  decided: number | null,
  outcome: string | null,
  assessed: number | null = null,
): ContactJourney {
  return {
    personId,
    gender: 'female',
    ethnicity: 'white_british',
    disability: null,
    ageBand: '13_15',
    receivedAt: new Date(t0),
    decidedAt: decided === null ? null : new Date(t0 + decided * H),
    decisionDue: new Date(t0 + 24 * H),
    outcome,
    assessedAt: assessed === null ? null : new Date(t0 + assessed * D),
    assessmentDue: assessed === null ? null : new Date(t0 + 14 * D),
    ...who,
  };
}

describe('median with its interval', () => {
  it('takes the middle value (or the mean of the middle two) and a distribution-free 95% interval from the ordered values', () => {
    assert.deepEqual(median([]), { n: 0, median: null, low: null, high: null });
    assert.equal(median([5, 1, 3]).median, 3);
    assert.equal(median([4, 1, 3, 2]).median, 2.5);
    // n = 100: ranks 40 and 61 (the standard order-statistic interval).
    const xs = Array.from({ length: 100 }, (_, i) => i + 1);
    const m = median(xs);
    assert.equal(m.median, 50.5);
    assert.equal(m.low, 40);
    assert.equal(m.high, 61);
    // A very small group's interval runs across nearly all of it.
    const small = median([2, 9, 30]);
    assert.equal(small.low, 2);
    assert.equal(small.high, 30);
  });

  it('gives a share with its Wilson interval, and nothing when there is nobody to count', () => {
    assert.deepEqual(proportion(0, 0), { k: 0, n: 0, percent: null, low: null, high: null });
    const p = proportion(8, 10);
    assert.equal(p.percent, 80);
    assert.equal(p.low, 49);
    assert.equal(p.high, 94.3);
  });
});

describe('equality monitoring', () => {
  const journeys = [
    journey('g1', {}, 2, 'exploitation_assessment', 5),
    journey('g1', {}, 30, 'exploitation_assessment', 20),
    journey('g2', {}, 4, 'early_help'),
    journey('b1', { gender: 'male', disability: 'yes' }, 10, 'early_help'),
    journey('b2', { gender: 'male', disability: 'no' }, 40, 'no_further_action'),
    journey('b3', { gender: 'male', disability: 'yes' }, null, null),
  ];
  const input = {
    journeys,
    firstAssessments: [
      {
        personId: 'g1',
        gender: 'female',
        ethnicity: 'white_british',
        disability: null,
        ageBand: '13_15',
        level: 'significant',
      },
      {
        personId: 'b1',
        gender: 'male',
        ethnicity: 'asian_pakistani',
        disability: 'yes',
        ageBand: '16_17',
        level: 'moderate',
      },
    ],
    spellsEnded: [
      {
        personId: 'g1',
        gender: 'female',
        ethnicity: 'white_british',
        disability: null,
        ageBand: '13_15',
        days: 120,
      },
    ],
  };

  it('compares the groups of a characteristic: timeliness against the clock, outcomes, first levels, time flagged', () => {
    const r = buildEquality(input, 'gender');
    assert.deepEqual(
      r.groups.map((g) => g.code),
      ['female', 'male'],
      'groups nobody belongs to are left out',
    );
    const [girls, boys] = r.groups;
    assert.equal(girls.contacts, 3);
    assert.equal(girls.children, 2);
    assert.equal(girls.decisionHours.median, 4);
    assert.deepEqual([girls.decisionOnTime.k, girls.decisionOnTime.n], [2, 3]);
    assert.deepEqual([girls.assessmentOnTime.k, girls.assessmentOnTime.n], [1, 2]);
    assert.equal(girls.assessmentDays.median, 12.5);
    // Boys: one contact still waiting for a decision is not counted as decided, on time or late.
    assert.equal(boys.contacts, 3);
    assert.deepEqual([boys.decisionOnTime.k, boys.decisionOnTime.n], [1, 2]);
    const outcome = (code: string) => r.outcomes.findIndex((o) => o.code === code);
    assert.equal(boys.outcomes[outcome('early_help')].percent, 50);
    assert.equal(boys.outcomes[outcome('exploitation_assessment')].k, 0);
    assert.equal(girls.outcomes[outcome('exploitation_assessment')].percent, 66.7);
    const level = (code: string) => r.levels.findIndex((l) => l.code === code);
    assert.equal(girls.levels[level('significant')].k, 1);
    assert.equal(boys.levels[level('moderate')].k, 1);
    assert.equal(girls.flaggedDays.median, 120);
    assert.equal(boys.flaggedDays.n, 0);
    assert.equal(r.everyone.contacts, 6);
    assert.equal(r.everyone.children, 5);
  });

  it('groups by disability, with those never asked as "not recorded", and by the census’s broad ethnic groups', () => {
    const byDisability = buildEquality(input, 'disability');
    const counts = Object.fromEntries(byDisability.groups.map((g) => [g.code, g.contacts]));
    assert.deepEqual(counts, { yes: 2, no: 1, not_recorded: 3 });
    const byEthnicity = buildEquality(input, 'ethnicity');
    assert.deepEqual(
      byEthnicity.groups.map((g) => [g.code, g.contacts]),
      [
        ['Asian, Asian British or Asian Welsh', 0],
        ['White', 6],
      ],
      'broad groups, not codes',
    );
    const unstated = buildEquality(
      {
        journeys: [journey('x', { ethnicity: null }, 1, 'early_help')],
        firstAssessments: [],
        spellsEnded: [],
      },
      'ethnicity',
    );
    assert.deepEqual(
      unstated.groups.map((g) => [g.code, g.contacts]),
      [['Not stated', 1]],
    );
    assert.ok(
      byEthnicity.groups.some((g) => g.code === 'Asian, Asian British or Asian Welsh' && g.levels[2].k === 1),
    );
  });
});

describe('practice monitoring', () => {
  const assessment = (
    month: string,
    answers: Record<string, string>,
    referral: string | null,
    days: number,
  ): CompletedAssessment => ({
    month,
    rulesVersion: 'exploitation-v1',
    answers,
    specialistReferral: referral,
    receivedAt: new Date(t0),
    completedAt: new Date(t0 + days * D),
  });

  it('measures each month: overdue work, days to assessment, phrases per 100 records, referrals, questions answered, reviews on time', () => {
    const r = buildPractice({
      months: ['2025-06', '2025-07'],
      work: [
        { month: '2025-06', kind: 'assessment', due: 4, onTime: 3, late: 1 },
        { month: '2025-06', kind: 'risk_review', due: 5, onTime: 4, late: 1 },
        { month: '2025-07', kind: 'assessment', due: 2, onTime: 0, late: 2 },
      ],
      assessments: [
        // Current substance use: referral made; earlier use does not ask for one.
        assessment('2025-06', { 'sub-use': 'current', 'onl-contact': 'not_known' }, 'made', 4),
        assessment('2025-06', { 'sub-supplied': 'current' }, 'not_made', 8),
        assessment('2025-07', { 'sub-use': 'earlier' }, null, 3),
      ],
      records: new Map([
        ['2025-06', 40],
        ['2025-07', 8],
      ]),
      findings: [
        { month: '2025-06', phraseId: 'making-choices', n: 3 },
        { month: '2025-06', phraseId: 'boyfriend', n: 1 },
        { month: '2025-07', phraseId: 'making-choices', n: 2 },
      ],
    });
    const [june, july] = r.months;
    assert.equal(june.assessmentsOverdue.percent, 25);
    assert.equal(july.assessmentsOverdue.percent, 100);
    assert.equal(june.contactToAssessmentDays.median, 6);
    assert.equal(june.phrasesPer100, 10);
    assert.equal(july.phrasesPer100, 25);
    assert.deepEqual([june.substanceReferrals.k, june.substanceReferrals.n], [1, 2]);
    assert.equal(july.substanceReferrals.n, 0);
    // Each assessment asks every required question (disability, online harm, radicalisation);
    // unanswered and "not known" both count as not answered.
    assert.equal(june.requiredAnswered.k, 0);
    assert.ok(june.requiredAnswered.n > 10);
    assert.equal(june.riskReviewsOnTime.percent, 80);
    assert.equal(july.riskReviewsOnTime.n, 0);
    // Over the period.
    assert.deepEqual([r.period.assessmentsOverdue.k, r.period.assessmentsOverdue.n], [3, 6]);
    assert.equal(r.period.phrasesPer100, 12.5);
    assert.deepEqual(
      phrasesInPeriod([
        { month: '2025-06', phraseId: 'boyfriend', n: 1 },
        { month: '2025-06', phraseId: 'making-choices', n: 3 },
        { month: '2025-07', phraseId: 'making-choices', n: 2 },
      ]),
      [
        { phraseId: 'making-choices', n: 5 },
        { phraseId: 'boyfriend', n: 1 },
      ],
    );
  });
});

describe('children waiting for an assessment', () => {
  const at = new Date('2026-06-01T00:00:00Z');
  const since = (days: number) => new Date(at.getTime() - days * 86_400_000);
  const wards = ['A', 'B', 'C'].map((code) => ({ code, name: `Ward ${code}` }));
  const waiting = [
    ...[3, 30, 40].map((d) => ({ wardCode: 'A', since: since(d) })),
    ...Array.from({ length: 8 }, (_, i) => ({ wardCode: 'B', since: since(25 + i) })),
    ...Array.from({ length: 7 }, (_, i) => ({ wardCode: 'C', since: since(2 + i) })),
  ];

  it('counts each ward’s children waiting, the median and longest wait, and those past 20 days', () => {
    const r = waitingFigures(waiting, at, wards, true);
    assert.deepEqual(
      r.wards.map((w) => [w.code, w.children, w.medianDays, w.longestDays, w.overTwentyDays]),
      [
        ['A', 3, 30, 40, 2],
        ['B', 8, 28, 32, 8],
        ['C', 7, 5, 8, 0],
      ],
    );
    assert.deepEqual([r.area.children, r.area.overTwentyDays], [18, 10]);
  });

  it('suppresses for elected members so no hidden count can be worked out from the totals', () => {
    const r = waitingFigures(waiting, at, wards, false);
    // Ward A's 3 is hidden, so a second count beside the total is too, and A's waits with it.
    assert.equal(r.wards[0].children, 'c');
    assert.equal(r.wards[0].longestDays, 'c');
    assert.equal(r.wards.filter((w) => w.children === 'c').length >= 2, true);
    // Waits past 20 days: ward A's 2 would be hidden, so none is shown ward by ward.
    assert.deepEqual(
      r.wards.map((w) => w.overTwentyDays),
      ['c', 'c', 'c'],
    );
    assert.deepEqual([r.area.children, r.area.overTwentyDays], [18, 10]);
  });
});

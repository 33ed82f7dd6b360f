import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateFebrl, loadFebrl } from '../../../test/febrl.ts';
import { BLOCKING_RULES, candidatePairs, chooseRules, sidesOf } from './blocking.ts';
import { COMPARISON_COUNT, COMPARISONS, compareRange, compareRecords } from './comparisons.ts';
import { compareCandidates, trainModel } from './link.ts';
import { explain, pairWeight, pairWeights, scorer } from './model.ts';
import { type MatchRecord, normaliseRecord } from './normalise.ts';
import { helpersFor, PARALLEL_FROM_RECORDS, startHelpers } from './parallel.ts';
import { estimateU, expectationMaximisation, randomPairCount, randomPairs, seededRandom } from './train.ts';

const load = loadFebrl;
const pairwise = evaluateFebrl;

describe('matching engine', () => {
  it('EM recovers known m and the prior from unlabelled comparison vectors, and converges', () => {
    // Simulate pairs from a known model: 20% matches, u fixed and known.
    const random = seededRandom(7);
    const trueM = COMPARISONS.map((c) => [
      1,
      0.7,
      ...Array(c.levels.length - 2).fill(0.3 / (c.levels.length - 2)),
    ]);
    const u = COMPARISONS.map((c) => [
      1,
      ...Array(c.levels.length - 2).fill(0.02 / (c.levels.length - 2)),
      0.98,
    ]);
    const draw = (probs: number[]) => {
      let x = random();
      for (let l = 1; l < probs.length; l++) {
        x -= probs[l];
        if (x <= 0) return l;
      }
      return probs.length - 1;
    };
    const count = 20_000;
    const levels = new Uint8Array(count * COMPARISON_COUNT);
    for (let p = 0; p < count; p++) {
      const match = random() < 0.2;
      for (let c = 0; c < COMPARISON_COUNT; c++)
        levels[p * COMPARISON_COUNT + c] = draw(match ? trueM[c] : u[c]);
    }
    const result = expectationMaximisation(levels, count, u);
    assert.equal(result.converged, true);
    assert.ok(Math.abs(result.lambda - 0.2) < 0.01, `lambda ${result.lambda}`);
    for (let c = 0; c < COMPARISON_COUNT; c++)
      assert.ok(Math.abs(result.m[c][1] - 0.7) < 0.03, `m[${c}][exact] ${result.m[c][1]}`);
  });

  it('FEBRL dataset 4 (link): blocking keeps ≥ 99.5% of true pairs; F1 ≥ 0.995 at probability 0.5', async () => {
    const r = await pairwise(load('dataset4a.csv'), load('dataset4b.csv'), 0.5);
    assert.ok(r.blockingRecall >= 0.995, `blocking recall ${r.blockingRecall}`);
    assert.ok(r.f1 >= 0.995, `F1 ${r.f1}`);
    assert.ok(r.precision >= 0.998, `precision ${r.precision}`);
    // Calibrated prior: 5,000 true pairs among 25,000,000.
    assert.ok(Math.abs(r.params.lambda - 2e-4) / 2e-4 < 0.1, `lambda ${r.params.lambda}`);
  });

  it('FEBRL dataset 1 (deduplicate): F1 ≥ 0.99', async () => {
    const r = await pairwise(load('dataset1.csv'), null, 0.5);
    assert.ok(r.f1 >= 0.99, `F1 ${r.f1}`);
  });

  it('blocking compares a tiny share of all pairs', () => {
    const records = load('dataset2.csv');
    const pairs = candidatePairs(sidesOf(records, null), BLOCKING_RULES);
    const all = (records.length * (records.length - 1)) / 2;
    assert.ok(pairs.count / all < 0.001, `${pairs.count} of ${all}`);
    assert.ok(pairs.perRule.every((r) => r.oversizedBlocks === 0));
  });

  it('blocking keeps a pair several rules find once, with each rule, and links only across sources', () => {
    const jon = normaliseRecord({
      id: 'a',
      given_name: 'Jon',
      family_name: 'Smith',
      dob: '2010-03-12',
      postcode: 'BD7 1AB',
    });
    const jonathan = normaliseRecord({
      id: 'b',
      given_name: 'Jonathan',
      family_name: 'Smyth',
      dob: '12/03/2010',
      postcode: 'BD7 1AB',
    });
    const other = normaliseRecord({
      id: 'c',
      given_name: 'Amira',
      family_name: 'Khan',
      dob: '2001-07-30',
      postcode: 'BD3 9QT',
    });
    const rule = (name: string) => BLOCKING_RULES.findIndex((r) => r.name === name);
    const within = candidatePairs(sidesOf([jon, other, jonathan], null), BLOCKING_RULES);
    assert.equal(within.count, 1);
    assert.deepEqual([within.left[0], within.right[0]], [0, 2]);
    for (const name of ['date of birth + first letter of last name', 'date of birth + postcode'])
      assert.ok(within.rules[0] & (1 << rule(name)), name);
    assert.equal(within.rules[0] & (1 << rule('NHS number')), 0);

    const across = candidatePairs(sidesOf([jon], [other, jonathan]), BLOCKING_RULES);
    assert.equal(across.count, 1);
    assert.deepEqual([across.left[0], across.right[0]], [0, 1]);
    // Two records of one source are never paired when linking.
    assert.equal(candidatePairs(sidesOf([jon, jonathan], [other]), BLOCKING_RULES).count, 0);
  });

  it('a swap of names common as both first and last names counts for less than a swap of rare ones', () => {
    const params = trainModel(load('dataset2.csv'), null);
    const model = { ...params, tf: { ...params.tf, family: { ...params.tf.family, ali: 0.02 } } };
    const person = (given: string, family: string) =>
      normaliseRecord({ id: given, given_name: given, family_name: family, dob: '2011-05-04' });
    const swapEvidence = (a: MatchRecord, b: MatchRecord) => {
      const given = explain(model, compareRecords(a, b), a).fields[0];
      assert.equal(given.level, 'swapped with last name');
      return given;
    };
    const common = swapEvidence(person('Ali', 'Hussain'), person('Hussain', 'Ali'));
    const rare = swapEvidence(person('Quentin', 'Marlowe'), person('Marlowe', 'Quentin'));
    assert.equal(common.termFrequencyAdjusted, true);
    assert.equal(common.u, 0.02);
    assert.equal(rare.termFrequencyAdjusted, false);
    assert.ok(common.weight < rare.weight - 5, `${common.weight} against ${rare.weight}`);
  });

  it('household rules: a twin is not joined to their sibling, and a shared home counts once', () => {
    const records = load('dataset2.csv');
    const params = trainModel(records, null);
    assert.equal(params.householdRules, true);
    const twinA = normaliseRecord({
      id: 'a',
      given_name: 'Hassan',
      family_name: 'Ahmed',
      dob: '2012-04-01',
      postcode: 'BD8 7QQ',
      address: '4 Park Road',
    });
    const twinB = normaliseRecord({
      id: 'b',
      given_name: 'Zainab',
      family_name: 'Ahmed',
      dob: '2012-04-01',
      postcode: 'BD8 7QQ',
      address: '4 Park Road',
    });
    const e = explain(params, compareRecords(twinA, twinB), twinA);
    assert.ok(e.probability < 0.01, `twins ${e.probability}`);
    assert.ok(e.fields.some((f) => f.field === 'twin_rule'));
    assert.equal(
      e.fields.find((f) => f.field === 'postcode')?.weight,
      0,
      'the postcode is part of the agreeing address',
    );
    const off = { ...params, householdRules: false };
    assert.ok(explain(off, compareRecords(twinA, twinB), twinA).probability > e.probability);
  });

  it('counts a shared common surname for less than a shared rare one, and explains each field', () => {
    const records = load('dataset2.csv');
    const params = trainModel(records, null);
    const common = Object.entries(params.tf.family).sort((a, b) => b[1] - a[1])[0][0];
    const pair = (family: string) => {
      const a = normaliseRecord({ id: 'a', given_name: 'Ava', family_name: family, dob: '2001-02-03' });
      const b = normaliseRecord({ id: 'b', given_name: 'Ava', family_name: family, dob: '2001-02-03' });
      return explain(params, compareRecords(a, b), a);
    };
    const commonWeight = pair(common).fields.find((f) => f.field === 'family')?.weight ?? 0;
    const rareWeight = pair('quarringtonn').fields.find((f) => f.field === 'family')?.weight ?? 0;
    assert.ok(rareWeight > commonWeight + 2, `rare ${rareWeight} vs common ${commonWeight}`);
    const e = pair(common);
    const sum = e.priorWeight + e.fields.reduce((s, f) => s + f.weight, 0);
    assert.ok(Math.abs(sum - e.totalWeight) < 1e-9, 'the explanation adds up to the score');
    assert.equal(e.fields.find((f) => f.field === 'family')?.termFrequencyAdjusted, true);
  });

  it('counts a whole name common in a community for less than its two names suggest apart', () => {
    // Twelve people called Oliwia Nowak (every Oliwia is a Nowak) among names otherwise spread out: the names go
    // together, so two records sharing "Oliwia Nowak" say less than "Oliwia" and "Nowak" apart.
    const given = ['maya', 'amira', 'jack', 'zofia', 'ali', 'grace'];
    const family = ['nowak', 'khan', 'smith', 'jones', 'begum', 'walsh'];
    const people = [];
    for (let i = 0; i < 600; i++) {
      const g = given[i % 6];
      const f = i < 12 ? 'nowak' : family[(i * 7 + Math.floor(i / 6)) % 6];
      people.push(normaliseRecord({ id: `p${i}`, given_name: i < 12 ? 'oliwia' : g, family_name: f }));
    }
    const params = trainModel(people, null);
    assert.ok((params.tf.full?.['oliwia nowak'] ?? 0) > 0, 'a common whole name is counted');
    const a = normaliseRecord({ id: 'a', given_name: 'Oliwia', family_name: 'Nowak' });
    const e = explain(params, compareRecords(a, a), a);
    const familyWeight = e.fields.find((f) => f.field === 'family')?.weight ?? 0;
    const withoutWhole = explain(
      { ...params, tf: { ...params.tf, full: {} } },
      compareRecords(a, a),
      a,
    ).fields.find((f) => f.field === 'family')?.weight;
    assert.ok(familyWeight < (withoutWhole ?? 0) - 0.5, `${familyWeight} vs ${withoutWhole}`);
  });

  it('helper threads find and compare the same pairs as one thread, pair for pair, deduplicating and linking', async () => {
    // Aliases, emails and phones travel to the helper apart from the columns: some records have them.
    const alias = (id: string, given: string, aliasGiven: string) =>
      normaliseRecord({
        id,
        given_name: given,
        family_name: 'Okafor',
        dob: '2009-05-17',
        postcode: 'BD7 1AB',
        email: `${id}@example.org`,
        phone: '07700 900461',
        aliases: [{ given: aliasGiven }],
      });
    const extra = [alias('x1', 'Amira', 'Zara'), alias('x2', 'Zara', 'Amira')];
    const cases = [
      sidesOf([...load('dataset3.csv'), ...extra], null),
      sidesOf(load('dataset4a.csv'), [...load('dataset4b.csv'), ...extra]),
    ];
    for (const sides of cases) {
      const rules = chooseRules(sides).rules;
      const alone = candidatePairs(sides, rules);
      const levels = new Uint8Array(alone.count * COMPARISON_COUNT);
      compareRange(sides.table, alone.left, alone.right, sides.rightStart, levels);
      const helpers = startHelpers(sides, 2);
      try {
        const shared = await helpers.pairs(rules);
        assert.ok(alone.count > 4000, `${alone.count} pairs`);
        assert.equal(shared.count, alone.count);
        assert.deepEqual(Array.from(shared.left), Array.from(alone.left));
        assert.deepEqual(Array.from(shared.right), Array.from(alone.right));
        assert.deepEqual(Array.from(shared.rules), Array.from(alone.rules));
        assert.deepEqual(shared.perRule, alone.perRule);
        const together = await helpers.compare(shared, sides.rightStart);
        assert.equal(Buffer.compare(Buffer.from(together), Buffer.from(levels)), 0, 'the same levels');
      } finally {
        await helpers.close();
      }
    }
    // The alias came through: the pair of Amira (also called Zara) and Zara is "nickname or alias".
    const sides = sidesOf([...load('dataset3.csv'), ...extra], null);
    const pairs = candidatePairs(sides, chooseRules(sides).rules);
    const helpers = startHelpers(sides, 1);
    try {
      const levels = await helpers.compare(pairs, 0);
      const k = pairs.count - 1; // the last two records, paired last
      assert.deepEqual([pairs.left[k], pairs.right[k]], [sides.leftSize - 2, sides.leftSize - 1]);
      assert.equal(levels[k * COMPARISON_COUNT], 3);
    } finally {
      await helpers.close();
    }
  });

  it('scoring many pairs at once gives each pair exactly the weight it gets alone', async () => {
    // Towns and an extra field give frequency tables beyond the names; household rules on, so a
    // shared home counted once and the twin rule are in play.
    const towns = ['Bradford', 'Leeds', 'Keighley', 'Ilkley', 'Otley'];
    const records: MatchRecord[] = load('dataset3.csv').map((r, i) => ({
      ...r,
      town: towns[(i * 7) % 5 === 0 ? 0 : i % 5],
      extras: [i % 3 ? 'nurse' : 'driver'],
    }));
    const compared = await compareCandidates(records, null);
    const params = trainModel(records, null, { compared, householdRules: true, extraNames: ['occupation'] });
    assert.ok(Object.keys(params.tf.other ?? {}).length >= 2, 'town and the extra have tables');
    const s = scorer(params);
    const batch = pairWeights(s, compared.levels, compared.left, records, new Float64Array(compared.count));
    let tfPairs = 0;
    for (let k = 0; k < compared.count; k++) {
      const alone = pairWeight(s, compared.levels, k * COMPARISON_COUNT, records[compared.left[k]]);
      assert.equal(batch[k], alone, `pair ${k}`);
      if (compared.levels[k * COMPARISON_COUNT] === 1) tfPairs++;
    }
    assert.ok(tfPairs > 1000, `${tfPairs} pairs with an exact first name`);
  });

  it('learns u from the same random pairs whether they were compared beside the candidates or in training', async () => {
    const records = load('dataset3.csv');
    const compared = await compareCandidates(records, null);
    const samples = randomPairCount(records.length);
    const fromTraining = trainModel(records, null, { compared, seed: 7 }).u;
    assert.deepEqual(fromTraining, estimateU(compared.sides, samples, seededRandom(7)));
    // The sample as compareCandidates makes it on helper threads (large extracts): the same draws.
    const drawn = randomPairs(compared.sides, samples, seededRandom(7));
    const levels = new Uint8Array(drawn.count * COMPARISON_COUNT);
    compareRange(compared.sides.table, drawn.left, drawn.right, compared.sides.rightStart, levels, 0);
    compared.uSample = { seed: 7, samples, levels, count: drawn.count };
    assert.deepEqual(trainModel(records, null, { compared, seed: 7 }).u, fromTraining);
    // A sample drawn with another seed is not this training's: u is drawn again with its own.
    const other = trainModel(records, null, { compared, seed: 8 }).u;
    assert.deepEqual(other, estimateU(compared.sides, samples, seededRandom(8)));
    assert.notDeepEqual(other, fromTraining);
  });

  it('uses helper threads only for large extracts and when there is a spare core', () => {
    assert.equal(helpersFor(PARALLEL_FROM_RECORDS - 1, 2), 0);
    assert.equal(helpersFor(PARALLEL_FROM_RECORDS, 2), 1);
    assert.equal(helpersFor(PARALLEL_FROM_RECORDS, 1), 0);
    assert.equal(helpersFor(5_000_000, 64), 3);
  });
});

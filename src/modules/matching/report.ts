import { type ChartSpec, PALETTE, renderChart } from '../../platform/charts/index.ts';
import { blockingRecallEstimate } from './choices.ts';
import { COMPARISON_COUNT, COMPARISONS } from './comparisons.ts';
import type { ComparedPairs, ExplainedPair, ScoredPairs } from './link.ts';
import { comparisonLabel, type ModelParameters, priorWeight } from './model.ts';

/**
 * `lantern link --report FILE.html`: one self-contained page (no scripts, no links out) that shows
 * what the model learned and how it scored this extract — each chart an accessible SVG rendered
 * here, with its table beside it, so it can be read, printed or sent on as it is.
 */
export interface ReportInput {
  compared: ComparedPairs;
  params: ModelParameters;
  scored: ScoredPairs;
  threshold: number;
  choices: string[];
  fields: string[];
  pairAt: (k: number) => ExplainedPair;
}

const esc = (v: unknown) =>
  String(v).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
/** Evidence for a match in green, against in red, in every chart. */
const FOR_OR_AGAINST = {
  field: 'sign',
  type: 'nominal',
  title: null,
  scale: { domain: ['for', 'against'], range: [PALETTE[3], PALETTE[2]] },
} as const;

const bits = (w: number) => `${w >= 0 ? '+' : '−'}${Math.abs(w).toFixed(2)}`;
const num = (n: number) => Math.round(n).toLocaleString('en-GB');
const prob = (v: number) => (v < 1e-4 ? v.toExponential(2) : v.toFixed(4));

function table(caption: string, head: string[], rows: (string | number)[][], numeric: boolean[] = []) {
  const cell = (v: string | number, i: number) => `<td${numeric[i] ? ' class="num"' : ''}>${esc(v)}</td>`;
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head
    .map((h, i) => `<th scope="col"${numeric[i] ? ' class="num"' : ''}>${esc(h)}</th>`)
    .join('')}</tr></thead><tbody>${rows
    .map(
      (r) =>
        `<tr>${r.map((v, i) => (i === 0 ? `<th scope="row">${esc(v)}</th>` : cell(v, i))).join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
}

async function figure(id: string, title: string, summary: string, spec: ChartSpec) {
  return `<figure><figcaption id="${id}"><strong>${esc(title)}.</strong> ${esc(summary)}</figcaption>${await renderChart(spec, id)}</figure>`;
}

/** Which comparisons any candidate pair has a value for on both sides. */
function presentComparisons(compared: ComparedPairs): number[] {
  const seen = new Uint8Array(COMPARISON_COUNT);
  for (let k = 0; k < compared.count; k++)
    for (let c = 0; c < COMPARISON_COUNT; c++) if (compared.levels[k * COMPARISON_COUNT + c]) seen[c] = 1;
  return COMPARISONS.map((_, c) => c).filter((c) => seen[c]);
}

const weightOf = (p: number) => {
  const q = Math.min(Math.max(p, 1e-15), 1 - 1e-15);
  return Math.log2(q / (1 - q));
};

/** A few pairs worth looking at: the surest, the nearest either side of the threshold, the least sure. */
function examplePairs(scored: ScoredPairs, threshold: number): { k: number; why: string }[] {
  const n = scored.probability.length;
  if (!n) return [];
  let surest = 0;
  let above = -1;
  let below = -1;
  for (let k = 0; k < n; k++) {
    const p = scored.probability[k];
    if (p > scored.probability[surest]) surest = k;
    if (p >= threshold && (above < 0 || p < scored.probability[above])) above = k;
    if (p < threshold && (below < 0 || p > scored.probability[below])) below = k;
  }
  const picked = [
    { k: surest, why: 'the surest match' },
    { k: above, why: 'just at or above the threshold' },
    { k: below, why: 'just below the threshold' },
  ];
  const seen = new Set<number>();
  return picked.filter((p) => p.k >= 0 && !seen.has(p.k) && seen.add(p.k));
}

export async function linkReport(input: ReportInput): Promise<string> {
  const { compared, params, scored, threshold } = input;
  const present = presentComparisons(compared);
  const sections: string[] = [];

  // Match weights of every comparison level.
  const weights = present.flatMap((c) =>
    COMPARISONS[c].levels.slice(1).map((level, i) => {
      const l = i + 1;
      const m = params.m[c][l];
      const u = params.u[c][l];
      return { field: comparisonLabel(params, c), level, m, u, weight: Math.log2(m / u) };
    }),
  );
  const strongest = [...weights].sort((a, b) => b.weight - a.weight)[0];
  const weakest = [...weights].sort((a, b) => a.weight - b.weight)[0];
  sections.push(
    '<h2 id="weights">Match weights</h2>',
    '<p>Each comparison level adds its weight in bits (log<sub>2</sub> of m ÷ u) to a pair’s score: m is how often true matches are at that level, u how often other pairs are. An exact agreement of names and places is adjusted further by how common the value is.</p>',
    await figure(
      'weights-chart',
      'Match weight of each comparison level',
      strongest
        ? `Strongest evidence for a match: ${strongest.field}, ${strongest.level} (${bits(strongest.weight)} bits); strongest against: ${weakest.field}, ${weakest.level} (${bits(weakest.weight)} bits).`
        : 'No comparison had values on both sides.',
      {
        width: 460,
        height: Math.max(60, weights.length * 17),
        data: {
          values: weights.map((w) => ({
            ...w,
            name: `${w.field}: ${w.level}`,
            sign: w.weight >= 0 ? 'for' : 'against',
          })),
        },
        mark: { type: 'bar' },
        encoding: {
          y: { field: 'name', type: 'nominal', title: null, sort: null, axis: { labelLimit: 600 } },
          x: { field: 'weight', type: 'quantitative', title: 'Match weight (bits)' },
          color: FOR_OR_AGAINST,
        },
      },
    ),
    table(
      'm and u of every comparison level',
      ['Comparison: level', 'm (true matches)', 'u (other pairs)', 'Weight (bits)'],
      weights.map((w) => [`${w.field}: ${w.level}`, prob(w.m), prob(w.u), bits(w.weight)]),
      [false, true, true, true],
    ),
  );

  // Score distribution.
  const scores = Array.from(scored.probability, weightOf);
  const lo = Math.floor(Math.min(...scores, 0) / 4) * 4;
  const hi = Math.ceil(Math.max(...scores, 0) / 4) * 4;
  const bins: { from: number; to: number; pairs: number }[] = [];
  for (let b = lo; b < hi; b += 4) bins.push({ from: b, to: b + 4, pairs: 0 });
  for (const s of scores) bins[Math.min(Math.floor((s - lo) / 4), bins.length - 1)].pairs++;
  const thresholdWeight = weightOf(threshold);
  sections.push(
    '<h2 id="scores">Score distribution</h2>',
    await figure(
      'scores-chart',
      'Candidate pairs by match weight',
      `${num(scored.candidatePairs)} candidate pairs; ${num(scores.filter((s) => s >= thresholdWeight).length)} at or above the threshold (probability ${threshold}, ${bits(thresholdWeight)} bits). Counts on a symmetric log scale, so small bins still show.`,
      {
        width: 560,
        height: 220,
        data: { values: bins.filter((b) => b.pairs > 0).map((b) => ({ ...b, bin: `${b.from} to ${b.to}` })) },
        mark: { type: 'bar', color: PALETTE[0] },
        encoding: {
          x: {
            field: 'bin',
            type: 'ordinal',
            sort: null,
            title: 'Match weight (bits)',
            axis: { labelAngle: -40 },
          },
          y: {
            field: 'pairs',
            type: 'quantitative',
            title: 'Pairs (symmetric log scale)',
            scale: { type: 'symlog' },
          },
        },
      },
    ),
    table(
      'Candidate pairs by match weight',
      ['Match weight (bits)', 'Pairs'],
      bins.filter((b) => b.pairs > 0).map((b) => [`${b.from} to ${b.to}`, num(b.pairs)]),
      [false, true],
    ),
  );

  // Estimated precision and recall against the threshold, from the model's own probabilities.
  const recall = blockingRecallEstimate(compared, scored.probability);
  const expectedMatches = recall.found + recall.missed;
  const thresholds = [0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999];
  const curve = thresholds.map((t) => {
    let tp = 0;
    let fp = 0;
    for (const p of scored.probability)
      if (p >= t) {
        tp += p;
        fp += 1 - p;
      }
    return {
      threshold: t,
      precision: tp / Math.max(tp + fp, 1e-9),
      recall: tp / Math.max(expectedMatches, 1e-9),
    };
  });
  const atThreshold = curve.find((c) => c.threshold === threshold);
  sections.push(
    '<h2 id="precision">Estimated precision and recall</h2>',
    '<p>Without labels, these are the model’s own expectations: a pair with probability p counts as p of a true match. Recall is out of the true pairs blocking is estimated to keep plus those it is estimated to miss.</p>',
    await figure(
      'precision-chart',
      'Estimated precision and recall by threshold',
      atThreshold
        ? `At ${threshold}: precision ${atThreshold.precision.toFixed(3)}, recall ${atThreshold.recall.toFixed(3)}.`
        : `Higher thresholds trade recall for precision.`,
      {
        width: 560,
        height: 220,
        data: {
          values: curve.flatMap((c) => [
            { threshold: String(c.threshold), measure: 'precision', value: c.precision },
            { threshold: String(c.threshold), measure: 'recall', value: c.recall },
          ]),
        },
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'threshold', type: 'ordinal', sort: null, title: 'Threshold (probability)' },
          y: { field: 'value', type: 'quantitative', title: 'Estimate', scale: { domain: [0, 1] } },
          color: { field: 'measure', type: 'nominal', title: null },
          strokeDash: { field: 'measure', type: 'nominal', title: null },
        },
      },
    ),
    table(
      'Estimated precision and recall by threshold',
      ['Threshold', 'Precision', 'Recall'],
      curve.map((c) => [String(c.threshold), c.precision.toFixed(4), c.recall.toFixed(4)]),
      [false, true, true],
    ),
  );

  // Blocking.
  sections.push(
    '<h2 id="blocking">Blocking</h2>',
    `<p>Only pairs that share a blocking key are compared. Blocking is estimated to keep ${(100 * recall.share).toFixed(2)}% of true pairs.</p>`,
    table(
      'Candidate pairs per blocking rule',
      ['Rule', 'Pairs', 'Blocks over the size limit (skipped)'],
      compared.perRule.map((r) => [r.rule, num(r.pairs), num(r.oversizedBlocks)]),
      [false, true, true],
    ),
  );
  if (compared.choice?.skipped.length)
    sections.push(
      table(
        'Rules not used for this data',
        ['Rule', 'Why'],
        compared.choice.skipped.map((s) => [s.rule, s.reason]),
      ),
    );

  // Waterfalls of evidence for example pairs.
  sections.push('<h2 id="examples">Example pairs</h2>');
  for (const [n, example] of examplePairs(scored, threshold).entries()) {
    const pair = input.pairAt(example.k);
    const steps = [
      { step: 'Prior', weight: priorWeight(params) },
      ...pair.fields
        .filter((f) => f.weight !== 0)
        .map((f) => ({ step: `${f.label}: ${f.level}`, weight: f.weight })),
    ];
    let running = 0;
    const bars = steps.map((s) => {
      const start = running;
      running += s.weight;
      return { ...s, start, end: running, sign: s.weight >= 0 ? 'for' : 'against' };
    });
    const id = `example-${n + 1}`;
    const name = (r: ExplainedPair['a']) =>
      [r.given, r.family, r.dob ? r.dob.digits : null].filter(Boolean).join(' ') || '(no name or date)';
    sections.push(
      `<h3>${esc(`${pair.a.id} and ${pair.b.id}`)}: ${esc(example.why)}</h3>`,
      `<p>${esc(name(pair.a))} and ${esc(name(pair.b))}: match weight ${bits(pair.totalWeight)} bits, probability ${pair.probability.toFixed(4)}.</p>`,
      await figure(
        `${id}-chart`,
        'Waterfall of evidence',
        `Starting from the prior, each field moves the score; it ends at ${bits(pair.totalWeight)} bits.`,
        {
          width: 520,
          height: 220,
          data: { values: bars },
          mark: { type: 'bar' },
          encoding: {
            x: {
              field: 'step',
              type: 'ordinal',
              sort: null,
              title: null,
              axis: { labelAngle: -35, labelLimit: 600 },
            },
            y: { field: 'start', type: 'quantitative', title: 'Match weight (bits)' },
            y2: { field: 'end' },
            color: FOR_OR_AGAINST,
          },
        },
      ),
      table(
        `Evidence for ${pair.a.id} and ${pair.b.id}`,
        ['Step', 'Weight (bits)', 'Running total (bits)'],
        bars.map((b) => [b.step, bits(b.weight), bits(b.end)]),
        [false, true, true],
      ),
    );
  }

  const t = params.trainedOn;
  return `<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lantern link: model report</title>
<style>
body { font-family: arial, sans-serif; color: #0b0c0c; margin: 0 auto; max-width: 60rem; padding: 1rem 1.5rem 3rem; line-height: 1.4; }
h1 { font-size: 2rem; } h2 { font-size: 1.5rem; margin-top: 2.5rem; border-top: 1px solid #b1b4b6; padding-top: 1rem; } h3 { font-size: 1.2rem; }
table { border-collapse: collapse; margin: 1rem 0 2rem; width: 100%; font-size: 0.95rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.5rem; }
th, td { border-bottom: 1px solid #b1b4b6; padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; } svg { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; background: #f3f2f1; padding: 1rem; font-size: 0.9rem; }
a { color: #1d70b8; } a:focus { outline: 3px solid #fd0; background: #fd0; color: #0b0c0c; }
@media print { h2 { break-before: page; } figure, table { break-inside: avoid; } }
</style>
</head>
<body>
<main>
<h1>Lantern link: model report</h1>
<p>Fields mapped: ${esc(input.fields.join(', '))}. ${num(t.records)} records, ${num(scored.candidatePairs)} candidate pairs, threshold ${threshold}. Prior (a random pair being one person) ${params.lambda.toExponential(3)}.</p>
<nav aria-label="Contents"><ul>
<li><a href="#weights">Match weights</a></li><li><a href="#scores">Score distribution</a></li>
<li><a href="#precision">Estimated precision and recall</a></li><li><a href="#blocking">Blocking</a></li>
<li><a href="#examples">Example pairs</a></li><li><a href="#choices">What the command chose</a></li>
</ul></nav>
${sections.join('\n')}
<h2 id="choices">What the command chose</h2>
<pre>${esc(input.choices.join('\n'))}</pre>
</main>
</body>
</html>
`;
}

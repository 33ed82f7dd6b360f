import { intervalBars, monthlyLine, renderChart } from '../../platform/charts/index.ts';
import type { Proportion } from '../../platform/figures/index.ts';
import type { ShownChart } from './charts.ts';
import type { Equality } from './equality.ts';
import type { PracticeMonth } from './practice.ts';

const short = (month: string) =>
  new Date(`${month}-01T12:00:00Z`).toLocaleDateString('en-GB', {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** Equality charts: each group's share done on time, with its interval. */
export async function equalityCharts(report: Equality): Promise<ShownChart[]> {
  const chart = async (id: string, title: string, pick: (g: Equality['groups'][number]) => Proportion) => {
    const shown = report.groups
      .map((g) => ({ name: g.name, p: pick(g) }))
      .filter((g) => g.p.percent !== null) as {
      name: string;
      p: Required<{ [K in keyof Proportion]: number }>;
    }[];
    const values = shown.map((g) => ({ name: g.name, percent: g.p.percent, low: g.p.low, high: g.p.high }));
    const lowest = shown.reduce<(typeof shown)[number] | null>(
      (a, b) => (!a || b.p.percent < a.p.percent ? b : a),
      null,
    );
    const highest = shown.reduce<(typeof shown)[number] | null>(
      (a, b) => (!a || b.p.percent > a.p.percent ? b : a),
      null,
    );
    const apart = lowest && highest && lowest !== highest && lowest.p.high < highest.p.low;
    const summary = !shown.length
      ? 'Nothing to compare in this period.'
      : `${title}, by ${report.dimension.title.toLowerCase()}: highest ${highest?.name} ${highest?.p.percent}% (${highest?.p.k} of ${highest?.p.n}), lowest ${lowest?.name} ${lowest?.p.percent}% (${lowest?.p.k} of ${lowest?.p.n}). ${
          apart
            ? 'Their intervals do not overlap: the difference is unlikely to be chance.'
            : 'The intervals overlap: the difference may be chance.'
        }`;
    return {
      id,
      title,
      summary,
      svg: await renderChart(
        intervalBars(values, { xTitle: 'Per cent, with 95% interval' }),
        `${id}-summary`,
      ),
    };
  };
  return Promise.all([
    chart(
      'chart-decision-on-time',
      'Front Door decisions made within the target time',
      (g) => g.decisionOnTime,
    ),
    chart(
      'chart-assessment-on-time',
      'Assessments completed within the target time',
      (g) => g.assessmentOnTime,
    ),
    chart(
      'chart-assessment-outcome',
      'Contacts the Front Door sent for an exploitation assessment',
      (g) => g.outcomes[2],
    ),
  ]);
}

type Measure = {
  key: keyof PracticeMonth;
  title: string;
  unit: string;
  value: (m: PracticeMonth) => number | null;
};

/** The practice measures, each as a value a month. */
export const PRACTICE_MEASURES: Measure[] = [
  {
    key: 'assessmentsOverdue',
    title: 'Assessments overdue',
    unit: '% of those due',
    value: (m) => m.assessmentsOverdue.percent,
  },
  {
    key: 'contactToAssessmentDays',
    title: 'Time from contact to completed assessment',
    unit: 'median days',
    value: (m) => m.contactToAssessmentDays.median,
  },
  {
    key: 'phrasesPer100',
    title: 'Victim-blaming phrases in records',
    unit: 'per 100 records',
    value: (m) => m.phrasesPer100,
  },
  {
    key: 'substanceReferrals',
    title: 'Current substance use with a specialist referral',
    unit: '% of assessments',
    value: (m) => m.substanceReferrals.percent,
  },
  {
    key: 'requiredAnswered',
    title: 'Disability, online harm and radicalisation questions answered',
    unit: '% of questions',
    value: (m) => m.requiredAnswered.percent,
  },
  {
    key: 'riskReviewsOnTime',
    title: 'Risk reviews done within the target time',
    unit: '% of those due',
    value: (m) => m.riskReviewsOnTime.percent,
  },
];

export async function practiceCharts(months: PracticeMonth[]): Promise<ShownChart[]> {
  return Promise.all(
    PRACTICE_MEASURES.map(async (measure) => {
      const id = `chart-${measure.key}`;
      const points = months
        .map((m) => ({ month: m.month, value: measure.value(m) }))
        .filter((p): p is { month: string; value: number } => p.value !== null);
      const first = points[0];
      const last = points[points.length - 1];
      const summary = first
        ? `${measure.title} (${measure.unit}), month by month: ${first.value} in ${short(first.month)}, ${last.value} in ${short(last.month)}.`
        : `${measure.title}: nothing to measure in this period.`;
      const svg = await renderChart(
        monthlyLine(
          points.map((p) => ({ month: short(p.month), value: p.value })),
          { yTitle: measure.unit },
        ),
        `${id}-summary`,
      );
      return { id, title: measure.title, summary, svg };
    }),
  );
}

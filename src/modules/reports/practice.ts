import {
  type Median,
  type Month,
  median,
  monthName,
  type Proportion,
  proportion,
} from '../../platform/figures/index.ts';
import { rulesFor, score } from '../assessments/index.ts';
import type { CompletedAssessment, WorkDueMonth } from './repository.ts';

/**
 * Practice monitoring: the thematic review's lessons as measures, month by month, so a committee
 * sees whether practice is changing. Pure arithmetic over what the repository counted.
 */

export interface PracticeMonth {
  month: Month;
  monthName: string;
  /** Assessments that fell due in the month and were late or are still not done. */
  assessmentsOverdue: Proportion;
  /** Days from the contact to the completed assessment, for assessments completed in the month. */
  contactToAssessmentDays: Median;
  /** Victim-blaming phrases found per 100 records written in the month. */
  phrasesPer100: number | null;
  phrases: number;
  records: number;
  /** Completed assessments with current substance use where the specialist referral was made. */
  substanceReferrals: Proportion;
  /** Of the questions that must be asked (disability, online harm, radicalisation), those answered other than "not known". */
  requiredAnswered: Proportion;
  /** Risk reviews (something new about a flagged child) that fell due in the month and were done in time. */
  riskReviewsOnTime: Proportion;
}

export interface PracticeInput {
  months: Month[];
  work: WorkDueMonth[];
  assessments: CompletedAssessment[];
  records: Map<string, number>;
  findings: { month: string; phraseId: string; n: number }[];
}

const DAY = 86_400_000;

function requiredQuestions(a: CompletedAssessment) {
  const rules = rulesFor(a.rulesVersion);
  const ids = rules.themes.filter((t) => t.required).flatMap((t) => t.indicators.map((i) => i.id));
  const answered = ids.filter((id) => a.answers[id] && a.answers[id] !== 'not_known').length;
  return { asked: ids.length, answered };
}

/** The measures over some of the months: one month for the trend, all of them for the period. */
function measure(input: PracticeInput, months: Month[]) {
  const inMonths = (m: string) => months.includes(m);
  const sum = (kind: string, key: 'due' | 'onTime' | 'late') =>
    input.work.filter((w) => w.kind === kind && inMonths(w.month)).reduce((s, w) => s + w[key], 0);
  const assessments = input.assessments.filter((a) => inMonths(a.month));
  const needingReferral = assessments.filter(
    (a) => score(rulesFor(a.rulesVersion), a.answers as never).specialistReferralNeeded,
  );
  const required = assessments.map(requiredQuestions);
  const records = months.reduce((s, m) => s + (input.records.get(m) ?? 0), 0);
  const phrases = input.findings.filter((f) => inMonths(f.month)).reduce((s, f) => s + f.n, 0);
  return {
    assessmentsOverdue: proportion(sum('assessment', 'late'), sum('assessment', 'due')),
    contactToAssessmentDays: median(
      assessments
        .filter((a) => a.receivedAt)
        .map((a) => (new Date(a.completedAt).getTime() - new Date(a.receivedAt as Date).getTime()) / DAY),
    ),
    phrasesPer100: records ? Math.round((phrases / records) * 1000) / 10 : null,
    phrases,
    records,
    substanceReferrals: proportion(
      needingReferral.filter((a) => a.specialistReferral === 'made').length,
      needingReferral.length,
    ),
    requiredAnswered: proportion(
      required.reduce((s, r) => s + r.answered, 0),
      required.reduce((s, r) => s + r.asked, 0),
    ),
    riskReviewsOnTime: proportion(sum('risk_review', 'onTime'), sum('risk_review', 'due')),
  };
}

export function buildPractice(input: PracticeInput): {
  months: PracticeMonth[];
  period: ReturnType<typeof measure>;
} {
  return {
    months: input.months.map((month) => ({ month, monthName: monthName(month), ...measure(input, [month]) })),
    period: measure(input, input.months),
  };
}

/** Each phrase's count over the whole period, most often first. */
export function phrasesInPeriod(findings: PracticeInput['findings']) {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.phraseId, (counts.get(f.phraseId) ?? 0) + f.n);
  return [...counts].map(([phraseId, n]) => ({ phraseId, n })).sort((a, b) => b.n - a.n);
}

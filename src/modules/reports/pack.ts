import type { Shown } from '../../platform/figures/index.ts';
import { type PdfContent, type PdfDocument, pdfSvg, pdfTable } from '../../platform/pdf/index.ts';
import type { ShownChart } from './charts.ts';
import type { WardReport } from './ward-report.ts';

/**
 * The committee pack: one area committee's ward report as a PDF to send with the committee's
 * papers. Cover, period and how to read it; the ward table, the children waiting for an
 * assessment, each chart with its table, and the definitions and the suppression rule. Built from
 * the same report (suppressed by role) the page shows.
 */

type Waiting = {
  at: Date;
  wards: {
    name: string;
    children: Shown;
    medianDays: Shown | null;
    longestDays: Shown | null;
    overTwentyDays: Shown;
  }[];
  area: { children: Shown; medianDays: number | null; longestDays: number | null; overTwentyDays: Shown };
};

export interface PackInput {
  report: WardReport & { from: string; to: string; areaCommittee: string | null; waiting: Waiting };
  charts: ShownChart[];
  generatedAt: Date;
  generatedBy: string;
}

const figure = (v: Shown | null | undefined, places = 0): string =>
  v === null || v === undefined
    ? '–'
    : v === 'c'
      ? 'c'
      : v.toLocaleString('en-GB', { minimumFractionDigits: places, maximumFractionDigits: places });

const monthName = (month: string) =>
  new Date(`${month}-01T12:00:00Z`).toLocaleDateString('en-GB', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

export function committeePack(input: PackInput): PdfDocument {
  const { report, charts } = input;
  const chart = (id: string): PdfContent[] => {
    const c = charts.find((x) => x.id === id);
    return c ? [{ text: c.title, style: 'h3' }, { text: c.summary, style: 'body' }, pdfSvg(c.svg, 480)] : [];
  };
  const area = report.area.name;
  const period = `${monthName(report.from)} to ${monthName(report.to)}`;
  const wardRows = [...report.wards, report.area, report.district].map((w) => [
    w.name,
    figure(w.averageMonthlyChildren, 2),
    figure(w.under18Population),
    figure(w.ratePer10000, 2),
    figure(w.children),
    figure(w.averageFlaggedInMonth, 2),
  ]);
  const monthRows = report.months.map((m, i) => [
    monthName(m),
    ...report.wards.map((w) => figure(w.months[i].children)),
    figure(report.area.months[i].children),
  ]);
  const waiting = report.waiting;
  const waitingRows = [
    ...waiting.wards.map((w) => [
      w.name,
      figure(w.children),
      figure(w.medianDays),
      figure(w.longestDays),
      figure(w.overTwentyDays),
    ]),
    [
      area,
      figure(waiting.area.children),
      figure(waiting.area.children === 'c' ? 'c' : waiting.area.medianDays),
      figure(waiting.area.children === 'c' ? 'c' : waiting.area.longestDays),
      figure(waiting.area.overTwentyDays),
    ],
  ];
  const seriesContent = report.series.flatMap((s) => [
    { text: s.title, style: 'h2', pageBreak: 'before' },
    ...chart(`chart-${s.key}`),
    pdfTable(
      ['Month', ...s.categories.map((c) => c.name), 'Total'],
      s.rows.map((r) => [monthName(r.month), ...r.cells.map((c) => figure(c)), figure(r.total)]),
    ),
  ]);
  const generated = input.generatedAt.toLocaleString('en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/London',
  });
  return {
    info: {
      title: `Children at risk of exploitation: ${area}, ${period}`,
      author: 'Lantern',
      subject: 'Area committee pack',
    },
    footer: (page: number, pages: number) => ({
      columns: [
        { text: `${area} · ${period}`, style: 'small' },
        { text: `Page ${page} of ${pages}`, style: 'small', alignment: 'right' },
      ],
      margin: [40, 16, 40, 0],
    }),
    content: [
      { text: 'Children at risk of exploitation', style: 'title', margin: [0, 160, 0, 12] },
      { text: `${area} Area Committee`, style: 'subtitle' },
      { text: period, style: 'subtitle' },
      {
        text: report.exact
          ? 'EXACT FIGURES: small numbers are not withheld. Do not share outside the partnership.'
          : 'Figures from 1 to 5 are shown as “c”; see the notes at the end.',
        style: report.exact ? 'warning' : 'body',
        margin: [0, 24, 0, 8],
      },
      { text: `Made by Lantern on ${generated} for ${input.generatedBy}.`, style: 'small' },

      { text: 'Children flagged as at risk of exploitation, by ward', style: 'h2', pageBreak: 'before' },
      {
        text: `The average monthly number of children at risk, the population under 18 and the rate per 10,000 under 18, for each ward of ${area}, the committee and the district.`,
        style: 'body',
      },
      pdfTable(
        [
          'Ward',
          'Average monthly number at risk',
          'Population under 18',
          'Rate per 10,000',
          'Children in the period',
          'Average flagged in a month',
        ],
        wardRows,
      ),
      ...chart('chart-comparison'),
      ...chart('chart-map'),

      { text: 'Children not yet assessed', style: 'h2', pageBreak: 'before' },
      {
        text: `Children for whom an exploitation assessment had been started but not completed on ${waiting.at.toLocaleDateString('en-GB', { dateStyle: 'long', timeZone: 'Europe/London' })}, and how long they had waited (days). The assessment should be done within ten working days.`,
        style: 'body',
      },
      pdfTable(
        ['Ward', 'Children waiting', 'Median days waited', 'Longest wait', 'Over 20 days'],
        waitingRows,
      ),

      { text: 'Month by month', style: 'h2', pageBreak: 'before' },
      ...chart('chart-rate'),
      pdfTable(['Month', ...report.wards.map((w) => w.name), area], monthRows),
      ...seriesContent,

      { text: 'Notes on the figures', style: 'h2', pageBreak: 'before' },
      {
        style: 'body',
        ul: [
          'A child is counted in the ward they live in, while under 18.',
          'The average monthly number of children at risk is the number flagged on a day (at noon), averaged over every day of the period: the measure the partnership’s committee reports publish.',
          'The rate per 10,000 is that average for every 10,000 children under 18 in the ward (population from the partnership’s ward figures).',
          'A child counts in a month when flagged at any time in it, at the highest risk level they held that month and their age on its first day. Ethnicity is shown by the census’s broad groups.',
          'Children not yet assessed: an exploitation assessment started and not completed at the end of the period (or today, for a period not yet over).',
        ],
      },
      { text: 'Small numbers', style: 'h3' },
      {
        text: report.exact
          ? 'This pack shows exact figures, including small ones, because it was made for someone who may see them. Do not share it outside the partnership: make the suppressed pack for publication.'
          : 'As the Department for Education publishes: a count from 1 to 5 is shown as “c”. Where a total would let a hidden figure be worked out, a second figure is hidden too, and any average or rate made from a hidden count is hidden with it. No figure in this pack identifies a child.',
        style: 'body',
      },
    ],
  };
}

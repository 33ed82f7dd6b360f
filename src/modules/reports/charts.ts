import { choropleth, monthlyBars, monthlyLine, namedBars, renderChart } from '../../platform/charts/index.ts';
import { monthName, type Shown, SUPPRESSED } from '../../platform/figures/index.ts';
import { loadWards } from '../district/index.ts';
import type { AreaFigures, Series, WardReport } from './ward-report.ts';

/** A chart as a page shows it: its title, a sentence saying what it shows, and the SVG. */
export interface ShownChart {
  id: string;
  title: string;
  summary: string;
  svg: string;
}

const num = (s: Shown): number | null => (s === SUPPRESSED ? null : s);
const short = (month: string) =>
  new Date(`${month}-01T12:00:00Z`).toLocaleDateString('en-GB', {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** The highest and lowest months of a series, in words (only from figures that are shown). */
function highLow(rows: { month: string; total: Shown }[]): string {
  const shown = rows.filter((r) => r.total !== SUPPRESSED) as { month: string; total: number }[];
  if (!shown.length) return 'Every month’s figure is withheld because it is small.';
  const high = shown.reduce((a, b) => (b.total > a.total ? b : a));
  const low = shown.reduce((a, b) => (b.total < a.total ? b : a));
  return `The most children flagged in a month was ${high.total} (${monthName(high.month)}); the fewest ${low.total} (${monthName(low.month)}).`;
}

async function seriesChart(series: Series, area: string): Promise<ShownChart> {
  const id = `chart-${series.key}`;
  const values = series.rows.flatMap((r) =>
    series.categories.map((c, i) => ({
      month: short(r.month),
      category: c.name,
      order: i,
      value: num(r.cells[i]) ?? 0,
    })),
  );
  const totals = series.categories.map((c, i) => ({
    name: c.name,
    n: series.rows.reduce((s, r) => s + (num(r.cells[i]) ?? 0), 0),
  }));
  const largest = totals.reduce((a, b) => (b.n > a.n ? b : a), totals[0]);
  const withheld = series.rows.some((r) => r.cells.includes(SUPPRESSED));
  const summary = `${area}: children flagged each month, ${series.title.toLowerCase()}. ${highLow(series.rows)}${
    largest?.n ? ` The largest group across the period was “${largest.name}”.` : ''
  }${withheld ? ' Figures withheld because they are small (“c” in the table) are left out of the bars.' : ''}`;
  const svg = await renderChart(
    monthlyBars(values, { categories: series.categories.map((c) => c.name), yTitle: 'Children' }),
    `${id}-summary`,
  );
  return {
    id,
    title: `Children flagged as at risk of exploitation, ${series.title.toLowerCase()}`,
    summary,
    svg,
  };
}

/** The charts of a ward report, each to sit beside its table. */
export async function wardReportCharts(
  report: WardReport,
  districtWards: AreaFigures[],
): Promise<ShownChart[]> {
  const area = report.area.name;
  const charts: ShownChart[] = [];
  const rated = report.wards.filter((w) => w.ratePer10000 !== SUPPRESSED) as (AreaFigures & {
    ratePer10000: number;
  })[];
  const top = rated.reduce<(typeof rated)[number] | undefined>(
    (a, b) => (!a || b.ratePer10000 > a.ratePer10000 ? b : a),
    undefined,
  );
  charts.push({
    id: 'chart-comparison',
    title: 'Ward comparison: rate per 10,000 children under 18',
    summary: top
      ? `${area}: the highest rate was ${top.name}’s, ${top.ratePer10000.toFixed(2)} children at risk for every 10,000 under 18${
          report.area.ratePer10000 !== SUPPRESSED
            ? `, against ${report.area.ratePer10000.toFixed(2)} for ${area}`
            : ''
        }.${rated.length < report.wards.length ? ' Wards whose figures are withheld are left out.' : ''}`
      : 'Every ward’s rate is withheld because the numbers are small.',
    svg: await renderChart(
      namedBars(
        rated.map((w) => ({ name: w.name, value: w.ratePer10000 })),
        { xTitle: 'Rate per 10,000 under 18' },
      ),
      'chart-comparison-summary',
    ),
  });
  const monthlyRates = report.area.months.map((m) => ({
    month: short(m.month),
    value:
      m.children === SUPPRESSED
        ? null
        : Math.round((m.children / report.area.under18Population) * 1_000_000) / 100,
  }));
  charts.push({
    id: 'chart-rate',
    title: `Rate of children at risk per 10,000 under 18, each month: ${area}`,
    summary: `${area}: children flagged at any time in the month, for every 10,000 under 18. ${highLow(
      report.area.months.map((m) => ({ month: m.month, total: m.children })),
    )}`,
    svg: await renderChart(
      monthlyLine(monthlyRates.filter((r) => r.value !== null) as { month: string; value: number }[], {
        yTitle: 'Rate per 10,000',
      }),
      'chart-rate-summary',
    ),
  });
  for (const s of report.series) charts.push(await seriesChart(s, area));
  const shapes = new Map(loadWards().map((w) => [w.code, w.geometry]));
  const features = districtWards.map((w) => ({
    type: 'Feature' as const,
    geometry: shapes.get(w.code),
    properties: { name: w.name, value: num(w.ratePer10000) },
  }));
  const mapped = districtWards.filter((w) => w.ratePer10000 !== SUPPRESSED) as (AreaFigures & {
    ratePer10000: number;
  })[];
  const highest = mapped.reduce<(typeof mapped)[number] | undefined>(
    (a, b) => (!a || b.ratePer10000 > a.ratePer10000 ? b : a),
    undefined,
  );
  charts.push({
    id: 'chart-map',
    title: 'Map: rate per 10,000 children under 18, by ward, across the district',
    summary: highest
      ? `Darker wards have higher rates. The highest in the district was ${highest.name} (${highest.ratePer10000.toFixed(2)}).${
          mapped.length < districtWards.length ? ' Wards drawn pale grey have their figures withheld.' : ''
        } The figures are in the ward table.`
      : 'Every ward’s rate is withheld because the numbers are small.',
    svg: await renderChart(choropleth(features, { legendTitle: 'Rate per 10,000' }), 'chart-map-summary'),
  });
  return charts;
}

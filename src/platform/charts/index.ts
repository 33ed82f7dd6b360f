import * as vega from 'vega';
import * as vl from 'vega-lite';

/**
 * Charts drawn on the server: a Vega-Lite specification compiled and rendered to SVG in Node (no
 * browser, no JavaScript on the page), so a chart prints and works without scripts. Every chart
 * is one image to assistive technology, named by its title and text summary; its data table sits
 * beside it. Colours are GOV.UK's, in an order that stays apart for the common colour blindnesses.
 */

export const PALETTE = [
  '#1d70b8',
  '#f47738',
  '#d4351c',
  '#00703c',
  '#4c2c92',
  '#b58840',
  '#6f777b',
  '#912b88',
];

const CONFIG = {
  aria: false,
  font: 'arial, sans-serif',
  background: 'white',
  axis: {
    labelFontSize: 13,
    titleFontSize: 14,
    labelColor: '#0b0c0c',
    titleColor: '#0b0c0c',
    gridColor: '#e5e5e5',
  },
  legend: {
    labelFontSize: 13,
    titleFontSize: 14,
    labelColor: '#0b0c0c',
    titleColor: '#0b0c0c',
    orient: 'bottom',
  },
  view: { stroke: null },
  range: { category: PALETTE },
} as const;

export type ChartSpec = vl.TopLevelSpec;

/** Renders a chart as an SVG element named for assistive technology by the element `labelledBy`. */
export async function renderChart(spec: ChartSpec, labelledBy: string): Promise<string> {
  const { spec: compiled } = vl.compile({
    ...spec,
    config: { ...CONFIG, ...(spec.config ?? {}) },
  } as ChartSpec);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    // One image: the inner roles Vega writes would make each mark a separate object to a screen reader.
    return svg
      .replace(/\s(role|aria-roledescription|aria-label|aria-hidden)="[^"]*"/g, '')
      .replace('<svg ', `<svg role="img" aria-labelledby="${labelledBy}" focusable="false" `);
  } finally {
    view.finalize();
  }
}

/** A stacked monthly bar chart: one bar a month, one colour a category. */
export function monthlyBars(
  values: { month: string; category: string; value: number }[],
  opts: { categories: string[]; yTitle: string; width?: number },
): ChartSpec {
  return {
    width: opts.width ?? 560,
    height: 240,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'month', type: 'ordinal', title: null, sort: null, axis: { labelAngle: -40 } },
      y: { field: 'value', type: 'quantitative', title: opts.yTitle, stack: 'zero' },
      color: {
        field: 'category',
        type: 'nominal',
        title: null,
        sort: opts.categories,
        scale: { domain: opts.categories },
      },
      order: { field: 'order', type: 'quantitative' },
    },
  };
}

/** A horizontal bar chart of one value for each of a few named things (a ward comparison). */
export function namedBars(values: { name: string; value: number }[], opts: { xTitle: string }): ChartSpec {
  return {
    width: 480,
    height: Math.max(60, values.length * 26),
    data: { values },
    mark: { type: 'bar', color: PALETTE[0] },
    encoding: {
      y: { field: 'name', type: 'nominal', title: null, sort: '-x' },
      x: { field: 'value', type: 'quantitative', title: opts.xTitle },
    },
  };
}

/** A line over the months. */
export function monthlyLine(values: { month: string; value: number }[], opts: { yTitle: string }): ChartSpec {
  return {
    width: 560,
    height: 220,
    data: { values },
    mark: { type: 'line', point: true, color: PALETTE[0] },
    encoding: {
      x: { field: 'month', type: 'ordinal', title: null, sort: null, axis: { labelAngle: -40 } },
      y: { field: 'value', type: 'quantitative', title: opts.yTitle },
    },
  };
}

/** A map of areas shaded by a value (a choropleth), from GeoJSON features with `properties.value`. */
export function choropleth(
  features: { type: 'Feature'; geometry: unknown; properties: { name: string; value: number | null } }[],
  opts: { legendTitle: string },
): ChartSpec {
  return {
    width: 480,
    height: 420,
    data: { values: features, format: { type: 'json' } },
    projection: { type: 'mercator' },
    mark: { type: 'geoshape', stroke: '#0b0c0c', strokeWidth: 0.6 },
    encoding: {
      color: {
        // An area whose figure is withheld (or missing) is drawn pale grey, not as a zero.
        condition: { test: 'datum.properties.value === null', value: '#f3f2f1' },
        field: 'properties.value',
        type: 'quantitative',
        title: opts.legendTitle,
        scale: { scheme: 'blues' },
        legend: { orient: 'right' },
      },
    },
  } as ChartSpec;
}

/**
 * A horizontal bar for each group's percentage with its interval drawn across it, so two groups
 * whose intervals overlap are not read as different.
 */
export function intervalBars(
  values: { name: string; percent: number; low: number; high: number }[],
  opts: { xTitle: string },
): ChartSpec {
  const y = { field: 'name', type: 'nominal', title: null, sort: null } as const;
  return {
    width: 480,
    height: Math.max(60, values.length * 30),
    data: { values },
    encoding: { y },
    layer: [
      {
        mark: { type: 'bar', color: PALETTE[0], opacity: 0.85 },
        encoding: {
          x: { field: 'percent', type: 'quantitative', title: opts.xTitle, scale: { domain: [0, 100] } },
        },
      },
      {
        mark: { type: 'rule', color: '#0b0c0c', strokeWidth: 2 },
        encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
      },
      {
        mark: { type: 'tick', color: '#0b0c0c', thickness: 2, size: 14 },
        encoding: { x: { field: 'low', type: 'quantitative' } },
      },
      {
        mark: { type: 'tick', color: '#0b0c0c', thickness: 2, size: 14 },
        encoding: { x: { field: 'high', type: 'quantitative' } },
      },
    ],
  } as ChartSpec;
}

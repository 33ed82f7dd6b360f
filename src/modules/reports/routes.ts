import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance } from 'fastify';
import { NotFoundError, ValidationError } from '../../platform/errors.ts';
import type { RouteContext } from '../../platform/module.ts';
import { renderPdf } from '../../platform/pdf/index.ts';
import { one, PageQuery, Type, typed } from '../../platform/schemas.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import { AREA_COMMITTEES } from '../district/index.ts';
import { PHRASES } from '../language/index.ts';
import { wardReportCharts } from './charts.ts';
import { equalityCharts, PRACTICE_MEASURES, practiceCharts } from './monitoring-charts.ts';
import { committeePack } from './pack.ts';
import type { ReportsService } from './service.ts';

export type ReportsRouteContext = RouteContext<ReportsService, Record<string, unknown>>;

const Shown = Type.Union([Type.Number(), Type.Literal('c')], {
  description: 'A figure, or "c" where it is withheld because it is small (or would give a small one away)',
});
const AreaFiguresSchema = Type.Object({
  code: Type.String(),
  name: Type.String(),
  areaCommittee: Type.Union([Type.String(), Type.Null()]),
  under18Population: Type.Integer(),
  children: Shown,
  averageMonthlyChildren: Shown,
  averageFlaggedInMonth: Shown,
  ratePer10000: Shown,
  months: Type.Array(Type.Object({ month: Type.String(), children: Shown })),
});
const WardReportQuery = Type.Object(
  {
    from: Type.Optional(
      Type.String({
        description: 'First month, YYYY-MM (default: twelve months ago)',
        examples: ['2020-01'],
      }),
    ),
    to: Type.Optional(
      Type.String({ description: 'Last month, YYYY-MM (default: last month)', examples: ['2020-12'] }),
    ),
    areaCommittee: Type.Optional(
      Type.String({
        description: 'One area committee (default: the whole district)',
        examples: ['Bradford South'],
      }),
    ),
  },
  { additionalProperties: false },
);

/** A CSV cell that a spreadsheet will not run as a formula. */
export const safeCell = (value: string | number | null): string | number | null =>
  typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;

/** The named query values, each as one string. */
const pick = (query: Record<string, unknown>, keys: string[]): Record<string, string> =>
  Object.fromEntries(keys.map((k) => [k, one(query[k] as string | string[] | undefined) ?? '']));

/** A CSV download: every cell made safe, named for what it holds. */
function sendCsv(
  reply: { type: (t: string) => { header: (k: string, v: string) => { send: (b: string) => unknown } } },
  name: string,
  rows: (string | number | null)[][],
) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}"`)
    .send(stringify(rows.map((r) => r.map(safeCell))));
}

const MonitoringQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ description: 'First month, YYYY-MM (default: twelve months ago)' })),
    to: Type.Optional(Type.String({ description: 'Last month, YYYY-MM (default: last month)' })),
  },
  { additionalProperties: false },
);

export function reportsRoutes(ctx: ReportsRouteContext) {
  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);

    app.get(
      '/reports/wards',
      { config: { access: 'reports:view_wards' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const actor = actorOf(request);
        const values = {
          from: one(request.query.from) ?? '',
          to: one(request.query.to) ?? '',
          areaCommittee: one(request.query.areaCommittee) ?? '',
        };
        const today = await ctx.service.wards(actor);
        try {
          const report = await ctx.service.wardReport(actor, values);
          const charts = await wardReportCharts(report, report.everyWard);
          const csv = `/reports/wards.csv?${new URLSearchParams({
            from: report.from,
            to: report.to,
            ...(report.areaCommittee ? { areaCommittee: report.areaCommittee } : {}),
          })}`;
          const pack = report.areaCommittee
            ? `/reports/area-committees/${encodeURIComponent(report.areaCommittee)}.pdf?${new URLSearchParams({ from: report.from, to: report.to })}`
            : null;
          return renderPage(request, reply, 'reports/views/wards.njk', {
            title: `Ward report: ${report.area.name}`,
            pack,
            values: { from: report.from, to: report.to, areaCommittee: report.areaCommittee ?? '' },
            report,
            charts: Object.fromEntries(charts.map((c) => [c.id, c])),
            csv,
            today,
          });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          reply.code(422);
          return renderPage(request, reply, 'reports/views/wards.njk', {
            title: 'Ward report',
            values,
            errors: error.errors,
            areaCommittees: await ctx.service.areaCommittees(actor),
            today,
          });
        }
      },
    );

    app.get(
      '/reports/equality',
      { config: { access: 'reports:view_monitoring' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const actor = actorOf(request);
        const values = pick(request.query, ['from', 'to', 'by']);
        const dimensions = ctx.service.equalityDimensions(actor);
        try {
          const report = await ctx.service.equality(actor, values);
          return renderPage(request, reply, 'reports/views/equality.njk', {
            title: `Equality monitoring: by ${report.dimension.title.toLowerCase()}`,
            values: { from: report.from, to: report.to, by: report.by },
            report,
            dimensions,
            charts: await equalityCharts(report),
            csv: `/reports/equality.csv?${new URLSearchParams({ from: report.from, to: report.to })}`,
          });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          reply.code(422);
          return renderPage(request, reply, 'reports/views/equality.njk', {
            title: 'Equality monitoring',
            values,
            errors: error.errors,
            dimensions,
          });
        }
      },
    );

    app.get(
      '/reports/equality/children',
      { config: { access: 'reports:view_monitoring' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const result = await ctx.service.equalityChildren(
          actorOf(request),
          pick(request.query, ['from', 'to', 'by', 'group']),
        );
        return renderPage(request, reply, 'reports/views/equality-children.njk', {
          title: `Children in the group: ${result.group.name}`,
          ...result,
          back: `/reports/equality?${new URLSearchParams({ from: result.from, to: result.to, by: result.by })}`,
        });
      },
    );

    app.get(
      '/reports/equality.csv',
      {
        config: { access: 'reports:view_monitoring' },
        schema: {
          tags: ['Reports'],
          summary:
            'Equality monitoring as CSV: every characteristic, group and measure, with counts and intervals',
          querystring: MonitoringQuery,
        },
      },
      async (request, reply) => {
        const all = await ctx.service.equalityAll(actorOf(request), request.query);
        const rows: (string | number | null)[][] = [
          ['characteristic', 'group', 'measure', 'value', 'of', 'low', 'high'],
        ];
        for (const report of all.reports)
          for (const g of [...report.groups, report.everyone]) {
            const row = (
              measure: string,
              v: { value: number | null; of: number; low: number | null; high: number | null },
            ) => rows.push([report.dimension.title, g.name, measure, v.value, v.of, v.low, v.high]);
            const share = (
              measure: string,
              p: { percent: number | null; n: number; low: number | null; high: number | null },
            ) => row(measure, { value: p.percent, of: p.n, low: p.low, high: p.high });
            const mid = (
              measure: string,
              m: { median: number | null; n: number; low: number | null; high: number | null },
            ) => row(measure, { value: m.median, of: m.n, low: m.low, high: m.high });
            row('contacts', { value: g.contacts, of: g.contacts, low: null, high: null });
            row('children', { value: g.children, of: g.children, low: null, high: null });
            mid('median_hours_to_decision', g.decisionHours);
            share('percent_decided_within_target', g.decisionOnTime);
            mid('median_days_contact_to_assessment', g.assessmentDays);
            share('percent_assessed_within_target', g.assessmentOnTime);
            report.outcomes.forEach((o, i) => {
              share(`percent_outcome_${o.code}`, g.outcomes[i]);
            });
            report.levels.forEach((l, i) => {
              share(`percent_first_assessment_${l.code}`, g.levels[i]);
            });
            mid('median_days_flagged', g.flaggedDays);
          }
        return sendCsv(reply, `lantern-equality-${all.from}-to-${all.to}.csv`, rows);
      },
    );

    app.get(
      '/reports/practice',
      { config: { access: 'reports:view_monitoring' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const actor = actorOf(request);
        const values = pick(request.query, ['from', 'to']);
        try {
          const report = await ctx.service.practice(actor, values);
          const names = new Map(PHRASES.map((p) => [p.id, p]));
          return renderPage(request, reply, 'reports/views/practice.njk', {
            title: 'Practice monitoring',
            values: { from: report.from, to: report.to },
            report,
            charts: await practiceCharts(report.months),
            phrases: report.phrases.map((r) => ({
              ...r,
              name: names.get(r.phraseId)?.name ?? r.phraseId,
              suggestion: names.get(r.phraseId)?.suggestion ?? '',
            })),
            csv: `/reports/practice.csv?${new URLSearchParams({ from: report.from, to: report.to })}`,
          });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          reply.code(422);
          return renderPage(request, reply, 'reports/views/practice.njk', {
            title: 'Practice monitoring',
            values,
            errors: error.errors,
          });
        }
      },
    );

    app.get(
      '/reports/practice.csv',
      {
        config: { access: 'reports:view_monitoring' },
        schema: {
          tags: ['Reports'],
          summary: 'Practice monitoring as CSV: each measure by month and over the period',
          querystring: MonitoringQuery,
        },
      },
      async (request, reply) => {
        const report = await ctx.service.practice(actorOf(request), request.query);
        const rows: (string | number | null)[][] = [['month', 'measure', 'value', 'of', 'low', 'high']];
        const add = (month: string, m: Record<string, unknown>) => {
          for (const measure of PRACTICE_MEASURES) {
            const v = m[measure.key] as
              | number
              | null
              | {
                  percent?: number | null;
                  median?: number | null;
                  n: number;
                  low: number | null;
                  high: number | null;
                };
            if (v === null || typeof v === 'number')
              rows.push([month, measure.key, v, (m.records as number) ?? null, null, null]);
            else rows.push([month, measure.key, v.percent ?? v.median ?? null, v.n, v.low, v.high]);
          }
        };
        for (const m of report.months) add(m.month, { ...m });
        add('period', report.period);
        return sendCsv(reply, `lantern-practice-${report.from}-to-${report.to}.csv`, rows);
      },
    );

    app.get(
      '/reports/wards/children',
      { config: { access: 'reports:view_exact' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const q = request.query;
        const result = await ctx.service.childrenBehind(actorOf(request), {
          ward: one(q.ward),
          from: one(q.from),
          to: one(q.to),
          month: one(q.month),
          areaCommittee: one(q.areaCommittee),
        });
        const back = `/reports/wards?${new URLSearchParams({
          from: result.from,
          to: result.to,
          ...(result.areaCommittee ? { areaCommittee: result.areaCommittee } : {}),
        })}`;
        return renderPage(request, reply, 'reports/views/children.njk', {
          title: `Children flagged in ${result.ward.name}`,
          ...result,
          back,
        });
      },
    );

    app.get(
      '/reports/wards.csv',
      {
        config: { access: 'reports:view_wards' },
        schema: {
          tags: ['Reports'],
          summary: 'The ward report as CSV: every table, suppressed by role',
          querystring: WardReportQuery,
        },
      },
      async (request, reply) => {
        const report = await ctx.service.wardReport(actorOf(request), request.query);
        const rows: (string | number | null)[][] = [['table', 'area', 'ward', 'month', 'measure', 'value']];
        for (const w of [...report.wards, report.area, report.district]) {
          const ward = w.code === 'area' || w.code === 'district' ? '' : w.name;
          const area = w.code === 'district' ? 'District' : (w.areaCommittee ?? report.area.name);
          rows.push(['wards', area, ward, '', 'average_monthly_children', w.averageMonthlyChildren]);
          rows.push(['wards', area, ward, '', 'average_flagged_in_month', w.averageFlaggedInMonth]);
          rows.push(['wards', area, ward, '', 'under_18_population', w.under18Population]);
          rows.push(['wards', area, ward, '', 'rate_per_10000', w.ratePer10000]);
          rows.push(['wards', area, ward, '', 'children_in_period', w.children]);
          for (const m of w.months) rows.push(['months', area, ward, m.month, 'children', m.children]);
        }
        for (const s of report.series)
          for (const r of s.rows) {
            rows.push([s.key, report.area.name, '', r.month, 'total', r.total]);
            s.categories.forEach((c, i) => {
              rows.push([s.key, report.area.name, '', r.month, c.name, r.cells[i]]);
            });
          }
        const name = `lantern-ward-report-${(report.areaCommittee ?? 'district').toLowerCase().replace(/\W+/g, '-')}-${report.from}-to-${report.to}.csv`;
        return sendCsv(reply, name, rows);
      },
    );

    app.get(
      '/reports/area-committees/:file',
      {
        config: { access: 'reports:view_wards' },
        schema: {
          tags: ['Reports'],
          summary: 'The committee pack: one area committee’s ward report as a PDF, suppressed by role',
          description:
            'The file is the committee’s name and ".pdf", e.g. `Bradford%20South.pdf` or `bradford-south.pdf`.',
          params: Type.Object({ file: Type.String({ maxLength: 100 }) }),
          querystring: Type.Omit(WardReportQuery, ['areaCommittee']),
        },
      },
      async (request, reply) => {
        const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
        const file = request.params.file;
        const name = file.toLowerCase().endsWith('.pdf')
          ? Object.keys(AREA_COMMITTEES).find((n) => slug(n) === slug(file.slice(0, -4)))
          : undefined;
        if (!name) throw new NotFoundError('No area committee by that name');
        const actor = actorOf(request);
        const report = await ctx.service.wardReport(actor, { ...request.query, areaCommittee: name });
        const charts = await wardReportCharts(report, report.everyWard);
        const pdf = await renderPdf(
          committeePack({ report, charts, generatedAt: new Date(), generatedBy: actor.displayName }),
        );
        return reply
          .type('application/pdf')
          .header(
            'content-disposition',
            `attachment; filename="lantern-${slug(name)}-${report.from}-to-${report.to}.pdf"`,
          )
          .send(pdf);
      },
    );

    app.get(
      '/api/v1/reports/wards',
      {
        config: { access: 'reports:view_wards' },
        schema: {
          tags: ['Reports'],
          summary:
            'Ward report: each ward’s average number of children at risk, population and rate per 10,000, by month',
          description:
            'For elected members every figure is suppressed as the DfE publishes: "c" for 1 to 5, a second value where a total would give one away, and averages and rates made from hidden counts hidden with them.',
          querystring: WardReportQuery,
          response: {
            200: Type.Object({
              from: Type.String(),
              to: Type.String(),
              areaCommittee: Type.Union([Type.String(), Type.Null()]),
              exact: Type.Boolean(),
              wards: Type.Array(AreaFiguresSchema),
              area: AreaFiguresSchema,
              district: AreaFiguresSchema,
              series: Type.Array(
                Type.Object({
                  key: Type.String(),
                  title: Type.String(),
                  categories: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
                  rows: Type.Array(
                    Type.Object({ month: Type.String(), total: Shown, cells: Type.Array(Shown) }),
                  ),
                }),
              ),
            }),
          },
        },
      },
      async (request) => {
        const r = await ctx.service.wardReport(actorOf(request), request.query);
        return {
          from: r.from,
          to: r.to,
          areaCommittee: r.areaCommittee,
          exact: r.exact,
          wards: r.wards,
          area: r.area,
          district: r.district,
          series: r.series,
        };
      },
    );
  };
}

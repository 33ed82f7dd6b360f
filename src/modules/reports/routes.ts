import { stringify } from 'csv-stringify/sync';
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../platform/errors.ts';
import type { RouteContext } from '../../platform/module.ts';
import { one, PageQuery, Type, typed } from '../../platform/schemas.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import { wardReportCharts } from './charts.ts';
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
          return renderPage(request, reply, 'reports/views/wards.njk', {
            title: `Ward report: ${report.area.name}`,
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
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${name}"`)
          .send(stringify(rows.map((r) => r.map(safeCell))));
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

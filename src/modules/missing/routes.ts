import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasPermission } from '../../platform/access.ts';
import { monthlyBars, renderChart } from '../../platform/charts/index.ts';
import { type FieldError, ValidationError } from '../../platform/errors.ts';
import { monthName } from '../../platform/figures/index.ts';
import { IdempotencyHeaders } from '../../platform/idempotency.ts';
import type { RouteContext } from '../../platform/module.ts';
import { code, FormBody, one, PageId, PageQuery, Type, typed } from '../../platform/schemas.ts';
import { ID_PARAMS, toLondon } from '../../platform/validation.ts';
import { actorOf, renderPage, saveForm } from '../../platform/web.ts';
import {
  FOUND_BY,
  FOUND_BY_NAMES,
  GRADING_NAMES,
  GRADINGS,
  INDICATOR_NAMES,
  INDICATORS,
  INTERVIEW_OUTCOME_NAMES,
  INTERVIEW_OUTCOMES,
  MISSING_FROM,
  MISSING_FROM_NAMES,
  REPORTER_NAMES,
  REPORTERS,
} from './reference.ts';
import type { MissingFigures, MissingService } from './service.ts';

const Instant = (description: string) => Type.String({ format: 'date-time', description });
const ReturnFields = {
  returnedAt: Type.Optional(Instant('When the child returned or was found')),
  foundBy: Type.Optional(code(FOUND_BY)),
  foundPlace: Type.Optional(Type.String({ maxLength: 200 })),
  foundPostcode: Type.Optional(Type.String({ maxLength: 10 })),
  foundWith: Type.Optional(Type.String({ maxLength: 500 })),
};
const EpisodeBody = Type.Object(
  {
    personId: Type.String({ format: 'uuid' }),
    reportedBy: code(REPORTERS),
    reportedAt: Type.Optional(Instant('When it was reported (default: now)')),
    lastSeenAt: Instant('When the child was last seen'),
    lastSeenPlace: Type.Optional(Type.String({ maxLength: 200 })),
    missingFrom: code(MISSING_FROM),
    placementId: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Missing from placement: which one (default: the current one)',
      }),
    ),
    circumstances: Type.Optional(Type.String({ maxLength: 5000 })),
    clothing: Type.Optional(Type.String({ maxLength: 1000 })),
    riskGrading: code(GRADINGS),
    policeReference: Type.Optional(Type.String({ maxLength: 50 })),
    ...ReturnFields,
  },
  {
    additionalProperties: false,
    examples: [
      {
        personId: '00000000-0000-4000-8000-000000000000',
        reportedBy: 'police',
        lastSeenAt: '2026-11-30T21:30:00Z',
        lastSeenPlace: 'Bus station',
        missingFrom: 'home',
        riskGrading: 'medium',
        policeReference: 'WY-2026-118832',
      },
    ],
  },
);
const EpisodePatch = Type.Object(
  {
    riskGrading: Type.Optional(code(GRADINGS)),
    gradingReason: Type.Optional(Type.String({ maxLength: 2000 })),
    ...ReturnFields,
  },
  {
    additionalProperties: false,
    examples: [
      {
        returnedAt: '2026-12-01T08:10:00Z',
        foundBy: 'police',
        foundPlace: 'Address in Leeds',
        foundWith: 'Two adults',
      },
    ],
  },
);
const InterviewBody = Type.Object(
  {
    outcome: code(INTERVIEW_OUTCOMES),
    offeredAt: Instant('When the interview was offered'),
    heldAt: Type.Optional(Instant('When it was held (accepted)')),
    interviewerName: Type.String({ maxLength: 200 }),
    interviewerRole: Type.String({ maxLength: 200 }),
    independentOfCarer: Type.Boolean(),
    whereTheyWere: Type.Optional(Type.String({ maxLength: 5000 })),
    whoWith: Type.Optional(Type.String({ maxLength: 5000 })),
    pushFactors: Type.Optional(Type.String({ maxLength: 5000 })),
    pullFactors: Type.Optional(Type.String({ maxLength: 5000 })),
    indicators: Type.Optional(Type.Array(code(INDICATORS), { maxItems: INDICATORS.length })),
    notes: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
);
const MonthQuery = Type.Object({
  from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$' })),
  to: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$' })),
});

const items = <T extends string>(list: readonly T[], names: Record<T, string>) =>
  list.map((v) => ({ value: v, text: names[v] }));

/** Charts of the figures, each with the table the page shows beside it. */
async function figureCharts(f: MissingFigures) {
  const n = (v: number | 'c') => (typeof v === 'number' ? v : 0);
  const spec = monthlyBars(
    f.months.flatMap((m) => [
      { month: monthName(m.month), category: 'Looked after', value: n(m.lookedAfter), order: 0 },
      { month: monthName(m.month), category: 'Not looked after', value: n(m.notLookedAfter), order: 1 },
    ]),
    { categories: ['Looked after', 'Not looked after'], yTitle: 'Children missing' },
  );
  const busiest = [...f.months].sort((a, b) => n(b.episodes) - n(a.episodes))[0];
  return [
    {
      id: 'chart-missing-children',
      title: 'Children missing each month, by care status',
      summary: busiest
        ? `Most episodes began in ${monthName(busiest.month)} (${busiest.episodes}). ${f.exact ? '' : 'Counts of 1 to 5 are shown as 0 in the chart and as “c” in the table.'}`
        : 'No episodes in the period.',
      svg: await renderChart(spec, 'chart-missing-children-summary'),
    },
  ];
}

export function missingRoutes(ctx: RouteContext<MissingService, Record<string, unknown>>) {
  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    const missing = ctx.service;

    async function reportPage(
      request: FastifyRequest,
      reply: FastifyReply,
      personId: string,
      extra: { errors?: FieldError[]; values?: Record<string, unknown> } = {},
    ) {
      const { open } = await missing.forPerson(actorOf(request), personId);
      return renderPage(request, reply, 'missing/views/report.njk', {
        title: 'Report a child missing',
        personId,
        open,
        values: extra.values ?? { reportedBy: 'police' },
        errors: extra.errors,
        reporterItems: items(REPORTERS, REPORTER_NAMES),
        fromItems: items(MISSING_FROM, MISSING_FROM_NAMES),
        gradingItems: items(GRADINGS, GRADING_NAMES),
      });
    }

    async function episodePage(
      request: FastifyRequest,
      reply: FastifyReply,
      id: string,
      extra: { errors?: FieldError[]; values?: Record<string, unknown>; reported?: boolean } = {},
    ) {
      const actor = actorOf(request);
      const data = await missing.episode(actor, id);
      return renderPage(request, reply, 'missing/views/episode.njk', {
        title: 'Missing episode',
        ...data,
        lastSeen: toLondon(data.episode.lastSeenAt),
        values: extra.values ?? {},
        errors: extra.errors,
        reported: extra.reported,
        can: {
          record: hasPermission(actor, 'missing:record'),
          interview: hasPermission(actor, 'missing:record_interview'),
        },
        foundByItems: items(FOUND_BY, FOUND_BY_NAMES),
        gradingItems: items(GRADINGS, GRADING_NAMES),
      });
    }

    async function interviewPage(
      request: FastifyRequest,
      reply: FastifyReply,
      id: string,
      extra: { errors?: FieldError[]; values?: Record<string, unknown> } = {},
    ) {
      const data = await missing.episode(actorOf(request), id);
      return renderPage(request, reply, 'missing/views/interview.njk', {
        title: 'Return home interview',
        ...data,
        values: extra.values ?? { independentOfCarer: '' },
        errors: extra.errors,
        outcomeItems: items(INTERVIEW_OUTCOMES, INTERVIEW_OUTCOME_NAMES),
        indicatorItems: INDICATORS.map((i) => ({
          value: i,
          text: INDICATOR_NAMES[i],
          checked: [extra.values?.indicators ?? []].flat().includes(i),
        })),
      });
    }

    app.get(
      '/people/:id/missing/new',
      { config: { access: 'missing:record' }, schema: { params: PageId } },
      async (request, reply) => reportPage(request, reply, request.params.id),
    );
    app.post(
      '/people/:id/missing',
      { config: { access: 'missing:record' }, schema: { params: PageId, body: FormBody } },
      async (request, reply) => {
        const { id } = request.params;
        return saveForm(
          reply,
          async () => {
            const { id: episodeId } = await missing.report(actorOf(request), {
              ...request.body,
              personId: id,
            });
            return `/missing-episodes/${episodeId}?reported=1`;
          },
          (errors, refused) => reportPage(request, refused, id, { errors, values: request.body }),
        );
      },
    );
    app.get(
      '/missing-episodes/:id',
      { config: { access: 'missing:view' }, schema: { params: PageId, querystring: PageQuery } },
      async (request, reply) =>
        episodePage(request, reply, request.params.id, { reported: one(request.query.reported) === '1' }),
    );
    app.post(
      '/missing-episodes/:id',
      { config: { access: 'missing:record' }, schema: { params: PageId, body: FormBody } },
      async (request, reply) => {
        const { id } = request.params;
        return saveForm(
          reply,
          async () => {
            await missing.update(actorOf(request), id, request.body);
            return `/missing-episodes/${id}`;
          },
          (errors, refused) => episodePage(request, refused, id, { errors, values: request.body }),
        );
      },
    );
    app.get(
      '/missing-episodes/:id/return-interview',
      { config: { access: 'missing:record_interview' }, schema: { params: PageId } },
      async (request, reply) => interviewPage(request, reply, request.params.id),
    );
    app.post(
      '/missing-episodes/:id/return-interview',
      { config: { access: 'missing:record_interview' }, schema: { params: PageId, body: FormBody } },
      async (request, reply) => {
        const { id } = request.params;
        return saveForm(
          reply,
          async () => {
            await missing.recordInterview(actorOf(request), id, request.body);
            return `/missing-episodes/${id}`;
          },
          (errors, refused) => interviewPage(request, refused, id, { errors, values: request.body }),
        );
      },
    );
    app.get(
      '/reports/missing',
      { config: { access: 'missing:view_figures' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const values = { from: one(request.query.from) ?? '', to: one(request.query.to) ?? '' };
        try {
          const figures = await missing.figures(actorOf(request), values);
          return renderPage(request, reply, 'missing/views/figures.njk', {
            title: 'Missing children',
            figures,
            values: { from: figures.from, to: figures.to },
            charts: await figureCharts(figures),
          });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return renderPage(request, reply.code(422), 'missing/views/figures.njk', {
            title: 'Missing children',
            values,
            errors: error.errors,
          });
        }
      },
    );

    // API
    const tags = ['Missing episodes'];
    app.post(
      '/api/v1/missing-episodes',
      {
        config: { access: 'missing:record' },
        schema: {
          tags,
          summary:
            'Report a child missing (police systems). Send an Idempotency-Key: a retry returns the first episode. A return may be sent with it.',
          headers: IdempotencyHeaders,
          body: EpisodeBody,
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const reported = await missing.report(
          actor,
          request.body,
          request.headers['idempotency-key'] ?? null,
        );
        const { id, created } = reported;
        // A retry reads the first episode (a view, audited); a new one comes back as written.
        const episode =
          'episode' in reported && reported.episode
            ? reported.episode
            : (await missing.episode(actor, id)).episode;
        return reply
          .code(created ? 201 : 200)
          .header('location', `/api/v1/missing-episodes/${id}`)
          .send(episode);
      },
    );
    app.get(
      '/api/v1/missing-episodes/:id',
      {
        config: { access: 'missing:view' },
        schema: { tags, summary: 'A missing episode with its gradings and interview', params: ID_PARAMS },
      },
      async (request) => missing.episode(actorOf(request), request.params.id),
    );
    app.patch(
      '/api/v1/missing-episodes/:id',
      {
        config: { access: 'missing:record' },
        schema: {
          tags,
          summary: 'Record the return, or change the police risk grading',
          params: ID_PARAMS,
          body: EpisodePatch,
        },
      },
      async (request) => missing.update(actorOf(request), request.params.id, request.body),
    );
    app.post(
      '/api/v1/missing-episodes/:id/return-interview',
      {
        config: { access: 'missing:record_interview' },
        schema: { tags, summary: 'Record the return home interview', params: ID_PARAMS, body: InterviewBody },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await missing.recordInterview(actorOf(request), request.params.id, request.body)),
    );
    app.get(
      '/api/v1/people/:id/missing-episodes',
      {
        config: { access: 'missing:view' },
        schema: { tags, summary: "A child's missing episodes, newest first", params: ID_PARAMS },
      },
      async (request) => missing.forPerson(actorOf(request), request.params.id),
    );
    app.get(
      '/api/v1/reports/missing',
      {
        config: { access: 'missing:view_figures' },
        schema: {
          tags: ['Reports'],
          summary:
            'Per month: children missing and episodes (small numbers shown as "c" for elected members)',
          querystring: MonthQuery,
        },
      },
      async (request) => missing.figures(actorOf(request), request.query),
    );
  };
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasPermission } from '../../platform/access.ts';
import { type FieldError, ValidationError } from '../../platform/errors.ts';
import type { RouteContext } from '../../platform/module.ts';
import { ID_PARAMS } from '../../platform/validation.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { PeopleService } from '../people/index.ts';
import type { MatchingService } from './service.ts';

export type MatchingRouteContext = RouteContext<MatchingService, { people: PeopleService }>;

import { BLOCKING_RULES } from './blocking.ts';
import { COMPARISONS } from './comparisons.ts';
import { QUERY_FIELDS } from './extract.ts';

const matchBody = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(QUERY_FIELDS.map((f) => [f, { type: ['string', 'null'], maxLength: 100 }])),
} as const;

export function matchingRoutes(ctx: MatchingRouteContext) {
  return async function plugin(app: FastifyInstance) {
    app.post(
      '/api/v1/people/match',
      {
        config: { access: 'matching:search' },
        schema: {
          tags: ['People'],
          summary: '"Already known?": ranked candidates with match probability and per-field evidence',
          body: matchBody,
        },
      },
      async (request) => ctx.service.match(actorOf(request), request.body as Record<string, unknown>),
    );

    app.post(
      '/api/v1/match-decisions',
      {
        config: { access: 'matching:decide' },
        schema: {
          tags: ['People'],
          summary: 'Record that a suggested candidate is (confirmed) or is not (rejected) the same person',
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['personId', 'decision', 'probability', 'modelVersion'],
            properties: {
              personId: { type: 'string', format: 'uuid' },
              contactId: { type: 'string', format: 'uuid' },
              decision: { type: 'string', enum: ['confirmed', 'rejected'] },
              probability: { type: 'number', minimum: 0, maximum: 1 },
              modelVersion: { type: 'integer', minimum: 1 },
            },
          },
        },
      },
      async (request, reply) => {
        const id = await ctx.service.recordDecision(
          actorOf(request),
          request.body as Record<string, unknown>,
        );
        return reply.code(201).send({ id });
      },
    );

    // From the contact page: "not this person".
    app.post('/matching/decisions', { config: { access: 'matching:decide' } }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, string>;
      await ctx.service.recordDecision(actorOf(request), body);
      const back =
        typeof body.back === 'string' && /^\/contacts\/[0-9a-f-]{36}\?[\w=&%.+-]*$/.test(body.back)
          ? body.back
          : '/contacts';
      return reply.redirect(`${back}#people-search`);
    });

    // Clerical review: pairs the engine was unsure of, side by side.
    app.get('/matching/review', { config: { access: 'matching:review' } }, async (request, reply) => {
      const { items, open } = await ctx.service.reviews(actorOf(request));
      const query = request.query as Record<string, string>;
      return renderPage(request, reply, 'matching/views/reviews.njk', {
        title: 'Possible matches to review',
        items,
        open,
        decided: ['accepted', 'rejected', 'not_sure'].includes(query.decided) ? query.decided : undefined,
      });
    });

    async function reviewPage(request: FastifyRequest, reply: FastifyReply, errors?: FieldError[]) {
      const { id } = request.params as { id: string };
      const actor = actorOf(request);
      const review = await ctx.service.review(actor, id);
      const [recordsA, recordsB] = await Promise.all([
        ctx.deps.people.records(actor, review.item.personA),
        ctx.deps.people.records(actor, review.item.personB),
      ]);
      return renderPage(request, reply.code(errors ? 422 : 200), 'matching/views/review.njk', {
        title: `Are these the same person? ${review.item.aName} and ${review.item.bName}`,
        ...review,
        recordsA: recordsA.agencyRecords,
        recordsB: recordsB.agencyRecords,
        values: errors ? (request.body as Record<string, string>) : {},
        errors,
      });
    }

    app.get(
      '/matching/review/:id',
      { config: { access: 'matching:review' }, schema: { params: ID_PARAMS } },
      (request, reply) => reviewPage(request, reply),
    );

    app.post(
      '/matching/review/:id',
      { config: { access: 'matching:review' }, schema: { params: ID_PARAMS } },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        let result: { decision: string };
        try {
          result = await ctx.service.decideReview(
            actorOf(request),
            id,
            (request.body ?? {}) as Record<string, unknown>,
          );
        } catch (error) {
          if (error instanceof ValidationError) return reviewPage(request, reply, error.errors);
          throw error;
        }
        return reply.redirect(`/matching/review?decided=${result.decision}`, 303);
      },
    );

    app.get(
      '/api/v1/matching/reviews',
      {
        config: { access: 'matching:review' },
        schema: {
          tags: ['People'],
          summary: 'Pairs of people waiting for clerical review, most likely first',
        },
      },
      async (request) => ctx.service.reviews(actorOf(request)),
    );

    app.post(
      '/api/v1/matching/reviews/:id',
      {
        config: { access: 'matching:review' },
        schema: {
          tags: ['People'],
          summary: 'Decide a review: accepted (merge the two people), rejected, or not_sure',
          params: ID_PARAMS,
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['decision'],
            properties: {
              decision: { type: 'string', enum: ['accepted', 'rejected', 'not_sure'] },
              note: { type: 'string', maxLength: 2000 },
            },
          },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        return ctx.service.decideReview(actorOf(request), id, request.body as Record<string, unknown>);
      },
    );

    app.get('/admin/matching', { config: { access: 'matching:view_model' } }, async (request, reply) => {
      const model = await ctx.service.model(actorOf(request));
      const params = model.current?.params;
      const comparisons = COMPARISONS.map((c, i) => ({
        label: c.label,
        levels: c.levels.slice(1).map((level, k) => {
          const l = k + 1;
          const m = params?.m[i][l] ?? 0;
          const u = params?.u[i][l] ?? 0;
          return { level, m, u, weight: m && u ? Math.log2(m / u) : 0 };
        }),
      }));
      return renderPage(request, reply, 'matching/views/model.njk', {
        title: 'Person matching model',
        model,
        comparisons,
        rules: BLOCKING_RULES.map((r) => r.name),
        canTrain: hasPermission(request.actor, 'matching:train'),
        trained: (request.query as Record<string, string>).trained,
      });
    });

    app.post('/admin/matching/train', { config: { access: 'matching:train' } }, async (request, reply) => {
      const version = await ctx.service.train(actorOf(request));
      return reply.redirect(`/admin/matching?trained=${version}`);
    });
  };
}

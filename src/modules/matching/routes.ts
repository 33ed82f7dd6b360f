import type { FastifyInstance, FastifyReply } from 'fastify';
import { hasPermission } from '../../platform/access.ts';
import { type FieldError, ValidationError } from '../../platform/errors.ts';
import type { RouteContext } from '../../platform/module.ts';
import {
  code,
  FormBody,
  nullable,
  one,
  PageQuery,
  type PageRequest,
  Type,
  typed,
} from '../../platform/schemas.ts';
import { ID_PARAMS } from '../../platform/validation.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { PeopleService } from '../people/index.ts';
import { MATCH_DECISIONS, REVIEW_DECISIONS } from './reference.ts';
import type { MatchingService } from './service.ts';

export type MatchingRouteContext = RouteContext<MatchingService, { people: PeopleService }>;

import { BLOCKING_RULES } from './blocking.ts';
import { COMPARISONS } from './comparisons.ts';

const LINK_ONLY_COMPARISONS = new Set(['town', 'birth_place', 'extra1', 'extra2', 'extra3']);

import type { QUERY_FIELDS } from './extract.ts';

/** The API's names for the fields an "already known?" query may carry (camelCase, as everywhere). */
const QUERY_FIELD_OF = {
  givenName: 'given_name',
  familyName: 'family_name',
  fullName: 'full_name',
  dateOfBirth: 'dob',
  gender: 'gender',
  postcode: 'postcode',
  nhsNumber: 'nhs_number',
  upn: 'upn',
  policeRef: 'police_ref',
  phone: 'phone',
  email: 'email',
} as const satisfies Record<string, (typeof QUERY_FIELDS)[number]>;
const API_FIELDS = Object.keys(QUERY_FIELD_OF) as (keyof typeof QUERY_FIELD_OF)[];
const API_FIELD_OF = Object.fromEntries(Object.entries(QUERY_FIELD_OF).map(([api, field]) => [field, api]));

const field = (description: string) => Type.Optional(nullable(Type.String({ maxLength: 100, description })));
const MatchBody = Type.Object(
  {
    givenName: field('First name'),
    familyName: field('Family name'),
    fullName: field('The whole name, when it is not known which part is which'),
    dateOfBirth: field('YYYY-MM-DD or DD/MM/YYYY'),
    gender: field('female, male, other or not_known'),
    postcode: field('Full postcode'),
    nhsNumber: field('NHS number'),
    upn: field('Unique pupil number'),
    policeRef: field('Police reference'),
    phone: field('Phone number, UK numbers in any writing (+44 7700 900123, 07700 900123)'),
    email: field('Email address'),
  },
  {
    additionalProperties: false,
    examples: [{ givenName: 'Jon', familyName: 'Smyth', dateOfBirth: '03/12/2010', postcode: 'BD7 1AB' }],
  },
);

export function matchingRoutes(ctx: MatchingRouteContext) {
  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    app.post(
      '/api/v1/people/match',
      {
        config: { access: 'matching:search' },
        schema: {
          tags: ['People'],
          summary: '"Already known?": ranked candidates with match probability and per-field evidence',
          body: MatchBody,
        },
      },
      async (request) => {
        const body = request.body;
        const query = Object.fromEntries(API_FIELDS.map((name) => [QUERY_FIELD_OF[name], body[name]]));
        try {
          return await ctx.service.match(actorOf(request), query);
        } catch (error) {
          // The service names fields as the matcher does; the API answers in its own names.
          if (error instanceof ValidationError)
            throw new ValidationError(
              error.errors.map((e) => ({ ...e, field: API_FIELD_OF[e.field] ?? e.field })),
            );
          throw error;
        }
      },
    );

    app.post(
      '/api/v1/match-decisions',
      {
        config: { access: 'matching:decide' },
        schema: {
          tags: ['People'],
          summary: 'Record that a suggested candidate is (confirmed) or is not (rejected) the same person',
          body: Type.Object(
            {
              personId: Type.String({ format: 'uuid' }),
              contactId: Type.Optional(Type.String({ format: 'uuid' })),
              decision: code(MATCH_DECISIONS),
              probability: Type.Number({ minimum: 0, maximum: 1 }),
              modelVersion: Type.Integer({ minimum: 1 }),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        const id = await ctx.service.recordDecision(actorOf(request), request.body);
        return reply.code(201).send({ id });
      },
    );

    // From the contact page: "not this person".
    app.post(
      '/matching/decisions',
      { config: { access: 'matching:decide' }, schema: { body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const body = request.body;
        await ctx.service.recordDecision(actorOf(request), body);
        const back =
          typeof body.back === 'string' && /^\/contacts\/[0-9a-f-]{36}\?[\w=&%.+-]*$/.test(body.back)
            ? body.back
            : '/contacts';
        return reply.redirect(`${back}#people-search`);
      },
    );

    // Clerical review: pairs the engine was unsure of, side by side.
    app.get(
      '/matching/review',
      { config: { access: 'matching:review' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const { items, open, recent } = await ctx.service.reviews(actorOf(request));
        const query = request.query;
        return renderPage(request, reply, 'matching/views/reviews.njk', {
          title: 'Possible matches to review',
          items,
          open,
          recent,
          decided: REVIEW_DECISIONS.find((d) => d === one(query.decided)),
        });
      },
    );

    async function reviewPage(
      request: PageRequest,
      reply: FastifyReply,
      id: string,
      failed?: { errors: FieldError[]; values: FormBody },
    ) {
      const errors = failed?.errors;
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
        values: failed?.values ?? {},
        errors,
      });
    }

    app.get(
      '/matching/review/:id',
      { config: { access: 'matching:review' }, schema: { params: ID_PARAMS, querystring: PageQuery } },
      (request, reply) => reviewPage(request, reply, request.params.id),
    );

    app.post(
      '/matching/review/:id',
      {
        config: { access: 'matching:review' },
        schema: { params: ID_PARAMS, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id } = request.params;
        let result: { decision: string };
        try {
          result = await ctx.service.decideReview(actorOf(request), id, request.body);
        } catch (error) {
          if (error instanceof ValidationError)
            return reviewPage(request, reply, request.params.id, {
              errors: error.errors,
              values: request.body,
            });
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
          body: Type.Object(
            { decision: code(REVIEW_DECISIONS), note: Type.Optional(Type.String({ maxLength: 2000 })) },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => {
        const { id } = request.params;
        return ctx.service.decideReview(actorOf(request), id, request.body);
      },
    );

    app.get(
      '/admin/matching',
      { config: { access: 'matching:view_model' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        const model = await ctx.service.model(actorOf(request));
        const params = model.current?.params;
        // The people table holds no towns, places of birth or extract-only fields: those
        // comparisons serve `lantern link` alone and would only show empty rows here.
        const comparisons = COMPARISONS.map((c, i) => ({
          name: c.name as string,
          label: c.label,
          levels: c.levels.slice(1).map((level, k) => {
            const l = k + 1;
            const m = params?.m[i][l] ?? 0;
            const u = params?.u[i][l] ?? 0;
            return { level, m, u, weight: m && u ? Math.log2(m / u) : 0 };
          }),
        })).filter((c) => !LINK_ONLY_COMPARISONS.has(c.name));
        return renderPage(request, reply, 'matching/views/model.njk', {
          title: 'Person matching model',
          model,
          comparisons,
          rules: BLOCKING_RULES.map((r) => r.name),
          canTrain: hasPermission(request.actor, 'matching:train'),
          trained: request.query.trained,
        });
      },
    );

    app.post(
      '/admin/matching/train',
      { config: { access: 'matching:train' }, schema: { body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const version = await ctx.service.train(actorOf(request));
        return reply.redirect(`/admin/matching?trained=${version}`);
      },
    );
  };
}

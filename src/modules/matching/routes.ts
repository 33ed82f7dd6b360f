import type { FastifyInstance } from 'fastify';
import { hasPermission } from '../../platform/access.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { Services } from '../../services.ts';
import { BLOCKING_RULES } from './blocking.ts';
import { COMPARISONS } from './comparisons.ts';
import { QUERY_FIELDS } from './extract.ts';

const matchBody = {
  type: 'object',
  additionalProperties: false,
  properties: Object.fromEntries(QUERY_FIELDS.map((f) => [f, { type: ['string', 'null'], maxLength: 100 }])),
} as const;

export function matchingRoutes(services: Services) {
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
      async (request) => services.matching.match(actorOf(request), request.body as Record<string, unknown>),
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
        const id = await services.matching.recordDecision(
          actorOf(request),
          request.body as Record<string, unknown>,
        );
        return reply.code(201).send({ id });
      },
    );

    // From the contact page: "not this person".
    app.post('/matching/decisions', { config: { access: 'matching:decide' } }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, string>;
      await services.matching.recordDecision(actorOf(request), body);
      const back =
        typeof body.back === 'string' && /^\/contacts\/[0-9a-f-]{36}\?[\w=&%.+-]*$/.test(body.back)
          ? body.back
          : '/contacts';
      return reply.redirect(`${back}#people-search`);
    });

    app.get('/admin/matching', { config: { access: 'matching:view_model' } }, async (request, reply) => {
      const model = await services.matching.model(actorOf(request));
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
      const version = await services.matching.train(actorOf(request));
      return reply.redirect(`/admin/matching?trained=${version}`);
    });
  };
}

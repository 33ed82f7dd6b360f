import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type FieldError, ValidationError } from '../../platform/errors.ts';
import type { RouteContext } from '../../platform/module.ts';
import { code, FormBody, PageId, PageQuery, Type, typed } from '../../platform/schemas.ts';
import { ID_PARAMS } from '../../platform/validation.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { FlagsService } from './service.ts';

export type FlagsRouteContext = RouteContext<FlagsService, Record<string, unknown>>;

import { FLAG_NAMES, FLAG_TYPES, LEVEL_NAMES, RISK_LEVELS } from './reference.ts';

export function flagsRoutes(ctx: FlagsRouteContext) {
  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    async function flagPage(
      request: FastifyRequest,
      reply: FastifyReply,
      personId: string,
      extra: { errors?: FieldError[]; values?: Record<string, unknown> } = {},
    ) {
      const { current, history } = await ctx.service.forPerson(actorOf(request), personId);
      return renderPage(request, reply, 'flags/views/change.njk', {
        title: 'Set, change or end a flag',
        personId,
        current,
        history,
        values: extra.values ?? {},
        errors: extra.errors,
        flagItems: [
          { value: '', text: 'Select a flag' },
          ...FLAG_TYPES.map((f) => ({ value: f, text: FLAG_NAMES[f] })),
        ],
        levelItems: [
          ...RISK_LEVELS.map((l) => ({ value: l, text: LEVEL_NAMES[l] })),
          { value: 'ended', text: 'End the flag' },
        ],
        flagNames: FLAG_NAMES,
        levelNames: LEVEL_NAMES,
      });
    }

    app.get(
      '/people/:id/flags',
      { config: { access: 'flags:set' }, schema: { params: PageId } },
      async (request, reply) => flagPage(request, reply, request.params.id),
    );

    app.post(
      '/people/:id/flags',
      { config: { access: 'flags:set' }, schema: { params: PageId, body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        try {
          await ctx.service.set(actorOf(request), id, body);
          return reply.redirect(`/people/${id}?flagged=1#flags`);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return flagPage(request, reply.code(422), id, { errors: error.errors, values: body });
        }
      },
    );

    const tags = ['Flags'];
    app.get(
      '/api/v1/people/:id/flags',
      {
        config: { access: 'flags:view' },
        schema: { tags, summary: "A person's current flags and their full history", params: ID_PARAMS },
      },
      async (request) => ctx.service.forPerson(actorOf(request), request.params.id),
    );
    app.post(
      '/api/v1/people/:id/flags',
      {
        config: { access: 'flags:set' },
        schema: {
          tags,
          summary: 'Set, change or end a flag (level "ended"), with the reason',
          params: ID_PARAMS,
          body: Type.Object(
            {
              flagType: code(FLAG_TYPES),
              level: code([...RISK_LEVELS, 'ended'] as const, { description: '"ended" ends the flag' }),
              reason: Type.String({ maxLength: 2000 }),
            },
            {
              additionalProperties: false,
              examples: [{ flagType: 'cse', level: 'moderate', reason: 'Agreed at the DRAM on 1 December' }],
            },
          ),
        },
      },
      async (request, reply) => {
        const outcome = await ctx.service.set(actorOf(request), request.params.id, request.body);
        return reply.code(201).send({ outcome });
      },
    );
  };
}

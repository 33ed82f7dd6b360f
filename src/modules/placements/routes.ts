import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../../platform/errors.ts';
import type { RouteContext } from '../../platform/module.ts';
import { code, FormBody, PageId, Type, typed } from '../../platform/schemas.ts';
import { ID_PARAMS } from '../../platform/validation.ts';
import { actorOf, renderPage, saveForm } from '../../platform/web.ts';
import { PLACEMENT_KIND_NAMES, PLACEMENT_KINDS } from './reference.ts';
import type { PlacementsService } from './service.ts';

const PlacementBody = Type.Object(
  {
    kind: code(PLACEMENT_KINDS),
    provider: Type.String({ maxLength: 200 }),
    localAuthority: Type.String({ maxLength: 100 }),
    outOfArea: Type.Boolean({ description: 'Whether the placement is outside the partnership’s district' }),
    startedOn: Type.String({ format: 'date' }),
    moveReason: Type.Optional(Type.String({ maxLength: 2000, description: 'Required when the child moves' })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        kind: 'childrens_home',
        provider: 'Moorside House',
        localAuthority: 'Leeds',
        outOfArea: true,
        startedOn: '2026-11-02',
        moveReason: 'Foster placement ended at the carers’ request',
      },
    ],
  },
);

export function placementsRoutes(ctx: RouteContext<PlacementsService, Record<string, unknown>>) {
  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    async function formPage(
      request: FastifyRequest,
      reply: FastifyReply,
      personId: string,
      extra: { errors?: FieldError[]; values?: Record<string, unknown> } = {},
    ) {
      const placements = await ctx.service.forPerson(actorOf(request), personId);
      return renderPage(request, reply, 'placements/views/form.njk', {
        title: 'Record a placement or a move',
        personId,
        placements,
        values: extra.values ?? {},
        errors: extra.errors,
        kindItems: PLACEMENT_KINDS.map((k) => ({ value: k, text: PLACEMENT_KIND_NAMES[k] })),
      });
    }

    app.get(
      '/people/:id/placements',
      { config: { access: 'placements:record' }, schema: { params: PageId } },
      async (request, reply) => formPage(request, reply, request.params.id),
    );
    app.post(
      '/people/:id/placements',
      { config: { access: 'placements:record' }, schema: { params: PageId, body: FormBody } },
      async (request, reply) => {
        const { id } = request.params;
        return saveForm(
          reply,
          async () => {
            await ctx.service.record(actorOf(request), id, request.body);
            return `/people/${id}#placements`;
          },
          (errors, refused) => formPage(request, refused, id, { errors, values: request.body }),
        );
      },
    );
    app.get(
      '/placements/out-of-area',
      { config: { access: 'placements:view_out_of_area' } },
      async (request, reply) => {
        const list = await ctx.service.outOfArea(actorOf(request));
        return renderPage(request, reply, 'placements/views/out-of-area.njk', {
          title: 'Children placed out of area',
          list,
        });
      },
    );

    const tags = ['Placements'];
    app.get(
      '/api/v1/people/:id/placements',
      {
        config: { access: 'placements:view' },
        schema: {
          tags,
          summary: "A looked-after child's placements and moves in the last 12 months",
          params: ID_PARAMS,
        },
      },
      async (request) => ctx.service.forPerson(actorOf(request), request.params.id),
    );
    app.post(
      '/api/v1/people/:id/placements',
      {
        config: { access: 'placements:record' },
        schema: {
          tags,
          summary:
            'Record a placement; when the child is already placed, a move (the current one ends that day)',
          params: ID_PARAMS,
          body: PlacementBody,
        },
      },
      async (request, reply) =>
        reply.code(201).send(await ctx.service.record(actorOf(request), request.params.id, request.body)),
    );
  };
}

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FieldError } from '../../platform/errors.ts';
import type { RouteContext } from '../../platform/module.ts';
import { code, FormBody, PageId, Type, typed } from '../../platform/schemas.ts';
import { ID_PARAMS } from '../../platform/validation.ts';
import { actorOf, renderPage, saveForm } from '../../platform/web.ts';
import { EDUCATION_KIND_NAMES, EDUCATION_KINDS, WHEREABOUTS, WHEREABOUTS_NAMES } from './reference.ts';
import type { EducationService } from './service.ts';

const EducationBody = Type.Object(
  {
    kind: code(EDUCATION_KINDS),
    startedOn: Type.String({ format: 'date', description: 'The day it happened, started or was registered' }),
    endedOn: Type.Optional(Type.String({ format: 'date' })),
    school: Type.Optional(Type.String({ maxLength: 200 })),
    yearGroup: Type.Optional(Type.Integer({ minimum: 0, maximum: 14, description: '0 is Reception' })),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: 'School days (suspensions)' })),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        kind: 'suspension',
        startedOn: '2026-11-18',
        school: 'Tong Leadership Academy',
        days: 3,
        reason: 'Fighting',
      },
    ],
  },
);

const EventParams = Type.Object({ id: Type.String(), eventId: Type.String() });

export function educationRoutes(ctx: RouteContext<EducationService, Record<string, unknown>>) {
  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    async function formPage(
      request: FastifyRequest,
      reply: FastifyReply,
      personId: string,
      extra: { errors?: FieldError[]; values?: Record<string, unknown>; whereaboutsFor?: string } = {},
    ) {
      const education = await ctx.service.forPerson(actorOf(request), personId);
      return renderPage(request, reply, 'education/views/form.njk', {
        title: 'Record education',
        personId,
        education,
        values: extra.values ?? {},
        errors: extra.errors,
        whereaboutsFor: extra.whereaboutsFor,
        kindItems: EDUCATION_KINDS.map((k) => ({ value: k, text: EDUCATION_KIND_NAMES[k] })),
        whereaboutsItems: WHEREABOUTS.map((w) => ({ value: w, text: WHEREABOUTS_NAMES[w] })),
      });
    }

    app.get(
      '/people/:id/education',
      { config: { access: 'education:record' }, schema: { params: PageId } },
      async (request, reply) => formPage(request, reply, request.params.id),
    );
    app.post(
      '/people/:id/education',
      { config: { access: 'education:record' }, schema: { params: PageId, body: FormBody } },
      async (request, reply) => {
        const { id } = request.params;
        return saveForm(
          reply,
          async () => {
            await ctx.service.record(actorOf(request), id, request.body);
            return `/people/${id}#education`;
          },
          (errors, refused) => formPage(request, refused, id, { errors, values: request.body }),
        );
      },
    );
    app.post(
      '/people/:id/education/:eventId/whereabouts',
      { config: { access: 'education:record' }, schema: { params: EventParams, body: FormBody } },
      async (request, reply) => {
        const { id, eventId } = request.params;
        return saveForm(
          reply,
          async () => {
            await ctx.service.establishWhereabouts(actorOf(request), id, eventId, request.body);
            return `/people/${id}#education`;
          },
          (errors, refused) =>
            formPage(request, refused, id, { errors, values: request.body, whereaboutsFor: eventId }),
        );
      },
    );

    const tags = ['Education'];
    app.get(
      '/api/v1/people/:id/education-events',
      {
        config: { access: 'education:view' },
        schema: { tags, summary: "A child's education: status in words and every event", params: ID_PARAMS },
      },
      async (request) => ctx.service.forPerson(actorOf(request), request.params.id),
    );
    app.post(
      '/api/v1/people/:id/education-events',
      {
        config: { access: 'education:record' },
        schema: {
          tags,
          summary:
            'Record an education event (school place, suspension, exclusion, part-time timetable, alternative provision, missing education, home education)',
          params: ID_PARAMS,
          body: EducationBody,
        },
      },
      async (request, reply) =>
        reply.code(201).send(await ctx.service.record(actorOf(request), request.params.id, request.body)),
    );
  };
}

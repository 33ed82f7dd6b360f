import type { FastifyInstance, FastifyReply } from 'fastify';
import { hasPermission } from '../../platform/access.ts';
import { ConflictError, type FieldError, ValidationError } from '../../platform/errors.ts';
import type { RouteContext } from '../../platform/module.ts';
import {
  code,
  FormBody,
  nullable,
  PageId,
  PageQuery,
  type PageRequest,
  Type,
  typed,
} from '../../platform/schemas.ts';
import { ID_PARAMS } from '../../platform/validation.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { AssessmentsService } from './service.ts';

export type AssessmentsRouteContext = RouteContext<AssessmentsService, Record<string, unknown>>;

import { ASSESSED_LEVELS, FLAG_NAMES, FLAG_TYPES, LEVEL_NAMES } from '../flags/index.ts';
import { checkLanguage } from '../language/index.ts';
import { SPECIALIST_REFERRALS } from './reference.ts';
import { ANSWERS } from './rules.ts';

type Form = Record<string, unknown>;

export function assessmentsRoutes(ctx: AssessmentsRouteContext) {
  const assessments = ctx.service;

  async function page(
    request: PageRequest,
    reply: FastifyReply,
    id: string,
    extra: { errors?: FieldError[]; values?: Form; saved?: boolean } = {},
  ) {
    const actor = actorOf(request);
    const { assessment, rules, scored } = await assessments.get(actor, id);
    const values: Form = extra.values ?? {
      ...Object.fromEntries(Object.entries(assessment.answers).map(([k, v]) => [`a-${k}`, v])),
      flagTypes: assessment.flagTypes,
      analysis: assessment.analysis,
      overrideLevel: assessment.overrideLevel ?? '',
      overrideReason: assessment.overrideReason,
      specialistReferral: assessment.specialistReferral,
      specialistReferralNote: assessment.specialistReferralNote,
    };
    const editable = assessment.status === 'in_progress' && hasPermission(actor, 'assessments:record');
    // What other modules hold about the child, beside the themes it bears on (education, missing).
    const [education, missing] = editable
      ? await Promise.all([
          ctx.capabilities.educationFacts?.(actor, assessment.personId) ?? [],
          ctx.capabilities.missingFacts?.(actor, assessment.personId) ?? [],
        ])
      : [[], []];
    return renderPage(
      request,
      reply,
      editable ? 'assessments/views/form.njk' : 'assessments/views/show.njk',
      {
        title: `Exploitation assessment: ${assessment.personName}`,
        assessment,
        rules,
        scored,
        values,
        answerItems: ANSWERS.map((a) => ({ value: a, text: rules.answers[a] })),
        flagItems: FLAG_TYPES.map((f) => ({
          value: f,
          text: FLAG_NAMES[f],
          checked: [values.flagTypes ?? []].flat().includes(f),
        })),
        levelNames: LEVEL_NAMES,
        flagNames: FLAG_NAMES,
        canApprove: hasPermission(actor, 'assessments:approve'),
        analysisFindings: checkLanguage(String(values.analysis ?? '')),
        themeFacts: { education, missing },
        ...extra,
      },
    );
  }

  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    app.get(
      '/assessments/:id',
      { config: { access: 'assessments:view' }, schema: { params: PageId, querystring: PageQuery } },
      async (request, reply) => {
        const query = request.query;
        return page(request, reply, request.params.id, { saved: query.saved === '1' });
      },
    );

    app.post(
      '/assessments/:id',
      {
        config: { access: 'assessments:record' },
        schema: { params: PageId, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        const submitting = body.action === 'submit';
        try {
          await assessments.save(actorOf(request), id, Number(body.version), body, submitting);
          return reply.redirect(`/assessments/${id}${submitting ? '' : '?saved=1'}`);
        } catch (error) {
          if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error;
          const errors =
            error instanceof ValidationError ? error.errors : [{ field: 'analysis', message: error.message }];
          return page(request, reply.code(error instanceof ConflictError ? 409 : 422), id, {
            errors,
            values: body,
          });
        }
      },
    );

    app.post(
      '/assessments/:id/approval',
      {
        config: { access: 'assessments:approve' },
        schema: { params: PageId, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        try {
          await assessments.decideOverride(actorOf(request), id, body);
          return reply.redirect(`/assessments/${id}`);
        } catch (error) {
          if (!(error instanceof ValidationError) && !(error instanceof ConflictError)) throw error;
          const errors =
            error instanceof ValidationError ? error.errors : [{ field: 'decision', message: error.message }];
          return page(request, reply.code(422), id, { errors });
        }
      },
    );

    app.post(
      '/people/:id/assessments',
      {
        config: { access: 'assessments:record' },
        schema: { params: PageId, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id: assessmentId } = await assessments.start(actorOf(request), request.params.id);
        return reply.redirect(`/assessments/${assessmentId}`);
      },
    );

    // API
    const tags = ['Assessments'];
    app.get(
      '/api/v1/assessments/:id',
      {
        config: { access: 'assessments:view' },
        schema: { tags, summary: 'Read an assessment with its score', params: ID_PARAMS },
      },
      async (request) => {
        const { assessment, scored } = await assessments.get(actorOf(request), request.params.id);
        return { ...assessment, scored };
      },
    );
    app.post(
      '/api/v1/people/:id/assessments',
      {
        config: { access: 'assessments:record' },
        schema: { tags, summary: 'Start an assessment (or return the open one)', params: ID_PARAMS },
      },
      async (request, reply) => {
        const started = await assessments.start(
          actorOf(request),
          request.params.id,
          'Started through the API',
        );
        return reply.code(201).header('location', `/api/v1/assessments/${started.id}`).send(started);
      },
    );
    app.put(
      '/api/v1/assessments/:id',
      {
        config: { access: 'assessments:record' },
        schema: {
          tags,
          summary:
            'Save answers; with submit: true, score and complete it (or send an override for approval)',
          params: ID_PARAMS,
          body: Type.Object(
            {
              version: Type.Integer(),
              submit: Type.Optional(Type.Boolean()),
              answers: Type.Record(Type.String(), code(ANSWERS), {
                description: 'Each indicator id to current, earlier, not_present or not_known',
              }),
              flagTypes: Type.Optional(Type.Array(code(FLAG_TYPES))),
              analysis: Type.Optional(Type.String({ maxLength: 20000 })),
              overrideLevel: Type.Optional(nullable(code(ASSESSED_LEVELS))),
              overrideReason: Type.Optional(nullable(Type.String({ maxLength: 5000 }))),
              specialistReferral: Type.Optional(nullable(code(SPECIALIST_REFERRALS))),
              specialistReferralNote: Type.Optional(nullable(Type.String({ maxLength: 2000 }))),
            },
            {
              additionalProperties: false,
              examples: [
                {
                  version: 1,
                  submit: true,
                  answers: { 'cse-cars': 'current', 'mis-repeat': 'current' },
                  flagTypes: ['cse'],
                  analysis: 'Adults are grooming her; the missing episodes are linked.',
                },
              ],
            },
          ),
        },
      },
      async (request) => {
        const body = request.body;
        return assessments.save(
          actorOf(request),
          request.params.id,
          body.version,
          body,
          body.submit === true,
        );
      },
    );
    app.post(
      '/api/v1/assessments/:id/approval',
      {
        config: { access: 'assessments:approve' },
        schema: {
          tags,
          summary: 'Approve or decline a professional-judgement override',
          params: ID_PARAMS,
          body: Type.Object(
            {
              decision: code(['approve', 'decline'] as const),
              note: Type.Optional(Type.String({ maxLength: 2000 })),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => ({
        finalLevel: await assessments.decideOverride(actorOf(request), request.params.id, request.body),
      }),
    );
  };
}

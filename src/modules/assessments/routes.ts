import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasPermission } from '../../platform/access.ts';
import { ConflictError, type FieldError, ValidationError } from '../../platform/errors.ts';
import type { RouteContext } from '../../platform/module.ts';
import { ID_PARAMS } from '../../platform/validation.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { AssessmentsService } from './service.ts';

export type AssessmentsRouteContext = RouteContext<AssessmentsService, Record<string, unknown>>;

import { FLAG_NAMES, FLAG_TYPES, LEVEL_NAMES } from '../flags/index.ts';
import { checkLanguage } from '../language/index.ts';
import { ANSWERS } from './rules.ts';

type Form = Record<string, unknown>;

export function assessmentsRoutes(ctx: AssessmentsRouteContext) {
  const assessments = ctx.service;

  async function page(
    request: FastifyRequest,
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
        ...extra,
      },
    );
  }

  return async function plugin(app: FastifyInstance) {
    app.get('/assessments/:id', { config: { access: 'assessments:view' } }, async (request, reply) => {
      const query = request.query as Record<string, string>;
      return page(request, reply, (request.params as { id: string }).id, { saved: query.saved === '1' });
    });

    app.post('/assessments/:id', { config: { access: 'assessments:record' } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = (request.body ?? {}) as Form;
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
    });

    app.post(
      '/assessments/:id/approval',
      { config: { access: 'assessments:approve' } },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const body = (request.body ?? {}) as Form;
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
      { config: { access: 'assessments:record' } },
      async (request, reply) => {
        const { id: assessmentId } = await assessments.start(
          actorOf(request),
          (request.params as { id: string }).id,
        );
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
        const { assessment, scored } = await assessments.get(
          actorOf(request),
          (request.params as { id: string }).id,
        );
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
          (request.params as { id: string }).id,
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
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['version', 'answers'],
            properties: {
              version: { type: 'integer' },
              submit: { type: 'boolean' },
              answers: { type: 'object', additionalProperties: { type: 'string', enum: ANSWERS } },
              flagTypes: { type: 'array', items: { type: 'string', enum: FLAG_TYPES } },
              analysis: { type: 'string', maxLength: 20000 },
              overrideLevel: {
                type: ['string', 'null'],
                enum: ['none', 'emerging', 'moderate', 'significant', null],
              },
              overrideReason: { type: ['string', 'null'], maxLength: 5000 },
              specialistReferral: { type: ['string', 'null'], enum: ['made', 'not_made', null] },
              specialistReferralNote: { type: ['string', 'null'], maxLength: 2000 },
            },
          },
        },
      },
      async (request) => {
        const body = request.body as Form & { version: number; submit?: boolean };
        return assessments.save(
          actorOf(request),
          (request.params as { id: string }).id,
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
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['decision'],
            properties: {
              decision: { type: 'string', enum: ['approve', 'decline'] },
              note: { type: 'string', maxLength: 2000 },
            },
          },
        },
      },
      async (request) => ({
        finalLevel: await assessments.decideOverride(
          actorOf(request),
          (request.params as { id: string }).id,
          request.body as Form,
        ),
      }),
    );
  };
}

import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DatabaseUnavailableError, isUnavailable } from '../db/database.ts';
import { ForbiddenError } from './access.ts';
import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from './errors.ts';
import { renderPage } from './web.ts';

const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');

interface Problem {
  status: number;
  title: string;
  detail: string;
  errors?: { field: string; message: string }[];
  /** Pages: show the plain problem page rather than the one for the status. */
  plainPage?: boolean;
}

/** PostgreSQL refused a character: a NUL byte or text the database's encoding cannot hold. */
const BAD_TEXT_CODES = new Set(['22021', '22P05']);

function problemFor(error: FastifyError | Error): Problem {
  if (error instanceof DatabaseUnavailableError || isUnavailable(error)) {
    return {
      status: 503,
      title: 'Service Unavailable',
      detail:
        'The database is not available at the moment. Nothing already saved is lost; try again shortly.',
    };
  }
  const code = (error as { code?: string }).code;
  // Safety nets: input checks refuse these first, naming the field; this keeps any that slip
  // through from being a 500.
  if (code && BAD_TEXT_CODES.has(code)) {
    return {
      status: 400,
      title: 'Bad Request',
      detail: 'The request contains characters that cannot be stored (such as a NUL byte)',
    };
  }
  if (code === '40P01' || code === '40001') {
    return {
      status: 409,
      title: 'Conflict',
      detail: 'Someone else changed the same records at the same moment. Reload and try again.',
    };
  }
  if (error instanceof BadRequestError) {
    return {
      status: 400,
      title: 'Bad Request',
      detail: 'The request cannot be accepted',
      errors: error.errors,
    };
  }
  if (error instanceof ValidationError) {
    return {
      status: 422,
      title: 'Unprocessable Content',
      detail: 'Some fields are not valid',
      errors: error.errors,
    };
  }
  if (error instanceof NotFoundError) return { status: 404, title: 'Not Found', detail: error.message };
  if (error instanceof ForbiddenError) return { status: 403, title: 'Forbidden', detail: error.message };
  if (error instanceof ConflictError) return { status: 409, title: 'Conflict', detail: error.message };
  if (error instanceof UnauthenticatedError)
    return { status: 401, title: 'Unauthorized', detail: error.message };
  const fe = error as FastifyError;
  if (fe.validation) {
    // JSON Schema failures: name each field the way the client sent it.
    const errors = fe.validation.map((v) => {
      const missing = (v.params as { missingProperty?: string }).missingProperty;
      const extra = (v.params as { additionalProperty?: string }).additionalProperty;
      const field = [v.instancePath.replace(/^\//, '').replace(/\//g, '.'), missing ?? extra]
        .filter(Boolean)
        .join('.');
      const where = fe.validationContext && fe.validationContext !== 'body' ? `${fe.validationContext}.` : '';
      const message = missing
        ? 'is required'
        : extra
          ? 'is not a recognised field'
          : (v.message ?? 'is not valid');
      return { field: `${where}${field}` || (fe.validationContext ?? 'body'), message };
    });
    return { status: 400, title: 'Bad Request', detail: 'The request does not match the schema', errors };
  }
  if (fe.code?.startsWith('FST_CSRF')) {
    return {
      status: 403,
      title: 'Your form has expired',
      detail: 'The form had expired. Go back, reload the page and try again.',
      plainPage: true,
    };
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, title: 'Request not accepted', detail: fe.message };
  }
  return {
    status: 500,
    title: 'Internal Server Error',
    detail: 'Sorry, there is a problem with the service',
  };
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const problem = problemFor(error);
    if (problem.status === 503)
      request.log.warn({ code: (error as FastifyError).code }, 'database unavailable');
    else if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ status: problem.status, code: (error as FastifyError).code }, 'request refused');
    if (isApi(request)) {
      return reply
        .code(problem.status)
        .type('application/problem+json')
        .send({
          type: 'about:blank',
          instance: request.url.split('?')[0],
          requestId: request.id,
          ...problem,
        });
    }
    reply.code(problem.status);
    if (problem.status === 503) reply.header('Retry-After', '10');
    return renderErrorPage(request, reply, problem);
  });

  app.setNotFoundHandler({ preHandler: async () => undefined }, async (request, reply) => {
    const problem = { status: 404, title: 'Not Found', detail: 'Page not found' };
    if (isApi(request)) {
      return reply
        .code(404)
        .type('application/problem+json')
        .send({ type: 'about:blank', ...problem });
    }
    reply.code(404);
    return renderErrorPage(request, reply, problem);
  });
}

function renderErrorPage(request: FastifyRequest, reply: FastifyReply, problem: Problem) {
  const template = problem.plainPage
    ? 'errors/problem.njk'
    : problem.status === 404
      ? 'errors/404.njk'
      : problem.status === 403
        ? 'errors/403.njk'
        : problem.status === 503
          ? 'errors/503.njk'
          : problem.status >= 500
            ? 'errors/500.njk'
            : 'errors/problem.njk';
  return renderPage(request, reply, template, { problem, requestId: request.id });
}

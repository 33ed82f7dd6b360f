import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError } from './access.ts';
import { ConflictError, NotFoundError, UnauthenticatedError, ValidationError } from './errors.ts';
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

function problemFor(error: FastifyError | Error): Problem {
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
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
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
        : problem.status >= 500
          ? 'errors/500.njk'
          : 'errors/problem.njk';
  return renderPage(request, reply, template, { problem, requestId: request.id });
}

export { ForbiddenError } from './access.ts';

export interface FieldError {
  field: string;
  message: string;
}

/** Input that breaks a rule: each message names the field and says how to put it right. */
export class ValidationError extends Error {
  readonly status = 422;
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

/** The request itself cannot be accepted (malformed text, a bad header): 400, naming the field. */
export class BadRequestError extends Error {
  readonly status = 400;
  constructor(readonly errors: FieldError[]) {
    super(errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
}

export class NotFoundError extends Error {
  readonly status = 404;
  constructor(message = 'Not found') {
    super(message);
  }
}

/** Someone else changed the record since it was read: refuse rather than overwrite their change. */
export class ConflictError extends Error {
  readonly status = 409;
}

export class UnauthenticatedError extends Error {
  readonly status = 401;
  constructor(message = 'Sign in to continue') {
    super(message);
  }
}

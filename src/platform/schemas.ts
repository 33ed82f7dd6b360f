import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import Type, { type Static, type TSchema } from 'typebox';

/**
 * Requests are described once, in TypeBox: from one schema come Fastify's validation, the
 * handler's TypeScript type (through the type provider) and the OpenAPI. A form's *shape* is checked
 * here; its rules — required fields, lengths, codes — are the service's, which gives each field its
 * GOV.UK message in the words of the form and keeps what was typed.
 */
export { type Static, type TSchema, Type };

/** Routes declared on this instance get their request types from their schemas. */
export const typed = (app: FastifyInstance) => app.withTypeProvider<TypeBoxTypeProvider>();

/** An API path with one record id (a malformed id is a 400 naming it). */
export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/** A page's path with one record id (a malformed id is the page's 404, as for one that is not there). */
export const PageId = Type.Object({ id: Type.String() });

/** What a browser sends for a field: text, or several texts (checkboxes, repeated fields). */
const FieldValue = Type.Union([Type.String(), Type.Array(Type.String())]);

/** An HTML form as the browser sends it (the service applies the form's rules). */
export const FormBody = Type.Record(Type.String(), FieldValue);
export type FormBody = Static<typeof FormBody>;

/** A page's query string. */
export const PageQuery = Type.Record(Type.String(), FieldValue);
export type PageQuery = Static<typeof PageQuery>;

/** One value of a query or form field: the first when the browser sent several. */
export function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** One of a code list (for the API's JSON bodies and answers). */
export const code = <const T extends readonly string[]>(list: T, options: { description?: string } = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...list], ...options });

/** The value, or null. */
export const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A page request as the helpers that render pages read it. */
export type PageRequest = FastifyRequest<{ Querystring: PageQuery }>;

import { createHash } from 'node:crypto';
import { Type } from './schemas.ts';

/**
 * Idempotent API intake (contacts, missing episodes): a calling system sends an Idempotency-Key
 * with each new record; a retry with the same key and body returns the first record, the same key
 * with a different body is refused (422), and the database's unique index settles races.
 */
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'Visible ASCII, unique per record; a retry with the same key and body returns the first',
    }),
  ),
});

/** A stable digest of a request body: the same JSON in any key order gives the same hash. */
export function bodyHash(body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

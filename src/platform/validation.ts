import type { FieldError } from './errors.ts';
import { ValidationError } from './errors.ts';

/** Collects field errors while a form or API body is read; throws them together at the end. */
export class Checker {
  readonly errors: FieldError[] = [];

  add(field: string, message: string): void {
    if (!this.errors.some((e) => e.field === field)) this.errors.push({ field, message });
  }

  /** Trimmed text, or undefined when blank. Adds an error when required and blank or too long. */
  text(
    value: unknown,
    field: string,
    opts: { label: string; required?: boolean; max?: number; requiredMessage?: string },
  ): string | undefined {
    if (value !== undefined && value !== null && typeof value !== 'string') {
      this.add(field, `${opts.label} must be text`);
      return undefined;
    }
    const bad = badTextMessage(value ?? '');
    if (bad) {
      this.add(field, `${opts.label} ${bad}`);
      return undefined;
    }
    const text = (value ?? '').trim();
    if (!text) {
      if (opts.required) this.add(field, opts.requiredMessage ?? `Enter ${opts.label.toLowerCase()}`);
      return undefined;
    }
    const max = opts.max ?? 200;
    if (text.length > max) this.add(field, `${opts.label} must be ${max} characters or fewer`);
    return text;
  }

  oneOf<T extends string>(
    value: unknown,
    field: string,
    allowed: readonly T[],
    opts: { label: string; required?: boolean; requiredMessage?: string },
  ): T | undefined {
    if (value === undefined || value === null || value === '') {
      if (opts.required) this.add(field, opts.requiredMessage ?? `Select ${opts.label.toLowerCase()}`);
      return undefined;
    }
    if (typeof value !== 'string' || !allowed.includes(value as T)) {
      this.add(field, `${opts.label} must be one of: ${allowed.join(', ')}`);
      return undefined;
    }
    return value as T;
  }

  throwIfAny(): void {
    if (this.errors.length) throw new ValidationError(this.errors);
  }
}

/** Routes with one `:id` path parameter holding a UUID (see schemas.ts). */
export { IdParams as ID_PARAMS } from './schemas.ts';

/** Form checkboxes arrive as a string, an array of strings, or nothing. */
export function asList(value: unknown): string[] {
  if (value === undefined || value === null || value === '') return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/**
 * Why a string cannot be stored, or undefined when it can: PostgreSQL cannot hold a NUL character,
 * and a lone UTF-16 surrogate is not text at all (it would silently become U+FFFD).
 */
export function badTextMessage(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain a NUL character';
  if (!value.isWellFormed()) return 'contains characters that are not valid Unicode';
  return undefined;
}

/** The first string anywhere in a request's body, query or path that cannot be stored. */
export function findBadText(value: unknown, path: string): { field: string; message: string } | undefined {
  if (typeof value === 'string') {
    const bad = badTextMessage(value);
    return bad ? { field: path, message: bad } : undefined;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findBadText(item, `${path}.${i}`);
      if (found) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const keyBad = badTextMessage(key);
      if (keyBad) return { field: path, message: `has a field name that ${keyBad}` };
      const found = findBadText(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return undefined;
}

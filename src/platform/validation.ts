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

  /** A calendar date typed as YYYY-MM-DD; undefined when blank or wrong (with an error). */
  date(
    value: unknown,
    field: string,
    opts: { label: string; required?: boolean; notFuture?: boolean; today?: string },
  ): string | undefined {
    const text = this.text(value, field, { label: opts.label, required: opts.required, max: 10 });
    if (!text) return undefined;
    if (!isIsoDate(text)) {
      this.add(field, `${opts.label} must be a real date, like 2026-11-20`);
      return undefined;
    }
    if (opts.notFuture && text > (opts.today ?? londonDate(new Date()))) {
      this.add(field, `${opts.label} must be today or in the past`);
      return undefined;
    }
    return text;
  }

  /**
   * A moment: from a form, a London date and a 24-hour time typed apart (`field`-date and
   * `field`-time); from the API, ISO 8601 text with its offset. Undefined when blank or wrong.
   */
  instant(
    value: unknown,
    field: string,
    opts: { label: string; required?: boolean; notFuture?: boolean; time?: unknown },
  ): Date | undefined {
    let at: Date | undefined;
    if (opts.time !== undefined) {
      const day = this.date(value, `${field}-date`, {
        label: `Date ${opts.label.toLowerCase()}`,
        required: opts.required,
      });
      const time = this.text(opts.time, `${field}-time`, {
        label: `Time ${opts.label.toLowerCase()}`,
        max: 5,
      });
      if (!day) {
        if (time && !opts.required) this.add(`${field}-date`, `Enter the date ${opts.label.toLowerCase()}`);
        return undefined;
      }
      if (!time) {
        this.add(`${field}-time`, `Enter the time ${opts.label.toLowerCase()}, like 21:30`);
        return undefined;
      }
      const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(time);
      if (!m) {
        this.add(`${field}-time`, `Time ${opts.label.toLowerCase()} must be a 24-hour time, like 21:30`);
        return undefined;
      }
      at = fromLondon(day, Number(m[1]), Number(m[2]));
      field = `${field}-date`;
    } else {
      const text = this.text(value, field, { label: opts.label, required: opts.required, max: 40 });
      if (!text) return undefined;
      const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
      at = iso.test(text) && isIsoDate(text.slice(0, 10)) ? new Date(text) : undefined;
      if (!at || Number.isNaN(at.getTime())) {
        this.add(field, `${opts.label} must be a date and time with its offset, like 2026-11-20T21:30:00Z`);
        return undefined;
      }
    }
    // A few minutes' grace: the calling system's clock and ours may differ a little.
    if (opts.notFuture && at.getTime() > Date.now() + 5 * 60_000) {
      this.add(field, `${opts.label} must not be in the future`);
      return undefined;
    }
    return at;
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

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

const LONDON_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const LONDON_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's (or an instant's) date in London, YYYY-MM-DD. */
export const londonDate = (at: Date): string => LONDON_DATE.format(at);

/** The instant a London wall-clock date and time name (the later one in the autumn's repeated hour). */
export function fromLondon(day: string, hour: number, minute: number): Date {
  const [y, mo, d] = day.split('-').map(Number);
  const wall = Date.UTC(y, mo - 1, d, hour, minute);
  const offsetAt = (t: number) => {
    const p = Object.fromEntries(LONDON_PARTS.formatToParts(new Date(t)).map((x) => [x.type, x.value]));
    return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) - t;
  };
  const first = wall - offsetAt(wall);
  return new Date(wall - offsetAt(first));
}

/** A London date and time as a form shows them back ({ date: YYYY-MM-DD, time: HH:MM }). */
export function toLondon(at: Date): { date: string; time: string } {
  const p = Object.fromEntries(LONDON_PARTS.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type nunjucks from 'nunjucks';
import type { Actor } from './access.ts';
import { hasPermission, ROLE_NAMES } from './access.ts';
import { type FieldError, UnauthenticatedError, ValidationError } from './errors.ts';
import { monthName } from './figures/index.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

export const VIEW_PATHS = [
  path.join(here, 'views'),
  path.join(root, 'src/modules'),
  path.join(root, 'node_modules/govuk-frontend/dist'),
  path.join(root, 'node_modules/@ministryofjustice/frontend'),
];

const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'Europe/London',
});
const DATE_TIME_FORMAT = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
});

const TIME_FORMAT = new Intl.DateTimeFormat('en-GB', {
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: 'Europe/London',
});

export function formatDate(value: string | Date | null | undefined): string {
  if (!value) return '';
  const date = typeof value === 'string' ? new Date(`${value.slice(0, 10)}T12:00:00Z`) : value;
  return DATE_FORMAT.format(date);
}

export function configureNunjucks(env: nunjucks.Environment): void {
  env.addFilter('date', formatDate);
  env.addFilter('dateTime', (value: Date | string | null) =>
    value ? DATE_TIME_FORMAT.format(new Date(value)) : '',
  );
  env.addFilter('monthName', (month: string) => monthName(month));
  /** A figure as a table shows it: "c" when withheld, else grouped digits (or two decimal places). */
  env.addFilter('figure', (value: number | string, decimals?: number) =>
    typeof value !== 'number'
      ? value
      : decimals
        ? value.toLocaleString('en-GB', { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
        : value.toLocaleString('en-GB'),
  );
  env.addFilter('roleName', (role: keyof typeof ROLE_NAMES) => ROLE_NAMES[role] ?? role);
  /** A GOV.UK tag describing a due time: overdue (red), due today (orange) or how long is left. */
  env.addFilter('dueTag', (due: Date | string, now: Date = new Date()) => dueTag(new Date(due), now));
  /** GOV.UK error summary list from field errors; hrefs point at the field's id. */
  env.addFilter('errorList', (errors: FieldError[] | undefined) =>
    (errors ?? []).map((e) => ({ text: e.message, href: `#${e.field}` })),
  );
  /** The error message object for one field, as GOV.UK macros expect, or undefined. */
  env.addFilter('fieldError', (errors: FieldError[] | undefined, field: string) => {
    const found = (errors ?? []).find((e) => e.field === field);
    return found ? { text: found.message } : undefined;
  });
}

export function dueTag(due: Date, now: Date): { text: string; classes: string } {
  const hours = (due.getTime() - now.getTime()) / 3_600_000;
  const sameDay = DATE_FORMAT.format(due) === DATE_FORMAT.format(now);
  const span = (h: number) =>
    h >= 48 ? `${Math.floor(h / 24)} days` : h >= 1 ? `${Math.floor(h)} hours` : 'less than an hour';
  if (hours < 0) return { text: `Overdue by ${span(-hours)}`, classes: 'govuk-tag--red' };
  if (sameDay) return { text: `Due today, ${TIME_FORMAT.format(due)}`, classes: 'govuk-tag--orange' };
  return { text: `Due in ${span(hours)}`, classes: hours < 48 ? 'govuk-tag--yellow' : 'govuk-tag--grey' };
}

export interface PageContext {
  [key: string]: unknown;
  errors?: FieldError[];
}

interface NavItem {
  href: string;
  text: string;
  active: boolean;
}

export const SESSION_COOKIE = 'lantern_session';

/** The navigation, as the modules declare it (set once when the app is built). */
let entries: { href: string; text: string; permission: string; order: number }[] = [];

export function setNavigation(
  list: { href: string; text: string; permission: string; order: number }[],
): void {
  entries = [...list].sort((a, b) => a.order - b.order);
}

export function navigation(actor: Actor | undefined, url: string): NavItem[] {
  if (!actor) return [];
  return entries
    .filter((e) => hasPermission(actor, e.permission))
    .map((e) => ({ href: e.href, text: e.text, active: url === e.href || url.startsWith(`${e.href}/`) }));
}

/** Renders a page with what every page needs: the user, navigation, CSRF token and CSP nonce. */
export async function renderPage(
  request: FastifyRequest,
  reply: FastifyReply,
  template: string,
  context: PageContext = {},
): Promise<FastifyReply> {
  const url = request.url.split('?')[0];
  const actor = request.actor;
  return reply.view(template, {
    ...context,
    actor,
    navigation: navigation(actor, url),
    csrfToken: reply.generateCsrf(),
    cspNonce: reply.cspNonce,
    ...request.pageContext,
    timeout: request.session
      ? { idleSeconds: request.session.idleSeconds, warningSeconds: request.session.warningSeconds }
      : undefined,
  });
}

/** The signed-in actor; the access hook guarantees one on protected routes, this makes it explicit. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new UnauthenticatedError();
  return request.actor;
}

/**
 * A form's POST: saves and goes on to the address `save` returns; input the service refuses shows
 * the form again (422) with its errors and what was typed. Any other error is the error handler's.
 */
export async function saveForm(
  reply: FastifyReply,
  save: () => Promise<string>,
  showAgain: (errors: FieldError[], refused: FastifyReply) => Promise<FastifyReply>,
): Promise<FastifyReply> {
  try {
    return reply.redirect(await save(), 303);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return showAgain(error.errors, reply.code(422));
  }
}

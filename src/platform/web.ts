import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type nunjucks from 'nunjucks';
import type { Actor } from './access.ts';
import { hasPermission, ROLE_NAMES } from './access.ts';
import { type FieldError, UnauthenticatedError } from './errors.ts';

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
  env.addFilter('roleName', (role: keyof typeof ROLE_NAMES) => ROLE_NAMES[role] ?? role);
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

export interface PageContext {
  [key: string]: unknown;
  errors?: FieldError[];
}

interface NavItem {
  href: string;
  text: string;
  active: boolean;
}

export function navigation(actor: Actor | undefined, url: string): NavItem[] {
  if (!actor) return [];
  const items: [string, string, string][] = [
    ['/people', 'People', 'people:search'],
    ['/reports/wards', 'Ward reports', 'reports:view_wards'],
    ['/admin/users', 'Users', 'accounts:manage_users'],
  ];
  return items
    .filter(([, , permission]) => hasPermission(actor, permission))
    .map(([href, text]) => ({ href, text, active: url === href || url.startsWith(`${href}/`) }));
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
    cspNonce: reply.cspNonce?.script,
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

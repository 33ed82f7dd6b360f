import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import view from '@fastify/view';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import helmet from 'helmet';
import nunjucks from 'nunjucks';
import type { Config } from './config.ts';
import { type Actor, ForbiddenError, hasPermission, type RouteAccess, rolesFor } from './platform/access.ts';
import { registerErrorHandling } from './platform/error-handler.ts';
import { BadRequestError } from './platform/errors.ts';
import type { Capabilities, Identify, PageContextSource, PersonPanel } from './platform/module.ts';
import { findBadText } from './platform/validation.ts';
import { configureNunjucks, navigation, SESSION_COOKIE, setNavigation, VIEW_PATHS } from './platform/web.ts';
import type { Services } from './services.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route. Every route must say; the app refuses to start otherwise. */
    access?: RouteAccess;
  }
  interface FastifyInstance {
    /** Every route with its access rule, for the route × role test and documentation. */
    routeTable: RouteEntry[];
  }
  interface FastifyReply {
    /** This response's CSP nonce: the page's own script tag carries it. */
    cspNonce: string;
  }
  interface FastifyRequest {
    actor?: Actor;
    session?: { token: string; idleSeconds: number; warningSeconds: number; secondsLeft: number };
    sessionExpired?: boolean;
    /** What modules show on every page (see ModuleDescriptor.pageContext), by key. */
    pageContext?: Record<string, unknown>;
  }
}

export { SESSION_COOKIE } from './platform/web.ts';

/** The CSRF token a form or header carries, if it is one string. */
function csrfTokenOf(carrier: unknown): string | undefined {
  if (!carrier || typeof carrier !== 'object' || !('_csrf' in carrier)) return undefined;
  const token = carrier._csrf;
  return typeof token === 'string' ? token : undefined;
}

export interface RouteEntry {
  method: string;
  url: string;
  access: RouteAccess;
}

/** Refuses a route that does not say who may call it, or names a permission no policy declares. */
export function requireAccessRule(route: {
  method: string | string[];
  url: string;
  config?: { access?: RouteAccess };
}): RouteAccess {
  const access = route.config?.access;
  if (!access) throw new Error(`Route ${route.method} ${route.url} declares no access rule`);
  if (access !== 'public' && access !== 'signed-in' && !rolesFor(access)) {
    throw new Error(`Route ${route.method} ${route.url} needs "${access}", which no policy declares`);
  }
  return access;
}
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

export const isApi = (request: FastifyRequest) => request.url.startsWith('/api/');

export async function createApp(services: Services, config: Config): Promise<FastifyInstance> {
  const { modules } = services.platform;
  const serviceOf = (name: string) => (services as unknown as Record<string, unknown>)[name];
  // What modules plug into: the navigation, who is asking, what every page shows, the parts of a
  // person's page, and what they offer each other.
  setNavigation(modules.flatMap((m) => m.navigation ?? []));
  const identify = modules.map((m) => m.identify?.(serviceOf(m.name))).find((x): x is Identify => !!x);
  if (!identify) throw new Error('No module says how requests are signed in');
  const pageContexts = modules.flatMap(
    (m) => (m.pageContext ? [m.pageContext(serviceOf(m.name))] : []) as PageContextSource[],
  );
  const personPanels = modules.flatMap((m) => (m.personPanels?.(serviceOf(m.name)) ?? []) as PersonPanel[]);
  const capabilities: Partial<Capabilities> = Object.assign(
    {},
    ...modules.map((m) => m.provides?.(serviceOf(m.name)) ?? {}),
  );

  const app = Fastify({
    // A hop count becomes proxy-addr's trust function: believe that many proxies in front.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (
            (hops: number) => (_address: string, hop: number) =>
              hop < hops
          )(config.trustProxy)
        : config.trustProxy,
    // Unknown fields are refused and named, never silently dropped; all errors are reported at once.
    ajv: { customOptions: { removeAdditional: false, allErrors: true } },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    // One log line per request, when it completes (see the onResponse hook), not two.
    logController: new LogController({ disableRequestLogging: true }),
    logger: {
      level: config.logLevel,
      // No personal data in logs: paths without query strings, no bodies, no cookies or tokens.
      serializers: {
        req: (req) => ({ method: req.method, path: req.url.split('?')[0], id: req.id }),
        res: (res) => ({ statusCode: res.statusCode }),
        // Database errors can quote the values they refused (a name, an NHS number): keep their
        // code and where they came from, never their message or detail.
        err: (err: FastifyError & { constraint?: string; routine?: string }) => {
          const fromDatabase = typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code);
          return {
            type: err.constructor?.name ?? 'Error',
            code: err.code,
            constraint: err.constraint,
            routine: err.routine,
            message: fromDatabase ? `database error ${err.code}` : err.message,
            stack: (fromDatabase ? err.stack?.split('\n').slice(1).join('\n') : err.stack) ?? '',
          };
        },
      },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
    },
  });

  // Every route declares its access rule; static assets are public by nature.
  app.decorate('routeTable', [] as RouteEntry[]);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/assets')) {
      route.config = { ...(route.config ?? {}), access: route.config?.access ?? 'public' };
    }
    const access = requireAccessRule(route);
    for (const method of [route.method].flat()) app.routeTable.push({ method, url: route.url, access });
  });

  // Security headers from helmet, worked out once with a mark where each response's script nonce
  // goes, and then only set on each response: helmet builds and checks every directive again for
  // every response it handles (~2.9% of the service's main thread on API reads). (@fastify/helmet
  // even built the whole middleware again for every request.)
  const NONCE_MARK = 'lantern-nonce-mark';
  const securityHeaders: { name: string; value: string | [string, string] }[] = [];
  helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", `'nonce-${NONCE_MARK}'`],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        // Signing out of the identity provider too is a form's redirect to it.
        formAction: ["'self'", ...(config.oidc ? [new URL(config.oidc.issuer).origin] : [])],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: config.cookieSecure ? [] : null,
      },
    },
    strictTransportSecurity: config.cookieSecure,
  })(
    {} as IncomingMessage,
    {
      setHeader(name: string, value: string) {
        const [before, after] = String(value).split(NONCE_MARK);
        securityHeaders.push({ name, value: after === undefined ? before : [before, after] });
      },
      removeHeader() {}, // X-Powered-By, which Node never sets.
    } as unknown as ServerResponse,
    (error) => {
      if (error) throw error;
    },
  );
  // Nonces are 16 random bytes each, cut from a pool filled 256 at a time: one call to the
  // CSPRNG per request was ~2.7% of the service's CPU on API reads (as Node pools UUIDs).
  let noncePool = Buffer.alloc(0);
  let nonceAt = 0;
  const nonce = () => {
    if (nonceAt + 16 > noncePool.length) {
      noncePool = randomBytes(16 * 256);
      nonceAt = 0;
    }
    nonceAt += 16;
    return noncePool.toString('hex', nonceAt - 16, nonceAt);
  };
  app.decorateReply('cspNonce', '');
  app.addHook('onRequest', (_request, reply, done) => {
    reply.cspNonce = nonce();
    for (const { name, value } of securityHeaders)
      reply.raw.setHeader(name, typeof value === 'string' ? value : value[0] + reply.cspNonce + value[1]);
    done();
  });
  await app.register(cookie, { secret: config.sessionSecret });
  await app.register(formbody);
  await app.register(csrf, {
    cookieKey: 'lantern_csrf',
    cookieOpts: { signed: true, httpOnly: true, sameSite: 'strict', secure: config.cookieSecure, path: '/' },
    // A form's hidden field, or the header the page's own scripts send.
    getToken: (request) =>
      csrfTokenOf(request.body) ?? csrfTokenOf({ _csrf: request.headers['x-csrf-token'] }),
  });
  await app.register(fastifyStatic, {
    root: [
      path.join(ROOT, 'node_modules/govuk-frontend/dist/govuk/assets'),
      path.join(ROOT, 'node_modules/govuk-frontend/dist/govuk'),
      path.join(ROOT, 'node_modules/@ministryofjustice/frontend/moj'),
      path.join(ROOT, 'src/platform/assets'),
    ],
    prefix: '/assets/',
    index: false,
    allowedPath: (pathName) => /\.(css|js|mjs|map|woff2?|png|svg|ico|json)$/.test(pathName),
    maxAge: '1h',
  });
  await app.register(view, {
    engine: { nunjucks },
    templates: VIEW_PATHS,
    options: { onConfigure: configureNunjucks, autoescape: true, throwOnUndefined: false },
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lantern API',
        version: '1',
        description:
          'Multi-agency exploitation safeguarding: people, and (in later versions) contacts and flags.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Personal access token' },
        },
      },
      security: [{ bearerAuth: [] }],
    },
    hideUntagged: true,
  });

  // Who is asking: a session cookie on pages, a personal access token on the API.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/assets/')) return;
    if (isApi(request)) {
      const header = request.headers.authorization ?? '';
      const match = /^Bearer (\S+)$/i.exec(header);
      if (match) request.actor = await identify.fromToken(match[1]);
      if (request.actor) request.actor.requestId = request.id;
      return;
    }
    const signed = request.cookies[SESSION_COOKIE];
    if (!signed) return;
    const unsigned = request.unsignCookie(signed);
    if (!unsigned.valid || !unsigned.value) return;
    // Polling how long is left must not count as activity.
    const touch = request.url !== '/session/status';
    const found = await identify.fromSession(unsigned.value, { touch });
    if (found.state === 'active') {
      request.actor = { ...found.actor, requestId: request.id };
      request.session = {
        token: unsigned.value,
        idleSeconds: config.sessionIdleSeconds,
        warningSeconds: config.sessionWarningSeconds,
        secondsLeft: found.secondsLeft,
      };
    } else {
      request.sessionExpired = found.state === 'expired';
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
    }
  });

  // CSRF on every state-changing page request, then the route's access rule — both before any
  // input validation, so a caller without access learns nothing from the answer.
  app.addHook('preValidation', (request, reply, done) => {
    if (isApi(request) || ['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return done();
    // A file upload's fields are read later, by the routes that take uploads (the only ones that
    // accept multipart at all): they check the token themselves once the form is read.
    if (String(request.headers['content-type'] ?? '').startsWith('multipart/form-data')) return done();
    app.csrfProtection(request, reply, done);
  });
  app.addHook('preValidation', async (request, reply) => {
    const access = request.routeOptions.config?.access;
    if (!access || access === 'public') return;
    if (!request.actor) return refuseUnauthenticated(request, reply);
    if (access !== 'signed-in' && !hasPermission(request.actor, access)) throw new ForbiddenError();
  });

  // Text that cannot be stored (a NUL byte, a lone surrogate) is refused before any handler sees
  // it, naming the field. Pages check the same in their form readers, so what was typed is kept.
  app.addHook('preValidation', async (request) => {
    const bad = isApi(request)
      ? (findBadText(request.params, 'path') ??
        findBadText(request.query, 'query') ??
        findBadText(request.body, ''))
      : findBadText(request.params, 'path');
    if (bad) throw new BadRequestError([{ field: bad.field || 'body', message: bad.message }]);
  });

  // After an administrator's reset, a user may only choose a new password (or sign out).
  app.addHook('preHandler', async (request, reply) => {
    if (!request.actor?.mustChangePassword) return;
    const allowed = ['/account/password', '/sign-out', '/session/status', '/session/extend'];
    if (allowed.includes(request.url.split('?')[0]) || request.url.startsWith('/assets/')) return;
    if (isApi(request)) throw new ForbiddenError('Choose a new password on your account page first');
    return reply.redirect('/account/password?required=1', 303);
  });

  // What modules show on every page (the clock's "needs attention" banner), for those who may see it.
  app.addHook('preHandler', async (request) => {
    if (isApi(request) || request.method !== 'GET' || !request.actor) return;
    const actor = request.actor;
    const shown = pageContexts.filter((p) => hasPermission(actor, p.permission));
    const loaded = await Promise.all(shown.map((p) => p.load(actor)));
    request.pageContext = Object.fromEntries(shown.map((p, i) => [p.key, loaded[i]]));
  });

  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ req: request, res: reply, ms: Math.round(reply.elapsedTime) }, 'request completed');
  });

  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/assets/')) reply.header('Cache-Control', 'no-store');
  });

  registerErrorHandling(app);

  for (const m of modules) {
    if (!m.routes) continue;
    const deps = Object.fromEntries((m.needs ?? []).map((n) => [n, serviceOf(n)]));
    await app.register(async (scope) =>
      m.routes?.(scope, {
        service: serviceOf(m.name),
        deps,
        config,
        capabilities,
        personPanels,
        jobs: services.platform.jobs,
        databaseStatus: services.platform.databaseStatus,
      }),
    );
  }

  app.get('/api/v1/openapi.json', { config: { access: 'public' } }, async () => app.swagger());
  app.get('/', { config: { access: 'public' } }, async (request, reply) => {
    if (!request.actor) return reply.redirect('/sign-in');
    return reply.redirect(navigation(request.actor, '/')[0]?.href ?? '/account');
  });

  return app;
}

function refuseUnauthenticated(request: FastifyRequest, reply: FastifyReply) {
  if (isApi(request)) {
    return reply.code(401).type('application/problem+json').send({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'Send a valid personal access token as "Authorization: Bearer <token>"',
    });
  }
  const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
  const reason = request.sessionExpired ? `${next ? '&' : '?'}expired=1` : '';
  return reply.redirect(`/sign-in${next}${reason}`);
}

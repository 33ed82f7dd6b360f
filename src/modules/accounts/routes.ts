import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AGENCY_KIND_NAMES, ROLE_NAMES, ROLES } from '../../platform/access.ts';
import { ConflictError, type FieldError, ForbiddenError, ValidationError } from '../../platform/errors.ts';
import type { RouteContext } from '../../platform/module.ts';
import { FormBody, one, PageId, PageQuery, type PageRequest, typed } from '../../platform/schemas.ts';
import { Checker, ID_PARAMS } from '../../platform/validation.ts';
import { actorOf, renderPage, SESSION_COOKIE } from '../../platform/web.ts';
import { providerRoutes } from './provider-routes.ts';
import type { AccountsService } from './service.ts';

export type AccountsRouteContext = RouteContext<AccountsService, Record<string, unknown>>;

type Form = Record<string, unknown>;
const ADMIN = { access: 'accounts:manage_users' } as const;

/** Only same-site paths may be returned to after sign-in. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?!\/)[^\s\\]*$/.test(next) ? next : '/';
}

const roleItems = (selected: string[] = []) =>
  ROLES.map((role) => ({ value: role, text: ROLE_NAMES[role], checked: selected.includes(role) }));

export function accountsRoutes(ctx: AccountsRouteContext) {
  const { config } = ctx;
  const accounts = ctx.service;

  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.cookieSecure,
      signed: true,
    });

  function signInPage(request: PageRequest, reply: FastifyReply, extra: Form) {
    return renderPage(request, reply, 'accounts/views/sign-in.njk', {
      title: 'Sign in',
      next: '/',
      provider: accounts.provider ? { displayName: accounts.provider.displayName } : undefined,
      ...extra,
    });
  }

  async function userForm(request: PageRequest, reply: FastifyReply, template: string, ctx: Form) {
    const agencies = await accounts.listAgencies(actorOf(request));
    return renderPage(request, reply, template, {
      ...ctx,
      agencyItems: [
        { value: '', text: 'Select an agency' },
        ...agencies.map((a) => ({ value: a.id, text: `${a.name} (${AGENCY_KIND_NAMES[a.kind]})` })),
      ],
    });
  }

  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    app.get(
      '/sign-in',
      { config: { access: 'public' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        if (request.actor) return reply.redirect('/');
        const query = request.query;
        return signInPage(request, reply, {
          next: safeNext(query.next),
          expired: query.expired === '1',
          signedOut: query['signed-out'] === '1',
        });
      },
    );

    app.post(
      '/sign-in',
      { config: { access: 'public' }, schema: { body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const body = request.body;
        const check = new Checker();
        const username = check.text(body.username, 'username', {
          label: 'Username',
          required: true,
          max: 200,
        });
        const password = typeof body.password === 'string' ? body.password : '';
        if (!password) check.add('password', 'Enter your password');
        const next = safeNext(body.next);
        const again = (errors: { field: string; message: string }[]) =>
          signInPage(request, reply.code(errors.length ? 422 : 200), {
            errors,
            values: { username: body.username },
            next,
          });
        if (check.errors.length) return again(check.errors);
        const result = await accounts.signIn(username as string, password, {
          requestId: request.id,
          address: request.ip,
        });
        if (!result.ok) {
          const message =
            result.reason === 'throttled'
              ? 'There have been too many attempts to sign in. Wait a few minutes and try again.'
              : 'Enter a correct username and password';
          return again([{ field: 'username', message }]);
        }
        // A fresh session id at every sign-in: any earlier session on this browser ends.
        if (request.session) await accounts.signOut(request.session.token, undefined);
        setSessionCookie(reply, result.sessionToken);
        return reply.redirect(next);
      },
    );

    app.post(
      '/sign-out',
      { config: { access: 'public' }, schema: { body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const ended = request.session ? await accounts.signOut(request.session.token, request.actor) : {};
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        const expired = request.query.expired === '1';
        if (expired) return reply.redirect('/sign-in?expired=1');
        // Signed in through the identity provider: its session ends too, then it sends the browser back.
        if (ended.providerSignOutUrl) return reply.redirect(ended.providerSignOutUrl, 303);
        return reply.redirect('/sign-in?signed-out=1');
      },
    );

    await app.register(providerRoutes(accounts, config, { safeNext, setSessionCookie, signInPage }));

    // How long the session has left; reading it does not extend it. Used by the timeout warning.
    app.get(
      '/session/status',
      { config: { access: 'public' }, schema: { querystring: PageQuery } },
      async (request) => ({
        secondsLeft: request.session?.secondsLeft ?? 0,
      }),
    );

    // The request itself counts as activity, which is what extends the session.
    app.post(
      '/session/extend',
      // Takes nothing: the page's script posts it with no body (the request itself is the activity).
      { config: { access: 'signed-in' } },
      async (_request, reply) => reply.code(204).send(),
    );

    async function accountPage(request: PageRequest, reply: FastifyReply, extra: Form = {}) {
      const query = request.query;
      return renderPage(request, reply, 'accounts/views/account.njk', {
        title: 'Your account',
        tokens: await accounts.ownTokens(actorOf(request)),
        passwordChanged: query.password === 'changed',
        revoked: query.revoked === '1',
        ...extra,
      });
    }

    app.get(
      '/account',
      { config: { access: 'signed-in' }, schema: { querystring: PageQuery } },
      (request, reply) => accountPage(request, reply),
    );

    // Users make their own API tokens; nobody can make one for someone else.
    app.post(
      '/account/tokens',
      { config: { access: 'signed-in' }, schema: { body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const body = request.body;
        const check = new Checker();
        const name = check.text(body.name, 'token-name', { label: 'Token name', max: 100 }) ?? 'API token';
        if (check.errors.length)
          return accountPage(request, reply.code(422), { errors: check.errors, values: body });
        const token = await accounts.createOwnToken(actorOf(request), name);
        return renderPage(request, reply, 'accounts/views/token-created.njk', {
          title: 'API token created',
          token,
        });
      },
    );

    app.post(
      '/account/tokens/:id/revoke',
      {
        config: { access: 'signed-in' },
        schema: { params: ID_PARAMS, body: FormBody, querystring: PageQuery },
      },
      async (request, reply) => {
        const { id } = request.params;
        await accounts.revokeOwnToken(actorOf(request), id);
        return reply.redirect('/account?revoked=1', 303);
      },
    );

    const passwordPage = (request: FastifyRequest, reply: FastifyReply, errors?: FieldError[]) =>
      renderPage(request, reply, 'accounts/views/password.njk', {
        title: 'Change your password',
        required: !!request.actor?.mustChangePassword,
        errors,
      });

    app.get(
      '/account/password',
      { config: { access: 'signed-in' }, schema: { querystring: PageQuery } },
      (request, reply) => passwordPage(request, reply),
    );

    app.post(
      '/account/password',
      { config: { access: 'signed-in' }, schema: { body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        try {
          await accounts.changeOwnPassword(actorOf(request), request.body);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          // Passwords are never sent back into the page.
          return passwordPage(request, reply.code(422), error.errors);
        }
        return reply.redirect('/account?password=changed', 303);
      },
    );

    app.get('/admin/users', { config: ADMIN, schema: { querystring: PageQuery } }, async (request, reply) => {
      const users = await accounts.listUsers(actorOf(request));
      const query = request.query;
      return renderPage(request, reply, 'accounts/views/users.njk', {
        title: 'Users',
        users,
        requests: users.requests,
        decided: query.decided,
      });
    });

    // A second administrator approves or rejects roles another administrator asked for.
    app.post(
      '/admin/role-requests/:id',
      { config: ADMIN, schema: { params: ID_PARAMS, body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        try {
          await accounts.decideRoleRequest(actorOf(request), id, body);
        } catch (error) {
          if (!(error instanceof ValidationError) && !(error instanceof ForbiddenError)) throw error;
          const found = (await accounts.roleRequests(actorOf(request))).find((r) => r.id === id);
          if (!found) throw error;
          const errors =
            error instanceof ValidationError ? error.errors : [{ field: 'decision', message: error.message }];
          return editPage(request, reply.code(error instanceof ForbiddenError ? 403 : 422), found.userId, {
            errors,
            decision: body,
          });
        }
        return reply.redirect(
          `/admin/users?decided=${body.decision === 'approve' ? 'approved' : 'rejected'}`,
          303,
        );
      },
    );

    app.get(
      '/admin/users/new',
      { config: ADMIN, schema: { querystring: PageQuery } },
      async (request, reply) =>
        userForm(request, reply, 'accounts/views/user-new.njk', {
          title: 'Add a user',
          values: {},
          roleItems: roleItems(),
        }),
    );

    app.post(
      '/admin/users',
      { config: ADMIN, schema: { body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const body = request.body;
        try {
          const { id, requested } = await accounts.createUser(actorOf(request), body);
          return reply.redirect(`/admin/users/${id}?created=1${requested.length ? '&requested=1' : ''}`);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          const { password: _password, ...kept } = body;
          return userForm(request, reply.code(422), 'accounts/views/user-new.njk', {
            title: 'Add a user',
            errors: error.errors,
            values: kept,
            roleItems: roleItems([body.roles ?? []].flat() as string[]),
          });
        }
      },
    );

    async function editPage(
      request: PageRequest,
      reply: FastifyReply,
      id: string,
      extra: {
        errors?: FieldError[];
        values?: Form;
        created?: boolean;
        saved?: boolean;
        requested?: boolean;
        decision?: Form;
      } = {},
    ) {
      const actor = actorOf(request);
      const { user, tokens, requests } = await accounts.getUser(actor, id);
      const values = extra.values ?? { ...user, active: String(user.active) };
      return userForm(request, reply, 'accounts/views/user-edit.njk', {
        title: user.displayName,
        user,
        tokens,
        requests: requests.map((r) => ({
          ...r,
          // The one who asked, or the account's own holder, cannot decide it.
          decidable: r.requestedById !== actor.userId && r.userId !== actor.userId,
        })),
        ...extra,
        values,
        roleItems: roleItems([values.roles ?? []].flat() as string[]),
      });
    }

    app.get(
      '/admin/users/:id',
      { config: ADMIN, schema: { params: PageId, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const query = request.query;
        return editPage(request, reply, id, {
          created: query.created === '1',
          saved: query.saved === '1',
          requested: query.requested === '1',
        });
      },
    );

    app.post(
      '/admin/users/:id',
      { config: ADMIN, schema: { params: PageId, body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        try {
          const { requested } = await accounts.updateUser(actorOf(request), id, body);
          return reply.redirect(`/admin/users/${id}?saved=1${requested.length ? '&requested=1' : ''}`);
        } catch (error) {
          if (error instanceof ValidationError)
            return editPage(request, reply.code(422), id, { errors: error.errors, values: body });
          if (error instanceof ConflictError) {
            // Show the current record: the other person's change must be seen before it is overwritten.
            return editPage(request, reply.code(409), id, {
              errors: [{ field: 'displayName', message: error.message }],
            });
          }
          throw error;
        }
      },
    );

    app.post(
      '/admin/users/:id/password',
      { config: ADMIN, schema: { params: PageId, body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        try {
          await accounts.resetPassword(
            actorOf(request),
            id,
            typeof body.password === 'string' ? body.password : '',
          );
        } catch (error) {
          if (error instanceof ValidationError)
            return editPage(request, reply.code(422), id, { errors: error.errors });
          throw error;
        }
        return reply.redirect(`/admin/users/${id}?saved=1`);
      },
    );

    app.post(
      '/admin/tokens/:id/revoke',
      { config: ADMIN, schema: { params: PageId, body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const userId = one(request.body.userId);
        await accounts.revokeApiToken(actorOf(request), id);
        return reply.redirect(
          userId && /^[\w-]+$/.test(userId) ? `/admin/users/${userId}?saved=1` : '/admin/users',
        );
      },
    );
  };
}

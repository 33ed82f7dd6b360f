import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.ts';
import { AGENCY_KIND_NAMES, ROLE_NAMES, ROLES } from '../../platform/access.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts';
import { FormBody, PageQuery, type PageRequest, typed } from '../../platform/schemas.ts';
import { ID_PARAMS } from '../../platform/validation.ts';
import { actorOf, renderPage } from '../../platform/web.ts';
import type { ProviderRefusal } from './provider-sign-in.ts';
import type { AccountsService } from './service.ts';
import { FLOW_SECONDS, ProviderError, type SignInFlow } from './single-sign-on.ts';

type Form = Record<string, unknown>;
const ADMIN = { access: 'accounts:manage_users' } as const;
const FLOW_COOKIE = 'lantern_sign_in_flow';
const FLOW_PATH = '/sign-in/provider';

/** What the person is told when the provider vouched for them but Lantern will not let them in. */
const REFUSALS: Record<ProviderRefusal, string> = {
  no_mapped_group:
    'Your council account is not in a group that gives access to Lantern. Ask your Lantern administrator to add your group.',
  several_agencies:
    'Your groups give you roles in more than one agency. Ask your Lantern administrator to correct the sign-in groups.',
  several_partnerships:
    'Your groups give you roles in more than one partnership. Ask your Lantern administrator to correct the sign-in groups.',
  inactive: 'Your Lantern account has been turned off. Ask your Lantern administrator.',
  email_ambiguous:
    'More than one Lantern account has your email address, so Lantern cannot tell which is yours. Ask your Lantern administrator.',
};

function providerMessage(
  error: ProviderError,
  name: string,
  requestId: string,
): { status: number; message: string } {
  switch (error.kind) {
    case 'unavailable':
      return {
        status: 503,
        message: `Sign-in with ${name} is not available right now. Try again in a few minutes.`,
      };
    case 'refused':
      return { status: 401, message: `${name} did not sign you in. Try again, or ask your IT service desk.` };
    case 'flow':
      return {
        status: 400,
        message: 'The sign-in took too long or was started in another window. Start again.',
      };
    default:
      return {
        status: 401,
        message: `Lantern could not trust the answer from ${name}, so you are not signed in. Try again; if it happens again, tell your Lantern administrator (reference ${requestId}).`,
      };
  }
}

export function providerRoutes(
  accounts: AccountsService,
  config: Config,
  helpers: {
    safeNext(next: unknown): string;
    setSessionCookie(reply: FastifyReply, token: string): void;
    signInPage(request: FastifyRequest, reply: FastifyReply, extra: Form): Promise<unknown>;
  },
) {
  const provider = accounts.provider;

  const refused = (request: FastifyRequest, reply: FastifyReply, status: number, message: string) =>
    helpers.signInPage(request, reply.code(status), { errors: [{ field: 'provider', message }] });

  function readFlow(request: FastifyRequest): SignInFlow | undefined {
    const raw = request.cookies[FLOW_COOKIE];
    if (!raw) return undefined;
    const unsigned = request.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return undefined;
    try {
      const flow = JSON.parse(unsigned.value) as Partial<SignInFlow>;
      if (
        typeof flow.state === 'string' &&
        typeof flow.nonce === 'string' &&
        typeof flow.verifier === 'string' &&
        typeof flow.startedAt === 'number'
      )
        return { ...(flow as SignInFlow), next: helpers.safeNext(flow.next) };
    } catch {
      // A cookie that is not ours: treated as no flow at all.
    }
    return undefined;
  }

  async function groupsPage(request: PageRequest, reply: FastifyReply, extra: Form = {}) {
    const actor = actorOf(request);
    const [groups, agencies] = await Promise.all([
      accounts.signInGroups(actor),
      accounts.listAgencies(actor),
    ]);
    const values = (extra.values ?? {}) as Form;
    const chosen = Array.isArray(values.roles) ? values.roles : values.roles ? [values.roles] : [];
    return renderPage(request, reply, 'accounts/views/sign-in-groups.njk', {
      title: 'Sign-in groups',
      groups,
      providerName: provider?.displayName ?? null,
      me: actor.userId,
      agencyItems: [
        { value: '', text: 'Select an agency' },
        ...agencies.map((a) => ({
          value: a.id,
          text: `${a.name} (${AGENCY_KIND_NAMES[a.kind]})`,
          selected: values.agencyId === a.id,
        })),
      ],
      roleItems: ROLES.map((role) => ({
        value: role,
        text: ROLE_NAMES[role],
        checked: chosen.includes(role),
      })),
      values,
      done: request.query.done,
      ...extra,
    });
  }

  return async function plugin(fastify: FastifyInstance) {
    const app = typed(fastify);
    app.get(
      '/sign-in/provider',
      { config: { access: 'public' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        if (!provider) throw new NotFoundError('Sign-in with an identity provider is not set up');
        const next = helpers.safeNext(request.query.next);
        let started: Awaited<ReturnType<typeof provider.start>>;
        try {
          started = await provider.start(next);
        } catch (error) {
          if (!(error instanceof ProviderError)) throw error;
          request.log.warn({ code: error.code }, 'identity provider not available');
          const { status, message } = providerMessage(error, provider.displayName, request.id);
          return refused(request, reply, status, message);
        }
        reply.setCookie(FLOW_COOKIE, JSON.stringify(started.flow), {
          path: FLOW_PATH,
          httpOnly: true,
          // Lax: the provider sends the browser back with a top-level GET from its own site.
          sameSite: 'lax',
          secure: config.cookieSecure,
          signed: true,
          maxAge: FLOW_SECONDS,
        });
        return reply.redirect(started.url);
      },
    );

    app.get(
      '/sign-in/provider/callback',
      { config: { access: 'public' }, schema: { querystring: PageQuery } },
      async (request, reply) => {
        if (!provider) throw new NotFoundError('Sign-in with an identity provider is not set up');
        const flow = readFlow(request);
        // Used once: a replayed callback finds no flow.
        reply.clearCookie(FLOW_COOKIE, { path: FLOW_PATH });
        if (!flow)
          return refused(
            request,
            reply,
            400,
            `Your sign-in with ${provider.displayName} could not be finished here (it was started in another browser, or too long ago). Start again.`,
          );
        let who: Awaited<ReturnType<typeof provider.finish>>;
        try {
          who = await provider.finish(new URL(request.url, config.publicUrl), flow);
        } catch (error) {
          if (!(error instanceof ProviderError)) throw error;
          request.log.warn({ code: error.code, kind: error.kind }, 'identity provider sign-in not accepted');
          const { status, message } = providerMessage(error, provider.displayName, request.id);
          return refused(request, reply, status, message);
        }
        const result = await accounts.signInWithProvider(who, { requestId: request.id });
        if (!result.ok) {
          request.log.warn({ reason: result.reason }, 'identity provider sign-in refused');
          return refused(request, reply, 403, REFUSALS[result.reason]);
        }
        if (request.session) await accounts.signOut(request.session.token, undefined);
        helpers.setSessionCookie(reply, result.sessionToken);
        return reply.redirect(flow.next);
      },
    );

    app.get(
      '/admin/sign-in-groups',
      { config: ADMIN, schema: { querystring: PageQuery } },
      (request, reply) => groupsPage(request, reply),
    );

    app.post(
      '/admin/sign-in-groups',
      { config: ADMIN, schema: { body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const body = request.body;
        try {
          await accounts.requestSignInGroup(actorOf(request), body);
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          return groupsPage(request, reply.code(422), { errors: error.errors, values: body });
        }
        return reply.redirect('/admin/sign-in-groups?done=requested', 303);
      },
    );

    app.post(
      '/admin/sign-in-groups/:id/decision',
      { config: ADMIN, schema: { params: ID_PARAMS, body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        const body = request.body;
        try {
          await accounts.decideSignInGroup(actorOf(request), id, body);
        } catch (error) {
          if (!(error instanceof ValidationError) && !(error instanceof ForbiddenError)) throw error;
          const errors =
            error instanceof ValidationError
              ? error.errors
              : [{ field: `decision-${id}`, message: error.message }];
          return groupsPage(request, reply.code(error instanceof ForbiddenError ? 403 : 422), { errors });
        }
        return reply.redirect(
          `/admin/sign-in-groups?done=${body.decision === 'approve' ? 'approved' : 'rejected'}`,
          303,
        );
      },
    );

    app.post(
      '/admin/sign-in-groups/:id/remove',
      { config: ADMIN, schema: { params: ID_PARAMS, body: FormBody, querystring: PageQuery } },
      async (request, reply) => {
        const { id } = request.params;
        await accounts.removeSignInGroup(actorOf(request), id);
        return reply.redirect('/admin/sign-in-groups?done=removed', 303);
      },
    );
  };
}

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import Provider from 'oidc-provider';

/**
 * A real OpenID provider (oidc-provider) for the sign-in tests, on a free port of this machine. Its
 * login step signs in whoever the test names next (no form to fill); it can be made to send an ID
 * token with altered claims, signed with its own key, to see that Lantern refuses it.
 */
export interface TestAccount {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /** Who the next login step signs in (undefined: the person cancels). */
  nextLogin: string | undefined;
  /** How many times the provider asked someone to sign in (none while its own session lasts). */
  logins: number;
  /** Rewrites the claims of the ID tokens it sends, keeping its own signature. */
  tamper: ((claims: JWTPayload) => JWTPayload) | undefined;
  stop(): Promise<void>;
}

export async function startTestProvider(opts: {
  redirectUri: string;
  postLogoutRedirectUri: string;
}): Promise<TestProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const state: TestProvider = {
    issuer,
    clientId: 'lantern',
    clientSecret: 'a-test-client-secret-that-is-long-enough',
    accounts: new Map(),
    nextLogin: undefined,
    logins: 0,
    tamper: undefined,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: state.clientId,
        client_secret: state.clientSecret,
        redirect_uris: [opts.redirectUri],
        post_logout_redirect_uris: [opts.postLogoutRedirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: ['test-provider-cookie-key'] },
    pkce: { required: () => true },
    // Claims in the ID token, as Entra ID and most council providers send them.
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    findAccount: async (_ctx, id) => {
      const account = state.accounts.get(id);
      return account ? { accountId: id, claims: async () => ({ ...account }) } : undefined;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // A first-party client: no consent screen.
    loadExistingGrant: async (ctx) => {
      const grantId =
        ctx.oidc.result?.consent?.grantId ||
        ctx.oidc.session?.grantIdFor(ctx.oidc.client?.clientId as string);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client?.clientId,
        accountId: ctx.oidc.session?.accountId,
      });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: async (ctx, form) => {
          ctx.body = `<!DOCTYPE html><html><body>${form}</body></html>`;
        },
      },
    },
  });
  provider.use(async (ctx, next) => {
    if (ctx.path.startsWith('/interaction/')) {
      state.logins++;
      await provider.interactionDetails(ctx.req, ctx.res);
      ctx.respond = false;
      const accountId = state.nextLogin;
      await provider.interactionFinished(
        ctx.req,
        ctx.res,
        accountId
          ? { login: { accountId } }
          : { error: 'access_denied', error_description: 'The person cancelled' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (state.tamper && ctx.path === '/token' && body?.id_token) {
      const claims = state.tamper(decodeJwt(body.id_token));
      ctx.body = {
        ...body,
        id_token: await new SignJWT(claims)
          .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
          .sign(privateKey),
      };
    }
  });
  server.on('request', provider.callback());
  return state;
}

/**
 * A browser going between Lantern (app.inject, through the test Client) and the provider (HTTP):
 * follows redirects by hand, keeping each side's cookies, until the browser is back at Lantern.
 */
export class ProviderBrowser {
  private readonly providerCookies = new Map<string, string>();

  constructor(
    private readonly lantern: {
      get(url: string): Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>;
    },
    private readonly lanternOrigin: string,
  ) {}

  private async providerRequest(url: string, init: { method?: string; body?: URLSearchParams } = {}) {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      body: init.body,
      redirect: 'manual',
      headers: { cookie: [...this.providerCookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair.split('=');
      const expired = attributes.some((a) => /expires=Thu, 01 Jan 1970/i.test(a) || /max-age=0/i.test(a));
      if (expired || value.join('=') === '') this.providerCookies.delete(name.trim());
      else this.providerCookies.set(name.trim(), value.join('='));
    }
    return response;
  }

  /**
   * Follows a redirect chain that starts at `location`; returns Lantern's answer when the browser
   * lands back there, or the provider's page where a person would have to act.
   */
  async follow(
    location: string,
    from = this.lanternOrigin,
  ): Promise<{
    lantern?: { statusCode: number; headers: Record<string, unknown>; body: string };
    provider?: { url: string; body: string };
  }> {
    let url = new URL(location, from).href;
    for (let hops = 0; hops < 20; hops++) {
      if (url.startsWith(this.lanternOrigin)) {
        const target = new URL(url);
        const answer = await this.lantern.get(target.pathname + target.search);
        const next = answer.headers.location;
        if (
          answer.statusCode >= 300 &&
          answer.statusCode < 400 &&
          typeof next === 'string' &&
          !next.startsWith('/')
        )
          url = new URL(next, url).href;
        else return { lantern: answer };
        continue;
      }
      const response = await this.providerRequest(url);
      const next = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && next) {
        url = new URL(next, url).href;
        continue;
      }
      return { provider: { url, body: await response.text() } };
    }
    throw new Error('too many redirects');
  }

  /** Submits the provider's sign-out confirmation (its form, with its hidden fields), then follows on. */
  async confirmProviderSignOut(page: { url: string; body: string }) {
    const action = /<form[^>]*action="([^"]+)"/.exec(page.body)?.[1];
    if (!action) throw new Error(`no sign-out form on the provider's page: ${page.body.slice(0, 200)}`);
    const body = new URLSearchParams();
    for (const m of page.body.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g))
      body.append(m[1], m[2]);
    body.append('logout', 'yes');
    const response = await this.providerRequest(new URL(action, page.url).href, { method: 'POST', body });
    const next = response.headers.get('location');
    if (!next) throw new Error(`provider did not redirect after sign-out (${response.status})`);
    return this.follow(next, page.url);
  }
}

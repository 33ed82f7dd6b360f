import * as oidc from 'openid-client';
import type { OidcConfig } from '../../config.ts';

/**
 * The council's identity provider, over OpenID Connect: the authorisation code flow with PKCE,
 * state and nonce, through openid-client (which checks the ID token's signature, issuer, audience,
 * expiry and nonce). Lantern keeps no provider secrets beyond its own client secret.
 */

/** What the browser carries between leaving for the provider and coming back (in a signed cookie). */
export interface SignInFlow {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  startedAt: number;
}

/** Who the provider says signed in: only what Lantern uses. */
export interface ProviderIdentity {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
  groups: string[];
  idToken: string;
}

/** A flow older than this is refused (the cookie also expires then). */
export const FLOW_SECONDS = 10 * 60;

/** The provider could not be reached, or its answer could not be trusted; `code` names which check. */
export class ProviderError extends Error {
  constructor(
    readonly kind: 'unavailable' | 'refused' | 'not_trusted' | 'flow',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const asText = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);

function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string' && g !== '');
  if (typeof value === 'string' && value) return [value];
  return [];
}

export function createSingleSignOn(config: OidcConfig, publicUrl: string) {
  const redirectUri = `${publicUrl}/sign-in/provider/callback`;
  let discovered: Promise<oidc.Configuration> | undefined;

  /** Discovered once; a failure is not remembered, so the next sign-in tries again. */
  function configuration(): Promise<oidc.Configuration> {
    if (!discovered) {
      const insecure = new URL(config.issuer).protocol === 'http:';
      discovered = oidc
        .discovery(
          new URL(config.issuer),
          config.clientId,
          config.clientSecret,
          undefined,
          insecure ? { execute: [oidc.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
        )
        .catch((error: unknown) => {
          discovered = undefined;
          throw new ProviderError(
            'unavailable',
            error instanceof Error && 'code' in error ? String(error.code) : 'discovery_failed',
            'The identity provider could not be reached',
          );
        });
    }
    return discovered;
  }

  return {
    displayName: config.displayName,
    redirectUri,

    /** Where to send the browser, and what it must bring back. */
    async start(next: string): Promise<{ url: string; flow: SignInFlow }> {
      const c = await configuration();
      const verifier = oidc.randomPKCECodeVerifier();
      const flow: SignInFlow = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        verifier,
        next,
        startedAt: Date.now(),
      };
      const url = oidc.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      return { url: url.href, flow };
    },

    /** Exchanges the code the provider sent back; every check failing is a ProviderError. */
    async finish(callbackUrl: URL, flow: SignInFlow): Promise<ProviderIdentity> {
      if (Date.now() - flow.startedAt > FLOW_SECONDS * 1000)
        throw new ProviderError('flow', 'flow_expired', 'The sign-in took too long');
      const providerError = callbackUrl.searchParams.get('error');
      if (providerError)
        throw new ProviderError('refused', providerError, 'The identity provider did not sign you in');
      const c = await configuration();
      let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
      try {
        tokens = await oidc.authorizationCodeGrant(c, callbackUrl, {
          pkceCodeVerifier: flow.verifier,
          expectedState: flow.state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        const code = error instanceof Error && 'code' in error ? String(error.code) : 'token_failed';
        if (/ECONNREFUSED|ETIMEDOUT|ENOTFOUND|fetch failed/i.test(String((error as Error)?.cause ?? error)))
          throw new ProviderError('unavailable', code, 'The identity provider could not be reached');
        throw new ProviderError(
          'not_trusted',
          code,
          'The answer from the identity provider could not be trusted',
        );
      }
      const claims = tokens.claims();
      if (!claims || !tokens.id_token)
        throw new ProviderError('not_trusted', 'no_id_token', 'The identity provider sent no ID token');
      let extra: Record<string, unknown> = {};
      // Some providers put email and groups only in the user info, not the ID token.
      if ((claims.email === undefined || claims[config.groupsClaim] === undefined) && tokens.access_token) {
        extra = await oidc.fetchUserInfo(c, tokens.access_token, claims.sub).catch(() => ({}));
      }
      const all = { ...extra, ...claims } as Record<string, unknown>;
      return {
        issuer: claims.iss,
        subject: claims.sub,
        email: asText(all.email)?.toLowerCase() ?? null,
        emailVerified: all.email_verified === true,
        name: asText(all.name),
        groups: groupsOf(all[config.groupsClaim]),
        idToken: tokens.id_token,
      };
    },

    /** Where to send the browser to end the provider's session too, if it offers that. */
    async endSessionUrl(idToken: string): Promise<string | undefined> {
      const c = await configuration().catch(() => undefined);
      if (!c?.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(c, {
        id_token_hint: idToken,
        post_logout_redirect_uri: `${publicUrl}/sign-in?signed-out=1`,
      }).href;
    },
  };
}

export type SingleSignOn = ReturnType<typeof createSingleSignOn>;

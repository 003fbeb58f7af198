/**
 * The adapter to the OpenID Connect provider, over openid-client (panva's certified relying-party
 * library): discovery, the authorization URL of the code flow with PKCE (S256), state and nonce,
 * and the exchange of the code for tokens, whose ID token the library validates (signature against
 * the provider's keys, issuer, audience, expiry, nonce). Claims the ID token lacks (providers put
 * groups in userinfo when an access token is issued) are read from userinfo.
 *
 * The provider's metadata is discovered on first use, not at start-up: Vigil starts, and local
 * sign-in works, while the provider is down; a failed discovery is tried again on the next sign-in.
 */
import * as oidc from 'openid-client';
import type { OidcConfig } from '../config/index.ts';
import { VigilError } from '../errors/index.ts';

/** What the browser carries between starting a sign-in and coming back (in a short-lived cookie). */
export interface PendingSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
}

/** The port the sign-in flow needs from a provider (the tests use a real one, oidc-provider). */
export interface IdentityProvider {
  /** Where to send the browser, and what to remember until it comes back. */
  begin(): Promise<{ readonly url: string; readonly pending: PendingSignIn }>;
  /** The claims of the person the provider signed in, from the callback's query. */
  finish(query: URLSearchParams, pending: PendingSignIn): Promise<Readonly<Record<string, unknown>>>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export class OpenIdClient implements IdentityProvider {
  readonly #config: OidcConfig;
  #discovered: Promise<oidc.Configuration> | undefined;

  constructor(config: OidcConfig) {
    this.#config = config;
  }

  async #configuration(): Promise<oidc.Configuration> {
    this.#discovered ??= (async () => {
      const issuer = new URL(this.#config.issuer);
      // The config allows plain http only to this machine (a provider in tests or on a laptop).
      const insecure = issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname);
      return oidc.discovery(
        issuer,
        this.#config.clientId,
        { client_secret: this.#config.clientSecret },
        oidc.ClientSecretBasic(this.#config.clientSecret),
        insecure ? { execute: [oidc.allowInsecureRequests], timeout: 10 } : { timeout: 10 },
      );
    })();
    try {
      return await this.#discovered;
    } catch (err) {
      this.#discovered = undefined;
      throw new VigilError(
        'VIGIL_OIDC_UNAVAILABLE',
        `the identity provider ${this.#config.issuer} could not be reached or described itself wrongly (${(err as Error).message}); try again later or ask your administrator`,
      );
    }
  }

  async begin(): Promise<{ url: string; pending: PendingSignIn }> {
    const config = await this.#configuration();
    const pending = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
    };
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.#config.redirectUrl,
      scope: this.#config.scopes,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  async finish(query: URLSearchParams, pending: PendingSignIn): Promise<Readonly<Record<string, unknown>>> {
    const config = await this.#configuration();
    // The redirect URL as configured (Vigil's public address), not as the request reached us behind
    // a proxy: the token request must name exactly the redirect_uri the authorization request did.
    const current = new URL(this.#config.redirectUrl);
    current.search = query.toString();
    let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
    try {
      tokens = await oidc.authorizationCodeGrant(config, current, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new VigilError(
        'VIGIL_OIDC_FAILED',
        `the identity provider's answer was refused: ${(err as Error).message}`,
      );
    }
    const claims: Record<string, unknown> = { ...tokens.claims() };
    const missing = [this.#config.usernameClaim, this.#config.groupsClaim, 'name'].some(
      (c) => claims[c] === undefined,
    );
    if (missing && tokens.access_token !== '' && config.serverMetadata().userinfo_endpoint !== undefined) {
      try {
        const info = await oidc.fetchUserInfo(config, tokens.access_token, String(claims['sub']));
        // The ID token's claims win: they are signed; userinfo only fills gaps.
        for (const [k, v] of Object.entries(info)) {
          if (claims[k] === undefined) {
            claims[k] = v;
          }
        }
      } catch (err) {
        throw new VigilError(
          'VIGIL_OIDC_FAILED',
          `the identity provider's userinfo could not be read: ${(err as Error).message}`,
        );
      }
    }
    return claims;
  }
}

/**
 * A real OpenID Connect provider for tests: panva's oidc-provider (the certified reference
 * implementation) on a random port of 127.0.0.1, with a few people whose groups a test can change,
 * and a browser stand-in that goes through its login and consent pages with fetch, keeping the
 * provider's cookies, until the provider sends the browser back to Vigil's redirect URL.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestPerson {
  readonly sub: string;
  preferred_username: string;
  name: string;
  groups: string[];
  email?: string;
}

export interface TestProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly people: Map<string, TestPerson>;
  /**
   * Follows the authorization URL through the provider as a browser would, signing in as `sub`
   * and consenting, and returns the URL the provider sends the browser back to (Vigil's callback).
   */
  signInAs(authorizationUrl: string, sub: string, redirectPrefix: string): Promise<URL>;
  close(): Promise<void>;
}

export async function startTestProvider(redirectUri: string): Promise<TestProvider> {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const clientId = 'vigil-test';
  const clientSecret = 'a-client-secret-only-for-this-test-provider';
  const people = new Map<string, TestPerson>();
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email'],
      groups: ['groups'],
    },
    cookies: { keys: ['cookie-key-only-for-this-test-provider'] },
    pkce: { required: () => true },
    findAccount: (_ctx, id) => {
      const person = people.get(id);
      return person === undefined
        ? undefined
        : { accountId: id, claims: () => ({ ...person, groups: [...person.groups] }) };
    },
  });
  // The provider warns on stderr about its development keys and interactions: expected here.
  const handle = provider.callback();
  http.on('request', (req, res) => {
    void handle(req, res);
  });

  async function signInAs(authorizationUrl: string, sub: string, redirectPrefix: string): Promise<URL> {
    const jar = new Map<string, string>();
    let url = new URL(authorizationUrl);
    let method: 'GET' | 'POST' = 'GET';
    let body: string | undefined;
    for (let step = 0; step < 12; step++) {
      if (url.href.startsWith(redirectPrefix)) {
        return url;
      }
      const res = await fetch(url, {
        method,
        redirect: 'manual',
        headers: {
          cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const eq = pair!.indexOf('=');
        jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      if (res.status >= 300 && res.status < 400) {
        await res.body?.cancel();
        url = new URL(res.headers.get('location')!, url);
        method = 'GET';
        body = undefined;
        continue;
      }
      const html = await res.text();
      if (res.status !== 200) {
        throw new Error(`the provider answered ${res.status} at ${url.pathname}: ${html.slice(0, 500)}`);
      }
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      if (action === undefined || prompt === undefined) {
        throw new Error(`no login or consent form at ${url.pathname}: ${html.slice(0, 500)}`);
      }
      url = new URL(action, url);
      method = 'POST';
      body =
        prompt === 'login'
          ? new URLSearchParams({ prompt, login: sub, password: 'any' }).toString()
          : new URLSearchParams({ prompt }).toString();
    }
    throw new Error('the provider did not send the browser back within 12 steps');
  }

  return {
    issuer,
    clientId,
    clientSecret,
    people,
    signInAs,
    async close() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/**
 * Sign-in through an OpenID Connect provider in headless Chromium (issue 16, point 2): the sign-in
 * screen offers "Sign in with Douane ID"; a person goes through the real provider's (oidc-provider)
 * login and consent pages and lands in the workbench signed in; a person in no mapped group comes
 * back to the sign-in screen told why in words, with the code for the administrator. The browser
 * may reach only this machine: the provider's development pages link a web font, which is refused.
 *
 * Builds the workbench first when web/dist is missing. Needs /usr/bin/chromium: `npm run test:browser`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { buildWeb } from '../../scripts/build-web.ts';
import { ARTIFACTS, CHROMIUM, assertAccessible, launchChromium, screenshot } from '../support/chromium.ts';
import { databaseTargets, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';
import { startTestProvider } from '../support/oidc-provider.ts';
import type { TestProvider } from '../support/oidc-provider.ts';

let app: TestApp | undefined;
let idp: TestProvider | undefined;
let browser: BrowserContext | undefined;
let url: string;
const profile = mkdtempSync(join(tmpdir(), 'vigil-chromium-'));

/** A free port for Vigil: the provider must know the redirect URL before Vigil listens. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

before(async () => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium`);
  await buildWeb(true);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const redirect = `${url}/v1/session/oidc/callback`;
  idp = await startTestProvider(redirect);
  idp.people.set('sub-ida', {
    sub: 'sub-ida',
    preferred_username: 'ida.nl',
    name: 'Ida Analyst',
    groups: ['vigil-nl-analysts'],
  });
  idp.people.set('sub-nora', {
    sub: 'sub-nora',
    preferred_username: 'nora.nl',
    name: 'Nora',
    groups: ['staff'],
  });
  app = await startTestApp(databaseTargets()[0]!, undefined, {
    VIGIL_OIDC_ISSUER: idp.issuer,
    VIGIL_OIDC_CLIENT_ID: idp.clientId,
    VIGIL_OIDC_CLIENT_SECRET: idp.clientSecret,
    VIGIL_OIDC_REDIRECT_URL: redirect,
    VIGIL_OIDC_SCOPES: 'openid profile groups',
    VIGIL_OIDC_PROVIDER_NAME: 'Douane ID',
    VIGIL_OIDC_ROLE_MAP: 'vigil-nl-analysts=NL:analyst',
  });
  await app.server.app.listen({ port, host: '127.0.0.1' });
  browser = await launchChromium(profile, { viewport: { width: 1200, height: 800 }, locale: 'en-GB' });
  // Nothing but this machine: the provider's development pages import a font from the web.
  await browser.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
  mkdirSync(ARTIFACTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await app?.close();
  await idp?.close();
  rmSync(profile, { recursive: true, force: true });
});

/** Goes from Vigil's sign-in screen through the provider's login and consent pages as `sub`. */
async function signInThroughProvider(sub: string) {
  const page = await browser!.newPage();
  await page.goto(`${url}/sign-in`);
  const button = page.getByRole('link', { name: 'Sign in with Douane ID' });
  await button.waitFor();
  await assertAccessible(page, 'sign-in with a provider');
  await screenshot(page, 'oidc-1-sign-in');
  await button.click();
  await page.locator('input[name="login"]').fill(sub);
  await page.locator('input[name="password"]').fill('any');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  return page;
}

test('a person in a mapped group signs in at the provider and lands in the workbench', async () => {
  const page = await signInThroughProvider('sub-ida');
  await page.waitForURL(/\/queue$/);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await screenshot(page, 'oidc-2-signed-in');
  const cookies = await browser!.cookies(url);
  const session = cookies.find((c) => c.name === 'vigil_session');
  assert.ok(session?.httpOnly, 'an HttpOnly session cookie');
  assert.equal(session.sameSite, 'Strict');
  await page.close();
  await browser!.clearCookies();
});

test('a person in no mapped group comes back to the sign-in screen, told why', async () => {
  const page = await signInThroughProvider('sub-nora');
  await page.waitForURL(/\/sign-in\?error=VIGIL_OIDC_UNMAPPED$/);
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /none of your groups there gives a role in Vigil/);
  assert.match(await alert.innerText(), /VIGIL_OIDC_UNMAPPED/);
  await assertAccessible(page, 'sign-in refused by the provider');
  await screenshot(page, 'oidc-3-unmapped');
  await page.close();
});

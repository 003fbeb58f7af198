/**
 * Headless Chromium for the browser tests and the web bench: Debian's /usr/bin/chromium driven by
 * playwright-core, with a fresh profile folder and the flags it needs in a container (no sandbox,
 * no GPU, nothing fetched in the background).
 */
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser with its own profile in `profileDir` (a fresh temporary folder). */
export function launchChromium(
  profileDir: string,
  options: { readonly viewport: { width: number; height: number }; readonly locale?: string },
): Promise<BrowserContext> {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: options.viewport,
    ...(options.locale !== undefined ? { locale: options.locale } : {}),
  });
}

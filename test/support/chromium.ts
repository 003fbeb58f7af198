/**
 * Headless Chromium for the browser tests and the web bench: Debian's /usr/bin/chromium driven by
 * playwright-core, with a fresh profile folder and the flags it needs in a container (no sandbox,
 * no GPU, nothing fetched in the background). The browser tests' shared checks: axe-core on a page,
 * and a screenshot of each step.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

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

/** Where the browser tests save their screenshots (`npm run test:browser`; ignored by git). */
export const ARTIFACTS = join(import.meta.dirname, '../../test-artifacts');

let axeSource: string | undefined;

/** axe-core on the page as it is: no serious or critical violation. */
export async function assertAccessible(page: Page, screen: string): Promise<void> {
  axeSource ??= readFileSync(join(import.meta.dirname, '../../node_modules/axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await (
      globalThis as unknown as {
        axe: {
          run(): Promise<{
            violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }>;
          }>;
        };
      }
    ).axe.run();
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad, [], `${screen}: ${JSON.stringify(bad, null, 1)}`);
}

/** Saves the whole page as `test-artifacts/<file>.png`. */
export async function screenshot(page: Page, file: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${file}.png`), fullPage: true });
}

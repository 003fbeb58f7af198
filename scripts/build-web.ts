/**
 * Builds the workbench (web/) into web/dist with Vite. `--if-missing` builds only when web/dist has
 * no index.html: what `npm start` and the browser tests run, so a fresh clone serves the workbench
 * with no extra step (`npm install` builds it too, through the `prepare` script).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as Vite from 'vite';

const root = join(import.meta.dirname, '../web');

/** Builds web/dist; with `onlyIfMissing`, only when it has not been built. Returns whether it built. */
export async function buildWeb(onlyIfMissing = false): Promise<boolean> {
  if (onlyIfMissing && existsSync(join(root, 'dist/index.html'))) {
    return false;
  }
  // Loaded here: an install without devDependencies (npm ci --omit=dev) has no Vite, and its
  // `prepare` must not fail for that; such an install serves a workbench built elsewhere (VIGIL_WEB_DIR).
  let vite: typeof Vite;
  try {
    vite = await import('vite');
  } catch {
    process.stderr.write('vite is not installed (devDependencies omitted?): the workbench was not built\n');
    return false;
  }
  await vite.build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}

if (import.meta.main) {
  const started = Date.now();
  const built = await buildWeb(process.argv.includes('--if-missing'));
  if (built) {
    process.stdout.write(`built the workbench into web/dist in ${Date.now() - started} ms\n`);
  }
}

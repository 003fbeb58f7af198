/**
 * The import-structure guard (`npm run lint:deps`): the dependency-cruiser rules hold on the real src/,
 * they fail a throw-away tree that breaks each of them (while allowing a cycle through `import type`),
 * and `vigil worker` really loads no Fastify: a child Node records every module that importing the
 * worker and the CLI resolves.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cruise } from 'dependency-cruiser';
import type { ICruiseOptions, ICruiseResult, IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const root = join(import.meta.dirname, '../..');
/** The type-aware graph (layers: a type is a dependency too) and the run-time graph (what Node loads). */
const CONFIGS = ['.dependency-cruiser.json', '.dependency-cruiser.runtime.json'];
const FASTIFY_URL = /\/node_modules\/(fastify|@fastify\/[^/]+)\//;

/** Runs one project config over `<baseDir>/src` and the workbench's `web/src`, as `npm run lint:deps` does. */
async function cruiseWith(configFile: string, baseDir: string): Promise<ICruiseResult> {
  const options: ICruiseOptions = await extractDepcruiseOptions(join(root, configFile));
  const tsConfig = extractTSConfig(join(root, 'tsconfig.json'));
  const { output } = await cruise(['src', 'web/src'], { ...options, baseDir }, {}, { tsConfig });
  assert.ok(typeof output !== 'string', 'the default reporter returns the cruise result');
  return output;
}

/** Both graphs of `<baseDir>/src`: type-aware first, then run time. */
async function cruiseBoth(baseDir: string): Promise<ICruiseResult[]> {
  const results = [];
  for (const config of CONFIGS) {
    results.push(await cruiseWith(config, baseDir));
  }
  return results;
}

let realTree: Promise<ICruiseResult[]> | undefined;
const cruiseRealTree = () => (realTree ??= cruiseBoth(root));

function dependencyTypes(result: ICruiseResult, from: string, to: string): string[] | undefined {
  const dependency = result.modules
    .find((m) => m.source === from)
    ?.dependencies.find((d) => d.resolved === to);
  return dependency?.dependencyTypes;
}

/** One line per violation; a cycle is named by its members, whichever edge the tool reports it on. */
function describeViolation(v: IViolation): string {
  if (v.cycle !== undefined) {
    const members = new Set([v.from, ...v.cycle.map((step) => step.name)]);
    return `${v.rule.name}: cycle ${[...members].sort().join(' ')}`;
  }
  return `${v.rule.name}: ${v.from} → ${v.to}`;
}

test('src/ keeps every import rule (npm run lint:deps)', async () => {
  const found = (await cruiseRealTree()).flatMap((r) => r.summary.violations).map(describeViolation);
  assert.deepEqual(found, [], `import rules broken:\n  ${found.join('\n  ')}`);
});

test('an `import type` line is a type-only dependency in the type-aware graph and absent at run time', async () => {
  const [typeAware, runtime] = await cruiseRealTree();
  const from = 'src/auth/revoked-token.repository.ts';
  assert.ok(dependencyTypes(typeAware!, from, 'src/store/database.ts')?.includes('type-only'));
  assert.equal(dependencyTypes(runtime!, from, 'src/store/database.ts'), undefined);
});

/** A small tree shaped like ours, each file breaking (or deliberately not breaking) one rule. */
const FIXTURE: Record<string, string> = {
  'package.json': '{ "type": "module" }\n',
  'node_modules/fastify/package.json': '{ "name": "fastify", "main": "fastify.js" }\n',
  'node_modules/fastify/fastify.js': 'module.exports = {};\n',
  'node_modules/@fastify/swagger/package.json': '{ "name": "@fastify/swagger", "main": "index.js" }\n',
  'node_modules/@fastify/swagger/index.js': 'module.exports = {};\n',
  'test/support/helper.ts': 'export const helper = 1;\n',

  // Layers: each kernel and infrastructure folder imports one thing above it, the pure engine and the
  // generic learning import beyond the kernel, a feature and a composition root import the entry points.
  'src/domain/a.ts': "import { b } from '../intake/b.ts';\nexport const a = b;\n",
  'src/errors/codes.ts': "import { b } from '../intake/b.ts';\nexport const codes = b;\n",
  'src/config/load.ts': "import { db } from '../store/db.ts';\nexport const load = db;\n",
  'src/contract/http.ts': "import { b } from '../intake/b.ts';\nexport const http = b;\n",
  'src/auth/actor.ts': "import { b } from '../intake/b.ts';\nexport const actor = b;\n",
  'src/store/db.ts': 'export type Queryable = { q: number };\nexport const db = 1;\n',
  'src/store/migrate.ts': "import { outbox } from '../bus/outbox.ts';\nexport const migrate = outbox;\n",
  'src/bus/outbox.ts': "import { trail } from '../audit/trail.ts';\nexport const outbox = trail;\n",
  'src/audit/trail.ts': "import { b } from '../intake/b.ts';\nexport const trail = b;\n",
  'src/observability/metrics.ts': "import { b } from '../intake/b.ts';\nexport const metrics = b;\n",
  'src/intake/b.ts': 'export const b = 1;\n',
  'src/risk/engine.ts': "import { db } from '../store/db.ts';\nexport const engine = db;\n",
  'src/learning/gbdt.ts': "import { engine } from '../risk/engine.ts';\nexport const gbdt = engine;\n",
  'src/retention/purge.ts': "import { b } from '../intake/b.ts';\nexport const purge = b;\n",
  'src/rules/e.ts': "import { x } from '../api/x.ts';\nexport const e = x;\n",
  'src/api/x.ts': "import swagger from '@fastify/swagger';\nexport const x = swagger;\n",
  'src/main.ts': 'export const main = 1;\n',
  'src/app/boot.ts': "import { main } from '../main.ts';\nexport const boot = main;\n",

  // Test helpers: fine from a test file, not from code that ships; an import that does not resolve.
  'src/intake/b.test.ts':
    "import { helper } from '../../test/support/helper.ts';\nexport const t = helper;\n",
  'src/intake/uses-helper.ts':
    "import { helper } from '../../test/support/helper.ts';\nexport const u = helper;\n",
  'src/intake/lost.ts': "import { gone } from './gone.ts';\nexport const lost = gone;\n",
  // The workbench reaches the server over HTTP only.
  'web/src/screen.ts': "import { b } from '../../src/intake/b.ts';\nexport const screen = b;\n",

  // auth may name the store's types; `import { type X }` still loads the module.
  'src/auth/typed.ts': "import type { Queryable } from '../store/db.ts';\nexport type Typed = Queryable;\n",
  'src/auth/loads.ts': "import { type Queryable } from '../store/db.ts';\nexport type Loads = Queryable;\n",

  // Cycles: two files importing each other by value (the deliberately introduced cycle)...
  'src/intake/c.ts': "import { d } from './d.ts';\nexport const c = (): number => d() + 1;\n",
  'src/intake/d.ts':
    "import { c } from './c.ts';\nexport const d = (): number => (typeof c === 'function' ? 1 : 0);\n",
  // ... a value cycle whose every edge also closes a shorter cycle through `import type` ...
  'src/operators/p.ts':
    "import { q } from './q.ts';\nimport type { R } from './r.ts';\nexport type P = { p: R };\nexport const p = (): number => q();\n",
  'src/operators/q.ts':
    "import type { P } from './p.ts';\nimport { r } from './r.ts';\nexport type Q = { q: P };\nexport const q = (): number => r();\n",
  'src/operators/r.ts':
    "import { p } from './p.ts';\nimport type { Q } from './q.ts';\nexport type R = { r: Q };\nexport const r = (): number => (typeof p === 'function' ? 1 : 0);\n",
  // ... a cycle between two folders through value imports, with no cycle between files ...
  'src/controls/f.ts': "import { g } from '../notifications/g.ts';\nexport const f = g;\n",
  'src/notifications/g.ts': "import { h } from '../controls/h.ts';\nexport const g = h;\n",
  'src/controls/h.ts': 'export const h = 1;\n',
  // ... and a cycle, between files and between folders, only through `import type`: allowed.
  'src/models/t1.ts': "import type { T2 } from '../kcs/t2.ts';\nexport type T1 = { next?: T2 };\n",
  'src/kcs/t2.ts': "import type { T1 } from '../models/t1.ts';\nexport type T2 = { next?: T1 };\n",

  // The worker reaches @fastify/* through value imports; its type-only route to fastify does not count.
  'src/app/worker.ts':
    "import { compose } from './compose.ts';\nimport type { Req } from '../auth/req.ts';\nexport const worker = (r?: Req) => [compose, r];\n",
  'src/app/compose.ts': "import { x } from '../api/x.ts';\nexport const compose = x;\n",
  'src/auth/req.ts': "import type { FastifyRequest } from 'fastify';\nexport type Req = FastifyRequest;\n",
  'src/app/serve.ts': "import { x } from '../api/x.ts';\nexport const serve = x;\n",
  // cli.ts may load serve.ts with import() but not Fastify statically; app never imports the CLI
  // (which also closes a cycle between the two folders, through that import()).
  'src/cli/cli.ts':
    "import fastify from 'fastify';\nexport const cli = async () => [fastify, await import('../app/serve.ts')];\n",
  'src/cli/usage.ts': "export const usage = 'vigil';\n",
  'src/app/help.ts': "import { usage } from '../cli/usage.ts';\nexport const help = usage;\n",
};

const EXPECTED = [
  'api-app-not-to-cli: src/app/help.ts → src/cli/usage.ts',
  'audit-imports-only-kernel-and-store: src/audit/trail.ts → src/intake/b.ts',
  'auth-imports-only-domain-errors-store: src/auth/actor.ts → src/intake/b.ts',
  'auth-store-type-only: src/auth/loads.ts → src/store/db.ts',
  'bus-imports-only-kernel-and-store: src/bus/outbox.ts → src/audit/trail.ts',
  'cli-loads-http-lazily: src/cli/cli.ts → node_modules/fastify/fastify.js',
  'config-imports-only-errors: src/config/load.ts → src/store/db.ts',
  'contract-imports-only-errors: src/contract/http.ts → src/intake/b.ts',
  'domain-imports-only-domain-and-errors: src/domain/a.ts → src/intake/b.ts',
  'errors-imports-only-errors: src/errors/codes.ts → src/intake/b.ts',
  'learning-imports-only-kernel: src/learning/gbdt.ts → src/risk/engine.ts',
  'no-circular: cycle src/intake/c.ts src/intake/d.ts',
  'no-circular: cycle src/operators/p.ts src/operators/q.ts src/operators/r.ts',
  'no-folder-cycle: cycle src/app src/cli',
  'no-folder-cycle: cycle src/controls src/notifications',
  'not-to-edge: src/rules/e.ts → src/api/x.ts',
  'not-to-main: src/app/boot.ts → src/main.ts',
  'not-to-unresolvable: src/intake/lost.ts → ./gone.ts',
  'observability-imports-only-kernel-and-store: src/observability/metrics.ts → src/intake/b.ts',
  'only-tests-import-test-helpers: src/intake/uses-helper.ts → test/support/helper.ts',
  'retention-imports-only-kernel-store-audit: src/retention/purge.ts → src/intake/b.ts',
  'risk-imports-only-kernel: src/risk/engine.ts → src/store/db.ts',
  'store-imports-only-kernel: src/store/migrate.ts → src/bus/outbox.ts',
  'web-imports-nothing-of-the-server: web/src/screen.ts → src/intake/b.ts',
  'worker-not-to-api: src/app/worker.ts → src/api/x.ts',
  'worker-not-to-fastify: src/app/worker.ts → node_modules/@fastify/swagger/index.js',
];

test('the rules fail a tree that breaks them, and allow a cycle through `import type` only', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-import-rules-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [file, text] of Object.entries(FIXTURE)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  }
  const [typeAware, runtime] = await cruiseBoth(dir);
  const found = [
    ...new Set([typeAware!, runtime!].flatMap((r) => r.summary.violations).map(describeViolation)),
  ];
  // The type-only cycle is seen, as type-only, and not reported.
  assert.ok(dependencyTypes(typeAware!, 'src/models/t1.ts', 'src/kcs/t2.ts')?.includes('type-only'));
  assert.ok(dependencyTypes(typeAware!, 'src/kcs/t2.ts', 'src/models/t1.ts')?.includes('type-only'));
  assert.deepEqual(
    found.filter((line) => /src\/(models|kcs)\b/.test(line)),
    [],
  );
  assert.deepEqual(found.sort(), EXPECTED);
});

test('the throw-away tree breaks every rule of both configs', async () => {
  const configs = await Promise.all(CONFIGS.map((config) => extractDepcruiseOptions(join(root, config))));
  const names = configs.flatMap((options) => options.ruleSet?.forbidden?.map((rule) => rule.name) ?? []);
  assert.deepEqual(
    names.filter((name) => !EXPECTED.some((line) => line.startsWith(`${name}: `))),
    [],
    'a new rule needs a case in FIXTURE',
  );
});

/** Imports `files` in a fresh Node with a resolve hook and returns every URL resolved meanwhile. */
async function urlsLoadedByImporting(files: readonly string[]): Promise<string[]> {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = new Set();
    registerHooks({
      resolve(specifier, context, nextResolve) {
        const resolved = nextResolve(specifier, context);
        seen.add(resolved.url);
        return resolved;
      },
    });
    for (const url of ${JSON.stringify(files.map((f) => pathToFileURL(join(root, f)).href))}) {
      await import(url);
    }
    process.stdout.write(JSON.stringify([...seen]));
  `;
  const child = spawn(process.execPath, ['--input-type=module', '--eval', script], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 12_000,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  // The child exits by itself: importing a module starts nothing (no timers, sockets or servers).
  assert.equal(code, 0, `importing ${files.join(', ')} failed or did not let Node exit:\n${err}`);
  return JSON.parse(out) as string[];
}

test('vigil worker does not load Fastify; cli.ts loads it only for `serve`; serve.ts does load it', async () => {
  const [workerAndCli, serve] = await Promise.all([
    urlsLoadedByImporting(['src/app/worker.ts', 'src/cli/cli.ts']),
    urlsLoadedByImporting(['src/app/serve.ts']),
  ]);
  assert.ok(
    workerAndCli.some((url) => url.endsWith('/src/app/compose.ts')),
    'the hook records what the worker imports',
  );
  assert.deepEqual(
    workerAndCli.filter((url) => FASTIFY_URL.test(url)),
    [],
  );
  assert.ok(
    serve.some((url) => FASTIFY_URL.test(url)),
    'serve.ts loads Fastify, so the check above could fail',
  );
});

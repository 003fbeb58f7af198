/**
 * Test harness: a Vigil server on a real database, driven through Fastify's in-memory injection.
 * `forEachDatabase` runs a suite on PGlite always and on PostgreSQL when VIGIL_TEST_DATABASE_URL is
 * set, each run in its own schema so suites can run side by side.
 */
import { describe, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { loadConfig } from '../../src/config/index.ts';
import { composeApp } from '../../src/app/compose.ts';
import type { AppDeps } from '../../src/app/compose.ts';
import { buildServer } from '../../src/api/server.ts';
import type { VigilServer } from '../../src/api/server.ts';
import { openDatabase } from '../../src/store/database.ts';
import type { Database, Engine } from '../../src/store/database.ts';
import { FileKeyring, audienceOf } from '../../src/auth/index.ts';
import type { Role } from '../../src/auth/index.ts';
import type { SerialSource } from '../../src/domain/index.ts';

export interface DatabaseTarget {
  readonly engine: Engine;
  open(): Promise<Database>;
}

export function databaseTargets(): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [{ engine: 'pglite', open: () => openDatabase({}) }];
  const url = process.env['VIGIL_TEST_DATABASE_URL'];
  if (url !== undefined && url !== '') {
    targets.push({
      engine: 'postgres',
      async open() {
        const schema = `vigil_test_${randomBytes(6).toString('hex')}`;
        const db = await openDatabase({ url, schema, poolSize: 4 });
        const close = db.close.bind(db);
        return {
          ...db,
          async close() {
            await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
            await close();
          },
        };
      },
    });
  }
  return targets;
}

/** Runs `suite` once per database engine available to this test run. */
export function forEachDatabase(name: string, suite: (target: DatabaseTarget) => void): void {
  for (const target of databaseTargets()) {
    void describe(`${name} [${target.engine}]`, () => suite(target));
  }
}

export interface TestClock {
  now(): Date;
  set(d: Date): void;
  advance(ms: number): void;
}

export function testClock(start = new Date('2027-02-20T08:00:00Z')): TestClock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = d.getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface TestApp {
  readonly server: VigilServer;
  readonly deps: AppDeps;
  readonly clock: TestClock;
  token(authority: string, role: Role, subject: string): Promise<string>;
  /** Rows in a table: to prove that nothing was stored. */
  count(table: string): Promise<number>;
  /** The instance's data folder (its token-signing key is there). */
  readonly dataDir: string;
  close(): Promise<void>;
}

/** `env` adds settings to the test configuration (as the environment would; see src/config). */
export async function startTestApp(
  target: DatabaseTarget,
  clock = testClock(),
  env: Readonly<Record<string, string>> = {},
  overrides: { readonly serial?: SerialSource } = {},
): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-test-'));
  const config = loadConfig({
    VIGIL_DATA_DIR: dataDir,
    VIGIL_LOG_LEVEL: 'silent',
    VIGIL_BODY_LIMIT_BYTES: String(1024 * 1024),
    ...env,
  });
  const db = await target.open();
  const deps = await composeApp(config, { db, clock, ...overrides });
  const server = await buildServer(config, deps);
  await server.app.ready();
  return {
    server,
    deps,
    clock,
    dataDir,
    token: (authority, role, subject) => deps.tokens.issue({ authority, role, subject, ttlSeconds: 3600 }),
    async count(table) {
      const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      return r.rows[0]!.n;
    },
    async close() {
      await server.stop();
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Assesses every filing lodged or amended and not yet assessed, as the bus would. */
export async function assessPending(app: TestApp): Promise<void> {
  const events = await app.deps.db.query<{ payload: { mrn: string; authority: string; version: number } }>(
    `SELECT payload FROM outbox WHERE topic = 'filing.ready' AND processed_at IS NULL ORDER BY id`,
  );
  for (const e of events.rows) {
    await app.deps.assessments.handleReady(e.payload);
  }
  await app.deps.db.query(`UPDATE outbox SET processed_at = now() WHERE processed_at IS NULL`);
}

/** Registers cleanup for a suite-wide app. */
export function closeAfter(app: () => TestApp | undefined): void {
  after(async () => {
    await app()?.close();
  });
}

/**
 * A request to a test app as one of its users: `who` names a token in `tokens`; a body is sent as
 * JSON, or as it is with `type` when it is text (CSV, NDJSON); `type: ''` sends no content type.
 */
export function sender(app: () => TestApp, tokens: Readonly<Record<string, string>>) {
  return (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    who: string,
    body?: unknown,
    type = 'application/json',
  ) =>
    app().server.app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${tokens[who]!}`,
        ...(body !== undefined && type !== '' ? { 'content-type': type } : {}),
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
}

/**
 * A token signed with the test instance's own key but made by hand: with the claims given, and an
 * expiry `expiresIn` seconds from now (negative: already expired; undefined: none at all). For tests
 * of what the token service must refuse, which its `issue` never makes.
 */
export async function handMadeToken(
  app: TestApp,
  claims: { readonly authority: string; readonly role: string; readonly subject: string },
  expiresIn: number | undefined,
): Promise<string> {
  // The signing key of the instance's keyring (src/auth/keyring.ts), with its id and audience.
  const ring = new FileKeyring(join(app.dataDir, 'keyring.json')).current();
  const key = ring.keys[ring.keys.length - 1]!;
  let jwt = new SignJWT({ authority: claims.authority, role: claims.role })
    .setProtectedHeader({ alg: 'HS256', kid: key.kid })
    .setSubject(claims.subject)
    .setIssuer('vigil')
    .setAudience(audienceOf(ring.instance))
    .setJti(randomBytes(8).toString('hex'))
    .setIssuedAt();
  if (expiresIn !== undefined) {
    jwt = jwt.setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn);
  }
  return jwt.sign(key.secret);
}

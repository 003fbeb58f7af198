/**
 * Who may call what, derived from the one permission table (src/auth/permissions.ts): every /v1
 * operation of the OpenAPI document names the permission it needs (`x-vigil-permission`), and for
 * every role the server answers accordingly — a role without the permission gets 403
 * VIGIL_FORBIDDEN before anything else is looked at; a role with it never gets 403 from the role
 * check (it may still get 400 or 404 for what it sent).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PERMISSIONS, ROLES, rolesWith } from '../../src/auth/index.ts';
import type { Permission } from '../../src/auth/index.ts';
import { closeAfter, forEachDatabase, startTestApp } from '../support/test-app.ts';
import type { TestApp } from '../support/test-app.ts';

const openapi = JSON.parse(readFileSync(join(import.meta.dirname, '../../docs/openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, { 'x-vigil-permission'?: string }>>;
};

const operations = Object.entries(openapi.paths)
  .filter(([path]) => path.startsWith('/v1/'))
  .flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, permission: op['x-vigil-permission'] })),
  );

test('every /v1 operation names a permission of the table', () => {
  assert.ok(operations.length >= 30, `only ${operations.length} operations found`);
  for (const op of operations) {
    assert.ok(
      op.permission !== undefined && op.permission in PERMISSIONS,
      `${op.method.toUpperCase()} ${op.path} names ${String(op.permission)}, not a permission of src/auth/permissions.ts`,
    );
  }
});

test('the table gives every role something and no permission to nobody', () => {
  for (const p of Object.keys(PERMISSIONS) as Permission[]) {
    assert.ok(rolesWith(p).length > 0, `${p} is held by no role`);
  }
  for (const role of ROLES) {
    assert.ok(
      operations.some((op) => rolesWith(op.permission as Permission).includes(role)),
      `${role} may call no route`,
    );
  }
});

forEachDatabase('role × route matrix', (target) => {
  let t: TestApp | undefined;
  const app = () => t!;
  closeAfter(() => t);

  before(async () => {
    t = await startTestApp(target, undefined, { VIGIL_COORDINATING_AUTHORITIES: 'EU,NL' });
  });

  test('each role is refused exactly the routes its role lacks the permission for', async () => {
    let refused = 0;
    let let_through = 0;
    for (const role of ROLES) {
      const token = await app().token('NL', role, `nl-${role}`);
      for (const op of operations) {
        // Identifiers that exist nowhere: an allowed caller gets 404 or 400, never 403.
        const url = op.path.replace(/\{(\w+)\}/g, (_m, p: string) =>
          p === 'office' ? 'NL000396' : 'NOPE-1',
        );
        const res = await app().server.app.inject({
          method: op.method.toUpperCase() as 'GET',
          url,
          headers: {
            authorization: `Bearer ${token}`,
            ...(op.method === 'get' ? {} : { 'content-type': 'application/json' }),
          },
          ...(op.method === 'get' ? {} : { payload: '{}' }),
        });
        const what = `${role} ${op.method.toUpperCase()} ${url} (${op.permission!}): ${res.statusCode} ${res.body}`;
        assert.ok(res.statusCode < 500, what);
        if (rolesWith(op.permission as Permission).includes(role)) {
          assert.notEqual(res.statusCode, 403, what);
          let_through++;
        } else {
          assert.equal(res.statusCode, 403, what);
          assert.equal(res.json().code, 'VIGIL_FORBIDDEN', what);
          refused++;
        }
      }
    }
    // Both sides of the matrix were exercised.
    assert.ok(refused >= 40 && let_through >= 100, `refused ${refused}, let through ${let_through}`);
  });
});

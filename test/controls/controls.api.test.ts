/**
 * The controls API through Fastify's in-memory injection, on a real database.
 *
 * It mounts the routes on a small server of its own around the controls harness, whose assessment
 * service has no random selections, so the tests decide exactly which consignments are controlled.
 * (The full server mounts the same plugin under /v1; test/api covers that wiring.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { controlRoutes } from '../../src/controls/control.routes.ts';
import { forEachDatabase } from '../support/test-app.ts';
import { startPluginApi } from '../support/plugin-server.ts';
import type { PluginApi } from '../support/plugin-server.ts';
import type { DatabaseTarget } from '../support/test-app.ts';
import { PHONES_RULE, actor, startControls } from './controls-harness.ts';
import type { ControlsHarness } from './controls-harness.ts';

type Api = PluginApi<ControlsHarness>;

async function startControlsApi(target: DatabaseTarget): Promise<Api> {
  const h = await startControls(target);
  return startPluginApi(h, async (v1) => {
    await v1.register(controlRoutes, { controls: h.controls });
  });
}

forEachDatabase('controls API', (target) => {
  let api: Api | undefined;
  const a = () => api!;
  const tokens: Record<string, string> = {};
  before(async () => {
    api = await startControlsApi(target);
    await a().h.rules.create(actor('analyst', 'ana'), PHONES_RULE);
    tokens['officer'] = await a().token('NL', 'officer', 'olga');
    tokens['filer'] = await a().token('NL', 'filer', 'acme');
    tokens['analyst'] = await a().token('NL', 'analyst', 'ana');
    tokens['belgian'] = await a().token('BE', 'officer', 'bert');
  });
  after(async () => {
    await api?.close();
  });

  const send = (method: 'GET' | 'POST', url: string, token: string, body?: unknown) =>
    a().app.inject({
      method,
      url,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    });

  test('queue, assignment, a result and its correction, and the rule statistics over HTTP', async () => {
    const mrn = await a().h.fileAndAssess('API-1');
    const queue = await send('GET', '/v1/controls?office=NL000396&limit=10', tokens['officer']!);
    assert.equal(queue.statusCode, 200);
    const task = queue.json().items.find((t: { mrn: string }) => t.mrn === mrn);
    assert.ok(task);

    const taken = await send('POST', `/v1/controls/${task.id}/assign`, tokens['officer']!, {});
    assert.equal(taken.statusCode, 200);
    assert.equal(taken.json().assignee, 'olga');

    const first = await send('POST', `/v1/controls/${task.id}/result`, tokens['officer']!, {
      result: 'seizure',
      category: 'counterfeit',
      quantity: 250,
      unit: 'items',
      method: 'physical',
      remarks: 'fake brand logos',
    });
    assert.equal(first.statusCode, 201);
    assert.equal(first.json().task.status, 'done');

    const again = await send('POST', `/v1/controls/${task.id}/result`, tokens['officer']!, {
      result: 'no-irregularity',
      method: 'physical',
    });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'VIGIL_CONFLICT');

    const fix = await send('POST', `/v1/controls/${task.id}/result`, tokens['officer']!, {
      result: 'seizure',
      category: 'counterfeit',
      quantity: 240,
      unit: 'items',
      method: 'physical',
      supersedes: first.json().result.id,
      reason: 'counted again',
    });
    assert.equal(fix.statusCode, 201);

    const detail = await send('GET', `/v1/controls/${task.id}`, tokens['officer']!);
    assert.deepEqual(
      detail
        .json()
        .results.map((r: { details: { quantity: number }; current: boolean }) => [
          r.details.quantity,
          r.current,
        ]),
      [
        [250, false],
        [240, true],
      ],
    );

    const stats = await send('GET', '/v1/rules/R-PHONES/stats', tokens['analyst']!);
    assert.equal(stats.statusCode, 200);
    assert.equal(stats.json().versions[0].seizures, 1);
    assert.equal(stats.json().versions[0].yield, 1);
  });

  test('bad input and strangers get problem+json errors', async () => {
    const mrn = await a().h.fileAndAssess('API-2');
    const task = (await send('GET', '/v1/controls?limit=500', tokens['officer']!))
      .json()
      .items.find((t: { mrn: string }) => t.mrn === mrn);
    const bad = await send('POST', `/v1/controls/${task.id}/result`, tokens['officer']!, {
      result: 'seizure',
      category: 'spices',
      method: 'physical',
    });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.headers['content-type'], 'application/problem+json; charset=utf-8');
    assert.ok(bad.json().errors.some((e: { path: string }) => e.path.includes('category')));
    assert.equal(
      (await send('GET', '/v1/controls?status=lost', tokens['officer']!)).json().code,
      'VIGIL_QUERY_INVALID',
    );
    assert.equal((await send('GET', '/v1/controls', tokens['filer']!)).statusCode, 403);
    assert.equal((await send('GET', `/v1/controls/${task.id}`, tokens['belgian']!)).statusCode, 404);
    assert.equal(
      (
        await send(
          'GET',
          '/v1/rules/R-PHONES/stats?from=2027-03-01T00:00:00Z&to=2027-01-01T00:00:00Z',
          tokens['analyst']!,
        )
      ).statusCode,
      400,
    );
    assert.equal((await send('GET', '/v1/rules/NOPE/stats', tokens['analyst']!)).statusCode, 404);
    const none = await send('POST', '/v1/controls/assign-next?office=NL777777', tokens['officer']!, {});
    assert.equal(none.statusCode, 204);
  });
});

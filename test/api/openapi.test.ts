/**
 * The OpenAPI document is the contract a filer's developer (and the workbench's generated client)
 * reads: the checked-in copy is what the server serves, every operation has an operationId, a
 * request body schema where it takes a body, a response schema with content and an example for
 * every success status but 204, and every example validates against its schema.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { renderOpenApi } from '../../src/app/openapi.ts';
import { openApiValidator } from '../support/openapi-validator.ts';

interface Media {
  schema?: Record<string, unknown>;
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  operationId?: string;
  requestBody?: { content: Record<string, Media> };
  parameters?: { name: string; in: string; schema?: Record<string, unknown>; example?: unknown }[];
  responses: Record<string, { description: string; content?: Record<string, Media> }>;
  'x-vigil-body'?: string;
}
interface Doc {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

let served: string;
let doc: Doc;
before(async () => {
  served = await renderOpenApi(mkdtempSync(join(tmpdir(), 'vigil-openapi-')));
  doc = JSON.parse(served) as Doc;
});

function operations(d: Doc = doc): [string, Operation][] {
  const out: [string, Operation][] = [];
  for (const [path, item] of Object.entries(d.paths)) {
    for (const [method, op] of Object.entries(item)) {
      out.push([`${method.toUpperCase()} ${path}`, op]);
    }
  }
  return out;
}

function examplesOf(media: Media): unknown[] {
  if (media.example !== undefined) {
    return [media.example];
  }
  return Object.values(media.examples ?? {}).map((e) => e.value);
}

test('docs/openapi.json is what the server serves (run `npm run docs` after an API change)', () => {
  const checkedIn = readFileSync(join(import.meta.dirname, '../../docs/openapi.json'), 'utf8');
  assert.equal(checkedIn, served);
  for (const path of [
    '/v1/filings',
    '/v1/filings/{mrn}',
    '/v1/filings/{mrn}/amendments',
    '/v1/filings/{mrn}/invalidation',
  ]) {
    assert.ok(doc.paths[path], `${path} is documented`);
  }
});

/** Operations without a unique camelCase operationId. */
function withoutOperationId(d: Doc): string[] {
  const seen = new Set<string>();
  const missing: string[] = [];
  for (const [name, op] of operations(d)) {
    if (
      op.operationId === undefined ||
      !/^[a-z][A-Za-z0-9]*$/.test(op.operationId) ||
      seen.has(op.operationId)
    ) {
      missing.push(name);
    }
    seen.add(op.operationId ?? '');
  }
  return missing;
}

/** Operations that take a body (POST, PUT, PATCH but an action marked `x-vigil-body: none`) without a schema and an example. */
function withoutRequestBody(d: Doc): string[] {
  const missing: string[] = [];
  for (const [name, op] of operations(d)) {
    const takesBody = /^(POST|PUT|PATCH) /.test(name) && op['x-vigil-body'] !== 'none';
    if (!takesBody) {
      continue;
    }
    const media = Object.values(op.requestBody?.content ?? {});
    if (media.length === 0 || media.some((m) => m.schema === undefined || examplesOf(m).length === 0)) {
      missing.push(name);
    }
  }
  return missing;
}

/** Answers without content, a schema and an example (but 204), and client errors not in problem+json. */
function withoutResponses(d: Doc): string[] {
  const missing: string[] = [];
  for (const [name, op] of operations(d)) {
    if (!Object.keys(op.responses).some((s) => s.startsWith('2'))) {
      missing.push(`${name}: no success response`);
    }
    for (const [status, response] of Object.entries(op.responses)) {
      if (status === '204') {
        continue;
      }
      const media = Object.entries(response.content ?? {});
      if (media.length === 0 || media.some(([, m]) => m.schema === undefined || examplesOf(m).length === 0)) {
        missing.push(`${name} ${status}`);
      }
      // /ready answers 503 with its own JSON body; every client error is problem+json.
      if (status.startsWith('4') && media.some(([type]) => type !== 'application/problem+json')) {
        missing.push(`${name} ${status}: not application/problem+json`);
      }
    }
  }
  return missing;
}

test('every operation has a unique camelCase operationId', () => {
  assert.deepEqual(withoutOperationId(doc), []);
});

test('every operation that takes a body describes it with a schema and an example', () => {
  assert.deepEqual(withoutRequestBody(doc), []);
});

test('every success answer but 204 has content with a schema and an example; every 4xx is problem+json', () => {
  assert.deepEqual(withoutResponses(doc), []);
});

test('a route added without its contract is caught', () => {
  // What @fastify/swagger renders for `app.post('/v1/things', handler)` with no schema.
  const bare: Doc = {
    ...doc,
    paths: {
      ...doc.paths,
      '/v1/things': { post: { responses: { '200': { description: 'Default Response' } } } },
    },
  };
  assert.deepEqual(withoutOperationId(bare), ['POST /v1/things']);
  assert.deepEqual(withoutRequestBody(bare), ['POST /v1/things']);
  assert.deepEqual(withoutResponses(bare), ['POST /v1/things 200']);
});

test('every example validates against its schema', () => {
  const validate = openApiValidator(doc.components);
  const failures: string[] = [];
  let checked = 0;
  const check = (where: string, schema: unknown, examples: unknown[]): void => {
    if (schema === undefined) {
      return;
    }
    for (const example of examples) {
      checked++;
      const wrong = validate(schema, example);
      if (wrong !== undefined) {
        failures.push(`${where}: ${wrong}`);
      }
    }
  };
  for (const [name, op] of operations()) {
    for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
      check(`${name} request ${type}`, media.schema, examplesOf(media));
    }
    for (const p of op.parameters ?? []) {
      check(`${name} parameter ${p.name}`, p.schema, p.example === undefined ? [] : [p.example]);
    }
    for (const [status, response] of Object.entries(op.responses)) {
      for (const [type, media] of Object.entries(response.content ?? {})) {
        check(`${name} ${status} ${type}`, media.schema, examplesOf(media));
      }
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > operations().length, `${checked} examples checked`);
});

/**
 * The HTTP contract shared by every route: the problem+json error body, the error responses a route
 * can give (grouped by status, each listing its codes), the headers every answer carries (rate
 * limits) and the pagination cursor, and helpers that turn the zod schemas the handlers validate
 * with, and the zod schemas describing what they return, into the OpenAPI parts of a route's
 * `schema`. One source of truth: the document is generated from the same zod contracts the server
 * parses with, and a generated client reads it (docs/openapi.json).
 */
import { z } from 'zod';
import { ERROR_CATALOGUE } from '../errors/index.ts';
import type { ErrorCode } from '../errors/index.ts';
import type { Permission } from '../auth/index.ts';

export type JsonSchema = Record<string, unknown>;

/** One problem in a request, as `errors[]` of a problem+json answer lists it (FieldError). */
export const fieldErrorSchema = z
  .object({
    code: z
      .string()
      .describe('stable code: a VIGIL_… code or an ICS2 rule (R3021, C3001 …), see docs/errors.md'),
    path: z
      .string()
      .describe(
        'JSON path of the element in the request ($.consignments[0].goods[1].hsCode), or an XPath for XML',
      ),
    message: z.string().describe('what is wrong, in plain words'),
    position: z
      .object({ line: z.int(), column: z.int(), offset: z.int() })
      .optional()
      .describe('where in a source text (a rule’s CEL condition) the problem is'),
  })
  .meta({ id: 'FieldError' });

/** RFC 9457 problem details, as src/api/problem.ts renders every error. */
export const problemSchema = z
  .object({
    type: z.string().describe('https://vigil.dev/errors/{code}'),
    title: z.string().describe('the title of the code in the error catalogue'),
    status: z.int().describe('the HTTP status'),
    code: z.string().describe('stable error code (docs/errors.md)'),
    detail: z.string().describe('what went wrong in this request'),
    instance: z.string().describe('the request path'),
    errors: z.array(fieldErrorSchema).optional().describe('every field error found (at most 100)'),
    errorCount: z.int().optional().describe('all the field errors found, when more than `errors` lists'),
  })
  .meta({ id: 'Problem' });

/** Where a named schema (zod `.meta({ id })`) lives in the document. */
const COMPONENTS = '#/components/schemas/';

/**
 * zod → JSON Schema 2020-12 (the dialect of OpenAPI 3.1), without `$schema`. Schemas named with
 * `.meta({ id })` become references: on the output side (answers) to `#/components/schemas/{id}`,
 * their definitions carried in `$defs` until `hoistDefinitions` moves them into the components (a
 * generated client then has one named type per shape); on the input side (request bodies, queries)
 * inlined, since what a client sends may differ from what it gets back (defaults, transforms).
 */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: (ctx) => {
      // z.int()'s safe-integer bounds say nothing a reader needs.
      const s = ctx.jsonSchema as JsonSchema;
      if (s.minimum === Number.MIN_SAFE_INTEGER) {
        delete s.minimum;
      }
      if (s.maximum === Number.MAX_SAFE_INTEGER) {
        delete s.maximum;
      }
    },
  }) as JsonSchema;
  delete out.$schema;
  const defs = out.$defs as Record<string, JsonSchema> | undefined;
  if (defs === undefined) {
    return out;
  }
  if (io === 'input') {
    delete out.$defs;
    return inlineDefinitions(out, defs) as JsonSchema;
  }
  // The definitions of a named root ride beside the bare `$ref` as `x-vigil-defs` (@fastify/swagger
  // drops `$defs` there); hoistDefinitions takes both.
  const root = typeof out.$ref === 'string' ? { $ref: out.$ref, 'x-vigil-defs': defs } : out;
  return JSON.parse(JSON.stringify(root).replaceAll('"#/$defs/', `"${COMPONENTS}`)) as JsonSchema;
}

function inlineDefinitions(node: unknown, defs: Record<string, JsonSchema>, depth = 0): unknown {
  if (Array.isArray(node)) {
    return node.map((n) => inlineDefinitions(n, defs, depth));
  }
  if (node === null || typeof node !== 'object') {
    return node;
  }
  const { $ref, ...rest } = node as JsonSchema;
  const inner = Object.fromEntries(
    Object.entries(rest).map(([k, v]) => [k, inlineDefinitions(v, defs, depth)]),
  );
  if (typeof $ref === 'string' && $ref.startsWith('#/$defs/') && depth < 32) {
    const target = defs[$ref.slice('#/$defs/'.length)];
    return { ...(inlineDefinitions(target, defs, depth + 1) as JsonSchema), ...inner };
  }
  return $ref === undefined ? inner : { $ref, ...inner };
}

/**
 * Moves every `$defs` of the document's schemas into `components.schemas` (a name used for two
 * different shapes is an error): the document's `transformObject`.
 */
export function hoistDefinitions<T extends { components?: { schemas?: Record<string, unknown> } }>(
  doc: T,
): T {
  const schemas: Record<string, unknown> = { ...doc.components?.schemas };
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    if (node === null || typeof node !== 'object') {
      return;
    }
    const obj = node as JsonSchema;
    const defs = (obj.$defs ?? obj['x-vigil-defs']) as Record<string, unknown> | undefined;
    if (defs !== undefined) {
      delete obj.$defs;
      delete obj['x-vigil-defs'];
      for (const [name, def] of Object.entries(defs)) {
        if (schemas[name] !== undefined && JSON.stringify(schemas[name]) !== JSON.stringify(def)) {
          throw new Error(`two different schemas are named ${name} (zod .meta({ id }))`);
        }
        schemas[name] = def;
        walk(def);
      }
    }
    Object.values(obj).forEach(walk);
  };
  walk(doc);
  const sorted = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
  return { ...doc, components: { ...doc.components, schemas: sorted } };
}

/** The component schemas every document carries (components.schemas): the problem+json body. */
export function componentSchemas(): Record<string, JsonSchema> {
  const problem = jsonSchemaOf(problemSchema, 'output');
  return problem['x-vigil-defs'] as Record<string, JsonSchema>;
}

/** Headers on every answer: @fastify/rate-limit with `enableDraftSpec`. */
export const RATE_LIMIT_HEADERS = {
  'RateLimit-Limit': { type: 'integer', description: 'requests this client may make in the window' },
  'RateLimit-Remaining': { type: 'integer', description: 'requests left in the current window' },
  'RateLimit-Reset': { type: 'integer', description: 'seconds until the window resets' },
} as const;

const RETRY_AFTER = {
  'Retry-After': { type: 'integer', description: 'seconds to wait before retrying' },
} as const;

export interface MediaSpec {
  readonly schema: JsonSchema;
  readonly example: unknown;
  /** Definitions of named schemas, moved into the components by hoistDefinitions. */
  readonly 'x-vigil-defs'?: unknown;
}

export interface ResponseSpec {
  readonly description: string;
  readonly headers?: Record<string, { readonly type: string; readonly description: string }>;
  readonly content?: Record<string, MediaSpec>;
  readonly type?: 'null';
}

export interface BodySpec {
  readonly description?: string;
  readonly content: Record<string, { readonly schema: JsonSchema & { examples: unknown[] } }>;
}

/** A JSON answer described by a zod schema of what the handler returns, with an example. */
export function jsonResponse<S extends z.ZodType>(
  description: string,
  schema: S,
  example: z.output<S>,
  options: { headers?: Record<string, { type: string; description: string }>; contentType?: string } = {},
): ResponseSpec {
  // A named root's definitions ride on the media object: @fastify/swagger keeps nothing beside a
  // bare `$ref` schema.
  const { 'x-vigil-defs': defs, ...json } = jsonSchemaOf(schema, 'output');
  return {
    description,
    headers: { ...RATE_LIMIT_HEADERS, ...options.headers },
    content: {
      [options.contentType ?? 'application/json']: {
        schema: json,
        example,
        ...(defs !== undefined ? { 'x-vigil-defs': defs } : {}),
      },
    },
  };
}

/** A text answer (CSV, Prometheus exposition) with an example. */
export function textResponse(description: string, contentType: string, example: string): ResponseSpec {
  return {
    description,
    headers: { ...RATE_LIMIT_HEADERS },
    content: { [contentType]: { schema: { type: 'string' }, example } },
  };
}

/** An answer without a body (204). */
export function noContent(description: string): ResponseSpec {
  return { description, headers: { ...RATE_LIMIT_HEADERS }, type: 'null' };
}

/**
 * A JSON request body from the zod schema the handler validates with (its input side: defaults
 * optional), with an example; `extra` adds other content types the route takes (XML, CSV).
 */
export function jsonBody<S extends z.ZodType>(
  schema: S,
  example: z.input<S>,
  extra: Record<string, { schema: JsonSchema; example: unknown }> = {},
): BodySpec {
  const content: Record<string, { schema: JsonSchema & { examples: unknown[] } }> = {
    'application/json': { schema: { ...jsonSchemaOf(schema, 'input'), examples: [example] } },
  };
  for (const [type, media] of Object.entries(extra)) {
    content[type] = { schema: { ...media.schema, examples: [media.example] } };
  }
  return { content };
}

/**
 * A POST that takes no body (an action on a resource): the completeness test of the document
 * (test/api/openapi.test.ts) accepts it without a request body.
 */
export const noBody = 'none';

/** A text body (CSV, NDJSON), per content type, with a description and an example. */
export function textBody(types: Record<string, { description: string; example: string }>): BodySpec {
  const content: Record<string, { schema: JsonSchema & { examples: unknown[] } }> = {};
  for (const [type, t] of Object.entries(types)) {
    content[type] = { schema: { type: 'string', description: t.description, examples: [t.example] } };
  }
  return { content };
}

/** Query or path parameters from the zod schema the handler parses them with. */
export function paramsOf(schema: z.ZodType): JsonSchema {
  return jsonSchemaOf(schema, 'input');
}

/** A page of a list: the items and the cursor of the next page (`?next=`), null on the last. */
export function pageOf<S extends z.ZodType>(item: S) {
  return z.object({
    items: z.array(item),
    next: z.string().nullable().describe('pass as `?next=` for the following page; null on the last page'),
  });
}

/** The `next` query parameter of a paged list. */
export const nextCursorQuery = z.string().max(200).optional().describe('the `next` of the previous page');

/** The request header every route takes (src/api/server.ts, genReqId). */
const requestHeaders = z.object({
  'x-request-id': z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/)
    .optional()
    .describe(
      'your id for this request: kept as its id in Vigil’s logs and on the events it causes (anything else is replaced by a fresh one)',
    ),
});

/** Codes a route under /v1 can always answer with: authentication, permission, rate limit. */
const V1_CODES: readonly ErrorCode[] = [
  'VIGIL_UNAUTHENTICATED',
  'VIGIL_TOKEN_REVOKED',
  'VIGIL_API_KEY_UNKNOWN',
  'VIGIL_API_KEY_REVOKED',
  'VIGIL_API_KEY_EXPIRED',
  'VIGIL_API_KEY_RETIRED',
  'VIGIL_SESSION_EXPIRED',
  'VIGIL_CSRF_REJECTED',
  'VIGIL_FORBIDDEN',
  'VIGIL_RATE_LIMITED',
];
/** Codes a route with a JSON body can answer with before its handler runs (src/api/server.ts). */
const BODY_CODES: readonly ErrorCode[] = [
  'VIGIL_BODY_NOT_JSON',
  'VIGIL_BODY_TOO_DEEP',
  'VIGIL_BODY_TOO_MANY_KEYS',
  'VIGIL_BODY_TOO_LARGE',
  'VIGIL_UNSUPPORTED_MEDIA_TYPE',
];

/** The problem+json answers for `codes`, one per status, each naming the codes it can carry. */
export function errorResponses(codes: readonly ErrorCode[]): Record<string, ResponseSpec> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codes)) {
    const status = ERROR_CATALOGUE[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, ResponseSpec> = {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    const first = list[0]!;
    out[String(status)] = {
      description: list.map((c) => `${c}: ${ERROR_CATALOGUE[c].title}`).join('; '),
      headers: status === 429 ? { ...RATE_LIMIT_HEADERS, ...RETRY_AFTER } : { ...RATE_LIMIT_HEADERS },
      content: {
        'application/problem+json': {
          schema: { $ref: '#/components/schemas/Problem' },
          example: problemExample(first, status),
        },
      },
    };
  }
  return out;
}

function problemExample(code: ErrorCode, status: number): z.output<typeof problemSchema> {
  const example: z.output<typeof problemSchema> = {
    type: `https://vigil.dev/errors/${code}`,
    title: ERROR_CATALOGUE[code].title,
    status,
    code,
    detail: ERROR_CATALOGUE[code].title,
    instance: '/v1/…',
  };
  if (status === 422 || code === 'VIGIL_BAD_REQUEST' || code === 'VIGIL_QUERY_INVALID') {
    return {
      ...example,
      errors: [{ code: 'VIGIL_SCHEMA_REQUIRED', path: '$.lrn', message: 'lrn is required (a string)' }],
    };
  }
  return example;
}

export interface OperationSpec {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** The permission the route checks (src/auth/permissions.ts); none for the public routes. */
  readonly permission?: Permission;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  /** The request body; `noBody` for an action that takes none. */
  readonly body?: BodySpec | typeof noBody;
  /** Success answers by status. */
  readonly responses: Record<number, ResponseSpec>;
  /** Error codes the handler or its service can answer with, beyond the /v1 and body ones. */
  readonly errors?: readonly ErrorCode[];
  /** Public routes: no bearer token. */
  readonly public?: boolean;
  readonly consumes?: readonly string[];
}

/** A route's Fastify `schema`: OpenAPI operation with every part generated from zod. */
export function operation(spec: OperationSpec): Record<string, unknown> {
  const codes: ErrorCode[] = spec.public === true ? [] : [...V1_CODES];
  if (spec.query !== undefined) {
    codes.push('VIGIL_QUERY_INVALID');
  }
  if (spec.body !== undefined && spec.body !== noBody) {
    codes.push('VIGIL_BAD_REQUEST', ...BODY_CODES);
  }
  codes.push(...(spec.errors ?? []));
  const responses: Record<string, ResponseSpec> = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    responses[status] = r;
  }
  Object.assign(responses, errorResponses(codes));
  return {
    operationId: spec.operationId,
    ...(spec.permission !== undefined ? { 'x-vigil-permission': spec.permission } : {}),
    tags: spec.tags,
    summary: spec.summary,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(spec.public === true ? { security: [] } : {}),
    headers: paramsOf(requestHeaders),
    ...(spec.params !== undefined ? { params: paramsOf(spec.params) } : {}),
    ...(spec.query !== undefined ? { querystring: paramsOf(spec.query) } : {}),
    ...(spec.body === noBody
      ? { 'x-vigil-body': noBody }
      : spec.body !== undefined
        ? { body: spec.body }
        : {}),
    ...(spec.consumes !== undefined ? { consumes: spec.consumes } : {}),
    response: responses,
  };
}

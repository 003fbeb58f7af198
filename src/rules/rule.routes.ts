/**
 * HTTP adapter of analysts' rules (/v1/rules: create, version, list, check as typed, test, backtest,
 * comments; /v1/rule-environment: what a condition can name) and watchlists
 * (/v1/watchlists: create, upload entities as JSON, CSV, NDJSON or the public UN, EU and OFAC lists,
 * list, search, get, put, delete and expire entities, match a value with the match explained).
 */
import { Readable } from 'node:stream';
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { instantSchema, periodEnd, periodStart } from '../domain/index.ts';
import type { Clock } from '../domain/index.ts';
import { VigilError } from '../errors/index.ts';
import { parseInput } from '../errors/index.ts';
import { validateFiling } from '../intake/index.ts';
import { RULE_STATUSES } from '../risk/index.ts';
import { ruleCommentInputSchema, ruleInputSchema, watchlistInputSchema } from './rule.service.ts';
import { filingSchema } from '../intake/index.ts';
import { jsonBody, jsonResponse, operation, textBody } from '../contract/index.ts';
import {
  RULE_COMMENT_EXAMPLE,
  RULE_INPUT_EXAMPLE,
  STORED_RULE_EXAMPLE,
  backtestResultSchema,
  listedRuleSchema,
  ruleCheckSchema,
  ruleCommentSchema,
  ruleEnvironmentSchema,
  ruleTestResultSchema,
  ruleWithVersionsSchema,
  storedRuleSchema,
  WATCHLIST_ENTRY_EXAMPLE,
  WATCHLIST_MATCH_EXAMPLE,
  watchlistEntryPageSchema,
  watchlistEntrySchema,
  watchlistMatchResultSchema,
  watchlistSummarySchema,
  watchlistUploadResultSchema,
} from './rule.contract.ts';
import { LIST_CONTENT_TYPES, LIST_FORMATS, entityInputSchema } from './list-formats/index.ts';
import type { RuleService } from './rule.service.ts';

export interface RuleRoutesOptions {
  readonly rules: RuleService;
  readonly clock: Clock;
  /** The filing the document shows for a rule test (the demo generator's). */
  readonly exampleFiling: z.input<typeof filingSchema>;
  /** The most bytes a watchlist upload may have (VIGIL_WATCHLIST_MAX_BYTES). */
  readonly watchlistMaxBytes: number;
}

const ruleBody = jsonBody(ruleInputSchema, RULE_INPUT_EXAMPLE);
const idParams = z.object({ id: z.string().min(1).describe('the rule') });
const nameParams = z.object({ name: z.string().min(1).describe('the watchlist') });
const ruleQuery = z.strictObject({ status: z.enum(RULE_STATUSES).optional() });
const versionQuery = z.strictObject({ version: z.coerce.number().int().min(1).optional() });
const matchQuery = z.strictObject({ value: z.string().min(1).max(500) });
/** What /rules/test takes: the route parses its envelope, the service the rule and the filing. */
const ruleTestSchema = z.strictObject({
  rule: z.unknown(),
  filing: z.unknown(),
  consignment: z.number().int().min(0).optional(),
});
const ruleTestDocSchema = z.strictObject({
  rule: ruleInputSchema,
  filing: filingSchema,
  consignment: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('the consignment to evaluate on, from 0 (default 0)'),
});
const WATCHLIST_EXAMPLE = {
  name: 'sanctioned-operators',
  subject: 'operator-name' as const,
  threshold: 0.9,
  description: 'Operators named in the EU consolidated sanctions list',
  size: 1,
  updatedAt: '2027-03-01T09:00:00.000Z',
};
const RULE_CODES = ['VIGIL_RULE_INVALID', 'VIGIL_RULE_TOO_COSTLY', 'VIGIL_RULE_MANAGED'] as const;

const backtestSchema = z.strictObject({
  from: instantSchema,
  to: instantSchema,
  version: z.number().int().min(1).optional(),
});
const statusSchema = z.strictObject({ status: z.enum(RULE_STATUSES) });
const checkSchema = z.strictObject({
  condition: z.string().max(20_000).describe('the CEL condition, as the analyst is writing it'),
});
const entriesQuery = z.strictObject({
  next: z.string().min(1).max(4000).optional().describe('the `next` of the previous page'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  q: z.string().trim().min(1).max(500).optional().describe('a name to screen against the list'),
  threshold: z.coerce
    .number()
    .min(0.6)
    .max(1)
    .optional()
    .describe('with `q`: the score from which a name matches (default the list’s)'),
});
const deleteEntryQuery = z.strictObject({ value: z.string().trim().min(1).max(500) });
const formatParam = z
  .enum(LIST_FORMATS)
  .optional()
  .describe('the format of the upload (default: its content type’s; XML by its root element)');
const uploadQuery = z.strictObject({
  replace: z.enum(['true', 'false']).default('false'),
  format: formatParam,
});
const replaceQuery = z.strictObject({ format: formatParam });
const watchlistEntityHistorySchema = z.object({
  name: z.string(),
  id: z.string(),
  items: z.array(
    z.object({
      at: z.string().describe('ISO 8601'),
      actor: z.string().nullable().describe('`role:subject`; null for the system (the retention purge)'),
      change: z
        .enum(['added', 'changed', 'expiry', 'removed'])
        .describe(
          '`expiry`: only its expiry changed; `removed`: taken off (one by one, by a replacement of the list, or purged)',
        ),
      entity: z
        .object({
          value: z.string(),
          aliases: z.array(z.unknown()),
          type: z.string().nullable(),
          identifiers: z.array(z.unknown()),
          note: z.string().nullable(),
          source: z.string().nullable(),
          expiresAt: z.string().nullable(),
        })
        .nullable()
        .describe('the entity after the change; null once removed'),
    }),
  ),
});

const entityParams = z.object({
  name: z.string().min(1).describe('the watchlist'),
  id: z.string().min(1).max(128).describe('the entity’s id in the list'),
});
const expirySchema = z.strictObject({ expires: instantSchema });

export const ruleRoutes: FastifyPluginCallback<RuleRoutesOptions> = (app, opts, done) => {
  const { rules } = opts;

  app.post(
    '/rules',
    {
      schema: operation({
        operationId: 'createRule',
        permission: 'rule.write',
        tags: ['rules'],
        summary: 'Create a rule (version 1); its CEL condition is type-checked',
        body: ruleBody,
        responses: { 201: jsonResponse('The rule, version 1', storedRuleSchema, STORED_RULE_EXAMPLE) },
        errors: [...RULE_CODES, 'VIGIL_CONFLICT'],
      }),
    },
    async (request, reply) => reply.status(201).send(await rules.create(actorOf(request), request.body)),
  );
  app.get(
    '/rules',
    {
      schema: operation({
        operationId: 'listRules',
        permission: 'rule.read',
        tags: ['rules'],
        summary: 'The latest version of every rule',
        query: ruleQuery,
        responses: {
          200: jsonResponse('The rules', z.object({ items: z.array(listedRuleSchema) }), {
            items: [STORED_RULE_EXAMPLE],
          }),
        },
      }),
    },
    async (request) => {
      const q = parseInput(ruleQuery, request.query, 'VIGIL_QUERY_INVALID');
      return { items: await rules.list(actorOf(request), q.status) };
    },
  );
  app.get<{ Params: { id: string } }>(
    '/rules/:id',
    {
      schema: operation({
        operationId: 'getRule',
        permission: 'rule.read',
        tags: ['rules'],
        summary: 'A rule (latest, or ?version=N) and its versions',
        params: idParams,
        query: versionQuery,
        responses: {
          200: jsonResponse('The rule and its versions', ruleWithVersionsSchema, {
            rule: STORED_RULE_EXAMPLE,
            versions: [1],
          }),
        },
        errors: ['VIGIL_RULE_NOT_FOUND'],
      }),
    },
    async (request) => {
      const q = parseInput(versionQuery, request.query, 'VIGIL_QUERY_INVALID');
      return rules.get(actorOf(request), request.params.id, q.version);
    },
  );
  app.put<{ Params: { id: string } }>(
    '/rules/:id',
    {
      schema: operation({
        operationId: 'updateRule',
        permission: 'rule.write',
        tags: ['rules'],
        summary: 'Change a rule: makes a new version',
        params: idParams,
        body: ruleBody,
        responses: {
          200: jsonResponse('The new version', storedRuleSchema, { ...STORED_RULE_EXAMPLE, version: 2 }),
        },
        errors: [...RULE_CODES, 'VIGIL_RULE_NOT_FOUND'],
      }),
    },
    async (request) => rules.update(actorOf(request), request.params.id, request.body),
  );
  app.post<{ Params: { id: string } }>(
    '/rules/:id/backtest',
    {
      schema: operation({
        operationId: 'backtestRule',
        permission: 'rule.read',
        tags: ['rules'],
        summary: 'How the rule would have done on filings lodged in a period',
        description: 'A plain date as `to` includes that whole day.',
        params: idParams,
        body: jsonBody(backtestSchema, { from: '2027-01-01', to: '2027-02-28' }),
        responses: {
          200: jsonResponse('The backtest', backtestResultSchema, {
            rule: { id: STORED_RULE_EXAMPLE.id, version: 1 },
            period: { from: '2027-01-01T00:00:00.000Z', to: '2027-03-01T00:00:00.000Z' },
            consignmentsAssessed: 5400,
            consignmentsHit: 38,
            hitRate: 0.007,
            controlled: 12,
            irregular: 5,
            irregularShare: 0.417,
            addedControlLoad: 26,
            addedControlLoadShare: 0.005,
            evaluationErrors: 0,
            firstEvaluationError: null,
            daily: [
              { day: '2027-01-01', assessed: 92, hits: 1, addedControlLoad: 1 },
              { day: '2027-01-02', assessed: 88, hits: 0, addedControlLoad: 0 },
            ],
          }),
        },
        errors: ['VIGIL_RULE_NOT_FOUND', 'VIGIL_BACKTEST_TOO_LONG'],
      }),
    },
    async (request) => {
      const b = parseInput(backtestSchema, request.body ?? {});
      // A plain `to` date includes that whole day.
      return rules.backtest(actorOf(request), request.params.id, {
        from: periodStart(b.from),
        to: periodEnd(b.to),
        version: b.version,
      });
    },
  );
  app.post<{ Params: { id: string } }>(
    '/rules/:id/status',
    {
      schema: operation({
        operationId: 'setRuleStatus',
        permission: 'rule.write',
        tags: ['rules'],
        summary: 'Activate, retire or draft a rule without sending it whole (a new version)',
        params: idParams,
        body: jsonBody(statusSchema, { status: 'active' }),
        responses: {
          200: jsonResponse('The new version', storedRuleSchema, {
            ...STORED_RULE_EXAMPLE,
            version: 2,
            status: 'active',
          }),
        },
        errors: [...RULE_CODES, 'VIGIL_RULE_NOT_FOUND'],
      }),
    },
    async (request) => {
      const b = parseInput(statusSchema, request.body ?? {});
      return rules.setStatus(actorOf(request), request.params.id, b.status);
    },
  );
  app.post(
    '/rules/check',
    {
      schema: operation({
        operationId: 'checkRuleCondition',
        permission: 'rule.read',
        tags: ['rules'],
        summary:
          'Type-check a CEL condition as saving a rule would; the problems, each with its line and column, are the answer (for an editor, as the analyst types)',
        body: jsonBody(checkSchema, { condition: 'goods.exists(g, g.hsCod.startsWith("7306"))' }),
        responses: {
          200: jsonResponse('Whether the condition checks, and every problem found', ruleCheckSchema, {
            ok: false,
            errors: [
              {
                code: 'VIGIL_RULE_UNKNOWN_FIELD',
                message: 'No such key: hsCod',
                line: 1,
                column: 19,
                offset: 18,
              },
            ],
          }),
        },
      }),
    },
    async (request) => {
      const b = parseInput(checkSchema, request.body ?? {});
      return rules.check(actorOf(request), b.condition);
    },
  );
  app.get(
    '/rule-environment',
    {
      schema: operation({
        operationId: 'getRuleEnvironment',
        permission: 'rule.read',
        tags: ['rules'],
        summary:
          'What a rule condition can name: variables, the fields of each type, functions and macros (from the environment rules are type-checked against), country groups and the authority’s watchlists',
        responses: {
          200: jsonResponse('The rule environment', ruleEnvironmentSchema, {
            variables: [{ name: 'goods', type: 'list<GoodsItem>' }],
            types: [{ name: 'GoodsItem', fields: [{ name: 'hsCode', type: 'string' }] }],
            functions: [
              {
                name: 'hsIn',
                receiver: null,
                signature: 'hsIn(string, list<string>): bool',
                params: ['string', 'list<string>'],
                returns: 'bool',
                macro: false,
                description: 'the HS code starts with one of the prefixes',
              },
            ],
            countryGroups: ['eu'],
            watchlists: ['sanctioned-operators'],
          }),
        },
      }),
    },
    async (request) => rules.environment(actorOf(request)),
  );
  app.get<{ Params: { id: string } }>(
    '/rules/:id/comments',
    {
      schema: operation({
        operationId: 'listRuleComments',
        permission: 'rule.read',
        tags: ['rules'],
        summary: 'The comments on a rule, oldest first',
        params: idParams,
        responses: {
          200: jsonResponse('The comments', z.object({ items: z.array(ruleCommentSchema) }), {
            items: [RULE_COMMENT_EXAMPLE],
          }),
        },
        errors: ['VIGIL_RULE_NOT_FOUND'],
      }),
    },
    async (request) => ({ items: await rules.comments(actorOf(request), request.params.id) }),
  );
  app.post<{ Params: { id: string } }>(
    '/rules/:id/comments',
    {
      schema: operation({
        operationId: 'addRuleComment',
        permission: 'rule.comment',
        tags: ['rules'],
        summary: 'Comment on a rule (on its latest version); audited, never changed',
        params: idParams,
        body: jsonBody(ruleCommentInputSchema, { text: RULE_COMMENT_EXAMPLE.text }),
        responses: { 201: jsonResponse('The comment', ruleCommentSchema, RULE_COMMENT_EXAMPLE) },
        errors: ['VIGIL_RULE_NOT_FOUND'],
      }),
    },
    async (request, reply) =>
      reply.status(201).send(await rules.addComment(actorOf(request), request.params.id, request.body)),
  );
  app.post(
    '/rules/test',
    {
      schema: operation({
        operationId: 'testRule',
        permission: 'rule.read',
        tags: ['rules'],
        summary: 'Evaluate a proposed rule on one filing; nothing is stored',
        body: jsonBody(ruleTestDocSchema, {
          rule: RULE_INPUT_EXAMPLE,
          filing: opts.exampleFiling,
          consignment: 0,
        }),
        responses: {
          200: jsonResponse('Whether the rule hits the consignment, and why', ruleTestResultSchema, {
            hit: false,
            hits: [],
            errors: [],
          }),
        },
        errors: ['VIGIL_RULE_INVALID', 'VIGIL_RULE_TOO_COSTLY', 'VIGIL_FILING_INVALID'],
      }),
    },
    async (request) => {
      const b = parseInput(ruleTestSchema, request.body ?? {});
      const f = validateFiling(b.filing, { now: opts.clock.now(), checkDeadlines: false });
      if (!f.ok) {
        throw new VigilError(
          'VIGIL_FILING_INVALID',
          'the test filing is invalid',
          f.errors.map((e) => ({ ...e, path: e.path.replace(/^\$/, '$.filing') })),
        );
      }
      return rules.test(actorOf(request), { rule: b.rule, filing: f.value, consignment: b.consignment });
    },
  );

  app.get(
    '/watchlists',
    {
      schema: operation({
        operationId: 'listWatchlists',
        permission: 'rule.read',
        tags: ['watchlists'],
        summary: 'Watchlists with their sizes',
        responses: {
          200: jsonResponse('The watchlists', z.object({ items: z.array(watchlistSummarySchema) }), {
            items: [WATCHLIST_EXAMPLE],
          }),
        },
      }),
    },
    async (request) => ({ items: await rules.watchlists(actorOf(request)) }),
  );
  app.post(
    '/watchlists',
    {
      schema: operation({
        operationId: 'putWatchlist',
        permission: 'rule.write',
        tags: ['watchlists'],
        summary: 'Create or replace a watchlist with its entities',
        description:
          'Each entry is an entity: its `value` (main name), and optionally its `id` (unique in the list; one is made from the value when none is given), `aliases`, `type`, `identifiers`, `note`, `source` and `expires`. Two entities may bear the same name.',
        body: jsonBody(watchlistInputSchema, {
          name: 'sanctioned-operators',
          subject: 'operator-name',
          threshold: 0.9,
          description: 'Operators named in the EU consolidated sanctions list',
          entries: [
            {
              id: 'eu:13',
              value: 'Blue Horizon Trading FZE',
              aliases: ['Blue Horizon General Trading'],
              type: 'organisation',
              identifiers: [{ kind: 'registration', value: 'DMCC-118452' }],
              source: 'EU consolidated list',
              note: 'listed 2026-11-02',
            },
          ],
        }),
        responses: {
          201: jsonResponse('The list and its size', z.object({ name: z.string(), size: z.int() }), {
            name: 'sanctioned-operators',
            size: 1,
          }),
        },
        errors: ['VIGIL_WATCHLIST_INVALID'],
      }),
    },
    async (request, reply) =>
      reply.status(201).send(await rules.createWatchlist(actorOf(request), request.body)),
  );

  /** Reads an upload's body as it arrives (see the list readers); `replace` swaps the whole list. */
  const upload = async (request: FastifyRequest<{ Params: { name: string } }>, replace: boolean) => {
    const q = parseInput(uploadQuery, request.query, 'VIGIL_QUERY_INVALID');
    const body = request.body;
    if (!(body instanceof Readable)) {
      throw new VigilError(
        'VIGIL_UNSUPPORTED_MEDIA_TYPE',
        `send the list as ${LIST_CONTENT_TYPES.join(', ')}`,
      );
    }
    const declared = Number(request.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(declared) && declared > opts.watchlistMaxBytes) {
      throw new VigilError(
        'VIGIL_BODY_TOO_LARGE',
        `the list has ${declared} bytes; an upload takes at most ${opts.watchlistMaxBytes} (VIGIL_WATCHLIST_MAX_BYTES); nothing was stored`,
      );
    }
    return rules.uploadEntries(
      actorOf(request),
      request.params.name,
      body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer | string>,
      {
        format: q.format,
        contentType: String(request.headers['content-type'] ?? ''),
        replace: replace || q.replace === 'true',
        maxBytes: opts.watchlistMaxBytes,
      },
    );
  };
  const uploadDoc = (replace: boolean) => ({
    permission: 'rule.write' as const,
    tags: ['watchlists'],
    description: `${replace ? 'Replaces every entity of the list with those of the upload' : 'Adds the entities of the upload; one with the id of an entity of the list replaces it (`?replace=true` swaps the whole list)'}. The format is \`?format=\`, or else the content type's: \`text/csv\` is Vigil's CSV, \`application/x-ndjson\` its NDJSON, and an XML list (\`application/xml\`, \`text/xml\`) is recognised by its root element. Formats: \`csv\` (a header row naming \`value\` and optionally \`id\`, \`aliases\` separated by |, \`type\`, \`identifiers\` as kind:value pairs separated by |, \`note\`, \`source\`, \`expires\`), \`ndjson\` (one object a line with those fields, aliases and identifiers as lists), \`un-xml\` (the UN Security Council consolidated list), \`eu-fsf-xml\` (the EU financial sanctions file, FSF 1.1), \`ofac-sdn-csv\` (OFAC's sdn.csv, optionally followed by alt.csv in the same body) and \`ofac-sdn-xml\` (sdn.xml). The public lists go into lists of subject operator-name; each entity keeps its list's id (un:DATAID, eu:logicalId, ofac:ent_num), names, aliases, original-script names, type and identifiers. The body is read as it arrives, at most VIGIL_WATCHLIST_MAX_BYTES (64 MiB by default; 413 VIGIL_BODY_TOO_LARGE beyond). Every problem is reported at once with its place (a line, or an XPath) and nothing is stored unless all of it can be.`,
    consumes: [...LIST_CONTENT_TYPES],
    params: nameParams,
    query: replace ? replaceQuery : uploadQuery,
    body: textBody({
      'text/csv': {
        description:
          "Vigil's CSV: a header row naming a `value` column (and optionally `id`, `aliases`, `type`, `identifiers`, `note`, `source`, `expires`), then one entity a record; comma- or semicolon-separated. With `?format=ofac-sdn-csv`: OFAC's sdn.csv, optionally followed by alt.csv",
        example:
          'id,value,aliases,type,identifiers,note,source\neu:13,Blue Horizon Trading FZE,Blue Horizon General Trading,organisation,registration:DMCC-118452,listed 2026-11-02,EU consolidated list\n',
      },
      'application/x-ndjson': {
        description:
          'one JSON object a line with `value` (and optionally `id`, `aliases`, `type`, `identifiers`, `note`, `source`, `expires`), or a bare JSON string',
        example:
          '{"id":"eu:13","value":"Blue Horizon Trading FZE","aliases":["Blue Horizon General Trading"],"type":"organisation","identifiers":[{"kind":"registration","value":"DMCC-118452"}]}\n',
      },
      'application/xml': {
        description:
          'the UN consolidated list (`CONSOLIDATED_LIST`), the EU financial sanctions file (`export`) or the OFAC SDN list (`sdnList`)',
        example:
          '<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>9100001</DATAID><FIRST_NAME>IBRAHIM</FIRST_NAME><SECOND_NAME>AL-FARSI</SECOND_NAME><INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Abu Khalil</ALIAS_NAME></INDIVIDUAL_ALIAS></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>\n',
      },
      'text/xml': {
        description: 'as application/xml',
        example:
          '<sdnList xmlns="http://tempuri.org/sdnList.xsd"><sdnEntry><uid>36</uid><lastName>AEROCARIBBEAN AIRLINES</lastName><sdnType>Entity</sdnType></sdnEntry></sdnList>\n',
      },
    }),
    responses: {
      200: jsonResponse('The entities received', watchlistUploadResultSchema, {
        name: 'sanctioned-operators',
        format: 'un-xml' as const,
        received: 1003,
      }),
    },
    errors: [
      'VIGIL_WATCHLIST_NOT_FOUND',
      'VIGIL_WATCHLIST_INVALID',
      'VIGIL_BODY_TOO_LARGE',
      'VIGIL_UNSUPPORTED_MEDIA_TYPE',
      'VIGIL_XML_MALFORMED',
      'VIGIL_XML_FORBIDDEN',
      'VIGIL_XML_TOO_LARGE',
    ] as const,
  });
  // Watchlist uploads stay streams, read as they arrive. Their content types (CSV, NDJSON, XML) are
  // parsed in a scope of their own, so every other route still refuses them with 415.
  app.register((uploads, _options, registered) => {
    uploads.addContentTypeParser([...LIST_CONTENT_TYPES], (_request, payload, parsed) =>
      parsed(null, payload),
    );
    uploads.post<{ Params: { name: string } }>(
      '/watchlists/:name/entries',
      {
        schema: operation({
          ...uploadDoc(false),
          operationId: 'uploadWatchlistEntries',
          summary:
            'Add entities from an upload (CSV, NDJSON, or the UN, EU or OFAC list as published); ?replace=true swaps the list',
        }),
      },
      async (request) => upload(request, false),
    );
    uploads.put<{ Params: { name: string } }>(
      '/watchlists/:name/entries',
      {
        schema: operation({
          ...uploadDoc(true),
          operationId: 'replaceWatchlistEntries',
          summary: 'Replace every entity of a list with an upload (CSV, NDJSON, or the UN, EU or OFAC list)',
        }),
      },
      async (request) => upload(request, true),
    );
    registered();
  });
  app.get<{ Params: { name: string } }>(
    '/watchlists/:name/entries',
    {
      schema: operation({
        operationId: 'listWatchlistEntries',
        permission: 'rule.read',
        tags: ['watchlists'],
        summary:
          'The entities of a list (expired ones too) by value, paged with `next`; or with `?q=` the entities a name matches, each with its match explained',
        description:
          'With `q`, the name is screened against the list as a rule would screen it (at `threshold`, or the list’s own): the answer holds the entity it matches best and every other entity bearing the name that matched, each with `match` (the name of it that matched, the score, and word by word how). Expired entities match nothing.',
        params: nameParams,
        query: entriesQuery,
        responses: {
          200: jsonResponse('A page of entities', watchlistEntryPageSchema, {
            items: [WATCHLIST_ENTRY_EXAMPLE],
            next: null,
          }),
        },
        errors: ['VIGIL_WATCHLIST_NOT_FOUND'],
      }),
    },
    async (request) => {
      const q = parseInput(entriesQuery, request.query, 'VIGIL_QUERY_INVALID');
      return rules.listEntries(actorOf(request), request.params.name, q);
    },
  );
  app.delete<{ Params: { name: string } }>(
    '/watchlists/:name/entries',
    {
      schema: operation({
        operationId: 'deleteWatchlistEntry',
        permission: 'rule.write',
        tags: ['watchlists'],
        summary:
          'Take every entity whose main value is ?value=… off a list; they stop matching at once (one entity: DELETE …/entries/{id})',
        params: nameParams,
        query: deleteEntryQuery,
        responses: {
          200: jsonResponse(
            'The value taken off, and the ids of the entities that bore it',
            z.object({ name: z.string(), deleted: z.string(), ids: z.array(z.string()) }),
            { name: 'sanctioned-operators', deleted: 'Blue Horizon Trading FZE', ids: ['eu:13'] },
          ),
        },
        errors: ['VIGIL_WATCHLIST_NOT_FOUND', 'VIGIL_NOT_FOUND'],
      }),
    },
    async (request) => {
      const q = parseInput(deleteEntryQuery, request.query, 'VIGIL_QUERY_INVALID');
      return rules.deleteEntry(actorOf(request), request.params.name, q.value);
    },
  );
  app.get<{ Params: { name: string; id: string } }>(
    '/watchlists/:name/entries/:id',
    {
      schema: operation({
        operationId: 'getWatchlistEntity',
        permission: 'rule.read',
        tags: ['watchlists'],
        summary: 'One entity of a list (expired or not)',
        params: entityParams,
        responses: { 200: jsonResponse('The entity', watchlistEntrySchema, WATCHLIST_ENTRY_EXAMPLE) },
        errors: ['VIGIL_WATCHLIST_NOT_FOUND', 'VIGIL_WATCHLIST_ENTITY_NOT_FOUND'],
      }),
    },
    async (request) => rules.getEntity(actorOf(request), request.params.name, request.params.id),
  );
  app.get<{ Params: { name: string; id: string } }>(
    '/watchlists/:name/entries/:id/history',
    {
      schema: operation({
        operationId: 'getWatchlistEntityHistory',
        permission: 'rule.read',
        tags: ['watchlists'],
        summary:
          'Every state an entity had, oldest first: who added, changed, set its expiry or removed it, and when (kept after it is removed)',
        params: entityParams,
        responses: {
          200: jsonResponse('The history', watchlistEntityHistorySchema, {
            name: 'sanctioned-operators',
            id: 'eu:13',
            items: [
              {
                at: '2026-11-02T09:14:00.000Z',
                actor: 'analyst:ana',
                change: 'added',
                entity: {
                  value: 'Blue Horizon Trading FZE',
                  aliases: [],
                  type: 'organisation',
                  identifiers: [],
                  note: null,
                  source: 'EU consolidated list',
                  expiresAt: null,
                },
              },
              {
                at: '2026-11-20T16:02:00.000Z',
                actor: 'analyst:ana',
                change: 'expiry',
                entity: {
                  value: 'Blue Horizon Trading FZE',
                  aliases: [],
                  type: 'organisation',
                  identifiers: [],
                  note: null,
                  source: 'EU consolidated list',
                  expiresAt: '2027-07-01T00:00:00.000Z',
                },
              },
            ],
          }),
        },
        errors: ['VIGIL_WATCHLIST_NOT_FOUND', 'VIGIL_WATCHLIST_ENTITY_NOT_FOUND'],
      }),
    },
    async (request) => rules.entityHistory(actorOf(request), request.params.name, request.params.id),
  );
  app.put<{ Params: { name: string; id: string } }>(
    '/watchlists/:name/entries/:id',
    {
      schema: operation({
        operationId: 'putWatchlistEntity',
        permission: 'rule.write',
        tags: ['watchlists'],
        summary: 'Add an entity with this id, or replace the one the list has; it matches at once',
        params: entityParams,
        body: jsonBody(entityInputSchema, {
          value: 'Blue Horizon Trading FZE',
          aliases: ['Blue Horizon General Trading', 'بلو هورايزن للتجارة'],
          type: 'organisation',
          identifiers: [{ kind: 'registration', value: 'DMCC-118452' }],
          note: 'listed 2026-11-02',
          source: 'EU consolidated list',
        }),
        responses: {
          200: jsonResponse('The entity, replaced', watchlistEntrySchema, WATCHLIST_ENTRY_EXAMPLE),
          201: jsonResponse('The entity, added', watchlistEntrySchema, WATCHLIST_ENTRY_EXAMPLE),
        },
        errors: ['VIGIL_WATCHLIST_NOT_FOUND', 'VIGIL_WATCHLIST_INVALID'],
      }),
    },
    async (request, reply) => {
      const r = await rules.putEntity(actorOf(request), request.params.name, request.params.id, request.body);
      return reply.status(r.created ? 201 : 200).send(r.entity);
    },
  );
  app.delete<{ Params: { name: string; id: string } }>(
    '/watchlists/:name/entries/:id',
    {
      schema: operation({
        operationId: 'deleteWatchlistEntity',
        permission: 'rule.write',
        tags: ['watchlists'],
        summary: 'Take one entity off a list; it stops matching at once',
        params: entityParams,
        responses: {
          200: jsonResponse(
            'The entity taken off',
            z.object({ name: z.string(), deleted: z.string().describe('its id'), value: z.string() }),
            { name: 'sanctioned-operators', deleted: 'eu:13', value: 'Blue Horizon Trading FZE' },
          ),
        },
        errors: ['VIGIL_WATCHLIST_NOT_FOUND', 'VIGIL_WATCHLIST_ENTITY_NOT_FOUND'],
      }),
    },
    async (request) => rules.deleteEntity(actorOf(request), request.params.name, request.params.id),
  );
  app.put<{ Params: { name: string; id: string } }>(
    '/watchlists/:name/entries/:id/expiry',
    {
      schema: operation({
        operationId: 'setWatchlistEntityExpiry',
        permission: 'rule.write',
        tags: ['watchlists'],
        summary:
          'Set when an entity stops matching (a date: the end of that day, UTC; or a date-time); it stays listed',
        params: entityParams,
        body: jsonBody(expirySchema, { expires: '2027-06-30' }),
        responses: {
          200: jsonResponse('The entity', watchlistEntrySchema, {
            ...WATCHLIST_ENTRY_EXAMPLE,
            expiresAt: '2027-07-01T00:00:00.000Z',
          }),
        },
        errors: ['VIGIL_WATCHLIST_NOT_FOUND', 'VIGIL_WATCHLIST_ENTITY_NOT_FOUND'],
      }),
    },
    async (request) => {
      const b = parseInput(expirySchema, request.body ?? {});
      return rules.setExpiry(actorOf(request), request.params.name, request.params.id, b.expires);
    },
  );
  app.delete<{ Params: { name: string; id: string } }>(
    '/watchlists/:name/entries/:id/expiry',
    {
      schema: operation({
        operationId: 'clearWatchlistEntityExpiry',
        permission: 'rule.write',
        tags: ['watchlists'],
        summary: 'Clear an entity’s expiry: it matches again with no end',
        params: entityParams,
        responses: { 200: jsonResponse('The entity', watchlistEntrySchema, WATCHLIST_ENTRY_EXAMPLE) },
        errors: ['VIGIL_WATCHLIST_NOT_FOUND', 'VIGIL_WATCHLIST_ENTITY_NOT_FOUND'],
      }),
    },
    async (request) => rules.setExpiry(actorOf(request), request.params.name, request.params.id, null),
  );
  app.get<{ Params: { name: string } }>(
    '/watchlists/:name/match',
    {
      schema: operation({
        operationId: 'matchWatchlist',
        permission: 'rule.read',
        tags: ['watchlists'],
        summary:
          'Check a value against a list: whether it is listed, its score, and which entity and name it matched',
        params: nameParams,
        query: matchQuery,
        responses: {
          200: jsonResponse(
            'Whether the value is listed, its best score, and the match explained',
            watchlistMatchResultSchema,
            { listed: true, score: 0.96, match: WATCHLIST_MATCH_EXAMPLE },
          ),
        },
        errors: ['VIGIL_WATCHLIST_NOT_FOUND'],
      }),
    },
    async (request) => {
      const q = parseInput(matchQuery, request.query, 'VIGIL_QUERY_INVALID');
      return rules.matchWatchlist(actorOf(request), request.params.name, q.value);
    },
  );
  done();
};

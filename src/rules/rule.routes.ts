/**
 * HTTP adapter of analysts' rules (/v1/rules: create, version, list, test, backtest) and watchlists
 * (/v1/watchlists: create, upload entries as JSON, CSV or NDJSON, match a value).
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../auth/index.ts';
import { instantSchema, periodEnd, periodStart } from '../domain/index.ts';
import type { Clock } from '../domain/index.ts';
import { VigilError } from '../errors/index.ts';
import { parseInput } from '../errors/index.ts';
import { validateFiling } from '../intake/index.ts';
import { RULE_STATUSES } from '../risk/index.ts';
import { ruleInputSchema, watchlistInputSchema } from './rule.service.ts';
import { filingSchema } from '../intake/index.ts';
import { jsonBody, jsonResponse, operation, textBody } from '../contract/index.ts';
import {
  RULE_INPUT_EXAMPLE,
  STORED_RULE_EXAMPLE,
  backtestResultSchema,
  listedRuleSchema,
  ruleTestResultSchema,
  ruleWithVersionsSchema,
  storedRuleSchema,
  watchlistEntryPageSchema,
  watchlistSummarySchema,
} from './rule.contract.ts';
import type { RuleService } from './rule.service.ts';

export interface RuleRoutesOptions {
  readonly rules: RuleService;
  readonly clock: Clock;
  /** The filing the document shows for a rule test (the demo generator's). */
  readonly exampleFiling: z.input<typeof filingSchema>;
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
const RULE_CODES = ['VIGIL_RULE_INVALID', 'VIGIL_RULE_TOO_COSTLY'] as const;

const backtestSchema = z.strictObject({
  from: instantSchema,
  to: instantSchema,
  version: z.number().int().min(1).optional(),
});
const statusSchema = z.strictObject({ status: z.enum(RULE_STATUSES) });
const entriesQuery = z.strictObject({
  next: z.string().min(1).max(500).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const deleteEntryQuery = z.strictObject({ value: z.string().trim().min(1).max(500) });
const uploadQuery = z.strictObject({ replace: z.enum(['true', 'false']).default('false') });

export const ruleRoutes: FastifyPluginCallback<RuleRoutesOptions> = (app, opts, done) => {
  const { rules } = opts;
  // Watchlist uploads come as CSV or NDJSON text (this plugin's content types only).
  app.addContentTypeParser(['text/csv', 'application/x-ndjson'], { parseAs: 'string' }, (_req, body, next) =>
    next(null, body),
  );

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
        errors: [...RULE_CODES, 'VIGIL_FILING_INVALID'],
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
        summary: 'Create or replace a watchlist with its entries',
        body: jsonBody(watchlistInputSchema, {
          name: 'sanctioned-operators',
          subject: 'operator-name',
          threshold: 0.9,
          description: 'Operators named in the EU consolidated sanctions list',
          entries: [
            { value: 'Blue Horizon Trading FZE', source: 'EU consolidated list', note: 'listed 2026-11-02' },
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
  app.post<{ Params: { name: string } }>(
    '/watchlists/:name/entries',
    {
      schema: operation({
        operationId: 'uploadWatchlistEntries',
        permission: 'rule.write',
        tags: ['watchlists'],
        summary:
          'Bulk upload entries (text/csv with a value column, or application/x-ndjson); ?replace=true swaps the list',
        consumes: ['text/csv', 'application/x-ndjson'],
        params: nameParams,
        query: uploadQuery,
        body: textBody({
          'text/csv': {
            description:
              'a header row naming a `value` column (and optionally `note`, `source`, `expires`), then one entry a line; comma- or semicolon-separated',
            example: 'value,note,source\nBlue Horizon Trading FZE,listed 2026-11-02,EU consolidated list\n',
          },
          'application/x-ndjson': {
            description: 'one JSON object a line with `value` (and optionally `note`), or a bare JSON string',
            example: '{"value":"Blue Horizon Trading FZE","note":"listed 2026-11-02"}\n',
          },
        }),
        responses: {
          200: jsonResponse('The entries received', z.object({ name: z.string(), received: z.int() }), {
            name: 'sanctioned-operators',
            received: 1,
          }),
        },
        errors: ['VIGIL_WATCHLIST_NOT_FOUND', 'VIGIL_WATCHLIST_INVALID'],
      }),
    },
    async (request) => {
      const q = parseInput(uploadQuery, request.query, 'VIGIL_QUERY_INVALID');
      const type = String(request.headers['content-type'] ?? '');
      if (typeof request.body !== 'string') {
        throw new VigilError(
          'VIGIL_UNSUPPORTED_MEDIA_TYPE',
          'send entries as text/csv or application/x-ndjson',
        );
      }
      return rules.uploadEntries(
        actorOf(request),
        request.params.name,
        request.body,
        type.startsWith('text/csv') ? 'csv' : 'ndjson',
        q.replace === 'true',
      );
    },
  );
  app.get<{ Params: { name: string } }>(
    '/watchlists/:name/entries',
    {
      schema: operation({
        operationId: 'listWatchlistEntries',
        permission: 'rule.read',
        tags: ['watchlists'],
        summary:
          'The entries of a list (expired ones too) with their source and dates, by value; paged with `next`',
        params: nameParams,
        query: entriesQuery,
        responses: {
          200: jsonResponse('A page of entries', watchlistEntryPageSchema, {
            items: [
              {
                value: 'Blue Horizon Trading FZE',
                note: 'listed 2026-11-02',
                source: 'EU consolidated list',
                addedAt: '2027-03-01T09:00:00.000Z',
                expiresAt: null,
              },
            ],
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
        summary: 'Take one value off a list (?value=…); it stops matching at once',
        params: nameParams,
        query: deleteEntryQuery,
        responses: {
          200: jsonResponse('The value taken off', z.object({ name: z.string(), deleted: z.string() }), {
            name: 'sanctioned-operators',
            deleted: 'Blue Horizon Trading FZE',
          }),
        },
        errors: ['VIGIL_WATCHLIST_NOT_FOUND', 'VIGIL_NOT_FOUND'],
      }),
    },
    async (request) => {
      const q = parseInput(deleteEntryQuery, request.query, 'VIGIL_QUERY_INVALID');
      return rules.deleteEntry(actorOf(request), request.params.name, q.value);
    },
  );
  app.get<{ Params: { name: string } }>(
    '/watchlists/:name/match',
    {
      schema: operation({
        operationId: 'matchWatchlist',
        permission: 'rule.read',
        tags: ['watchlists'],
        summary: 'Check a value against a list, with its match score',
        params: nameParams,
        query: matchQuery,
        responses: {
          200: jsonResponse(
            'Whether the value is listed, and its best fuzzy score',
            z.object({ listed: z.boolean(), score: z.number().describe('0–1') }),
            { listed: true, score: 0.96 },
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

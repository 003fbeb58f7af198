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
import type { RuleService } from './rule.service.ts';

export interface RuleRoutesOptions {
  readonly rules: RuleService;
  readonly clock: Clock;
}

const ruleJsonSchema = z.toJSONSchema(ruleInputSchema, { io: 'input' });
const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const nameParams = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const;

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
      schema: {
        'x-vigil-permission': 'rule.write',
        tags: ['rules'],
        summary: 'Create a rule (version 1); its CEL condition is type-checked',
        body: ruleJsonSchema,
      },
    },
    async (request, reply) => reply.status(201).send(await rules.create(actorOf(request), request.body)),
  );
  app.get(
    '/rules',
    {
      schema: {
        'x-vigil-permission': 'rule.read',
        tags: ['rules'],
        summary: 'The latest version of every rule',
        querystring: { type: 'object', properties: { status: { type: 'string' } } },
      },
    },
    async (request) => {
      const q = parseInput(
        z.strictObject({ status: z.enum(['draft', 'active', 'retired']).optional() }),
        request.query,
        'VIGIL_QUERY_INVALID',
      );
      return { items: await rules.list(actorOf(request), q.status) };
    },
  );
  app.get<{ Params: { id: string } }>(
    '/rules/:id',
    {
      schema: {
        'x-vigil-permission': 'rule.read',
        tags: ['rules'],
        summary: 'A rule (latest, or ?version=N) and its versions',
        params: idParams,
        querystring: { type: 'object', properties: { version: { type: 'integer' } } },
      },
    },
    async (request) => {
      const q = parseInput(
        z.strictObject({ version: z.coerce.number().int().min(1).optional() }),
        request.query,
        'VIGIL_QUERY_INVALID',
      );
      return rules.get(actorOf(request), request.params.id, q.version);
    },
  );
  app.put<{ Params: { id: string } }>(
    '/rules/:id',
    {
      schema: {
        'x-vigil-permission': 'rule.write',
        tags: ['rules'],
        summary: 'Change a rule: makes a new version',
        params: idParams,
        body: ruleJsonSchema,
      },
    },
    async (request) => rules.update(actorOf(request), request.params.id, request.body),
  );
  app.post<{ Params: { id: string } }>(
    '/rules/:id/backtest',
    {
      schema: {
        'x-vigil-permission': 'rule.read',
        tags: ['rules'],
        summary: 'How the rule would have done on filings lodged in a period',
        params: idParams,
        body: z.toJSONSchema(backtestSchema),
      },
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
      schema: {
        'x-vigil-permission': 'rule.write',
        tags: ['rules'],
        summary: 'Activate, retire or draft a rule without sending it whole (a new version)',
        params: idParams,
        body: z.toJSONSchema(statusSchema),
      },
    },
    async (request) => {
      const b = parseInput(statusSchema, request.body ?? {});
      return rules.setStatus(actorOf(request), request.params.id, b.status);
    },
  );
  app.post(
    '/rules/test',
    {
      schema: {
        'x-vigil-permission': 'rule.read',
        tags: ['rules'],
        summary: 'Evaluate a proposed rule on one filing; nothing is stored',
      },
    },
    async (request) => {
      const b = parseInput(
        z.strictObject({
          rule: z.unknown(),
          filing: z.unknown(),
          consignment: z.number().int().min(0).optional(),
        }),
        request.body ?? {},
      );
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
      schema: {
        'x-vigil-permission': 'rule.read',
        tags: ['watchlists'],
        summary: 'Watchlists with their sizes',
      },
    },
    async (request) => ({ items: await rules.watchlists(actorOf(request)) }),
  );
  app.post(
    '/watchlists',
    {
      schema: {
        'x-vigil-permission': 'rule.write',
        tags: ['watchlists'],
        summary: 'Create or replace a watchlist with its entries',
        body: z.toJSONSchema(watchlistInputSchema, { io: 'input' }),
      },
    },
    async (request, reply) =>
      reply.status(201).send(await rules.createWatchlist(actorOf(request), request.body)),
  );
  app.post<{ Params: { name: string } }>(
    '/watchlists/:name/entries',
    {
      schema: {
        'x-vigil-permission': 'rule.write',
        tags: ['watchlists'],
        summary:
          'Bulk upload entries (text/csv with a value column, or application/x-ndjson); ?replace=true swaps the list',
        consumes: ['text/csv', 'application/x-ndjson'],
        params: nameParams,
      },
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
      schema: {
        'x-vigil-permission': 'rule.read',
        tags: ['watchlists'],
        summary:
          'The entries of a list (expired ones too) with their source and dates, by value; paged with `next`',
        params: nameParams,
      },
    },
    async (request) => {
      const q = parseInput(entriesQuery, request.query, 'VIGIL_QUERY_INVALID');
      return rules.listEntries(actorOf(request), request.params.name, q);
    },
  );
  app.delete<{ Params: { name: string } }>(
    '/watchlists/:name/entries',
    {
      schema: {
        'x-vigil-permission': 'rule.write',
        tags: ['watchlists'],
        summary: 'Take one value off a list (?value=…); it stops matching at once',
        params: nameParams,
      },
    },
    async (request) => {
      const q = parseInput(deleteEntryQuery, request.query, 'VIGIL_QUERY_INVALID');
      return rules.deleteEntry(actorOf(request), request.params.name, q.value);
    },
  );
  app.get<{ Params: { name: string } }>(
    '/watchlists/:name/match',
    {
      schema: {
        'x-vigil-permission': 'rule.read',
        tags: ['watchlists'],
        summary: 'Check a value against a list, with its match score',
        params: nameParams,
        querystring: { type: 'object', properties: { value: { type: 'string' } }, required: ['value'] },
      },
    },
    async (request) => {
      const q = parseInput(
        z.strictObject({ value: z.string().min(1).max(500) }),
        request.query,
        'VIGIL_QUERY_INVALID',
      );
      return rules.matchWatchlist(actorOf(request), request.params.name, q.value);
    },
  );
  done();
};

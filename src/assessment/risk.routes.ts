/**
 * HTTP adapter of the risk side: rules (/v1/rules), watchlists (/v1/watchlists), a filing's
 * assessment for officials, its outcome for the filer, analysts' reviews, RFI answers and the filer's
 * notification feed.
 */
import type { FastifyPluginCallback } from 'fastify';
import { z } from 'zod';
import { actorOf } from '../api/server.ts';
import { parseInput } from '../api/parse-input.ts';
import { VigilError } from '../errors/index.ts';
import { validateFiling } from '../intake/index.ts';
import type { Clock } from '../intake/index.ts';
import type { AssessmentService, ExplainedHit } from './assessment.service.ts';
import { filerView } from './assessment.service.ts';
import type { EntryOutcome } from './selectivity.ts';
import { ruleInputSchema, watchlistInputSchema } from './rule.service.ts';
import type { RuleService } from './rule.service.ts';
import type { RiskRepository } from './risk.repository.ts';
import type { Database } from '../store/database.ts';

export interface RiskRoutesOptions {
  readonly rules: RuleService;
  readonly assessments: AssessmentService;
  readonly risk: RiskRepository;
  readonly db: Database;
  readonly clock: Clock;
}

const ruleJsonSchema = z.toJSONSchema(ruleInputSchema, { io: 'input' });
const idParams = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] } as const;
const mrnParams = { type: 'object', properties: { mrn: { type: 'string' } }, required: ['mrn'] } as const;
const nameParams = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'] } as const;

const backtestSchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  version: z.number().int().min(1).optional(),
});
const reviewSchema = z.strictObject({
  consignment: z.number().int().min(0),
  hitId: z.string().min(1).max(100),
  decision: z.enum(['confirmed', 'dismissed']),
  reason: z.string().trim().min(1).max(1000).optional(),
});
const rfiSchema = z.strictObject({
  consignment: z.number().int().min(0).default(0),
  answer: z.string().trim().min(1).max(10_000),
});
const notificationsQuery = z.strictObject({
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const uploadQuery = z.strictObject({ replace: z.enum(['true', 'false']).default('false') });

export const riskRoutes: FastifyPluginCallback<RiskRoutesOptions> = (app, opts, done) => {
  const { rules, assessments } = opts;
  // Watchlist uploads come as CSV or NDJSON text (this plugin's content types only).
  app.addContentTypeParser(['text/csv', 'application/x-ndjson'], { parseAs: 'string' }, (_req, body, next) =>
    next(null, body),
  );

  app.post(
    '/rules',
    {
      schema: {
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
        tags: ['rules'],
        summary: 'How the rule would have done on filings lodged in a period',
        params: idParams,
        body: z.toJSONSchema(backtestSchema),
      },
    },
    async (request) => {
      const b = parseInput(backtestSchema, request.body ?? {});
      return rules.backtest(actorOf(request), request.params.id, {
        from: new Date(b.from),
        to: new Date(b.to),
        version: b.version,
      });
    },
  );
  app.post(
    '/rules/test',
    { schema: { tags: ['rules'], summary: 'Evaluate a proposed rule on one filing; nothing is stored' } },
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
    { schema: { tags: ['watchlists'], summary: 'Watchlists with their sizes' } },
    async (request) => ({ items: await rules.watchlists(actorOf(request)) }),
  );
  app.post(
    '/watchlists',
    {
      schema: {
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
        tags: ['watchlists'],
        summary:
          'Bulk upload entries (text/csv with a value column, or application/x-ndjson); ?replace=true swaps the list',
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
    '/watchlists/:name/match',
    {
      schema: {
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

  app.get<{ Params: { mrn: string } }>(
    '/filings/:mrn/assessment',
    {
      schema: {
        tags: ['assessment'],
        summary: 'The current assessment with its explanation (officials)',
        params: mrnParams,
      },
    },
    async (request) => {
      const actor = actorOf(request);
      if (actor.role === 'filer') {
        throw new VigilError(
          'VIGIL_FORBIDDEN',
          'filers see the outcome (GET /v1/filings/{mrn}/outcome), not the assessment',
        );
      }
      const { row, assessments: list } = await assessments.current(actor, request.params.mrn);
      const reviews = await opts.risk.reviewsOf(
        opts.db.forAuthority(actor.authority),
        actor.authority,
        row.mrn,
      );
      return {
        mrn: row.mrn,
        filingVersion: row.version,
        status: list.length === 0 ? 'pending' : 'assessed',
        consignments: list.map((a) => ({
          index: a.seq,
          version: a.version,
          score: a.score,
          outcome: a.outcome,
          hits: a.hits as ExplainedHit[],
          errors: a.errors,
          random: a.random,
          model: a.model,
          assessedAt: a.assessedAt.toISOString(),
          reviews: reviews.filter((r) => r.version === a.version && r.seq === a.seq),
        })),
      };
    },
  );
  app.get<{ Params: { mrn: string } }>(
    '/filings/:mrn/outcome',
    {
      schema: {
        tags: ['assessment'],
        summary: 'What the carrier must do, per consignment',
        params: mrnParams,
      },
    },
    async (request) => {
      const { row, assessments: list } = await assessments.current(actorOf(request), request.params.mrn);
      return {
        mrn: row.mrn,
        status: row.status,
        consignments:
          row.body &&
          (row.body as { consignments: unknown[] }).consignments.map((_c, seq) => {
            const a = list.find((x) => x.seq === seq);
            return {
              index: seq,
              outcome: a === undefined ? { kind: 'pending' } : filerView(a.outcome as EntryOutcome),
            };
          }),
      };
    },
  );
  app.post<{ Params: { mrn: string } }>(
    '/filings/:mrn/assessment/reviews',
    {
      schema: {
        tags: ['assessment'],
        summary: 'An analyst confirms or dismisses a hit',
        params: mrnParams,
        body: z.toJSONSchema(reviewSchema),
      },
    },
    async (request) => {
      const b = parseInput(reviewSchema, request.body ?? {});
      const a = await assessments.review(actorOf(request), request.params.mrn, b);
      return { index: a.seq, version: a.version, outcome: a.outcome };
    },
  );
  app.post<{ Params: { mrn: string } }>(
    '/filings/:mrn/rfi-response',
    {
      schema: {
        tags: ['assessment'],
        summary: 'The filer answers a request for information',
        params: mrnParams,
        body: z.toJSONSchema(rfiSchema, { io: 'input' }),
      },
    },
    async (request) => {
      const b = parseInput(rfiSchema, request.body ?? {});
      const a = await assessments.answerRfi(actorOf(request), request.params.mrn, b);
      return { index: a.seq, outcome: filerView(a.outcome as EntryOutcome) };
    },
  );
  app.get(
    '/notifications',
    {
      schema: { tags: ['assessment'], summary: 'Outcome notifications after `since` (an id), oldest first' },
    },
    async (request) => {
      const actor = actorOf(request);
      const q = parseInput(notificationsQuery, request.query, 'VIGIL_QUERY_INVALID');
      const items = await opts.risk.notifications(
        opts.db.forAuthority(actor.authority),
        actor.authority,
        actor.role === 'filer' ? actor.subject : undefined,
        q.since,
        q.limit,
      );
      return {
        items: items.map((n) => ({
          id: n.id,
          mrn: n.mrn,
          kind: n.kind,
          payload: n.payload,
          createdAt: new Date(n.created_at).toISOString(),
        })),
        next: items.length > 0 ? items[items.length - 1]!.id : q.since,
      };
    },
  );
  done();
};

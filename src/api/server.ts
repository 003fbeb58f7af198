/**
 * The HTTP server: Fastify with JSON parsing under Vigil's rules, bearer authentication on /v1,
 * problem+json errors, OpenAPI at /docs, and each feature's routes. `buildServer` has no side
 * effects until `start()`.
 */
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import cookie from '@fastify/cookie';
import type { Logger } from 'pino';
import { z } from 'zod';
import { assessmentRoutes } from '../assessment/assessment.routes.ts';
import { queueRoutes } from '../assessment/queue.routes.ts';
import { apiKeyRoutes } from '../api-keys/api-key.routes.ts';
import { certificateRoutes } from '../certificates/certificate.routes.ts';
import type { CertificateService } from '../certificates/index.ts';
import { resultSignalRoutes } from '../result-signals/result-signal.routes.ts';
import type { ResultSignalService } from '../result-signals/index.ts';
import { iprRoutes } from '../ipr/ipr.routes.ts';
import type { IprService } from '../ipr/index.ts';
import { operatorRegistryRoutes } from '../operators/operator-registry.routes.ts';
import type { OperatorRegistryService } from '../operators/index.ts';
import type { ApiKeyService } from '../api-keys/index.ts';
import type { IdentityProvider, PeopleService } from '../people/index.ts';
import { sessionRoutes, signInRoutes } from '../people/session.routes.ts';
import { auditRoutes } from '../audit/audit.routes.ts';
import type { AuditLog } from '../audit/index.ts';
import { modelRoutes } from '../models/model.routes.ts';
import { ensModelRoutes } from '../models/ens-model.routes.ts';
import type { EnsModelService, ModelStore } from '../models/index.ts';
import type { AssessmentService, QueueService } from '../assessment/index.ts';
import type { TokenService } from '../auth/index.ts';
import { OutboxRepository } from '../bus/index.ts';
import type { VigilConfig } from '../config/index.ts';
import { controlRoutes } from '../controls/control.routes.ts';
import type { ControlService } from '../controls/index.ts';
import { rifRoutes } from '../cooperation/rif.routes.ts';
import { operationRoutes } from '../operations/operation.routes.ts';
import type { OperationService } from '../operations/index.ts';
import { unionRoutes } from '../union/union.routes.ts';
import type { UnionService } from '../union/index.ts';
import { commonCriterionRoutes } from '../common-criteria/common-criterion.routes.ts';
import type { CommonCriterionService } from '../common-criteria/index.ts';
import { indicatorRoutes } from '../indicators/indicator.routes.ts';
import type { IndicatorService } from '../indicators/index.ts';
import type { RifService, SharingService, StixExchange } from '../cooperation/index.ts';
import type { Clock } from '../domain/index.ts';
import { VigilError } from '../errors/index.ts';
import { importRoutes } from '../import-declarations/import.routes.ts';
import type { ImportService } from '../import-declarations/index.ts';
import { bulkRoutes } from '../intake/bulk.routes.ts';
import { filingRoutes } from '../intake/filing.routes.ts';
import type { FilingService } from '../intake/index.ts';
import { notificationRoutes } from '../notifications/notification.routes.ts';
import { eventStreamRoutes } from '../notifications/event-stream.routes.ts';
import { webhookRoutes } from '../notifications/webhook.routes.ts';
import type { NotificationService, StaffNoticeService, WebhookService } from '../notifications/index.ts';
import type { VigilMetrics } from '../observability/metrics.ts';
import { ruleRoutes } from '../rules/rule.routes.ts';
import { ruleCapRoutes } from '../rule-caps/rule-cap.routes.ts';
import type { RuleCapService } from '../rule-caps/index.ts';
import { staffNoticeRoutes } from '../notifications/staff-notice.routes.ts';
import { referenceRoutes } from '../reference/reference.routes.ts';
import type { ReferenceService } from '../reference/index.ts';
import type { RuleService } from '../rules/index.ts';
import { isReachable } from '../store/database.ts';
import type { Database } from '../store/database.ts';
import {
  componentSchemas,
  hoistDefinitions,
  jsonResponse,
  operation,
  textResponse,
} from '../contract/index.ts';
import { demoExampleFiling } from '../demo/demo-example.ts';
import { bearerStillValid, decorateActor, requireBearer, requireMetricsAccess } from './auth.plugin.ts';
import { checkJsonLimits } from './json-limits.ts';
import type { JsonLimits } from './json-limits.ts';
import { sendProblem } from './problem.ts';
import { workbench } from './workbench.plugin.ts';

const healthSchema = z.object({ status: z.literal('ok') });
const readinessSchema = z.object({
  status: z.enum(['ready', 'not-ready']),
  database: z.enum(['ok', 'down']),
  bus: z.enum(['ok', 'down', 'none']).describe('none: the embedded default runs without a bus'),
});

/** The running bus, as /ready and /metrics see it. */
export interface BusStatus {
  /** Is the bus reachable (for /ready)? */
  healthy(): boolean;
  /** Messages the assessment consumer has not finished (JetStream mode). */
  consumerPending?(): Promise<number>;
}

export interface ServerDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly tokens: TokenService;
  readonly apiKeys: ApiKeyService;
  readonly people: PeopleService;
  /** The OpenID Connect provider people sign in at, when one is configured. */
  readonly identityProvider?: IdentityProvider | undefined;
  readonly filings: FilingService;
  readonly rules: RuleService;
  readonly assessments: AssessmentService;
  readonly queue: QueueService;
  readonly notifications: NotificationService;
  readonly staffNotices: StaffNoticeService;
  readonly ruleCaps: RuleCapService;
  readonly webhooks: WebhookService;
  readonly controls: ControlService;
  readonly rifs: RifService;
  readonly operations: OperationService;
  readonly union: UnionService;
  readonly commonCriteria: CommonCriterionService;
  readonly indicators: IndicatorService;
  readonly sharing: SharingService;
  readonly stix: StixExchange;
  readonly imports: ImportService;
  readonly reference: ReferenceService;
  readonly operatorRegistry: OperatorRegistryService;
  readonly certificates: CertificateService;
  readonly resultSignals: ResultSignalService;
  readonly ipr: IprService;
  readonly models: ModelStore;
  readonly ensModels: EnsModelService;
  readonly audit: AuditLog;
  readonly log: Logger;
  readonly metrics: VigilMetrics;
  /** The running bus, when there is one: /ready reports it and /metrics its backlog. */
  readonly runningBus?: BusStatus | undefined;
}

export interface VigilServer {
  readonly app: FastifyInstance;
  start(): Promise<string>;
  stop(): Promise<void>;
}

export async function buildServer(config: VigilConfig, deps: ServerDeps): Promise<VigilServer> {
  // Fastify's own logger type, so the instance keeps the default type parameters.
  const logger: FastifyBaseLogger = deps.log;
  const app = Fastify({
    // One JSON logger for the process; every line of a request carries its reqId.
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    // A caller's request id is kept only when it is a plain token; anything else (a log injection,
    // a megabyte of text) gets a fresh one.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._:-]{1,64}$/.test(given) ? given : crypto.randomUUID();
    },
  });

  decorateActor(app);
  const outbox = new OutboxRepository(deps.db);
  // Schemas document the API (OpenAPI); Vigil validates bodies itself, with its own error codes,
  // and serialises with JSON.stringify so no field is ever silently dropped.
  app.setValidatorCompiler(() => (data: unknown) => ({ value: data }));
  app.setSerializerCompiler(() => (data: unknown) => JSON.stringify(data));

  // JSON only: Fastify's default text/plain parser would let a wrong content type through.
  // Depth and keys are checked before parsing. A route that declares its own, larger body limit
  // takes a document other than a filing (a model file, whose maps hold tens of thousands of keys):
  // only the depth limit applies there.
  const jsonLimits: JsonLimits = { maxDepth: config.bodyMaxDepth, maxKeys: config.bodyMaxKeys };
  const documentLimits: JsonLimits = { maxDepth: config.bodyMaxDepth, maxKeys: Number.MAX_SAFE_INTEGER };
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    try {
      const largeDocument = request.routeOptions.bodyLimit > config.bodyLimitBytes;
      checkJsonLimits(body as string, largeDocument ? documentLimits : jsonLimits);
    } catch (err) {
      done(err as Error, undefined);
      return;
    }
    try {
      done(null, JSON.parse(body as string));
    } catch (err) {
      const why = err instanceof RangeError ? 'it is nested too deeply' : (err as Error).message;
      done(new VigilError('VIGIL_BODY_NOT_JSON', `the body is not valid JSON: ${why}`), undefined);
    }
  });

  app.setErrorHandler((err, request, reply) => sendProblem(reply, request, err));
  // A request for no route is answered before its body is read: Fastify would otherwise parse it
  // for the not-found handler (a 4 MB nested array cost a second of CPU for a 404).
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.is404) {
      done(new VigilError('VIGIL_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]!}`));
      return;
    }
    done();
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      new VigilError('VIGIL_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]!}`),
    ),
  );

  // Security headers on every answer; the API docs page (swagger-ui) needs its inline scripts and
  // styles, so the content security policy is left to that page.
  await app.register(helmet, { contentSecurityPolicy: false });
  // People's session cookie (the workbench); parsed on every request, read only in /v1.
  await app.register(cookie);

  // Per-client throttle on every route. The limiter is a route-level onRequest hook, so it runs
  // after the /v1 bearer check (which sets request.actor) and before the body is read: a client is
  // its token's subject in its authority, or its IP address when it sent none. A request made with
  // an API key counts against that key, under the key's own limit per minute when it has one.
  const keyLimit = (request: FastifyRequest): number | undefined => request.apiKey?.rateLimitPerMinute;
  await app.register(rateLimit, {
    max: (request) => keyLimit(request) ?? config.rateLimit.max,
    timeWindow: (request) => (keyLimit(request) !== undefined ? 60 : config.rateLimit.windowSeconds) * 1000,
    enableDraftSpec: true,
    keyGenerator: (request) =>
      request.apiKey !== null
        ? `key:${request.apiKey.keyId}`
        : request.actor !== null
          ? `actor:${request.actor.authority}:${request.actor.subject}`
          : `ip:${request.ip}`,
    errorResponseBuilder: (request, context) =>
      new VigilError(
        'VIGIL_RATE_LIMITED',
        `more than ${context.max} requests in ${keyLimit(request) !== undefined ? 60 : config.rateLimit.windowSeconds} s from this ${request.apiKey !== null ? 'API key' : 'client'}; retry in ${context.after}`,
      ),
  });

  await app.register(swagger, {
    // Named response schemas (zod `.meta({ id })`) become components.
    transformObject: (documentObject) =>
      'openapiObject' in documentObject
        ? hoistDefinitions(documentObject.openapiObject)
        : documentObject.swaggerObject,
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Vigil API',
        version: '1',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
        description:
          'Customs risk management and cooperation. Errors are application/problem+json with a stable `code`; validation errors carry `errors: [{ code, path, message }]`.',
      },
      // Relative: the document describes the server that serves it (a client sets its base URL).
      servers: [{ url: '/', description: 'the Vigil server that serves this document' }],
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT or API key',
            description: 'A token (JWT) or an API key (vgk_<prefix>_<secret>), in the same header',
          },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'vigil_session',
            description:
              'A person’s session (POST /v1/session); changes also send the session’s CSRF token in X-CSRF-Token',
          },
        },
        schemas: componentSchemas(),
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.get(
    '/health',
    {
      schema: operation({
        operationId: 'getHealth',
        public: true,
        tags: ['operations'],
        summary: 'Liveness',
        responses: { 200: jsonResponse('The process answers', healthSchema, { status: 'ok' }) },
        errors: ['VIGIL_RATE_LIMITED'],
      }),
    },
    () => ({
      status: 'ok',
    }),
  );

  app.get(
    '/ready',
    {
      schema: operation({
        operationId: 'getReadiness',
        public: true,
        tags: ['operations'],
        summary: 'Readiness: the database and the bus are reachable',
        responses: {
          200: jsonResponse('Ready', readinessSchema, { status: 'ready', database: 'ok', bus: 'none' }),
          503: jsonResponse('Not ready: the database or the bus is down', readinessSchema, {
            status: 'not-ready',
            database: 'down',
            bus: 'none',
          }),
        },
        errors: ['VIGIL_RATE_LIMITED'],
      }),
    },
    async (_request, reply) => {
      const database = await isReachable(deps.db);
      const bus = deps.runningBus === undefined ? 'none' : deps.runningBus.healthy() ? 'ok' : 'down';
      const ready = database && bus !== 'down';
      return reply
        .status(ready ? 200 : 503)
        .send({ status: ready ? 'ready' : 'not-ready', database: database ? 'ok' : 'down', bus });
    },
  );

  app.get(
    '/metrics',
    {
      schema: operation({
        operationId: 'getMetrics',
        tags: ['operations'],
        summary: 'Prometheus metrics (the scrape token, or an admin or auditor token)',
        responses: {
          200: textResponse(
            'Prometheus text exposition format',
            'text/plain',
            '# HELP vigil_filings_total Filings registered\n# TYPE vigil_filings_total counter\nvigil_filings_total 42\n',
          ),
        },
      }),

      onRequest: requireMetricsAccess(deps.tokens, config.metricsToken),
    },
    async (_request, reply) => {
      const backlog = await outbox.backlog().catch(() => undefined);
      if (backlog !== undefined) {
        deps.metrics.setBacklog(backlog.pending, backlog.oldestSeconds);
      }
      if (deps.runningBus?.consumerPending !== undefined) {
        deps.metrics.setConsumerLag(await deps.runningBus.consumerPending());
      }
      return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
    },
  );

  // The document's example filing comes from the demo generator (the features do not depend on it).
  const exampleFiling = demoExampleFiling();
  const sessionOptions = { people: deps.people, secureCookie: config.sessions.secureCookie };
  await app.register(signInRoutes, {
    ...sessionOptions,
    localPasswords: config.sessions.localPasswords,
    oidc:
      config.sessions.oidc !== undefined && deps.identityProvider !== undefined
        ? { config: config.sessions.oidc, provider: deps.identityProvider }
        : undefined,
    prefix: '/v1',
  });
  await app.register(
    async (v1) => {
      requireBearer(v1, deps.tokens, deps.apiKeys, deps.people);
      await v1.register(sessionRoutes, sessionOptions);
      await v1.register(filingRoutes, { filings: deps.filings, exampleFiling });
      await v1.register(bulkRoutes, {
        filings: deps.filings,
        exampleFiling,
        limits: { ...config.bulk, maxLineBytes: config.bodyLimitBytes },
        checkJson: (text) => checkJsonLimits(text, jsonLimits),
        onDefect: (err, line) => deps.log.error({ err, line }, 'bulk filing: a line failed'),
        onEnd: (end) => deps.log.info({ bulk: end }, 'bulk filing: run ended'),
      });
      await v1.register(controlRoutes, { controls: deps.controls });
      await v1.register(importRoutes, { imports: deps.imports });
      await v1.register(ruleRoutes, {
        rules: deps.rules,
        clock: deps.clock,
        exampleFiling,
        watchlistMaxBytes: config.watchlistMaxBytes,
      });
      await v1.register(assessmentRoutes, { assessments: deps.assessments });
      await v1.register(queueRoutes, {
        assessments: deps.assessments,
        queue: deps.queue,
        pollMs: config.webhooks.streamPollMs,
        heartbeatMs: config.webhooks.streamHeartbeatMs,
        stillAuthenticated: bearerStillValid(deps.tokens, deps.apiKeys, deps.people),
      });
      await v1.register(notificationRoutes, { notifications: deps.notifications });
      await v1.register(staffNoticeRoutes, { notices: deps.staffNotices });
      await v1.register(ruleCapRoutes, { ruleCaps: deps.ruleCaps });
      await v1.register(webhookRoutes, { webhooks: deps.webhooks });
      await v1.register(eventStreamRoutes, {
        notifications: deps.notifications,
        pollMs: config.webhooks.streamPollMs,
        heartbeatMs: config.webhooks.streamHeartbeatMs,
        stillAuthenticated: bearerStillValid(deps.tokens, deps.apiKeys, deps.people),
      });
      await v1.register(modelRoutes, { db: deps.db, models: deps.models });
      await v1.register(ensModelRoutes, { ensModels: deps.ensModels });
      await v1.register(auditRoutes, { db: deps.db, audit: deps.audit });
      await v1.register(rifRoutes, { rifs: deps.rifs, sharing: deps.sharing, stix: deps.stix });
      await v1.register(operationRoutes, { operations: deps.operations });
      await v1.register(unionRoutes, { union: deps.union });
      await v1.register(commonCriterionRoutes, { criteria: deps.commonCriteria });
      await v1.register(indicatorRoutes, { indicators: deps.indicators, clock: deps.clock });
      await v1.register(apiKeyRoutes, { apiKeys: deps.apiKeys });
      await v1.register(referenceRoutes, { reference: deps.reference });
      await v1.register(operatorRegistryRoutes, { registry: deps.operatorRegistry });
      await v1.register(certificateRoutes, { certificates: deps.certificates });
      await v1.register(resultSignalRoutes, { resultSignals: deps.resultSignals });
      await v1.register(iprRoutes, { ipr: deps.ipr });
    },
    { prefix: '/v1' },
  );
  // The workbench (web/): its built assets at /, and index.html for its client-side routes.
  await app.register(workbench, { root: config.webDir });

  return {
    app,
    async start() {
      return app.listen({ port: config.port, host: config.host });
    },
    async stop() {
      await app.close();
    },
  };
}
